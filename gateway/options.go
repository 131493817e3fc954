package gateway

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/gateway/function"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/presign"
)

// Option configures New.
type Option func(*options)

type options struct {
	log        *slog.Logger
	factories  map[string]Factory
	handlers   map[string][]objectlambda.Option
	source     config.Source
	publicURL  string
	listenAddr net.Addr
	callers    Callers
	timeLimit  time.Duration
	wrap       func(name string, r function.Runner) function.Runner
	observe    func(WGORCall) func(WGORCall)
}

// Factory builds an in-process function. cfg is the SDK configuration a
// deployed function would find in its environment: the gateway's region,
// this replica as its S3 endpoint (for WriteGetObjectResponse and
// inputS3Url), and credentials the gateway issued to this function alone.
type Factory func(cfg aws.Config) (lambda.Handler, error)

// WithFunction registers an in-process function under name, for the
// configuration's Functions entries with InProcess: name.
func WithFunction(name string, f Factory) Option {
	return func(o *options) {
		o.factories[name] = f
		delete(o.handlers, name)
	}
}

// WithHandler registers an *objectlambda.Handler built from opts under
// name, configured as when deployed (opts come after the gateway's and may
// override them): the gateway is its S3 endpoint. Since the gateway builds
// it, it also trusts the stores, and its inputS3Url points at the store
// itself rather than at the gateway: one hop less for every byte.
func WithHandler(name string, opts ...objectlambda.Option) Option {
	return func(o *options) {
		o.handlers[name] = opts
		delete(o.factories, name)
	}
}

// NewHandler builds an *objectlambda.Handler for cfg (a Factory's), with
// the gateway as its trusted inputS3Url host, fetched with the TLS
// configuration of cfg's HTTP client (which trusts the gateway's own
// certificate); opts come last.
func NewHandler(cfg aws.Config, opts ...objectlambda.Option) (*objectlambda.Handler, error) {
	all := []objectlambda.Option{
		objectlambda.WithAWSConfig(cfg),
		objectlambda.WithTrustedEndpoints(aws.ToString(cfg.BaseEndpoint)),
	}
	if hc, ok := cfg.HTTPClient.(*http.Client); ok {
		if tr, ok := hc.Transport.(*http.Transport); ok && tr.TLSClientConfig != nil {
			all = append(all, objectlambda.WithFetchOptions(presign.WithTLSConfig(tr.TLSClientConfig)))
		}
	}
	all = append(all, opts...)
	h, err := objectlambda.New(all...)
	if err != nil {
		return nil, fmt.Errorf("objectlambda.New: %w", err)
	}
	return h, nil
}

// WithLogger sets the logger (default: none). NewLogger builds the
// gateway's usual one.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithSource sets where secrets are read from (default: the process
// environment and the file system).
func WithSource(s config.Source) Option { return func(o *options) { o.source = s } }

// WithPublicURL overrides Listener.PublicURL.
func WithPublicURL(u string) Option { return func(o *options) { o.publicURL = u } }

// WithListenAddress tells the gateway the address its listener is bound
// to, for a Listener.Address with port 0: PublicURL and Cluster.Advertise,
// when not configured, are derived from it.
func WithListenAddress(a net.Addr) Option { return func(o *options) { o.listenAddr = a } }

// Callers are the identities that may sign requests: *config.Callers, or
// any lookup of your own (a test harness registers callers as it goes).
type Callers interface {
	Lookup(accessKeyID string) (*config.Caller, bool)
	Len() int
}

// WithCallers uses callers instead of reading the configuration's callers
// file.
func WithCallers(c Callers) Option { return func(o *options) { o.callers = c } }

// DefaultTimeLimit is how long a function has to answer, as on S3 Object
// Lambda: its WriteGetObjectResponse must be complete within it.
const DefaultTimeLimit = 60 * time.Second

// WithTimeLimit changes the 60-second limit within which a function must
// answer (tests use shorter ones). It is the deadline of the function's
// context and of its WriteGetObjectResponse body.
func WithTimeLimit(d time.Duration) Option { return func(o *options) { o.timeLimit = d } }

// WithRunnerWrapper wraps the runner of every function: wrap gets the
// function's name and its runner and returns the runner to use, for
// tracing, recording or fault injection. The event a runner sees holds a
// presigned URL and an output token: what a wrapper keeps, it must keep as
// carefully as the gateway does.
func WithRunnerWrapper(wrap func(name string, r function.Runner) function.Runner) Option {
	return func(o *options) { o.wrap = wrap }
}

// WithWGORObserver calls observe when a WriteGetObjectResponse call
// reaches this replica with the call so far, and the function it returns
// when the call has ended, with the whole record. Records hold no token and
// no body bytes.
func WithWGORObserver(observe func(WGORCall) (done func(WGORCall))) Option {
	return func(o *options) { o.observe = observe }
}
