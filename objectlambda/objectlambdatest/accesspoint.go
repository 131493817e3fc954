package objectlambdatest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Caller is an identity that calls the access point. Its keys sign the
// client's requests, and its fields become the event's userIdentity.
// Empty fields get defaults from ClientAs.
type Caller struct {
	Type              string // CloudTrail identity type; default "IAMUser"
	AccountID         string // default: the access point's account
	UserName          string // default "tester"
	ARN               string // default arn:aws:iam::<account>:user/<UserName>
	PrincipalID       string // default: generated
	AccessKeyID       string // default: generated
	SecretAccessKey   string // default: generated
	SessionIssuer     *events.S3ObjectLambdaSessionIssuer
	SessionAttributes map[string]string
}

// SessionIssuer describes the role behind an assumed-role Caller.
type SessionIssuer = events.S3ObjectLambdaSessionIssuer

// WGORCall records one WriteGetObjectResponse request that reached the
// access point. It holds no token and no body bytes.
type WGORCall struct {
	Route         string
	StatusCode    int         // X-Amz-Fwd-Status (200 when absent)
	ErrorCode     string      // X-Amz-Fwd-Error-Code
	ErrorMessage  string      // X-Amz-Fwd-Error-Message
	Header        http.Header // object headers (X-Amz-Fwd-Header-* without the prefix) and X-Amz-Meta-*
	ContentLength int64       // declared body length, -1 when chunked
	BodySize      int64       // body bytes relayed to the client
	Response      int         // HTTP status answered to the function
	ResponseCode  string      // error code answered to the function, if any
	Err           error       // why the call failed, if it did
}

// AccessPoint is a local S3 Object Lambda access point, started by New and
// stopped when the test ends.
type AccessPoint struct {
	cfg    config
	t      tb
	closer func()
	once   sync.Once
	url    string
	srv    *http.Server
	served chan struct{}
	store  *store
	direct *s3.Client // the store, as its root user
	tr     *http.Transport
	hc     *http.Client
	proxy  *httputil.ReverseProxy
	fn     invoker              // the access point's function
	routes map[operation]*route // the functions of the routed actions
	fnKey  string
	fnSec  string
	log    *slog.Logger

	started  time.Time
	ctx      context.Context
	cancel   context.CancelFunc
	inflight activity // invocations and requests

	mu      sync.Mutex
	callers map[string]*Caller
	def     *Caller
	tokens  map[string]*pending
	events  []Event
	calls   []*callRecord
}

// New starts an access point for the test: the store underneath (versitygw
// unless an option says otherwise), one front end on a free 127.0.0.1 port
// that serves the access point, WriteGetObjectResponse and the presigned
// inputS3Url, and the function. Everything is stopped by t.Cleanup.
//
// When versitygw or the RIE is needed but not installed, New skips the test,
// or fails it when the CI environment variable is set.
func New(t testing.TB, opts ...Option) *AccessPoint {
	t.Helper()
	return newAccessPoint(t, opts...)
}

