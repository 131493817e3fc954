package extest

import (
	"context"
	"errors"
	"io"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// ErrorOf returns the HTTP status and S3 error code of a failed SDK call, and
// fails tb when err is nil or carries neither.
func ErrorOf(tb testing.TB, err error) (status int, code string) {
	tb.Helper()
	if err == nil {
		tb.Fatal("extest: the call succeeded, want an error")
		return 0, ""
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	if status == 0 && code == "" {
		tb.Fatalf("extest: not an S3 error response: %v", err)
	}
	return status, code
}

// Body reads and closes a response body, failing tb on error.
func Body(tb testing.TB, rc io.ReadCloser) string {
	tb.Helper()
	b, err := io.ReadAll(rc)
	if err != nil {
		tb.Fatalf("extest: reading the body: %v", err)
	}
	if err := rc.Close(); err != nil {
		tb.Fatalf("extest: closing the body: %v", err)
	}
	return string(b)
}

// Query is an s3.Options function that adds a query parameter to the request,
// as Object Lambda callers do for per-request options (?width=, ?columns=).
// The parameter is added before signing, so it is part of the signature.
func Query(name, value string) func(*s3.Options) {
	return func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Build.Add(middleware.BuildMiddlewareFunc("extest.Query", func(
				ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler,
			) (middleware.BuildOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					q := req.URL.Query()
					q.Add(name, value)
					req.URL.RawQuery = q.Encode()
				}
				return next.HandleBuild(ctx, in)
			}), middleware.After)
		})
	}
}

// Header is an s3.Options function that sets a request header (Accept,
// Accept-Encoding, ...) before the request is signed.
func Header(name, value string) func(*s3.Options) {
	return func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Build.Add(middleware.BuildMiddlewareFunc("extest.Header", func(
				ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler,
			) (middleware.BuildOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					req.Header.Set(name, value)
				}
				return next.HandleBuild(ctx, in)
			}), middleware.After)
		})
	}
}
