package function

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeLambda answers Invoke the way the Lambda service does on the wire,
// for the answers the RIE never gives (TestLambdaUnderRIE covers a real
// runtime): function errors flagged by X-Amz-Function-Error, the service's
// own errors, oversized replies.
type fakeLambda struct {
	status  int
	header  map[string]string
	body    []byte
	got     *http.Request
	gotBody []byte
}

func (f *fakeLambda) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.got = r
	f.gotBody, _ = io.ReadAll(r.Body)
	for k, v := range f.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(f.status)
	_, _ = w.Write(f.body)
}

func fakeConfig(url string) aws.Config {
	return aws.Config{Region: "eu-west-1", BaseEndpoint: aws.String(url), Credentials: credentials.NewStaticCredentialsProvider("AKIAGATEWAY", "gateway-secret", "")}
}

func TestLambdaWire(t *testing.T) {
	big := bytes.Repeat([]byte("x"), MaxReply+1)
	tests := []struct {
		name   string
		fake   fakeLambda
		reply  string
		fnErr  *Error
		reason Reason
		code   string
	}{
		{name: "reply", fake: fakeLambda{status: 200, body: []byte(`{"statusCode":200}`)}, reply: `{"statusCode":200}`},
		{name: "a reply with errorType and statusCode is a reply", fake: fakeLambda{status: 200, body: []byte(`{"statusCode":500,"errorType":"x"}`)}, reply: `{"statusCode":500,"errorType":"x"}`},
		{name: "unhandled", fake: fakeLambda{status: 200, header: map[string]string{"X-Amz-Function-Error": "Unhandled"}, body: []byte(`{"errorType":"Runtime.ExitError","errorMessage":"exit status 2"}`)},
			fnErr: &Error{Kind: Unhandled, Type: "Runtime.ExitError", Message: "exit status 2"}},
		{name: "handled", fake: fakeLambda{status: 200, header: map[string]string{"X-Amz-Function-Error": "Handled"}, body: []byte(`{"errorType":"Error","errorMessage":"no"}`)},
			fnErr: &Error{Kind: Handled, Type: "Error", Message: "no"}},
		{name: "function error with a body that is not JSON", fake: fakeLambda{status: 200, header: map[string]string{"X-Amz-Function-Error": "Unhandled"}, body: []byte(`oops`)},
			fnErr: &Error{Kind: Unhandled}},
		{name: "throttled", fake: fakeLambda{status: 429, header: map[string]string{"X-Amzn-Errortype": "TooManyRequestsException", "Content-Type": "application/json"}, body: []byte(`{"message":"Rate Exceeded.","Reason":"ReservedFunctionConcurrentInvocationLimitExceeded"}`)},
			reason: Throttled, code: "TooManyRequestsException"},
		{name: "not found", fake: fakeLambda{status: 404, header: map[string]string{"X-Amzn-Errortype": "ResourceNotFoundException"}, body: []byte(`{"message":"Function not found"}`)},
			reason: NotFound, code: "ResourceNotFoundException"},
		{name: "denied", fake: fakeLambda{status: 403, header: map[string]string{"X-Amzn-Errortype": "AccessDeniedException"}, body: []byte(`{"message":"not authorized"}`)},
			reason: Denied, code: "AccessDeniedException"},
		{name: "bad signature", fake: fakeLambda{status: 403, header: map[string]string{"X-Amzn-Errortype": "InvalidSignatureException"}, body: []byte(`{"message":"sig"}`)},
			reason: Denied, code: "InvalidSignatureException"},
		{name: "service error", fake: fakeLambda{status: 500, header: map[string]string{"X-Amzn-Errortype": "ServiceException"}, body: []byte(`{"message":"oops"}`)},
			reason: Failed, code: "ServiceException"},
		{name: "bare 429", fake: fakeLambda{status: 429}, reason: Throttled, code: "UnknownError"},
		{name: "reply over 6 MB", fake: fakeLambda{status: 200, body: big}, fnErr: &Error{Kind: Unhandled, Type: "Function.ResponseSizeTooLarge", Message: errReplyTooLarge.Error()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := tt.fake
			srv := httptest.NewServer(&fake)
			defer srv.Close()
			fn := NewLambda(fakeConfig(srv.URL), LambdaFunction{FunctionName: "arn:aws:lambda:eu-west-1:111122223333:function:redact", Qualifier: "live"})
			out, err := fn.Invoke(context.Background(), []byte(`{"xAmzRequestId":"r1"}`))

			require.NotNil(t, fake.got, "one request")
			assert.Equal(t, "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A111122223333%3Afunction%3Aredact/invocations", fake.got.URL.EscapedPath())
			assert.Equal(t, "live", fake.got.URL.Query().Get("Qualifier"))
			assert.Equal(t, "RequestResponse", fake.got.Header.Get("X-Amz-Invocation-Type"))
			assert.Contains(t, fake.got.Header.Get("Authorization"), "Credential=AKIAGATEWAY/", "signed")
			assert.Contains(t, fake.got.Header.Get("Authorization"), "/eu-west-1/lambda/aws4_request")
			assert.Equal(t, `{"xAmzRequestId":"r1"}`, string(fake.gotBody))

			switch {
			case tt.fnErr != nil:
				var fe *Error
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, tt.fnErr, fe)
			case tt.reply != "":
				require.NoError(t, err)
				assert.JSONEq(t, tt.reply, string(out))
			default:
				var ie *InvokeError
				require.ErrorAs(t, err, &ie)
				assert.Equal(t, tt.reason, ie.Reason, "%v", err)
				assert.Equal(t, tt.code, ie.Code)
				assert.NotContains(t, err.Error(), "gateway-secret")
			}
		})
	}
}

func TestLambdaUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	url := "http://" + l.Addr().String()
	require.NoError(t, l.Close())
	fn := NewLambda(fakeConfig(url), LambdaFunction{FunctionName: "f"})
	_, err = fn.Invoke(context.Background(), []byte(`{}`))
	var ie *InvokeError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, Failed, ie.Reason)
	assert.Equal(t, "LambdaInvocationFailed", S3Error(err).Code)
}

func TestEmulatorError(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   string // "" for a reply
	}{
		{200, `{"errorType":"errorString","errorMessage":"x"}`, `{"errorType":"errorString","errorMessage":"x"}`},
		{502, `  {"errorType":"T"}` + "\n", `{"errorType":"T"}`},
		{200, `Task timed out after 3.00 seconds`, `{"errorMessage":"Task timed out after 3.00 seconds","errorType":"Sandbox.Timedout"}`},
		{502, ``, `{"errorType":"Runtime.ExitError","errorMessage":"the function exited before it took the invocation"}`},
		{200, `{"statusCode":404,"errorCode":"NoSuchKey","errorMessage":"x"}`, ""},
		{200, `{"statusCode":200,"errorType":"T"}`, ""},
		{200, `{"errorMessage":"no type"}`, ""},
		{200, `["errorType"]`, ""},
		{200, `Task timed out after soon`, ""},
		{200, ``, ""},
	}
	for _, tt := range tests {
		got := emulatorError(tt.status, []byte(tt.body))
		if tt.want == "" {
			assert.Nil(t, got, tt.body)
			continue
		}
		assert.JSONEq(t, tt.want, string(got), tt.body)
	}
	assert.True(t, strings.HasPrefix(errReplyTooLarge.Error(), "the reply is larger"))
}
