package function

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
)

// MaxReply bounds a reply read from the Invoke API: Lambda's limit for a
// synchronous response is 6 MB; anything larger is refused before it is
// all in memory.
const MaxReply = 6 << 20

// LambdaFunction names a function behind the Lambda Invoke API.
type LambdaFunction struct {
	// FunctionName is a name, ARN or partial ARN ("function" for the RIE).
	FunctionName string
	// Qualifier is a version or alias; empty for $LATEST.
	Qualifier string
	// MaxConcurrency bounds the invocations in flight; more wait for a slot
	// (until their context ends). 0 is no bound. AWS's Lambda Runtime
	// Interface Emulator runs one invocation at a time and refuses a second:
	// give it 1.
	MaxConcurrency int
}

// Lambda invokes a function through the Lambda Invoke API
// (POST /2015-03-31/functions/NAME/invocations): on AWS Lambda, or any
// server of the same API, such as AWS's Lambda Runtime Interface Emulator
// (what the public.ecr.aws/lambda base images run), so an unchanged
// bootstrap or container image in any language serves the gateway.
//
// The SDK's retries are off: a throttled or failed invocation is reported
// at once (S3 Object Lambda answers 503 SlowDown, and callers retry), and a
// request that may have reached the function is never sent twice.
type Lambda struct {
	client *lambda.Client
	fn     LambdaFunction
	slots  chan struct{} // nil: no bound
}

// NewLambda returns a Runner for fn. cfg supplies the region, the
// credentials Invoke is signed with, and the endpoint (cfg.BaseEndpoint,
// e.g. the RIE's http://127.0.0.1:9000); optFns adjust the client further.
func NewLambda(cfg aws.Config, fn LambdaFunction, optFns ...func(*lambda.Options)) *Lambda {
	inner := cfg.HTTPClient
	if inner == nil {
		inner = awshttp.NewBuildableClient()
	}
	opts := append([]func(*lambda.Options){func(o *lambda.Options) {
		o.Retryer = aws.NopRetryer{}
		o.HTTPClient = emulatorClient{inner}
	}}, optFns...)
	l := &Lambda{client: lambda.NewFromConfig(cfg, opts...), fn: fn}
	if fn.MaxConcurrency > 0 {
		l.slots = make(chan struct{}, fn.MaxConcurrency)
	}
	return l
}

// Invoke sends event to the function and returns its reply.
func (l *Lambda) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	release, err := l.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	in := &lambda.InvokeInput{
		FunctionName:   aws.String(l.fn.FunctionName),
		InvocationType: types.InvocationTypeRequestResponse,
		LogType:        types.LogTypeNone,
		Payload:        event,
	}
	if l.fn.Qualifier != "" {
		in.Qualifier = aws.String(l.fn.Qualifier)
	}
	out, err := l.client.Invoke(ctx, in)
	if err != nil {
		return nil, invokeError(ctx, err)
	}
	if out.FunctionError != nil {
		return nil, replyError(*out.FunctionError, out.Payload)
	}
	return out.Payload, nil
}

