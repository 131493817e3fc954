package function

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/objectlambda/sdk-go/internal/scrub"
	"github.com/objectlambda/sdk-go/s3err"
)

// Runner invokes one function: the event JSON in, the function's reply
// bytes out (the HEAD or LIST answer; for a GET the reply is ignored, the
// answer travels by WriteGetObjectResponse). It has the shape of
// aws-lambda-go's lambda.Handler, so any of those is a Runner too, but the
// runners of this package also report failures as Lambda does: *Error when
// the function failed, *InvokeError when it could not be invoked, the
// context's error when time ran out.
type Runner interface {
	Invoke(ctx context.Context, event []byte) ([]byte, error)
}

// Kinds of function error, as Lambda's X-Amz-Function-Error header names
// them. Current runtimes report every failure as Unhandled.
const (
	Unhandled = "Unhandled"
	Handled   = "Handled"
)

// Error is a function's failure as the Lambda Invoke API reports it: the
// kind, errorType and errorMessage. Message has been scrubbed of
// credentials (presigned query strings, tokens): a function's error text
// often quotes the URL it failed to fetch.
type Error struct {
	Kind    string // Unhandled or Handled
	Type    string // errorType, e.g. errorString, Runtime.ExitError, Sandbox.Timedout
	Message string // errorMessage
}

func (e *Error) Error() string {
	return fmt.Sprintf("function error (%s) %s: %s", e.Kind, e.Type, e.Message)
}

// newError builds an *Error, scrubbing the function's text.
func newError(kind, typ, msg string) *Error {
	if kind == "" {
		kind = Unhandled
	}
	return &Error{Kind: kind, Type: scrub.String(typ), Message: scrub.String(msg)}
}

// Reason says why a function could not be invoked.
type Reason int

// Reasons, each with the answer S3 Object Lambda gives the caller.
const (
	Failed    Reason = iota // 400 LambdaInvocationFailed
	Throttled               // 503 SlowDown
	NotFound                // 404 LambdaNotFound
	Denied                  // 403 LambdaPermissionError
)

func (r Reason) String() string {
	switch r {
	case Throttled:
		return "throttled"
	case NotFound:
		return "function not found"
	case Denied:
		return "permission denied"
	}
	return "invocation failed"
}

// InvokeError is a failure to invoke a function: the function did not run
// (or its run is unknown). Code is the Invoke API's error code, e.g.
// TooManyRequestsException.
type InvokeError struct {
	Reason Reason
	Code   string
	Err    error
}

func (e *InvokeError) Error() string {
	msg := "invoke: " + e.Reason.String()
	if e.Code != "" {
		msg += " (" + e.Code + ")"
	}
	if e.Err != nil {
		msg += ": " + scrub.String(e.Err.Error())
	}
	return msg
}

func (e *InvokeError) Unwrap() error { return e.Err }

// S3Error is what S3 Object Lambda answers the caller when a Runner
// returned err (nil for nil): the codes AWS documents for Object Lambda.
//
//	*Error (the function failed)      500 LambdaRuntimeError
//	context.DeadlineExceeded          500 LambdaTimeout
//	*InvokeError Throttled            503 SlowDown
//	*InvokeError NotFound             404 LambdaNotFound
//	*InvokeError Denied               403 LambdaPermissionError
//	*InvokeError Failed               400 LambdaInvocationFailed
//	anything else                     500 InternalError
//
// Messages are AWS's; the cause stays in Err for logs.
func S3Error(err error) *s3err.Error {
	if err == nil {
		return nil
	}
	var fe *Error
	var ie *InvokeError
	switch {
	case errors.As(err, &fe):
		return s3err.Wrap(err, http.StatusInternalServerError, "LambdaRuntimeError", "Lambda function failed during execution.")
	case errors.Is(err, context.DeadlineExceeded):
		return s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeLambdaTimeout, "The Lambda function did not respond in the allowed time.")
	case errors.As(err, &ie):
		switch ie.Reason {
		case Throttled:
			return s3err.Wrap(err, http.StatusServiceUnavailable, s3err.CodeSlowDown, "Please reduce your request rate.")
		case NotFound:
			return s3err.Wrap(err, http.StatusNotFound, "LambdaNotFound", "The AWS Lambda function specified was not found.")
		case Denied:
			return s3err.Wrap(err, http.StatusForbidden, "LambdaPermissionError", "The caller is not authorized to invoke the Lambda function.")
		}
		return s3err.Wrap(err, http.StatusBadRequest, "LambdaInvocationFailed", "Lambda invocation failed.")
	}
	return s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError, "We encountered an internal error. Please try again.")
}