func newAccessPoint(t tb, opts ...Option) *AccessPoint {
	t.Helper()
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.function == nil && cfg.factory == nil && cfg.bootstrap == "" && len(cfg.transformations) == 0 {
		t.Fatal("objectlambdatest: no function: use WithFunction, WithHandler, WithFunctionFactory, WithBootstrap or WithTransformationConfiguration")
	}
	ap := &AccessPoint{
		cfg: cfg, t: t, fnKey: "FN" + strings.ToUpper(randomHex(9)), fnSec: randomHex(20),
		callers: map[string]*Caller{}, tokens: map[string]*pending{},
		log: cfg.logger, started: time.Now(),
	}
	if ap.log == nil {
		ap.log = slog.New(slog.DiscardHandler)
	}
	ap.ctx, ap.cancel = context.WithCancel(context.Background())
	ap.tr = &http.Transport{Proxy: nil, DisableCompression: true, MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second}
	ap.hc = &http.Client{Transport: ap.tr}
	t.Cleanup(ap.close)

	st, err := startStore(t, &ap.cfg)
	if err != nil {
		t.Fatalf("objectlambdatest: store: %v", err)
	}
	ap.store = st
	ap.direct = st.client(cfg.region, ap.hc)
	storeURL, err := url.Parse(st.url)
	if err != nil {
		t.Fatalf("objectlambdatest: store URL: %v", err)
	}
	ap.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(storeURL)
			pr.Out.Host = pr.In.Host // the presigned signature covers the access point's host
		},
		Transport: ap.tr,
		ErrorLog:  log.New(io.Discard, "", 0),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			ap.log.Warn("objectlambdatest: store unreachable", "err", err)
			writeError(w, r, http.StatusServiceUnavailable, "ServiceUnavailable", "the store behind the access point is unreachable", "")
		},
	}

	addr := cfg.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("objectlambdatest: listen: %v", err)
	}
	ap.url = "http://" + l.Addr().String()
	ap.srv = &http.Server{Handler: http.HandlerFunc(ap.serveHTTP), ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	ap.served = make(chan struct{})
	go func() { _ = ap.srv.Serve(l); close(ap.served) }()

	ctx, cancel := context.WithTimeout(ap.ctx, 30*time.Second)
	defer cancel()
	if err := st.ensureBucket(ctx, ap.direct, cfg.bucket); err != nil {
		t.Fatalf("objectlambdatest: %v", err)
	}
	ap.def = ap.register(Caller{})

	switch {
	case cfg.bootstrap != "":
		fn, err := ap.startRIE(cfg.bootstrap)
		if err != nil {
			t.Fatalf("objectlambdatest: %v", err)
		}
		ap.fn = fn
	case cfg.factory != nil:
		f := cfg.factory(ap.AWSConfig())
		if f == nil {
			t.Fatal("objectlambdatest: the function factory returned nil")
		}
		if cfg.factoryErr != nil {
			if err := cfg.factoryErr(f); err != nil {
				t.Fatalf("objectlambdatest: %v", err)
			}
		}
		ap.fn = inProcess{f}
	case cfg.function != nil:
		ap.fn = inProcess{cfg.function}
	}
	routes, err := ap.buildRoutes()
	if err != nil {
		t.Fatalf("objectlambdatest: %v", err)
	}
	ap.routes = routes
	return ap
}

// close stops everything in reverse order. Registered with t.Cleanup.
func (ap *AccessPoint) close() { ap.once.Do(ap.shutdown) }

func (ap *AccessPoint) shutdown() {
	// Let functions that are finishing (after their WGOR) end on their own
	// before their contexts are canceled.
	ap.inflight.waitIdle(2 * time.Second)
	ap.inflight.close()
	ap.cancel()
	if ap.srv != nil {
		_ = ap.srv.Close()
		<-ap.served
	}
	if !ap.inflight.waitIdle(10 * time.Second) {
		ap.t.Errorf("objectlambdatest: the function or a request was still running 10 s after the test ended")
	}
	if c, ok := ap.fn.(io.Closer); ok {
		_ = c.Close()
	}
	if ap.store != nil {
		ap.store.stop()
		if ap.t.Failed() && ap.store.proc != nil {
			ap.t.Logf("objectlambdatest: versitygw output:\n%s", ap.store.proc.log.String())
		}
	}
	ap.tr.CloseIdleConnections()
}

// URL is the access point's single endpoint, e.g. http://127.0.0.1:41234.
// Clients, WriteGetObjectResponse and inputS3Url all use it.
func (ap *AccessPoint) URL() string { return ap.url }

// Bucket is the bucket name to put in requests to the access point.
func (ap *AccessPoint) Bucket() *string { return aws.String(ap.cfg.bucket) }

// Region is the access point's region.
func (ap *AccessPoint) Region() string { return ap.cfg.region }

