package function

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type customErr struct{ msg string }

func (e *customErr) Error() string { return e.msg }

func TestInProcess(t *testing.T) {
	const presigned = "https://s3.amazonaws.com/b/k?X-Amz-Signature=abcdef0123&X-Amz-Credential=AKIA/x"
	tests := []struct {
		name    string
		handler lambda.Handler
		want    string
		err     *Error
	}{
		{
			name: "reply",
			handler: lambda.NewHandler(func(ctx context.Context, in map[string]string) (map[string]string, error) {
				return map[string]string{"got": in["a"]}, nil
			}),
			want: `{"got":"b"}`,
		},
		{
			name:    "returned error",
			handler: lambda.NewHandler(func() error { return errors.New("boom") }),
			err:     &Error{Kind: Unhandled, Type: "errorString", Message: "boom"},
		},
		{
			name:    "custom error type",
			handler: lambda.NewHandler(func() error { return &customErr{"bad input"} }),
			err:     &Error{Kind: Unhandled, Type: "customErr", Message: "bad input"},
		},
		{
			name:    "runtime error type kept",
			handler: rawHandler(func() error { return messages.InvokeResponse_Error{Type: "Runtime.Custom", Message: "m"} }),
			err:     &Error{Kind: Unhandled, Type: "Runtime.Custom", Message: "m"},
		},
		{
			name:    "panic",
			handler: rawHandler(func() error { panic("the sky fell") }),
			err:     &Error{Kind: Unhandled, Type: "string", Message: "the sky fell"},
		},
		{
			name:    "panic with an error",
			handler: rawHandler(func() error { panic(fmt.Errorf("wrapped: %w", errors.New("x"))) }),
			err:     &Error{Kind: Unhandled, Type: "wrapError", Message: "wrapped: x"},
		},
		{
			name:    "presigned URL in the message is scrubbed",
			handler: rawHandler(func() error { return errors.New("GET " + presigned + ": 403") }),
			err:     &Error{Kind: Unhandled, Type: "errorString", Message: "GET https://s3.amazonaws.com/b/k?REDACTED 403"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := InProcess(tt.handler).Invoke(context.Background(), []byte(`{"a":"b"}`))
			if tt.err != nil {
				var fe *Error
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, tt.err, fe)
				assert.Nil(t, out)
				assert.NotContains(t, err.Error(), "abcdef0123")
				return
			}
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(out))
		})
	}
}

func TestInProcessContextError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := InProcess(lambda.NewHandler(func(ctx context.Context) error { return ctx.Err() })).Invoke(ctx, []byte(`{}`))
	assert.ErrorIs(t, err, context.Canceled, "the context's own error, not a function error")
	var fe *Error
	assert.False(t, errors.As(err, &fe))
}

// rawHandler is a lambda.Handler that runs f and returns its error.
func rawHandler(f func() error) lambda.Handler { return handlerFunc(f) }

type handlerFunc func() error

func (h handlerFunc) Invoke(context.Context, []byte) ([]byte, error) { return nil, h() }

func TestS3Error(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"function error", &Error{Kind: Unhandled, Type: "x"}, http.StatusInternalServerError, "LambdaRuntimeError"},
		{"wrapped function error", fmt.Errorf("get: %w", &Error{Kind: Handled}), http.StatusInternalServerError, "LambdaRuntimeError"},
		{"deadline", fmt.Errorf("invoke: %w", context.DeadlineExceeded), http.StatusInternalServerError, "LambdaTimeout"},
		{"throttled", &InvokeError{Reason: Throttled, Code: "TooManyRequestsException"}, http.StatusServiceUnavailable, "SlowDown"},
		{"not found", &InvokeError{Reason: NotFound}, http.StatusNotFound, "LambdaNotFound"},
		{"denied", &InvokeError{Reason: Denied}, http.StatusForbidden, "LambdaPermissionError"},
		{"failed", &InvokeError{Reason: Failed, Err: errors.New("dial tcp: refused")}, http.StatusBadRequest, "LambdaInvocationFailed"},
		{"anything else", errors.New("?"), http.StatusInternalServerError, "InternalError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := S3Error(tt.err)
			require.NotNil(t, e)
			assert.Equal(t, tt.status, e.StatusCode)
			assert.Equal(t, tt.code, e.Code)
			assert.NotEmpty(t, e.Message)
			assert.ErrorIs(t, e, tt.err, "the cause is kept for logs")
			assert.NotContains(t, e.Message, "dial tcp", "causes never reach the caller")
		})
	}
	assert.Nil(t, S3Error(nil))
}

func TestInvokeErrorText(t *testing.T) {
	e := &InvokeError{Reason: Throttled, Code: "TooManyRequestsException", Err: errors.New("see https://x/?X-Amz-Signature=s3cr3t")}
	assert.Equal(t, "invoke: throttled (TooManyRequestsException): see https://x/?REDACTED", e.Error())
	assert.Equal(t, "function error (Unhandled) T: m", (&Error{Kind: Unhandled, Type: "T", Message: "m"}).Error())
}
