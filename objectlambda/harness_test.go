package objectlambda

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/objectlambda/sdk-go/internal/httprange"
	"github.com/objectlambda/sdk-go/presign"
	"github.com/stretchr/testify/require"
)

const (
	testAccessKey = "AKIDOBJECTLAMBDATEST"
	testSecretKey = "test-secret-key-never-logged"
	testToken     = "output-token-never-logged"
	testRoute     = "io-use1-001"
)

// storedObject is an object the fake upstream serves.
type storedObject struct {
	body   []byte
	header http.Header
}

// wgorCall is what the capture endpoint recorded for one WGOR request.
type wgorCall struct {
	Header    http.Header
	Body      []byte
	BodyErr   error // the body broke mid-stream
	SigV4     error // nil when the signature verified
	Chunked   bool
	ContentLn int64
}

// harness is a TLS upstream (standing in for S3 behind the presigned URL) and
// a TLS WGOR endpoint that verifies SigV4 and records what arrived.
type harness struct {
	t        testing.TB
	upstream *httptest.Server
	wgor     *httptest.Server
	logs     *bytes.Buffer
	logw     *syncWriter // writes to logs
	awsCfg   aws.Config

	mu          sync.Mutex
	objects     map[string]storedObject
	upstreamHit []http.Header
	calls       []wgorCall
	upstreamFn  http.HandlerFunc // overrides the default upstream behaviour
	wgorStatus  int              // non-zero: answer WGOR with this status
	discard     bool             // count WGOR bodies instead of keeping them (benchmarks)
	verifySig   bool             // verify SigV4 of WGOR calls (on unless disabled)
	acceptDelay atomic.Int64     // ns each new WGOR connection waits before it is accepted
	baseOpts    []Option         // the options every handler of the harness starts with
	arrivals    atomic.Int32     // WGOR requests that reached the endpoint
	wgorHold    chan struct{}    // when set, WGOR requests wait for it before their body is read
}

// slowListener delays every accepted connection, like an endpoint that is
// slow to connect to: a WGOR call then spends that long before it reaches
// the server.
type slowListener struct {
	net.Listener
	delay *atomic.Int64
}

func (l *slowListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		time.Sleep(time.Duration(l.delay.Load()))
	}
	return c, err
}

