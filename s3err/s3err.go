package s3err

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
)

// Codes the SDK itself answers with. Upstream S3 codes are forwarded
// verbatim, and a transform may use any code of the form [ValidCode] accepts.
const (
	CodeAccessDenied         = "AccessDenied"
	CodeInternalError        = "InternalError"
	CodeInvalidArgument      = "InvalidArgument"
	CodeInvalidPartNumber    = "InvalidPartNumber"
	CodeInvalidPayload       = "InvalidPayload"
	CodeInvalidRange         = "InvalidRange"
	CodeInvalidRequest       = "InvalidRequest"
	CodeNoSuchKey            = "NoSuchKey"
	CodeNotModified          = "NotModified"
	CodePreconditionFailed   = "PreconditionFailed"
	CodeServiceUnavailable   = "ServiceUnavailable"
	CodeSlowDown             = "SlowDown"
	CodeUnsupportedMediaType = "UnsupportedMediaType"
	CodeEntityTooLarge       = "EntityTooLarge"
	CodeLambdaTimeout        = "LambdaTimeout"
)

// Error is an S3-style error: HTTP status, S3 error code and message.
// Err optionally holds the cause; it is never shown to the S3 client.
// Build one with [New], [Errorf] or [Wrap]; find one in an error chain with
// errors.AsType[*s3err.Error](err).
type Error struct {
	StatusCode int    // HTTP status, 400-599 (304 for NotModified); [From] makes others 500
	Code       string // S3 error code, matches ^[A-Z][a-zA-Z]+$
	Message    string // shown to the client; no secrets
	Err        error  // cause, for logs and errors.Is; not sent
}

// New returns an *Error with the given status, code and message.
func New(status int, code, message string) *Error {
	return &Error{StatusCode: status, Code: code, Message: message}
}

// Errorf returns an *Error whose message is formatted. A %w verb wraps the
// cause into Err, but its text still lands in Message, which the client sees:
// use [Wrap] to keep a cause from the client.
func Errorf(status int, code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{StatusCode: status, Code: code, Message: err.Error(), Err: errors.Unwrap(err)}
}

// Wrap returns an *Error with the given status, code and message whose cause is
// err. The cause's text is not sent to the client.
func Wrap(err error, status int, code, message string) *Error {
	return &Error{StatusCode: status, Code: code, Message: message, Err: err}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %s: %v", e.StatusCode, e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%d %s: %s", e.StatusCode, e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same status and code, so that
// errors.Is(err, s3err.New(404, "NoSuchKey", "")) works regardless of message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.StatusCode == e.StatusCode && t.Code == e.Code
}

var codeRE = regexp.MustCompile(`^[A-Z][a-zA-Z]+$`)

// ValidCode reports whether code is acceptable to WriteGetObjectResponse,
// which requires ^[A-Z][a-zA-Z]+$. [From] replaces any other code with
// InternalError.
func ValidCode(code string) bool { return codeRE.MatchString(code) }

// Sentinel causes, for errors.Is.
var (
	// ErrDeadline marks work stopped because the Lambda deadline guard fired.
	ErrDeadline = errors.New("lambda deadline reached")
)

// From maps any error onto an *Error. The mapping is:
//
//	*Error anywhere in the chain        → that error (a code that is not valid for WGOR becomes InternalError)
//	ErrDeadline, context.DeadlineExceeded → 500 LambdaTimeout
//	context.Canceled                     → 500 InternalError "request canceled"
//	anything else                        → 500 InternalError "We encountered an internal error. Please try again." (details only in logs)
//
// See the objectlambda package documentation for the whole table.
func From(err error) *Error {
	if err == nil {
		return nil
	}
	if e, ok := errors.AsType[*Error](err); ok {
		out := *e
		if out.StatusCode < 300 || out.StatusCode > 599 {
			out.StatusCode = http.StatusInternalServerError
		}
		if !ValidCode(out.Code) {
			out.Code = CodeInternalError
		}
		if out.Message == "" {
			out.Message = http.StatusText(out.StatusCode)
		}
		return &out
	}
	switch {
	case errors.Is(err, ErrDeadline), errors.Is(err, context.DeadlineExceeded):
		return Wrap(err, http.StatusInternalServerError, CodeLambdaTimeout, "the function did not finish before its deadline")
	case errors.Is(err, context.Canceled):
		return Wrap(err, http.StatusInternalServerError, CodeInternalError, "request canceled")
	}
	return Wrap(err, http.StatusInternalServerError, CodeInternalError, "We encountered an internal error. Please try again.")
}
