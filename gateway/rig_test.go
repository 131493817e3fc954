package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/gateway"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/gateway/server"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/require"
)

// functionSecret is the secret key of the functions run under the RIE.
const functionSecret = "function-secret-key-000000001"

// rigCallers: ana may use every access point of the rig's configuration;
// mallory is a known caller whom no AllowedPrincipals admit.
const rigCallers = `Callers:
  - {AccessKeyId: AKIAANALYST000000001, SecretAccessKey: ana-secret-key-0000000001, Arn: "arn:aws:sts::111122223333:assumed-role/analyst/ana"}
  - {AccessKeyId: AKIAMALLORY000000001, SecretAccessKey: mallory-secret-key-00001, Arn: "arn:aws:iam::111122223333:user/mallory"}
`

var (
	ana     = aws.Credentials{AccessKeyID: "AKIAANALYST000000001", SecretAccessKey: "ana-secret-key-0000000001"}
	mallory = aws.Credentials{AccessKeyID: "AKIAMALLORY000000001", SecretAccessKey: "mallory-secret-key-00001"}
)

// rig is a gateway over versitygw on loopback, serving the configuration
// given ({{store}} in it stands for the store's endpoint).
type rig struct {
	st   *objectlambdatest.Store
	g    *gateway.Gateway
	url  string
	logs *objectlambdatest.Buffer // the gateway's JSON log lines, at debug level
	srv  *http.Server
}

// newRig starts the store (with bucket "docs") and a gateway with doc.
func newRig(t testing.TB, doc string, opts ...gateway.Option) *rig {
	t.Helper()
	st := objectlambdatest.NewStore(t, "us-east-1")
	st.CreateBucket(t, "docs")
	return startGateway(t, st, doc, opts...)
}

func startGateway(t testing.TB, st *objectlambdatest.Store, doc string, opts ...gateway.Option) *rig {
	t.Helper()
	return serveOn(t, listen(t), st, doc, opts...)
}

func listen(t testing.TB) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return l
}

// serveOn serves a gateway with doc over st on l.
func serveOn(t testing.TB, l net.Listener, st *objectlambdatest.Store, doc string, opts ...gateway.Option) *rig {
	t.Helper()
	cfg, err := config.Parse("gateway.yaml", []byte(strings.ReplaceAll(doc, "{{store}}", st.URL)))
	if err != nil {
		_ = l.Close()
		require.NoError(t, err)
	}
	r := &rig{st: st, url: "http://" + l.Addr().String(), logs: &objectlambdatest.Buffer{}}
	log, err := gateway.NewLogger(r.logs, "debug")
	require.NoError(t, err)
	env := map[string]string{"STORE_KEY": st.AccessKeyID, "STORE_SECRET": st.SecretAccessKey, "CALLERS": rigCallers,
		"CLUSTER_KEY": "a cluster key shared by the replicas, 32+ characters", "FUNCTION_SECRET": functionSecret}
	all := append([]gateway.Option{
		gateway.WithSource(config.Source{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}),
		gateway.WithListenAddress(l.Addr()), gateway.WithLogger(log),
	}, opts...)
	r.g, err = gateway.New(context.Background(), cfg, all...)
	if err != nil {
		_ = l.Close()
		require.NoError(t, err)
	}
	r.srv, err = server.New(cfg.Listener, r.g.Handler(), nil) // TLS when configured
	require.NoError(t, err)
	if r.srv.TLSConfig != nil {
		r.url = "https://" + l.Addr().String()
	}
	served := make(chan struct{})
	go func() { _ = server.Serve(r.srv, l); close(served) }()
	t.Cleanup(func() {
		_ = r.g.Close()
		_ = r.srv.Close()
		<-served
	})
	return r
}

// put stores an object in bucket docs.
func (r *rig) put(t testing.TB, key string, body []byte) {
	t.Helper()
	_, err := r.st.Client().PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("docs"), Key: aws.String(key),
		Body: bytes.NewReader(body), ContentType: aws.String("text/plain")})
	require.NoError(t, err)
}

// client is an SDK client of creds, without retries.
func (r *rig) client(creds aws.Credentials) *s3.Client {
	return s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(r.url), UsePathStyle: true, Retryer: aws.NopRetryer{},
		Credentials: credentials.StaticCredentialsProvider{Value: creds}})
}

// answer is what a raw HTTP client saw: status, S3 error code and body.
type answer struct {
	Status int
	Code   string
	Body   string
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := answer{Status: resp.StatusCode, Body: string(b)}
	if resp.StatusCode >= 300 && len(b) > 0 {
		var doc struct{ Code string }
		require.NoError(t, xml.Unmarshal(b, &doc), "%s", b)
		a.Code, a.Body = doc.Code, ""
	}
	return a
}

// signed is a request signed with creds for service and region at at.
func signed(t *testing.T, method, url string, body []byte, creds aws.Credentials, service, region string, at time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", service, region, at))
	return req
}

// presigned is a URL presigned with creds.
func presigned(t *testing.T, method, url string, creds aws.Credentials, region string, at time.Time, expires time.Duration) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	q := req.URL.Query()
	q.Set("X-Amz-Expires", itoa(int(expires/time.Second)))
	req.URL.RawQuery = q.Encode()
	u, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "s3", region, at)
	require.NoError(t, err)
	out, err := http.NewRequest(method, u, nil)
	require.NoError(t, err)
	return out
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// wgorRequest is a WriteGetObjectResponse call for route and token, signed
// with creds for region (unsigned when creds is zero).
func wgorRequest(t *testing.T, url string, creds aws.Credentials, region, route, token, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/WriteGetObjectResponse", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("X-Amz-Request-Route", route)
	req.Header.Set("X-Amz-Request-Token", token)
	req.Header.Set("X-Amz-Fwd-Status", "200")
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	if creds.AccessKeyID != "" {
		require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "s3-object-lambda", region, time.Now()))
	}
	return req
}

// holder is an in-process function that holds each GetObject it gets
// until the test releases it, so that the test can answer (or not) in its
// stead. Its credentials are those the gateway issued to it.
type holder struct {
	creds   aws.Credentials
	events  chan events.S3ObjectLambdaEvent
	release chan struct{}
	once    sync.Once
}

func newHolder() *holder {
	return &holder{events: make(chan events.S3ObjectLambdaEvent, 16), release: make(chan struct{})}
}

func (h *holder) factory(cfg aws.Config) (lambda.Handler, error) {
	c, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		return nil, err
	}
	h.creds = c
	return h, nil
}

func (h *holder) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var ev events.S3ObjectLambdaEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, err
	}
	h.events <- ev
	select {
	case <-h.release:
	case <-ctx.Done():
	}
	return []byte(`{"statusCode":200}`), nil
}

func (h *holder) done() { h.once.Do(func() { close(h.release) }) }
