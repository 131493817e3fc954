package s3err

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFrom(t *testing.T) {
	cause := errors.New("dial tcp: connection refused")
	tests := []struct {
		name   string
		err    error
		status int
		code   string
		msg    string
	}{
		{name: "nil", err: nil},
		{name: "an S3 error as is", err: New(404, CodeNoSuchKey, "gone"), status: 404, code: "NoSuchKey", msg: "gone"},
		{name: "wrapped S3 error", err: fmt.Errorf("fetch: %w", New(403, CodeAccessDenied, "no")), status: 403, code: "AccessDenied", msg: "no"},
		{name: "invalid code", err: New(400, "bad code!", "x"), status: 400, code: "InternalError", msg: "x"},
		{name: "success status is not an error status", err: New(200, "Fine", "x"), status: 500, code: "Fine", msg: "x"},
		{name: "empty message", err: New(503, CodeSlowDown, ""), status: 503, code: "SlowDown", msg: "Service Unavailable"},
		{name: "deadline", err: fmt.Errorf("x: %w", context.DeadlineExceeded), status: 500, code: "LambdaTimeout"},
		{name: "deadline guard", err: ErrDeadline, status: 500, code: "LambdaTimeout"},
		{name: "canceled", err: context.Canceled, status: 500, code: "InternalError", msg: "request canceled"},
		{name: "anything else hides its text", err: cause, status: 500, code: "InternalError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := From(tt.err)
			if tt.err == nil {
				assert.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			assert.Equal(t, tt.status, got.StatusCode)
			assert.Equal(t, tt.code, got.Code)
			if tt.msg != "" {
				assert.Equal(t, tt.msg, got.Message)
			}
			assert.NotContains(t, got.Message, "connection refused", "causes never reach the message")
		})
	}
}

func TestErrorMethods(t *testing.T) {
	cause := errors.New("root cause")
	e := Wrap(cause, 412, CodePreconditionFailed, "At least one of the preconditions you specified did not hold")
	assert.ErrorIs(t, e, cause)
	assert.ErrorIs(t, fmt.Errorf("outer: %w", e), New(412, CodePreconditionFailed, "other message"))
	assert.NotErrorIs(t, e, New(412, CodeAccessDenied, ""))
	assert.Contains(t, e.Error(), "412 PreconditionFailed")
	assert.Contains(t, e.Error(), "root cause")
	assert.Equal(t, "404 NoSuchKey: gone", New(404, CodeNoSuchKey, "gone").Error())

	f := Errorf(400, CodeInvalidArgument, "width %d is too large: %w", 9000, cause)
	assert.Equal(t, "width 9000 is too large: root cause", f.Message)
	assert.ErrorIs(t, f, cause)

}

func TestValidCode(t *testing.T) {
	for code, ok := range map[string]bool{"NoSuchKey": true, "A": false, "lowercase": false, "With Space": false, "Has1Digit": false, "": false, "InvalidPayload": true} {
		assert.Equal(t, ok, ValidCode(code), code)
	}
}

func ExampleFrom() {
	err := fmt.Errorf("reading the object: %w", New(404, CodeNoSuchKey, "The specified key does not exist."))
	e := From(err)
	fmt.Println(e.StatusCode, e.Code, e.Message)
	fmt.Println(From(errors.New("a detail only for logs")).Message)
	// Output:
	// 404 NoSuchKey The specified key does not exist.
	// We encountered an internal error. Please try again.
}