func newHarness(t testing.TB, opts ...Option) (*harness, *Handler) {
	h := &harness{t: t, objects: map[string]storedObject{}, logs: &bytes.Buffer{}, verifySig: true}
	h.logw = &syncWriter{w: h.logs}
	h.upstream = httptest.NewTLSServer(http.HandlerFunc(h.serveUpstream))
	t.Cleanup(h.upstream.Close)
	h.wgor = httptest.NewUnstartedServer(http.HandlerFunc(h.serveWGOR))
	h.wgor.Listener = &slowListener{Listener: h.wgor.Listener, delay: &h.acceptDelay}
	h.wgor.StartTLS()
	t.Cleanup(h.wgor.Close)

	pool := x509.NewCertPool()
	pool.AddCert(h.upstream.Certificate())
	httpClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(testAccessKey, testSecretKey, ""),
		BaseEndpoint: aws.String(h.wgor.URL),
		HTTPClient:   httpClient,
	}
	h.awsCfg = cfg
	base := []Option{
		WithAWSConfig(cfg),
		WithTrustedEndpoints(h.upstream.URL),
		WithFetchOptions(presign.WithTLSConfig(&tls.Config{RootCAs: pool}), presign.WithRetries(3, time.Millisecond)),
		WithLogger(slog.New(slog.NewJSONHandler(h.logw, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		withLookupEnv(func(string) (string, bool) { return "", false }),
	}
	h.baseOpts = base
	handler, err := New(append(base, opts...)...)
	require.NoError(t, err)
	return h, handler
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// rootCAs trusts the harness's TLS servers.
func (h *harness) rootCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(h.upstream.Certificate())
	return pool
}

// logText is the function's log so far, read under the writer's lock.
func (h *harness) logText() string {
	h.logw.mu.Lock()
	defer h.logw.mu.Unlock()
	return h.logs.String()
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (h *harness) put(key string, body string, header map[string]string) {
	hdr := http.Header{}
	for k, v := range header {
		hdr.Set(k, v)
	}
	if hdr.Get("Content-Type") == "" {
		hdr.Set("Content-Type", "text/plain")
	}
	if hdr.Get("ETag") == "" {
		hdr.Set("ETag", fmt.Sprintf("%q", fmt.Sprintf("etag-%d", len(body))))
	}
	if hdr.Get("Last-Modified") == "" {
		hdr.Set("Last-Modified", "Tue, 02 Jan 2024 03:04:05 GMT")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.objects[key] = storedObject{body: []byte(body), header: hdr}
}

func (h *harness) serveUpstream(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.upstreamHit = append(h.upstreamHit, r.Header.Clone())
	fn := h.upstreamFn
	obj, ok := h.objects[strings.TrimPrefix(r.URL.Path, "/")]
	h.mu.Unlock()
	if fn != nil {
		fn(w, r)
		return
	}
	if !ok {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusNotFound)
		if r.Method != http.MethodHead {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><RequestId>R1</RequestId></Error>`)
		}
		return
	}
	for k, vs := range obj.header {
		w.Header()[k] = vs
	}
	w.Header().Set("Accept-Ranges", "bytes")
	lm, _ := http.ParseTime(obj.header.Get("Last-Modified"))
	if rh := r.Header.Get("Range"); rh != "" {
		// Answer ranges as S3 does (http.ServeContent differs on suffix
		// ranges of zero and on empty objects).
		r.Header.Del("Range")
		if spec, err := httprange.Parse(rh); err == nil && spec != nil {
			size := int64(len(obj.body))
			res, err := spec.Resolve(size)
			if err != nil {
				w.Header().Set("Content-Range", httprange.UnsatisfiedContentRange(size))
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
				io.WriteString(w, `<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message></Error>`)
				return
			}
			w.Header().Set("Content-Range", res.ContentRange())
			w.Header().Set("Content-Length", strconv.FormatInt(res.Length(), 10))
			w.WriteHeader(http.StatusPartialContent)
			w.Write(obj.body[res.Start : res.End+1])
			return
		}
	}
	http.ServeContent(w, r, "", lm, bytes.NewReader(obj.body))
}

func (h *harness) serveWGOR(w http.ResponseWriter, r *http.Request) {
	h.arrivals.Add(1)
	call := wgorCall{Header: r.Header.Clone(), Chunked: len(r.TransferEncoding) > 0, ContentLn: r.ContentLength}
	h.mu.Lock()
	discard, verify, hold := h.discard, h.verifySig, h.wgorHold
	h.mu.Unlock()
	if hold != nil {
		// A slow endpoint: it has the request but reads nothing yet.
		select {
		case <-hold:
		case <-r.Context().Done():
		}
	}
	if verify {
		call.SigV4 = verifySigV4(r, testSecretKey, "s3-object-lambda")
	}
	if discard {
		n, err := io.Copy(io.Discard, r.Body)
		call.ContentLn, call.BodyErr = n, err
	} else {
		call.Body, call.BodyErr = io.ReadAll(r.Body)
	}
	h.mu.Lock()
	h.calls = append(h.calls, call)
	status := h.wgorStatus
	h.mu.Unlock()
	if status != 0 {
		w.WriteHeader(status)
		io.WriteString(w, `<Error><Code>ValidationError</Code><Message>rejected by test</Message></Error>`)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// verifySigV4 recomputes the request's SigV4 header signature.
func verifySigV4(r *http.Request, secret, wantService string) error {
	auth := r.Header.Get("Authorization")
	var cred, signed, sig string
	for _, part := range strings.Split(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 "), ", ") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			sig = v
		}
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 {
		return fmt.Errorf("no SigV4 authorization header")
	}
	if scope[3] != wantService {
		return fmt.Errorf("signed for service %q, want %q", scope[3], wantService)
	}
	req2, err := http.NewRequest(r.Method, "https://"+r.Host+r.URL.RequestURI(), nil)
	if err != nil {
		return err
	}
	for _, name := range strings.Split(signed, ";") {
		switch name {
		case "host":
		case "content-length":
			req2.ContentLength = r.ContentLength
		default:
			req2.Header[http.CanonicalHeaderKey(name)] = r.Header.Values(name)
		}
	}
	t, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return err
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	err = signer.SignHTTP(context.Background(), aws.Credentials{AccessKeyID: scope[0], SecretAccessKey: secret}, req2,
		r.Header.Get("X-Amz-Content-Sha256"), scope[3], scope[2], t)
	if err != nil {
		return err
	}
	if !strings.HasSuffix(req2.Header.Get("Authorization"), "Signature="+sig) {
		return fmt.Errorf("signature mismatch")
	}
	return nil
}

// presignedURL returns a URL on the upstream that looks like an inputS3Url.
func (h *harness) presignedURL(key string, signedHeaders ...string) string {
	q := url.Values{}
	q.Set("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
	q.Set("X-Amz-Credential", "ASIACALLER/20260101/us-east-1/s3/aws4_request")
	q.Set("X-Amz-Date", "20260101T000000Z")
	q.Set("X-Amz-Expires", "60")
	q.Set("X-Amz-SignedHeaders", strings.Join(append([]string{"host"}, signedHeaders...), ";"))
	q.Set("X-Amz-Security-Token", "caller-session-token-never-logged")
	q.Set("X-Amz-Signature", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	return h.upstream.URL + "/" + key + "?" + q.Encode()
}

type eventOpt func(map[string]any)

func withHeaders(kv ...string) eventOpt {
	return func(ev map[string]any) {
		hdr := ev["userRequest"].(map[string]any)["headers"].(map[string]any)
		for i := 0; i+1 < len(kv); i += 2 {
			hdr[kv[i]] = kv[i+1]
		}
	}
}

func withQuery(q string) eventOpt {
	return func(ev map[string]any) {
		ur := ev["userRequest"].(map[string]any)
		ur["url"] = ur["url"].(string) + "?" + q
	}
}

func withSigned(names ...string) eventOpt {
	return func(ev map[string]any) { ev["_signed"] = names }
}

func withPayload(p string) eventOpt {
	return func(ev map[string]any) { ev["configuration"].(map[string]any)["payload"] = p }
}

// event builds a GetObject event JSON for key.
func (h *harness) event(key string, opts ...eventOpt) []byte {
	ev := map[string]any{
		"xAmzRequestId": "req-" + key,
		"configuration": map[string]any{
			"accessPointArn":           "arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/olap",
			"supportingAccessPointArn": "arn:aws:s3:us-east-1:111122223333:accesspoint/ap",
			"payload":                  "",
		},
		"userRequest": map[string]any{
			"url":     "https://olap-111122223333.s3-object-lambda.us-east-1.amazonaws.com/" + key,
			"headers": map[string]any{"Host": "olap-111122223333.s3-object-lambda.us-east-1.amazonaws.com", "Accept-Encoding": "identity"},
		},
		"userIdentity": map[string]any{
			"type": "AssumedRole", "principalId": "AROAEXAMPLE:alice", "arn": "arn:aws:sts::111122223333:assumed-role/analyst/alice",
			"accountId": "111122223333", "accessKeyId": "ASIACALLER",
		},
		"protocolVersion": "1.01",
	}
	for _, o := range opts {
		o(ev)
	}
	var signed []string
	if s, ok := ev["_signed"].([]string); ok {
		signed = s
		delete(ev, "_signed")
	}
	ev["getObjectContext"] = map[string]any{"inputS3Url": h.presignedURL(key, signed...), "outputRoute": testRoute, "outputToken": testToken}
	b, err := json.Marshal(ev)
	require.NoError(h.t, err)
	return b
}

func (h *harness) wgorCalls() []wgorCall {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]wgorCall(nil), h.calls...)
}

// waitCalls waits until n WGOR calls have been recorded: a body that broke
// mid-stream may be recorded just after the client gave up.
func (h *harness) waitCalls(t testing.TB, n int) []wgorCall {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		calls := h.wgorCalls()
		if len(calls) >= n || time.Now().After(deadline) {
			require.Len(t, calls, n)
			return calls
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (h *harness) upstreamHits() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.upstreamHit)
}

// onlyCall asserts exactly one WGOR call arrived, signed correctly, and returns it.
func (h *harness) onlyCall(t testing.TB) wgorCall {
	t.Helper()
	calls := h.wgorCalls()
	require.Len(t, calls, 1, "exactly one WriteGetObjectResponse per GetObject")
	require.NoError(t, calls[0].SigV4, "WGOR SigV4 (service s3-object-lambda)")
	require.Equal(t, testToken, calls[0].Header.Get("X-Amz-Request-Token"))
	require.Equal(t, testRoute, calls[0].Header.Get("X-Amz-Request-Route"))
	return calls[0]
}
