package objectlambdatest

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Function is an Object Lambda function invoked in-process. It has the shape of
// aws-lambda-go's lambda.Handler, so an *objectlambda.Handler, or any handler
// wrapped with lambda.NewHandler, fits.
type Function interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

// FunctionFunc adapts a plain function to Function.
type FunctionFunc func(ctx context.Context, payload []byte) ([]byte, error)

// Invoke calls f.
func (f FunctionFunc) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return f(ctx, payload)
}

// Option configures an AccessPoint.
type Option func(*config)

type storeKind int

const (
	storeVersity storeKind = iota
	storeMemory
	storeExternal
)

type config struct {
	store                   storeKind
	extURL, extKey, extSec  string
	bucket                  string
	region, account, apName string
	payload                 string
	features                map[string]bool
	actions                 []string // the function's actions; nil: all four
	transformations         []TransformationConfiguration
	timeLimit               time.Duration
	function                Function
	factory                 func(aws.Config) Function
	factoryErr              func(Function) error // reports a factory that failed (WithHandler)
	bootstrap               string
	functionEnv             []string
	functionOut             io.Writer
	logger                  *slog.Logger
	addr                    string // listen address; "" for a free 127.0.0.1 port
}

func defaultConfig() config {
	return config{
		bucket:    "test-bucket",
		region:    "us-east-1",
		account:   "111122223333",
		apName:    "test-olap",
		payload:   "",
		features:  map[string]bool{},
		timeLimit: 60 * time.Second,
	}
}

// WithMemoryStore puts the objects in an in-process gofakes3 store instead of
// versitygw. It needs no external binary but checks no signatures, so a
// function that mangles inputS3Url still gets its object: prefer the default
// versitygw store for tests of the presigned fetch.
func WithMemoryStore() Option { return func(c *config) { c.store = storeMemory } }

// WithExternalStore uses an S3 endpoint that is already running (for example
// versitygw or SeaweedFS started by CI). The bucket is created when missing.
// Requests to it are proxied with the access point's Host header, so the
// endpoint must accept path-style requests regardless of Host.
func WithExternalStore(url, accessKeyID, secretAccessKey, bucket string) Option {
	return func(c *config) {
		c.store, c.extURL, c.extKey, c.extSec, c.bucket = storeExternal, url, accessKeyID, secretAccessKey, bucket
	}
}

// WithBucket sets the bucket name behind the access point (default "test-bucket").
func WithBucket(name string) Option { return func(c *config) { c.bucket = name } }

// WithRegion sets the region of the access point, of the callers' and the
// function's signatures, and of the event's ARNs (default "us-east-1").
func WithRegion(region string) Option { return func(c *config) { c.region = region } }

// WithAccount sets the account that owns the access point (default "111122223333").
func WithAccount(id string) Option { return func(c *config) { c.account = id } }

// WithAccessPointName sets the Object Lambda access point's name (default "test-olap").
func WithAccessPointName(name string) Option { return func(c *config) { c.apName = name } }

// WithPayload sets the access point's function payload, delivered as
// configuration.payload in every event.
func WithPayload(payload string) Option { return func(c *config) { c.payload = payload } }

// WithAllowedFeatures enables Range and partNumber requests, as the access
// point's AllowedFeatures do: "GetObject-Range", "GetObject-PartNumber",
// "HeadObject-Range", "HeadObject-PartNumber". Without them such requests are
// answered 501 NotImplemented without invoking the function.
func WithAllowedFeatures(features ...string) Option {
	return func(c *config) {
		for _, f := range features {
			c.features[f] = true
		}
	}
}

// TransformationConfiguration routes actions to a function, as one entry of
// an Object Lambda access point's TransformationConfigurations does on AWS:
// the actions, and the function with its FunctionPayload.
type TransformationConfiguration struct {
	// Actions are some of "GetObject", "HeadObject", "ListObjects" and
	// "ListObjectsV2". Each may be routed once per access point.
	Actions []string
	// Function is invoked in-process for those actions.
	Function Function
	// Payload is delivered as configuration.payload in its events.
	Payload string
}

// WithActions routes only these actions to the access point's function (set
// with WithFunction, WithHandler, WithBootstrap, ...), as the Actions of its
// TransformationConfiguration do on AWS: "GetObject", "HeadObject",
// "ListObjects", "ListObjectsV2". Requests for the other actions go to the
// store underneath unchanged, as Object Lambda sends them to the supporting
// access point: a length-changing function usually leaves HeadObject and
// the listings out, so that HEAD reports the stored object.
//
// Without WithActions the function gets all four, which suits tests of a
// function's HEAD and LIST answers; a deployed access point names its
// actions (the examples' SAM templates do).
func WithActions(actions ...string) Option {
	return func(c *config) { c.actions = append([]string{}, actions...) }
}

// WithTransformationConfiguration routes tc.Actions to another in-process
// function with its own payload, as a second entry of
// TransformationConfigurations does. The actions must not be routed to the
// access point's function too (see WithActions).
func WithTransformationConfiguration(tc TransformationConfiguration) Option {
	return func(c *config) { c.transformations = append(c.transformations, tc) }
}

// WithTimeLimit sets how long the function has to answer a request (60 s on
// AWS). It is also the deadline of the context the function is invoked with.
func WithTimeLimit(d time.Duration) Option { return func(c *config) { c.timeLimit = d } }

// WithFunction invokes fn in-process for every GET, HEAD and LIST.
func WithFunction(fn Function) Option {
	return func(c *config) { c.function, c.factory, c.bootstrap = fn, nil, "" }
}

// WithFunctionFactory builds the in-process function once the access point is
// up, from the configuration a deployed function would find in its
// environment (AccessPoint.AWSConfig).
func WithFunctionFactory(factory func(cfg aws.Config) Function) Option {
	return func(c *config) { c.function, c.factory, c.factoryErr, c.bootstrap = nil, factory, nil, "" }
}

// WithFunctionEnv adds KEY=VALUE entries to the environment of a bootstrap
// run under the RIE (WithBootstrap), after the access point's own (Env), so
// they can also override it: for example AWS_ENDPOINT_URL_KMS for a KMS test
// double, or the function's own settings.
func WithFunctionEnv(kv ...string) Option {
	return func(c *config) { c.functionEnv = append(c.functionEnv, kv...) }
}

// WithFunctionOutput copies the output of a bootstrap run under the RIE
// (WithBootstrap) to w as it is printed: the function's standard output and
// standard error (its log lines, EMF metrics) interleaved with the
// emulator's own lines (START, END and REPORT of each invocation). Writes
// come from another goroutine while the test runs, so w must be safe for
// concurrent use if the test reads it before the access point is closed
// (Buffer is); an error from w is ignored. An in-process function writes wherever its own
// code says.
func WithFunctionOutput(w io.Writer) Option { return func(c *config) { c.functionOut = w } }

// WithBootstrap runs the function as a Lambda "provided" runtime bootstrap
// binary (see BuildBootstrap) under AWS's Lambda Runtime Interface Emulator,
// with the environment from AccessPoint.Env.
func WithBootstrap(path string) Option {
	return func(c *config) { c.function, c.factory, c.bootstrap = nil, nil, path }
}

// WithAddress makes the access point listen on addr (host:port) instead of
// a free 127.0.0.1 port, for programs that print a fixed endpoint.
func WithAddress(addr string) Option { return func(c *config) { c.addr = addr } }

// WithLogger receives the access point's own log lines (requests, failure
// modes). They never contain tokens, presigned URLs or bodies.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }
