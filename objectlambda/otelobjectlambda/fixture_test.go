package otelobjectlambda_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/objectlambda/sdk-go/presign"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
)

// Secrets of the fixture's events: none may appear in spans, metrics or logs.
const (
	testToken     = "output-token-never-logged"
	testSignature = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	testSession   = "caller-session-token-never-logged"
	testARN       = "arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/reports-olap"
)

// wgorCall is what the fake WriteGetObjectResponse client received.
type wgorCall struct {
	Status int32
	Code   string
	Bytes  int64
}

// fakeWGOR drains and records WriteGetObjectResponse calls.
type fakeWGOR struct {
	mu    sync.Mutex
	calls []wgorCall
}

func (f *fakeWGOR) WriteGetObjectResponse(_ context.Context, in *s3.WriteGetObjectResponseInput, _ ...func(*s3.Options)) (*s3.WriteGetObjectResponseOutput, error) {
	c := wgorCall{Status: 200}
	if in.StatusCode != nil {
		c.Status = *in.StatusCode
	}
	if in.ErrorCode != nil {
		c.Code = *in.ErrorCode
	}
	if in.Body != nil {
		n, err := io.Copy(io.Discard, in.Body)
		if err != nil {
			return nil, err
		}
		c.Bytes = n
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	return &s3.WriteGetObjectResponseOutput{}, nil
}

func (f *fakeWGOR) Calls() []wgorCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]wgorCall(nil), f.calls...)
}

// fixture is a TLS upstream standing in for S3 behind the presigned URL, and
// a fake WGOR client, around a real objectlambda.Handler.
type fixture struct {
	t        testing.TB
	upstream *httptest.Server
	wgor     *fakeWGOR
	logs     *objectlambdatest.Buffer
	h        *objectlambda.Handler
}

// newFixture serves GETs of any key with serve, and builds a handler with
// opts after the fixture's own.
func newFixture(t testing.TB, serve http.HandlerFunc, opts ...objectlambda.Option) *fixture {
	f := &fixture{t: t, wgor: &fakeWGOR{}, logs: &objectlambdatest.Buffer{}}
	f.upstream = httptest.NewTLSServer(serve)
	t.Cleanup(f.upstream.Close)
	pool := x509.NewCertPool()
	pool.AddCert(f.upstream.Certificate())
	base := []objectlambda.Option{
		objectlambda.WithS3Client(f.wgor),
		objectlambda.WithTrustedEndpoints(f.upstream.URL),
		objectlambda.WithFetchOptions(presign.WithTLSConfig(&tls.Config{RootCAs: pool}), presign.WithRetries(3, time.Millisecond)),
		objectlambda.WithLogger(slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	}
	h, err := objectlambda.New(append(base, opts...)...)
	require.NoError(t, err)
	f.h = h
	return f
}

// serveBody answers every GET with body.
func serveBody(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("ETag", `"e1"`)
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(body))
	}
}

// serveError answers with an S3 error document.
func serveError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>`+code+`</Code><Message>test</Message><RequestId>R1</RequestId></Error>`)
}

// event returns a GetObject event for key whose inputS3Url points at the
// upstream and carries presigned-looking credentials.
func (f *fixture) event(key string) []byte {
	q := url.Values{}
	q.Set("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
	q.Set("X-Amz-Credential", "ASIACALLER/20260101/us-east-1/s3/aws4_request")
	q.Set("X-Amz-Date", "20260101T000000Z")
	q.Set("X-Amz-Expires", "60")
	q.Set("X-Amz-SignedHeaders", "host")
	q.Set("X-Amz-Security-Token", testSession)
	q.Set("X-Amz-Signature", testSignature)
	ev := map[string]any{
		"xAmzRequestId": "req-" + key,
		"configuration": map[string]any{
			"accessPointArn":           testARN,
			"supportingAccessPointArn": "arn:aws:s3:us-east-1:111122223333:accesspoint/ap",
			"payload":                  "",
		},
		"getObjectContext": map[string]any{
			"inputS3Url":  f.upstream.URL + "/" + key + "?" + q.Encode(),
			"outputRoute": "io-use1-001",
			"outputToken": testToken,
		},
		"userRequest": map[string]any{
			"url":     "https://reports-olap-111122223333.s3-object-lambda.us-east-1.amazonaws.com/" + key,
			"headers": map[string]any{"Host": "reports-olap-111122223333.s3-object-lambda.us-east-1.amazonaws.com"},
		},
		"userIdentity": map[string]any{
			"type": "AssumedRole", "principalId": "AROAEXAMPLE:alice", "arn": "arn:aws:sts::111122223333:assumed-role/analyst/alice",
			"accountId": "111122223333", "accessKeyId": "ASIACALLER",
		},
		"protocolVersion": "1.01",
	}
	b, err := json.Marshal(ev)
	require.NoError(f.t, err)
	return b
}

// get invokes the handler with a GetObject event for key.
func (f *fixture) get(ctx context.Context, key string) {
	f.t.Helper()
	_, err := f.h.Invoke(ctx, f.event(key))
	require.NoError(f.t, err)
}

// secrets are the strings that must never leave the function.
var secrets = []string{testToken, testSignature, testSession, "ASIACALLER/20260101", "X-Amz-Signature=" + testSignature[:8]}

// otelErrors collects what OpenTelemetry's (global) error handler receives.
type otelErrors struct {
	mu   sync.Mutex
	errs []error
}

// captureOTelErrors installs an otelErrors as the error handler for the
// test and puts the previous one back after it.
func captureOTelErrors(t *testing.T) *otelErrors {
	c := &otelErrors{}
	prev := otel.GetErrorHandler()
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.errs = append(c.errs, err)
	}))
	t.Cleanup(func() { otel.SetErrorHandler(prev) })
	return c
}

func (c *otelErrors) errors() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]error(nil), c.errs...)
}

func (c *otelErrors) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = nil
}
