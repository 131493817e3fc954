package gateway

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testConfig = `Region: eu-west-1
AccountId: "111122223333"
Listener: {Address: "0.0.0.0:8080"}
Stores:
  - Name: local
    Endpoint: http://127.0.0.1:7070
    UsePathStyle: true
    Credentials:
      AccessKeyId: {Env: TEST_STORE_AK}
      SecretAccessKey: {Env: TEST_STORE_SK}
Functions:
  - Name: echo
    InProcess: echo
  - Name: redact
    InProcess: redact
  - Name: remote
    Lambda:
      FunctionName: function
      Endpoint: http://127.0.0.1:9
      Credentials:
        AccessKeyId: AKIAGATEWAY00000000
        SecretAccessKey: {Env: TEST_LAMBDA_SK}
Callers: {Env: TEST_CALLERS}
AccessPoints:
  - Name: reports
    ObjectLambdaConfiguration:
      SupportingAccessPoint: {Store: local, Bucket: reports}
      TransformationConfigurations:
        - Actions: [GetObject]
          ContentTransformation: {AwsLambda: {FunctionArn: redact}}
        - Actions: [HeadObject]
          ContentTransformation: {AwsLambda: {FunctionArn: remote}}
    AllowedPrincipals: ["*"]
    MaxConcurrentInvocations: 2
  - Name: echoes
    ObjectLambdaConfiguration:
      SupportingAccessPoint: {Store: local, Bucket: echoes}
      TransformationConfigurations:
        - Actions: [GetObject]
          ContentTransformation: {AwsLambda: {FunctionArn: echo}}
    AllowedPrincipals: ["arn:aws:iam::111122223333:user/*"]
`

const testCallers = `Callers:
  - AccessKeyId: AKIACALLER0000000001
    SecretAccessKey: caller-secret-key-0001
    Arn: arn:aws:iam::111122223333:user/ana
`

var testEnv = map[string]string{
	"TEST_STORE_AK": "AKIASTORE0000000001", "TEST_STORE_SK": "store-secret-value",
	"TEST_LAMBDA_SK": "lambda-secret-value", "TEST_CALLERS": testCallers,
}

func testSource(env map[string]string) config.Source {
	return config.Source{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
}

func echoFactory(aws.Config) (lambda.Handler, error) {
	return lambda.NewHandler(func(ev map[string]any) (map[string]any, error) { return ev, nil }), nil
}

func newTestGateway(t *testing.T, env map[string]string, opts ...Option) (*Gateway, error) {
	t.Helper()
	cfg, err := config.Parse("gateway.yaml", []byte(testConfig))
	require.NoError(t, err)
	all := append([]Option{
		WithSource(testSource(env)),
		WithFunction("echo", echoFactory),
		WithHandler("redact"),
	}, opts...)
	return New(context.Background(), cfg, all...)
}

func TestNew(t *testing.T) {
	g, err := newTestGateway(t, testEnv)
	require.NoError(t, err)
	defer g.Close()

	assert.Equal(t, "http://127.0.0.1:8080", g.PublicURL(), "an unspecified host becomes loopback")
	assert.Equal(t, 1, g.Callers().Len())

	store, ok := g.storeConfig("local")
	require.True(t, ok)
	assert.Equal(t, "eu-west-1", store.Region)
	assert.Equal(t, "http://127.0.0.1:7070", aws.ToString(store.BaseEndpoint))
	creds, err := store.Credentials.Retrieve(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "AKIASTORE0000000001", creds.AccessKeyID)
	assert.Equal(t, "store-secret-value", creds.SecretAccessKey)

	echo, ok := g.Runner("echo")
	require.True(t, ok)
	out, err := echo.Invoke(context.Background(), []byte(`{"a":1}`))
	require.NoError(t, err)
	assert.JSONEq(t, `{"a":1}`, string(out))

	redact, ok := g.Runner("redact")
	require.True(t, ok)
	_, err = redact.Invoke(context.Background(), []byte(`{"not":"an event"}`))
	assert.Error(t, err, "an objectlambda.Handler refuses what is not an Object Lambda event")

	_, ok = g.Runner("remote")
	assert.True(t, ok)
	_, ok = g.Runner("missing")
	assert.False(t, ok)

	fc := g.functionConfig(g.runners["echo"])
	assert.Equal(t, "http://127.0.0.1:8080", aws.ToString(fc.BaseEndpoint), "in-process functions call WGOR on their own replica")
	fcreds, err := fc.Credentials.Retrieve(context.Background())
	require.NoError(t, err)
	assert.Equal(t, g.runners["echo"].accessKeyID, fcreds.AccessKeyID)
	assert.NotEqual(t, g.runners["redact"].accessKeyID, fcreds.AccessKeyID, "each in-process function has keys of its own")
	assert.NotEqual(t, "", fcreds.SecretAccessKey)
}

// TestNewReportsEverything: every problem at once, none quoting a secret.
func TestNewReportsEverything(t *testing.T) {
	env := map[string]string{"TEST_STORE_AK": "AKIASTORE0000000001", "TEST_CALLERS": "Callers: [{AccessKeyId: x, SecretAccessKey: caller-secret-leak}]"}
	failing := func(aws.Config) (lambda.Handler, error) { return nil, errors.New("bad options") }
	_, err := newTestGateway(t, env, WithFunction("redact", failing))
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		"Callers[0].AccessKeyId", // the callers file
		"Stores[0].Credentials.SecretAccessKey: environment variable TEST_STORE_SK is not set",
		"Functions[1].InProcess: redact: bad options", // a factory that fails
		"Functions[2].Lambda.Credentials.SecretAccessKey: environment variable TEST_LAMBDA_SK is not set",
	} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, "caller-secret-leak")

	cfg, err := config.Parse("gateway.yaml", []byte(testConfig))
	require.NoError(t, err)
	_, err = New(context.Background(), cfg, WithSource(testSource(testEnv)), WithFunction("echo", echoFactory))
	assert.ErrorContains(t, err, `Functions[1].InProcess: no function "redact" is registered in this binary (registered: echo)`)
}

