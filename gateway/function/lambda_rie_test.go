//go:build unix

package function_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/objectlambda/sdk-go/gateway/function"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rieConfig is the SDK configuration for the emulator at endpoint: it
// ignores signatures, but the SDK signs anyway.
func rieConfig(endpoint string) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIARIETEST", "rie-secret", ""),
	}
}

// TestLambdaUnderRIE invokes a real bootstrap (aws-lambda-go's runtime)
// through the Invoke API served by AWS's Lambda Runtime Interface Emulator.
func TestLambdaUnderRIE(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a bootstrap and runs the RIE")
	}
	bin := objectlambdatest.BuildBootstrap(t, "./testdata/fn")
	rie := objectlambdatest.StartRIE(t, bin, "AWS_LAMBDA_FUNCTION_TIMEOUT=2")
	fn := function.NewLambda(rieConfig(rie.Endpoint), function.LambdaFunction{FunctionName: "function", MaxConcurrency: 1})

	tests := []struct {
		name  string
		event string
		reply string // JSON
		err   *function.Error
	}{
		{name: "reply", event: `{"reply": {"statusCode": 200, "headers": {"Content-Length": "3"}}}`, reply: `{"statusCode": 200, "headers": {"Content-Length": "3"}}`},
		{name: "an Object Lambda error reply is a reply", event: `{"reply": {"statusCode": 404, "errorCode": "NoSuchKey", "errorMessage": "gone"}}`, reply: `{"statusCode": 404, "errorCode": "NoSuchKey", "errorMessage": "gone"}`},
		{name: "returned error", event: `{"fail": "cannot read https://b.s3.amazonaws.com/k?X-Amz-Signature=feedface"}`, err: &function.Error{Kind: function.Unhandled, Type: "errorString", Message: "cannot read https://b.s3.amazonaws.com/k?REDACTED"}},
		{name: "panic", event: `{"panic": "nil map"}`, err: &function.Error{Kind: function.Unhandled, Type: "string", Message: "nil map"}},
		{name: "after a failure the function still serves", event: `{"reply": {"ok": true}}`, reply: `{"ok": true}`},
		{name: "a reply near the 6 MB limit", event: `{"repeat": 6000000}`},
		{name: "time out", event: `{"sleep": "5s"}`, err: &function.Error{Kind: function.Unhandled, Type: "Sandbox.Timedout", Message: "Task timed out after 2.00 seconds"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			out, err := fn.Invoke(ctx, []byte(tt.event))
			if tt.err != nil {
				var fe *function.Error
				require.ErrorAs(t, err, &fe, "output: %s", rie.Output())
				assert.Equal(t, tt.err, fe)
				assert.Equal(t, "LambdaRuntimeError", function.S3Error(err).Code)
				return
			}
			require.NoError(t, err, "output: %s", rie.Output())
			if tt.reply != "" {
				assert.JSONEq(t, tt.reply, string(out))
			} else {
				assert.Greater(t, len(out), 6000000)
			}
		})
	}
}

// TestLambdaUnderRIEConcurrency: the emulator runs one invocation at a
// time; MaxConcurrency 1 queues the others instead of failing them.
func TestLambdaUnderRIEConcurrency(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a bootstrap and runs the RIE")
	}
	rie := objectlambdatest.StartRIE(t, objectlambdatest.BuildBootstrap(t, "./testdata/fn"))
	fn := function.NewLambda(rieConfig(rie.Endpoint), function.LambdaFunction{FunctionName: "function", MaxConcurrency: 1})
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			out, err := fn.Invoke(ctx, []byte(`{"sleep": "100ms"}`))
			if err == nil && !strings.Contains(string(out), "slept") {
				err = assert.AnError
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		assert.NoError(t, err, "invocation %d", i)
	}

	// A caller whose context ends while waiting for the slot gives up.
	started := strings.Count(rie.Output(), "START RequestId")
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = fn.Invoke(ctx, []byte(`{"sleep": "1s"}`))
	}()
	require.Eventually(t, func() bool { return strings.Count(rie.Output(), "START RequestId") > started },
		5*time.Second, time.Millisecond, "the 1 s invocation holds the emulator")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := fn.Invoke(ctx, []byte(`{}`))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, "LambdaTimeout", function.S3Error(err).Code)

	// A request whose caller went away gives up its place in the queue.
	gone := make(chan struct{})
	close(gone)
	_, err = fn.Invoke(function.WithAbandon(context.Background(), gone), []byte(`{}`))
	assert.ErrorIs(t, err, function.ErrAbandoned)
}

// TestLambdaUnderRIEProcessExit: a function process that dies mid-invocation.
func TestLambdaUnderRIEProcessExit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a bootstrap and runs the RIE")
	}
	rie := objectlambdatest.StartRIE(t, objectlambdatest.BuildBootstrap(t, "./testdata/fn"))
	fn := function.NewLambda(rieConfig(rie.Endpoint), function.LambdaFunction{FunctionName: "function", MaxConcurrency: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := fn.Invoke(ctx, []byte(`{"exit": true}`))
	var fe *function.Error
	require.ErrorAs(t, err, &fe, "the RIE answers 502 with the error document; Lambda answers 200 with X-Amz-Function-Error")
	assert.Equal(t, function.Unhandled, fe.Kind)
	assert.Equal(t, "Runtime.ExitError", fe.Type)
	assert.Contains(t, fe.Message, "exit status 3")
	assert.Equal(t, "LambdaRuntimeError", function.S3Error(err).Code)

	// The emulator starts the function again for the next invocation.
	out, err := fn.Invoke(ctx, []byte(`{"reply": {"again": true}}`))
	require.NoError(t, err)
	assert.JSONEq(t, `{"again": true}`, string(out))
}

// TestLambdaUnderRIEInitFailure: a function process that exits before it
// takes the invocation. The emulator answers 502 without a body; Lambda a
// function error Runtime.ExitError, which the caller sees as
// LambdaRuntimeError.
func TestLambdaUnderRIEInitFailure(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a bootstrap and runs the RIE")
	}
	rie := objectlambdatest.StartRIE(t, objectlambdatest.BuildBootstrap(t, "./testdata/fn"), "FN_EXIT_AT_INIT=1")
	fn := function.NewLambda(rieConfig(rie.Endpoint), function.LambdaFunction{FunctionName: "function", MaxConcurrency: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := fn.Invoke(ctx, []byte(`{}`))
	var fe *function.Error
	require.ErrorAs(t, err, &fe, "output: %s", rie.Output())
	assert.Equal(t, "Runtime.ExitError", fe.Type)
	assert.Equal(t, "LambdaRuntimeError", function.S3Error(err).Code)
}