func (l *Lambda) acquire(ctx context.Context) (func(), error) {
	if l.slots == nil {
		return func() {}, nil
	}
	select {
	case l.slots <- struct{}{}:
		return func() { <-l.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-abandoned(ctx):
		return nil, ErrAbandoned
	}
}

// ErrAbandoned is returned by a runner that gave up waiting for a free
// slot because the request it was for went away (WithAbandon).
var ErrAbandoned = errors.New("function: the request went away before the function could be invoked")

type abandonKey struct{}

// WithAbandon returns ctx carrying done: a runner still waiting for a free
// slot (LambdaFunction.MaxConcurrency) when done is closed gives up with
// ErrAbandoned, so that a queue of requests whose callers left does not
// hold up those behind it. An invocation under way is not affected: as on
// Lambda, it runs to its end.
func WithAbandon(ctx context.Context, done <-chan struct{}) context.Context {
	return context.WithValue(ctx, abandonKey{}, done)
}

func abandoned(ctx context.Context) <-chan struct{} {
	done, _ := ctx.Value(abandonKey{}).(<-chan struct{})
	return done // nil blocks forever
}

// errorReply is the body of a function error.
type errorReply struct {
	Type    *string `json:"errorType"`
	Message *string `json:"errorMessage"`
}

// replyError is a function error announced by X-Amz-Function-Error.
func replyError(kind string, payload []byte) *Error {
	var r errorReply
	_ = json.Unmarshal(payload, &r) // an unparsable body still is a function error
	return newError(kind, aws.ToString(r.Type), aws.ToString(r.Message))
}

// invokeError classifies a failed Invoke call.
func invokeError(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("invoke: %w", ctxErr)
	}
	if errors.Is(err, errReplyTooLarge) {
		return newError(Unhandled, "Function.ResponseSizeTooLarge", errReplyTooLarge.Error())
	}
	ie := &InvokeError{Reason: Failed, Err: err}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		ie.Code = ae.ErrorCode()
		switch ie.Code {
		case "TooManyRequestsException", "EC2ThrottledException":
			ie.Reason = Throttled
		case "ResourceNotFoundException":
			ie.Reason = NotFound
		case "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException":
			ie.Reason = Denied
		}
	}
	var re *awshttp.ResponseError
	if ie.Reason == Failed && errors.As(err, &re) {
		switch re.HTTPStatusCode() {
		case http.StatusTooManyRequests:
			ie.Reason = Throttled
		case http.StatusNotFound:
			ie.Reason = NotFound
		case http.StatusForbidden, http.StatusUnauthorized:
			ie.Reason = Denied
		}
	}
	return ie
}

var errReplyTooLarge = fmt.Errorf("the reply is larger than the %d bytes of a synchronous Lambda response", MaxReply)

// emulatorClient reads replies within MaxReply, and rewrites the function
// errors of the Lambda Runtime Interface Emulator into the Lambda service's
// wire format. The RIE answers a function error with 200 and the error
// document but no X-Amz-Function-Error header, a function that exits or
// panics with 502 and the same document, and a time-out with 200 and a line
// of text. Lambda answers all of them with 200, X-Amz-Function-Error:
// Unhandled and the error document. Lambda's own errors (throttling, a
// missing function) carry no errorType and pass unchanged.
type emulatorClient struct{ inner aws.HTTPClient }

func (c emulatorClient) Do(r *http.Request) (*http.Response, error) {
	resp, err := c.inner.Do(r)
	if err != nil {
		return nil, err
	}
	if resp.Header.Get("X-Amz-Function-Error") != "" ||
		(resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadGateway) {
		resp.Body = &limitedBody{rc: resp.Body, left: MaxReply}
		return resp, nil
	}
	body, err := io.ReadAll(&limitedBody{rc: resp.Body, left: MaxReply})
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if doc := emulatorError(resp.StatusCode, body); doc != nil {
		resp.StatusCode, resp.Status = http.StatusOK, "200 OK"
		resp.Header.Set("X-Amz-Function-Error", Unhandled)
		body = doc
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return resp, nil
}

// timedOutRE is the RIE's answer when a function overran its timeout.
var timedOutRE = regexp.MustCompile(`^Task timed out after [0-9.]+ seconds$`)

// emulatorError returns the error document of an RIE function error, or
// nil for a reply: a JSON object with errorType and without statusCode
// (which every Object Lambda HEAD and LIST reply has), the time-out text,
// or a 502 without a body (the process exited during init).
func emulatorError(status int, body []byte) []byte {
	trimmed := bytes.TrimSpace(body)
	if status == http.StatusBadGateway && len(trimmed) == 0 {
		// The function's process exited before it took the invocation (it
		// failed during init): Lambda reports Runtime.ExitError.
		doc, _ := json.Marshal(map[string]string{"errorType": "Runtime.ExitError", "errorMessage": "the function exited before it took the invocation"})
		return doc
	}
	if timedOutRE.Match(trimmed) {
		doc, _ := json.Marshal(map[string]string{"errorType": "Sandbox.Timedout", "errorMessage": string(trimmed)})
		return doc
	}
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil
	}
	var r struct {
		Type       *string         `json:"errorType"`
		StatusCode json.RawMessage `json:"statusCode"`
	}
	if json.Unmarshal(trimmed, &r) != nil || r.Type == nil || r.StatusCode != nil {
		return nil
	}
	return trimmed
}

type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, errReplyTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return 0, errReplyTooLarge
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