func TestPublicURL(t *testing.T) {
	tests := []struct {
		name string
		l    config.Listener
		addr net.Addr
		want string
	}{
		{"configured", config.Listener{Address: "0.0.0.0:8080", PublicURL: "https://olap.example.com/"}, nil, "https://olap.example.com"},
		{"unspecified host", config.Listener{Address: "0.0.0.0:8080"}, nil, "http://127.0.0.1:8080"},
		{"empty host", config.Listener{Address: ":8080"}, nil, "http://127.0.0.1:8080"},
		{"IPv6 unspecified", config.Listener{Address: "[::]:8080"}, nil, "http://127.0.0.1:8080"},
		{"named host, TLS", config.Listener{Address: "gw.internal:8443", TLS: &config.TLS{}}, nil, "https://gw.internal:8443"},
		{"port 0, bound", config.Listener{Address: "127.0.0.1:0"}, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 41234}, "http://127.0.0.1:41234"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, publicURL(tt.l, tt.addr), tt.name)
	}
}

// s3Client is a real S3 client pointed at url.
func s3Client(url string) *s3.Client {
	return s3.New(s3.Options{
		Region: "eu-west-1", BaseEndpoint: aws.String(url), UsePathStyle: true, Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider("AKIACALLER0000000001", "caller-secret-key-0001", ""),
	})
}

// apiError asserts that err is the S3 error status/code, as the SDK sees it.
func apiError(t *testing.T, err error, status int, code string) {
	t.Helper()
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, code, ae.ErrorCode())
	var re *awshttp.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, status, re.HTTPStatusCode())
}

func TestAdminHandler(t *testing.T) {
	g, err := newTestGateway(t, testEnv)
	require.NoError(t, err)
	srv := httptest.NewServer(g.AdminHandler())
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := get("/metrics")
	assert.Equal(t, http.StatusOK, status)
	for _, series := range []string{
		`objectlambda_all_requests_total{access_point="reports",function="redact"} 0`,
		`objectlambda_all_requests_total{access_point="reports",function="remote"} 0`,
		`objectlambda_proxied_requests_total{access_point="echoes",function=""} 0`,
		`objectlambda_invocations_in_flight{access_point="echoes"} 0`,
	} {
		assert.Contains(t, body, series)
	}
	status, _ = get("/healthz")
	assert.Equal(t, http.StatusOK, status)
	status, _ = get("/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, status, "not ready before the listeners serve")
	g.Health().SetReady()
	status, _ = get("/readyz")
	assert.Equal(t, http.StatusOK, status)
	status, _ = get("/nope")
	assert.Equal(t, http.StatusNotFound, status)
	resp, err := http.Post(srv.URL+"/metrics", "text/plain", strings.NewReader("x"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

func TestLoadExampleAndNew(t *testing.T) {
	cfg, err := config.Load("../examples/gateway/gateway.yaml")
	require.NoError(t, err)
	g, err := New(context.Background(), cfg,
		WithSource(testSource(map[string]string{"STORE_ACCESS_KEY_ID": "admin", "STORE_SECRET_ACCESS_KEY": "adminsecret"})),
		WithHandler("redact", objectlambda.WithPayloadType[map[string]any]()))
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8080", g.PublicURL())
	_, ok := g.Runner("redact")
	assert.True(t, ok)
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}
