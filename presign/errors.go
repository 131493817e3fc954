package presign

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/objectlambda/sdk-go/s3err"
)

// Sentinel errors. Every error returned by this package wraps at most a few of
// them so that callers can branch with errors.Is without parsing messages.
var (
	// ErrUntrustedURL marks a URL refused by the [Policy] (bad scheme, host,
	// port, userinfo, or a redirect target that is not the same origin).
	ErrUntrustedURL = errors.New("presign: untrusted URL")

	// ErrForbiddenAddress marks a connection refused because the host resolved
	// to a loopback, private, link-local, unspecified or multicast address.
	ErrForbiddenAddress = errors.New("presign: refusing to connect to a non-public address")

	// ErrRedirectRefused marks a redirect that was not followed: another
	// scheme, host or port, too many hops, or a status the client cannot use.
	ErrRedirectRefused = errors.New("presign: redirect refused")

	// ErrUnexpectedStatus marks an upstream status the client cannot use
	// (1xx, 2xx other than 200 and 206).
	ErrUnexpectedStatus = errors.New("presign: unexpected upstream status")

	// ErrUnsignedHeader marks an x-amz-* header that the caller asked to add
	// although the presigned URL did not sign it. S3 would answer 403.
	ErrUnsignedHeader = errors.New("presign: x-amz-* header is not signed")

	// ErrMissingSignedHeader marks a header named in X-Amz-SignedHeaders that
	// the user request does not carry.
	ErrMissingSignedHeader = errors.New("presign: signed header missing from user request")

	// ErrUpstreamUnreachable marks a connection failure (DNS, dial, reset,
	// TLS) that persisted through all attempts.
	ErrUpstreamUnreachable = errors.New("presign: upstream unreachable")

	// ErrUpstreamTimeout marks a connect, response-header or stall timeout.
	ErrUpstreamTimeout = errors.New("presign: upstream timeout")

	// ErrTruncated marks a body that ended before its declared length, or a
	// connection that broke while the body was being read.
	ErrTruncated = errors.New("presign: upstream body truncated")

	// ErrOverlong marks a body that carried more bytes than it declared.
	ErrOverlong = errors.New("presign: upstream body longer than declared")

	// ErrChecksumMismatch marks a body whose full-object checksum, declared by
	// S3 in an x-amz-checksum-* header, does not match the bytes received.
	ErrChecksumMismatch = errors.New("presign: upstream body checksum mismatch")
)

// UntrustedURLError reports why a URL was refused by [Policy.Check]. It never
// holds the query string (which carries the signature and session token).
type UntrustedURLError struct {
	Host   string // the URL's host[:port] as given, for logs
	Reason string // a short explanation, for logs and the developer
}

func (e *UntrustedURLError) Error() string {
	if e.Host == "" {
		return fmt.Sprintf("presign: untrusted URL: %s", e.Reason)
	}
	return fmt.Sprintf("presign: untrusted URL host %q: %s", e.Host, e.Reason)
}

// Unwrap returns [ErrUntrustedURL].
func (e *UntrustedURLError) Unwrap() error { return ErrUntrustedURL }

// UpstreamError carries the diagnostic fields of an S3 error response. It is
// the Err (cause) of the *[s3err.Error] [Client.Fetch] returns for upstream
// statuses >= 400, so that logs can record the S3 request id. None of its
// fields are secret.
type UpstreamError struct {
	StatusCode int
	Code       string // the upstream <Code> as sent, possibly invalid
	RequestID  string // <RequestId> or x-amz-request-id
	HostID     string // <HostId> or x-amz-id-2
	// ContentRange is the Content-Range of a 416 answer ("bytes */size"),
	// which tells the object's size.
	ContentRange string
}

func (e *UpstreamError) Error() string {
	return fmt.Sprintf("upstream S3 answered %d %s (request id %q)", e.StatusCode, e.Code, e.RequestID)
}

// statusCodes maps an HTTP status to the S3 code used when the upstream body
// does not carry a usable <Code> (HEAD responses, proxies, garbage).
var statusCodes = map[int]string{
	http.StatusNotModified:                  s3err.CodeNotModified,
	http.StatusMovedPermanently:             "PermanentRedirect",
	http.StatusTemporaryRedirect:            "TemporaryRedirect",
	http.StatusBadRequest:                   "BadRequest",
	http.StatusUnauthorized:                 s3err.CodeAccessDenied,
	http.StatusForbidden:                    s3err.CodeAccessDenied,
	http.StatusNotFound:                     s3err.CodeNoSuchKey,
	http.StatusMethodNotAllowed:             "MethodNotAllowed",
	http.StatusConflict:                     "OperationAborted",
	http.StatusLengthRequired:               "MissingContentLength",
	http.StatusPreconditionFailed:           s3err.CodePreconditionFailed,
	http.StatusRequestedRangeNotSatisfiable: s3err.CodeInvalidRange,
	http.StatusTooManyRequests:              s3err.CodeSlowDown,
	http.StatusInternalServerError:          s3err.CodeInternalError,
	http.StatusNotImplemented:               "NotImplemented",
	http.StatusBadGateway:                   s3err.CodeServiceUnavailable,
	http.StatusServiceUnavailable:           s3err.CodeServiceUnavailable,
	http.StatusGatewayTimeout:               s3err.CodeServiceUnavailable,
}

// codeForStatus returns the S3 error code this package uses for an HTTP status
// when the upstream did not send a usable one (for example on HEAD, whose
// error responses have no body). Unknown 4xx statuses map to "BadRequest",
// everything else to "InternalError".
func codeForStatus(status int) string {
	if c, ok := statusCodes[status]; ok {
		return c
	}
	if status >= 400 && status < 500 {
		return "BadRequest"
	}
	return s3err.CodeInternalError
}

// unavailable builds the 503 returned when the upstream could not be reached
// or timed out, whatever the number of attempts.
func unavailable(cause error, msg string) *s3err.Error {
	return s3err.Wrap(cause, http.StatusServiceUnavailable, s3err.CodeServiceUnavailable, msg)
}

// internal builds the 500 returned for failures of the function's own side
// (policy refusals, integrity failures).
func internal(cause error, msg string) *s3err.Error {
	return s3err.Wrap(cause, http.StatusInternalServerError, s3err.CodeInternalError, msg)
}
