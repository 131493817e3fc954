// Package objectlambda turns a few lines of configuration into a safe Amazon
// S3 Object Lambda function.
//
// An Object Lambda function is invoked with an event that names a presigned
// URL for the original object and, for GetObject, a route and single-use token
// for the one WriteGetObjectResponse (WGOR) call that answers the caller.
// Getting that right by hand is where functions fail: they fetch the object
// with their own role (the confused-deputy problem), follow URLs they should
// not, buffer whole objects, forget Range, leave the caller hanging when
// something fails, or log the token. A [Handler] (built by [New], run by
// [Start]) does all of it:
//
//   - parses and validates the event (unknown fields tolerated, header names
//     case-insensitive, header arrays accepted);
//   - fetches the original only through the presigned inputS3Url, after
//     checking it is https on a trusted S3 host (see package [presign] and
//     [WithTrustPolicy]),
//     replaying the headers the URL was signed with;
//   - streams the body through the configured transforms ([WithTransform],
//     package [transform]) without holding the object in memory;
//   - answers with exactly one WGOR: status, headers, Range (206,
//     Content-Range, 416) and partNumber, or an S3 error, before the deadline.
//
// # Quick start
//
//	func main() {
//		objectlambda.Start(
//			objectlambda.WithTransform(redact.MustNew(redact.Emails())),
//			objectlambda.WithAuthorizer(onlyAnalysts),
//		)
//	}
//
// Access is decided by [Authorizer] functions ([WithAuthorizer],
// [AllowPrincipals]), which see the [Request]; listings go through
// [WithListFilter] and [WithTenantPrefix], HEAD answers through
// [WithHeadHook].
//
// Existing handlers written against aws-lambda-go's events.S3ObjectLambdaEvent
// can be wrapped with [Wrap] to get the trust checks, panic recovery and error
// replies without being rewritten.
//
// # Exactly one reply
//
// Every GetObject invocation ends in exactly one WriteGetObjectResponse call:
// the object, or an error. The GET path is built so that this cannot be
// broken by a new branch: named stages (request, authorize, fetch, transform,
// shape) compute a reply and never send it; one function builds the WGOR
// request for every reply, 200, 206, 304 or error; the responder sends it and
// is the only code that calls WGOR. Values that cannot travel in an HTTP
// header (a CR or LF a transform copied from a query parameter, a newline
// in an error message) are dropped or made single-line before the call, and
// a call that never reached a connection (so the token is unused) falls back
// to an error reply.
//
// An error before the first body byte becomes an S3 error reply; the handler
// reads the first 32 KiB of output before it answers, so transforms that fail
// at once, short objects whose upstream breaks, and output that is shorter or
// longer than announced still get a clean error (and output that ends within
// those 32 KiB goes out with its Content-Length). An error after the first
// byte aborts the body upload, so the caller sees a broken transfer, never a
// short body reported as complete; the invocation then fails too. Panics in
// transforms, authorizers and hooks are recovered.
//
// # The header pipeline
//
// What a caller sees of an object is what the transform chain makes of it,
// however it is asked for: a 304 (If-None-Match, If-Modified-Since) and a
// HEAD run the chain over the object's headers alone ([transform.HeadersOnly]),
// so metadata a transform removes stays removed, a transform's denial holds,
// decryption strips its envelope and refuses instruction files. When a
// transform cannot work without the body, no object header is shown.
//
// # Resources
//
// Every body a request opens (the upstream body, the body each transform
// returns, the range kept for a Range) belongs to the request's pipeline,
// which closes each exactly once, newest first, when the last reader is
// done: on success, error, panic or deadline alike. Temporary files are
// unlinked when they are created; a Range uses memory only. So a warm
// Lambda's /tmp and file descriptors do not fill up, whatever fails.
//
// # Secrets
//
// Logs, the error [Handler.Invoke] returns (which the Lambda runtime prints),
// the [Metrics] observers receive, span errors and error messages sent to callers
// carry no presigned query string, credential, token, Authorization header
// or object byte: errors are scrubbed in one place on their way out, and the
// WGOR client's SDK request and signing logs are always off.
//
// # Deadline
//
// The work of a request is bounded by the earlier of the Lambda deadline and
// the Object Lambda time limit (60 s from the invocation, [WithTimeLimit]),
// less a margin (1 s, [WithDeadlineMargin]). If the work is not done by then, the
// caller gets 500 LambdaTimeout while there is still time to send it, and a
// stream in flight is aborted. A reply has until three quarters of the margin
// after the work deadline to reach S3, and the invocation returns by then
// even when a transform ignores its context: its reads run on a goroutine of
// their own, and what it holds is released when it returns.
//
// # Errors and status codes
//
// Errors travel as [*s3err.Error] (status, S3 code, message); [s3err.From]
// maps any other error. The handler
// answers as follows:
//
//	situation                                         status  code
//	------------------------------------------------  ------  -------------------------------
//	upstream S3 error (403, 404, 412, 416, 500, 503)  same    upstream code (NoSuchKey, ...)
//	upstream 304 Not Modified                         304     (none)
//	upstream unreachable / reset / timed out          503     ServiceUnavailable
//	upstream body truncated, too long, bad checksum   503     ServiceUnavailable (before the
//	                                                          first byte; aborted stream after)
//	inputS3Url not https / untrusted host / redirect  500     InternalError
//	event malformed (but route and token usable)      500     InternalError
//	reply not sendable (never reached a connection)   500     InternalError
//	authorizer denies                                 403     AccessDenied (or its own error)
//	payload does not decode (WithPayloadType)         500     InvalidPayload
//	Range not satisfiable                             416     InvalidRange
//	partNumber beyond the last part                   416     InvalidPartNumber
//	object changed between the two readings of a      503     ServiceUnavailable
//	  Range over output of unknown length
//	partNumber not 1..10000                           400     InvalidArgument
//	Range and partNumber together                     400     InvalidRequest
//	SSE-C headers in the request or on the object     400     InvalidRequest
//	client-side encrypted: wrong key / altered        403 AccessDenied / 500 InternalError
//	transform error before the first byte             its own status and code
//	panic before the first byte, unknown error        500     InternalError
//	deadline reached before the first byte            500     LambdaTimeout
//
// WGOR accepts only the statuses 200, 206, 304, 400, 401, 403, 404, 405, 409,
// 411, 412, 416, 500 and 503. Any other error status is sent as the nearest
// of those (502, 504 and 429 as 503; other 4xx as 400; other 5xx as 500) with
// its code unchanged, so a transform's 415 UnsupportedMediaType reaches the
// caller as 400 with code UnsupportedMediaType. A code that is not of the form
// WGOR requires (^[A-Z][a-zA-Z]+$) becomes InternalError.
//
// If the event carries no usable outputRoute/outputToken, no reply is
// possible: Invoke returns an error and S3 reports LambdaRuntimeError.
//
// # Range and partNumber
//
// A Range (header, or Range query parameter, names matched case-insensitively)
// is answered as S3 answers it: 206 with Content-Range for bytes=a-b, bytes=a-
// and bytes=-n, clamped at the end of the object; 416 InvalidRange when the
// range starts beyond it; a header that is not one well-formed bytes range
// (another unit, several ranges, garbage) is ignored and the whole object
// served with 200. When every transform declares itself RangeSafe
// ([transform.Properties]), the range
// is fetched from S3 ("pushed down"); otherwise the whole object is
// transformed and the result sliced. When the transformed length is unknown
// the output is read to its end to learn it, keeping only the requested
// bytes in memory (up to [WithRangeMemory]; a larger range is read a second
// time and checked against the first; nothing goes to disk). partNumber
// addresses fixed-size parts of the transformed object
// ([WithPartSize], 8 MiB by default) and the reply carries PartsCount. The
// access point must list GetObject-Range / GetObject-PartNumber in its
// AllowedFeatures, or S3 answers 501 before the function runs.
//
// # Headers
//
// Content-Type, Content-Language, Content-Encoding, Content-Disposition,
// Cache-Control, Expires, Last-Modified, ETag, the version id, storage
// class, encryption, object lock, replication, restore, expiration, tagging
// count and user metadata are forwarded. Transfer headers (Date, Server,
// request ids, Content-Length, Content-Range) are not. When a transform
// changes the body, ETag and checksums are dropped and Content-Length is kept
// only if the transform preserves length; at most one checksum is forwarded,
// and none on a 206.
//
// # Client-side encryption
//
// [WithDecryption] serves objects written by the Amazon S3 Encryption Client
// decrypted (formats V2 and V3; AES, RSA and KMS keyrings from package
// [encryption]), authenticated before the first byte by default, with the
// envelope metadata removed and Content-Length the plaintext length.
// [WithEncryption] (or [WithEncryptionFor], to choose the key per caller)
// re-encrypts on the way out, and [WithRewrap] swaps only the wrapped data
// key. Instruction files are never served as data, nor listed. See
// WithDecryption for the
// error table; a wrong key is 403 AccessDenied, an altered object 500.
//
// # Observability
//
// [WithObserver] receives per-request [Metrics] (status, error code, bytes,
// upstream and response first-byte times, retries, deadline margin left);
// package [github.com/objectlambda/sdk-go/objectlambda/emf] writes them as
// CloudWatch Embedded Metric Format. [WithTracer] adds spans ([Tracer]);
// package [github.com/objectlambda/sdk-go/objectlambda/otelobjectlambda]
// adapts OpenTelemetry and continues the
// X-Ray trace of the invocation.
//
// # Configuration
//
// [New] takes the AWS configuration of the WGOR call from the environment
// Lambda gives every function (AWS_REGION, the role's credentials,
// AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL); elsewhere pass one with
// [WithAWSConfig]. It does not link config.LoadDefaultConfig, whose profile,
// SSO and STS machinery would add 1.8 MB to every function for nothing.
// A custom endpoint configured that way is also trusted for inputS3Url, and
// the WGOR host prefix ("{route}.") is not added for it. The function's role
// needs only s3-object-lambda:WriteGetObjectResponse.
//
// # Logging
//
// One line per request through [log/slog] ([WithLogger]): request id, operation, status,
// error code, bytes in and out, duration. Presigned URLs, the output token,
// keys and object bytes are never logged.
package objectlambda
