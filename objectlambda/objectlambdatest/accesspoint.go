package objectlambdatest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/gateway"
)

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
	gw     *gateway.Gateway
	store  *store
	direct *s3.Client // the store, as its root user
	tr     *http.Transport
	hc     *http.Client
	rie    *RIE   // the bootstrap's emulator, with WithBootstrap
	fnKey  string // the keys a bootstrap under the RIE signs with
	fnSec  string
	fnCfg  aws.Config // the SDK configuration of the in-process function
	log    *slog.Logger

	callers *registry
	def     *Caller
	rec     recorder
}

// New starts an access point for the test: the store underneath (versitygw
// unless an option says otherwise), the gateway (package gateway) on a free
// 127.0.0.1 port serving the access point, WriteGetObjectResponse and the
// presigned inputS3Url, and the function. Everything is stopped by
// t.Cleanup.
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
		cfg: cfg, t: t, fnKey: "FN" + strings.ToUpper(randomHex(9)), fnSec: randomHex(20), log: cfg.logger,
		callers: &registry{callers: map[string]*Caller{}},
	}
	if ap.log == nil {
		ap.log = slog.New(slog.DiscardHandler)
	}
	ap.tr = &http.Transport{Proxy: nil, DisableCompression: true, MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second}
	ap.hc = &http.Client{Transport: ap.tr}
	t.Cleanup(ap.close)

	st, err := startStore(t, &ap.cfg)
	if err != nil {
		t.Fatalf("objectlambdatest: store: %v", err)
	}
	ap.store = st
	ap.direct = st.client(cfg.region, ap.hc)

	addr := cfg.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("objectlambdatest: listen: %v", err)
	}
	ap.url = "http://" + l.Addr().String()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := st.ensureBucket(ctx, ap.direct, cfg.bucket); err != nil {
		_ = l.Close()
		t.Fatalf("objectlambdatest: %v", err)
	}
	ap.def = ap.register(Caller{})
	if cfg.bootstrap != "" {
		if ap.rie, err = ap.startRIE(cfg.bootstrap); err != nil {
			_ = l.Close()
			t.Fatalf("objectlambdatest: %v", err)
		}
	}
	if ap.gw, err = ap.newGateway(l.Addr()); err != nil {
		_ = l.Close()
		t.Fatalf("objectlambdatest: %v", err)
	}
	ap.srv = &http.Server{Handler: ap.gw.Handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	ap.served = make(chan struct{})
	go func() { _ = ap.srv.Serve(l); close(ap.served) }()
	return ap
}

// newGateway builds the gateway of the access point's configuration.
func (ap *AccessPoint) newGateway(addr net.Addr) (*gateway.Gateway, error) {
	cfg, src, err := ap.gatewayConfig()
	if err != nil {
		return nil, err
	}
	opts := []gateway.Option{
		gateway.WithSource(src), gateway.WithListenAddress(addr), gateway.WithCallers(ap.callers),
		gateway.WithTimeLimit(ap.cfg.timeLimit), gateway.WithLogger(ap.log),
		gateway.WithRunnerWrapper(ap.rec.wrap), gateway.WithWGORObserver(ap.rec.observe),
	}
	for name, fn := range ap.inProcessFunctions() {
		opts = append(opts, gateway.WithFunction(name, fn))
	}
	return gateway.New(context.Background(), cfg, opts...)
}

// inProcessFunctions are the factories of the in-process functions, by
// InProcess name.
func (ap *AccessPoint) inProcessFunctions() map[string]gateway.Factory {
	fns := map[string]gateway.Factory{}
	c := ap.cfg
	switch {
	case c.factory != nil:
		fns[functionName] = func(cfg aws.Config) (lambda.Handler, error) {
			cfg.HTTPClient = ap.hc
			ap.fnCfg = cfg
			f := c.factory(cfg)
			if f == nil {
				return nil, fmt.Errorf("the function factory returned nil")
			}
			if c.factoryErr != nil {
				if err := c.factoryErr(f); err != nil {
					return nil, err
				}
			}
			return f, nil
		}
	case c.function != nil:
		fns[functionName] = func(aws.Config) (lambda.Handler, error) { return c.function, nil }
	}
	for i, tc := range c.transformations {
		if tc.Function != nil {
			fn := tc.Function
			fns[functionName+"-"+strconv.Itoa(i+2)] = func(aws.Config) (lambda.Handler, error) { return fn, nil }
		}
	}
	return fns
}

// close stops everything in reverse order. Registered with t.Cleanup.
func (ap *AccessPoint) close() { ap.once.Do(ap.shutdown) }

func (ap *AccessPoint) shutdown() {
	if ap.gw != nil {
		// Let functions that are finishing (after their WGOR) end on their
		// own before their contexts end.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err := ap.gw.Shutdown(ctx)
		cancel()
		if err != nil {
			ap.t.Errorf("objectlambdatest: %v (10 s after the test ended)", err)
		}
	}
	if ap.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := ap.srv.Shutdown(ctx); err != nil {
			_ = ap.srv.Close()
			ap.t.Errorf("objectlambdatest: a request was still running 10 s after the test ended")
		}
		cancel()
		<-ap.served
	}
	if ap.rie != nil {
		ap.rie.proc.stop()
		if ap.t.Failed() {
			ap.t.Logf("objectlambdatest: aws-lambda-rie output:\n%s", ap.rie.Output())
		}
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
	ap.callers.add(&c)
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

// AWSConfig is the SDK configuration of the in-process function built by
// WithFunctionFactory or WithHandler: what config.LoadDefaultConfig would
// build from its environment, with the access point as its S3 endpoint and
// the credentials the gateway issued to it. It is ready once New returns.
func (ap *AccessPoint) AWSConfig() aws.Config { return ap.fnCfg }

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
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := ap.direct.PutObject(ctx, in); err != nil {
		t.Fatalf("objectlambdatest: put %q into the store: %v", aws.ToString(in.Key), err)
	}
}

// Store is an S3 client for the store underneath, as its root user.
func (ap *AccessPoint) Store() *s3.Client { return ap.direct }