// Client returns an S3 client of the default caller, pointed at the access
// point (path-style). Retries are off, so one call invokes the function once;
// optFns may change that.
func (ap *AccessPoint) Client(optFns ...func(*s3.Options)) *s3.Client {
	return ap.clientFor(ap.def, optFns)
}

// ClientAs returns an S3 client for another identity, registered with the
// access point. Missing fields of c are filled in (keys are generated).
func (ap *AccessPoint) ClientAs(c Caller, optFns ...func(*s3.Options)) *s3.Client {
	return ap.clientFor(ap.register(c), optFns)
}

// DefaultCaller is the identity behind Client.
func (ap *AccessPoint) DefaultCaller() Caller { return *ap.def }

func (ap *AccessPoint) clientFor(c *Caller, optFns []func(*s3.Options)) *s3.Client {
	o := s3.Options{
		Region: ap.cfg.region, BaseEndpoint: aws.String(ap.url), UsePathStyle: true, HTTPClient: ap.hc,
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, ""),
		Retryer:     aws.NopRetryer{},
	}
	return s3.New(o, optFns...)
}

func (ap *AccessPoint) register(c Caller) *Caller {
	if c.Type == "" {
		c.Type = "IAMUser"
	}
	if c.AccountID == "" {
		c.AccountID = ap.cfg.account
	}
	if c.UserName == "" && c.Type == "IAMUser" {
		c.UserName = "tester"
	}
	if c.ARN == "" {
		c.ARN = "arn:aws:iam::" + c.AccountID + ":user/" + c.UserName
	}
	if c.PrincipalID == "" {
		c.PrincipalID = "AIDA" + strings.ToUpper(randomHex(8))
	}
	if c.AccessKeyID == "" {
		c.AccessKeyID = "AKIA" + strings.ToUpper(randomHex(8))
	}
	if c.SecretAccessKey == "" {
		c.SecretAccessKey = randomHex(20)
	}
	ap.mu.Lock()
	defer ap.mu.Unlock()
	ap.callers[c.AccessKeyID] = &c
	return &c
}

// Env is the environment a deployed function would see: the access point as
// its S3 endpoint, the region, the function's own credentials, its time limit.
func (ap *AccessPoint) Env() []string {
	secs := int((ap.cfg.timeLimit + time.Second - 1) / time.Second)
	return []string{
		"AWS_ENDPOINT_URL_S3=" + ap.url,
		"AWS_REGION=" + ap.cfg.region,
		"AWS_DEFAULT_REGION=" + ap.cfg.region,
		"AWS_ACCESS_KEY_ID=" + ap.fnKey,
		"AWS_SECRET_ACCESS_KEY=" + ap.fnSec,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_LAMBDA_FUNCTION_NAME=" + functionName,
		"AWS_LAMBDA_FUNCTION_TIMEOUT=" + strconv.Itoa(secs),
	}
}

const functionName = "objectlambdatest-function"

// AWSConfig is the SDK configuration of an in-process function: what
// config.LoadDefaultConfig would build from Env.
func (ap *AccessPoint) AWSConfig() aws.Config {
	return aws.Config{
		Region:       ap.cfg.region,
		BaseEndpoint: aws.String(ap.url),
		Credentials:  credentials.NewStaticCredentialsProvider(ap.fnKey, ap.fnSec, ""),
		HTTPClient:   ap.hc,
	}
}

// PutObject puts an object into the store underneath the access point,
// bypassing the function. opts may set metadata, content type and so on.
func (ap *AccessPoint) PutObject(t testing.TB, key, body string, opts ...func(*s3.PutObjectInput)) {
	t.Helper()
	ap.PutObjectInput(t, &s3.PutObjectInput{Key: aws.String(key), Body: strings.NewReader(body)}, opts...)
}

// PutObjectBytes is PutObject for binary bodies.
func (ap *AccessPoint) PutObjectBytes(t testing.TB, key string, body []byte, opts ...func(*s3.PutObjectInput)) {
	t.Helper()
	ap.PutObjectInput(t, &s3.PutObjectInput{Key: aws.String(key), Body: bytes.NewReader(body)}, opts...)
}

