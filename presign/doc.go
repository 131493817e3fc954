// Package presign fetches an Object Lambda event's presigned inputS3Url, and
// nothing else.
//
// # Why this package exists
//
// An Object Lambda function is handed a URL and asked to GET it. If the event
// can be forged, or the code is careless, that URL is an SSRF primitive: it can
// point at the instance metadata service, at localhost, or at an attacker's
// server that then learns the caller's headers. AWS also signs some of the
// caller's headers into the URL, and S3 refuses the request unless exactly
// those headers are replayed and no unsigned x-amz-* header is added. And the
// network is not perfect: S3 answers 503 SlowDown, connections reset, bodies
// end early. This package puts all of that in one place so the handler does
// not have to think about it.
//
// # Trust
//
// A [Policy] accepts https URLs on port 443 whose host is an Amazon S3 host of
// a trusted partition (aws, aws-cn, aws-us-gov by default): path-style,
// virtual-hosted, FIPS, dual-stack and access-point forms, see [Policy.Check].
// Host matching is done on whole DNS labels of lower-case ASCII, so
// s3.amazonaws.com.evil.com, punycode look-alikes, IP literals and trailing
// dots are refused. Endpoints configured on purpose ([WithTrustedEndpoint],
// [WithEndpointsFromEnv], for example a local S3 server at
// http://127.0.0.1:7070) are trusted by exact scheme, host and port.
//
// The check runs before any network traffic. Then, at connect time, the
// [Client]'s dialer refuses loopback, private, link-local (including
// 169.254.169.254 and fd00::/8), unspecified, multicast and other special
// addresses, and every IPv6 address outside global unicast (2000::/3, which
// also excludes every form that embeds an IPv4 address), for every host that
// is not an explicitly trusted endpoint, so a DNS name that resolves to an
// internal address gets nowhere ([WithAllowedAddresses] admits the private
// addresses of an S3 interface VPC endpoint). Redirects are followed at most
// three times, only to the same scheme, host and port, and each target is
// checked again. The client ignores proxy environment variables.
//
// [NewPolicy] builds a policy from [PolicyOption] values ([WithPartitions],
// [WithRegion], [WithTrustedEndpoint], [WithEndpointsFromEnv],
// [WithAllowedAddresses]); [NewClient] takes it with [WithPolicy], next to
// the timeouts and retries ([WithConnectTimeout], [WithHeaderTimeout],
// [WithStallTimeout], [WithRetries]) and [WithTLSConfig]. A function built
// with the objectlambda package gets both from objectlambda.WithTrustPolicy
// and WithFetchOptions and never calls this package itself; a handler of its
// own (objectlambda.Wrap) can use a Client to fetch its inputS3Url safely.
//
// # Signed headers
//
// Every header named in the URL's X-Amz-SignedHeaders (except host, which the
// HTTP client derives from the URL) is copied from [Request].UserHeaders,
// matched case-insensitively. A missing one is a 400 InvalidRequest naming the
// header. [Request].Header may add standard headers (Range, If-Match, ...); an
// x-amz-* header there is refused unless it is signed.
//
// # Errors
//
// Every error from [Client.Fetch] except a caller's context ending is an
// *[s3err.Error], ready to become the function's reply, with a cause that
// errors.Is can test:
//
//	situation                                    status  code                  errors.Is
//	-------------------------------------------  ------  --------------------  ---------------------------------
//	URL refused by the policy                     500    InternalError         ErrUntrustedURL (*UntrustedURLError)
//	host resolves to a non-public address         500    InternalError         ErrForbiddenAddress
//	redirect off-origin / >3 hops / unfollowed 3xx 500   InternalError         ErrRedirectRefused
//	upstream 1xx, or 2xx other than 200/206       500    InternalError         ErrUnexpectedStatus
//	signed header missing from the user request   400    InvalidRequest        ErrMissingSignedHeader
//	unsigned x-amz-* header in Request.Header     400    InvalidRequest        ErrUnsignedHeader
//	upstream status >= 400                        same   upstream <Code>, or   (cause *UpstreamError)
//	                                                     the status's code (below)
//	connect/DNS/reset/TLS failure, all attempts   503    ServiceUnavailable    ErrUpstreamUnreachable
//	connect or response-header timeout            503    ServiceUnavailable    ErrUpstreamTimeout
//	caller's ctx deadline                         (plain error)                ErrUpstreamTimeout, context.DeadlineExceeded
//	caller's ctx cancelled                        (plain error)                context.Canceled
//
// The plain errors for the caller's context are deliberate: [s3err.From] maps
// them to the Lambda-timeout and cancellation replies. An upstream error's
// request ids are in its [UpstreamError], for logs.
//
// Upstream statuses 429, 500, 502, 503 and 504 and connection failures are
// retried (default 3 attempts, exponential backoff with jitter, never
// sleeping past the context deadline), but only inside Fetch: once a
// [Response] is returned its body is never re-fetched. 304 is returned as a
// Response with an empty body. Errors of HEAD requests have no body, so their
// code comes from their status: 400 BadRequest, 403 AccessDenied, 404
// NoSuchKey, 412 PreconditionFailed, 416 InvalidRange, 429 SlowDown, 500
// InternalError, 503 ServiceUnavailable; another 4xx is BadRequest, another
// 5xx InternalError. So does an error document that is oversized, not plain
// XML, or carries a <Code> WriteGetObjectResponse would refuse.
//
// Reading [Response].Body can fail after Fetch succeeded:
//
//	body ended before its declared length, or broke  503  ServiceUnavailable  ErrTruncated (and io.ErrUnexpectedEOF when short)
//	no byte for the stall timeout                    503  ServiceUnavailable  ErrUpstreamTimeout
//	more bytes than declared                         500  InternalError       ErrOverlong
//	full-object x-amz-checksum-* does not match      500  InternalError       ErrChecksumMismatch
//	caller's ctx ends                                (plain error)            context error (+ ErrUpstreamTimeout on deadline)
//
// A body never ends with a clean io.EOF unless it is complete and, on a 200
// with a full-object checksum (crc32, crc32c, crc64nvme, sha1, sha256;
// composite "-N" values are skipped), verified. Note that Go's HTTP client
// itself stops at Content-Length, so ErrOverlong is seen only when the length
// comes from Content-Range on a chunked 206.
//
// # Logging
//
// With [WithLogger] the client logs at debug level: host, method, status,
// attempt number and durations. It never logs a path's query string (which
// holds the signature and session token); use [Redact] when you must log a
// URL.
package presign