// PutObjectInput puts in with the store's root credentials; the bucket is
// filled in when empty. Bodies of unknown length need in.ContentLength.
func (ap *AccessPoint) PutObjectInput(t testing.TB, in *s3.PutObjectInput, opts ...func(*s3.PutObjectInput)) {
	t.Helper()
	if in.Bucket == nil {
		in.Bucket = ap.Bucket()
	}
	for _, o := range opts {
		o(in)
	}
	ctx, cancel := context.WithTimeout(ap.ctx, 5*time.Minute)
	defer cancel()
	if _, err := ap.direct.PutObject(ctx, in); err != nil {
		t.Fatalf("objectlambdatest: put %q into the store: %v", aws.ToString(in.Key), err)
	}
}

// Store is an S3 client for the store underneath, as its root user.
func (ap *AccessPoint) Store() *s3.Client { return ap.direct }

// Events returns the events sent to the function so far, oldest first.
func (ap *AccessPoint) Events() []Event {
	ap.mu.Lock()
	defer ap.mu.Unlock()
	return append([]Event(nil), ap.events...)
}

// WGORCalls returns the WriteGetObjectResponse calls received so far, oldest
// first. A call whose body is still being relayed is waited for (the client
// may have read the whole body a moment before the relay finishes).
func (ap *AccessPoint) WGORCalls() []WGORCall {
	ap.mu.Lock()
	recs := append([]*callRecord(nil), ap.calls...)
	ap.mu.Unlock()
	out := make([]WGORCall, 0, len(recs))
	timeout := time.After(10 * time.Second)
	for _, r := range recs {
		select {
		case <-r.done:
		case <-timeout:
		}
		ap.mu.Lock()
		out = append(out, r.call)
		ap.mu.Unlock()
	}
	return out
}

// callRecord is a WGOR call, complete when done is closed.
type callRecord struct {
	call WGORCall
	done chan struct{}
}

// startRecord records a call whose relay is starting; finish completes it.
func (ap *AccessPoint) startRecord(c WGORCall) *callRecord {
	r := &callRecord{call: c, done: make(chan struct{})}
	ap.mu.Lock()
	defer ap.mu.Unlock()
	ap.calls = append(ap.calls, r)
	return r
}

func (ap *AccessPoint) finish(r *callRecord, c WGORCall) {
	ap.mu.Lock()
	r.call = c
	ap.mu.Unlock()
	close(r.done)
}

func (ap *AccessPoint) record(c WGORCall) { ap.finish(ap.startRecord(c), c) }

// errClosed reports a request that arrived while the access point shut down.
var errClosed = errors.New("objectlambdatest: access point closed")

func (ap *AccessPoint) functionARN(name string) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", ap.cfg.region, ap.cfg.account, name)
}

// activity counts requests and invocations in flight. Unlike a bare
// sync.WaitGroup it may be entered while someone waits for it to be idle, and
// it refuses new requests once closed.
type activity struct {
	mu     sync.Mutex
	n      int
	closed bool
	idle   chan struct{} // closed when n drops to zero; replaced on the next enter
}

// enter counts a new request; it fails once the access point is closing.
// Work started by a request already counted (force) is always admitted.
func (a *activity) enter(force bool) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed && !force {
		return false
	}
	if a.n == 0 {
		a.idle = make(chan struct{})
	}
	a.n++
	return true
}

func (a *activity) leave() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n--
	if a.n == 0 {
		close(a.idle)
	}
}

func (a *activity) close() {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
}

// waitIdle waits up to d for nothing to be in flight and reports whether
// that happened.
func (a *activity) waitIdle(d time.Duration) bool {
	a.mu.Lock()
	if a.n == 0 {
		a.mu.Unlock()
		return true
	}
	idle := a.idle
	a.mu.Unlock()
	select {
	case <-idle:
		return true
	case <-time.After(d):
		return false
	}
}
