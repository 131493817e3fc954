package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/gateway/function"
	"github.com/objectlambda/sdk-go/gateway/metrics"
	"github.com/objectlambda/sdk-go/gateway/server"
)

// Gateway is a configured objectlambda-gateway: its callers, stores,
// function runners, limits, metrics and probes. Handler serves the access
// points; AdminHandler serves /metrics, /healthz and /readyz.
type Gateway struct {
	cfg       *config.Config
	log       *slog.Logger
	publicURL string

	callers *config.Callers
	stores  map[string]aws.Config // by store Name: region, endpoint, credentials
	runners map[string]function.Runner

	// fnKey and fnSecret are the credentials of in-process functions: they
	// sign WriteGetObjectResponse with them. They never leave the process.
	fnKey    string
	fnSecret config.Secret

	limiter *Limiter
	metrics *metrics.Metrics
	health  *server.Health
}

// New builds a gateway from a validated configuration (config.Load): it
// reads the callers file and every secret, builds every function's runner
// and checks that each InProcess name is registered (WithFunction). Every
// problem is reported at once; nothing listens yet.
func New(ctx context.Context, cfg *config.Config, opts ...Option) (*Gateway, error) {
	o := options{factories: map[string]Factory{}, log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	g := &Gateway{
		cfg: cfg, log: o.log, publicURL: o.publicURL,
		stores: map[string]aws.Config{}, runners: map[string]function.Runner{},
		fnKey: "OLGW" + strings.ToUpper(randomHex(8)), fnSecret: config.NewSecret(randomHex(20)),
		metrics: metrics.New(), health: &server.Health{},
	}
	if g.publicURL == "" {
		g.publicURL = PublicURL(cfg.Listener, nil)
	}
	var errs []error
	if strings.HasSuffix(g.publicURL, ":0") {
		errs = append(errs, errors.New("listener: with port 0 the gateway's URL is known only once it listens: set Listener.PublicURL, or pass WithPublicURL"))
	}
	g.callers = o.callers
	if g.callers == nil {
		var err error
		if g.callers, err = cfg.LoadCallers(o.source); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, g.buildStores(ctx, o.source)...)
	errs = append(errs, g.buildRunners(ctx, o)...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	limits := map[string]int{}
	for i := range cfg.AccessPoints {
		ap := &cfg.AccessPoints[i]
		limits[ap.Name] = ap.MaxConcurrentInvocations
		g.metrics.AddAccessPoint(ap.Name, routedFunctions(ap)...)
	}
	g.limiter = NewLimiter(limits, g.metrics)
	return g, nil
}

// routedFunctions are the functions an access point routes actions to.
func routedFunctions(ap *config.AccessPoint) []string {
	var fns []string
	for _, a := range []string{config.ActionGetObject, config.ActionHeadObject, config.ActionListObjects, config.ActionListObjectsV2} {
		if r, ok := ap.Route(a); ok && !slices.Contains(fns, r.Function) {
			fns = append(fns, r.Function)
		}
	}
	return fns
}

// buildStores reads each store's credentials.
func (g *Gateway) buildStores(ctx context.Context, src config.Source) []error {
	var errs []error
	for i, s := range g.cfg.Stores {
		ac, err := awsConfig(ctx, s.Region, s.Endpoint, s.Credentials, fmt.Sprintf("Stores[%d].Credentials", i), src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		g.stores[s.Name] = ac
	}
	return errs
}

// buildRunners builds the runner of every function.
func (g *Gateway) buildRunners(ctx context.Context, o options) []error {
	var errs []error
	for i, f := range g.cfg.Functions {
		path := fmt.Sprintf("Functions[%d]", i)
		switch {
		case f.InProcess != "":
			factory, ok := o.factories[f.InProcess]
			if !ok {
				errs = append(errs, fmt.Errorf("%s.InProcess: no function %q is registered in this binary (registered: %s)",
					path, f.InProcess, strings.Join(registered(o.factories), ", ")))
				continue
			}
			h, err := factory(g.functionConfig())
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.InProcess: %s: %w", path, f.InProcess, err))
				continue
			}
			g.runners[f.Name] = function.InProcess(h)
		case f.Lambda != nil:
			l := f.Lambda
			ac, err := awsConfig(ctx, l.Region, l.Endpoint, l.Credentials, path+".Lambda.Credentials", o.source)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			g.runners[f.Name] = function.NewLambda(ac, function.LambdaFunction{
				FunctionName: l.FunctionName, Qualifier: l.Qualifier, MaxConcurrency: l.MaxConcurrency,
			})
		}
	}
	return errs
}

func registered(m map[string]Factory) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	if len(names) == 0 {
		return []string{"none"}
	}
	return names
}

// awsConfig is the SDK configuration of a store or a function: static
// credentials when configured, else the SDK's default chain (environment,
// shared files, web identity, container and instance roles), resolved
// lazily, without network traffic now.
func awsConfig(ctx context.Context, region, endpoint string, creds *config.Credentials, path string, src config.Source) (aws.Config, error) {
	var ac aws.Config
	if creds != nil {
		keys, err := creds.Read(path, src)
		if err != nil {
			return aws.Config{}, err
		}
		ac = aws.Config{Credentials: credentials.NewStaticCredentialsProvider(keys.AccessKeyID, keys.SecretAccessKey.Reveal(), keys.SessionToken.Reveal())}
	} else {
		var err error
		ac, err = awsconfig.LoadDefaultConfig(ctx)
		if err != nil {
			return aws.Config{}, fmt.Errorf("%s: the AWS SDK's default configuration: %w", path, err)
		}
	}
	ac.Region = region
	if endpoint != "" {
		ac.BaseEndpoint = aws.String(endpoint)
	}
	return ac, nil
}

// functionConfig is the SDK configuration of an in-process function.
func (g *Gateway) functionConfig() aws.Config {
	return aws.Config{
		Region:       g.cfg.Region,
		BaseEndpoint: aws.String(g.publicURL),
		Credentials:  credentials.NewStaticCredentialsProvider(g.fnKey, g.fnSecret.Reveal(), ""),
	}
}

// PublicURL is the URL functions reach the gateway at: the configured
// PublicURL, else one derived from the listener's address (addr when not
// nil, for a listener on port 0), with 127.0.0.1 for an unspecified host.
func PublicURL(l config.Listener, addr net.Addr) string {
	if l.PublicURL != "" {
		return strings.TrimSuffix(l.PublicURL, "/")
	}
	hostport := l.Address
	if addr != nil {
		hostport = addr.String()
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	scheme := "http://"
	if l.TLS != nil {
		scheme = "https://"
	}
	return scheme + net.JoinHostPort(host, port)
}

// Config is the gateway's configuration.
func (g *Gateway) Config() *config.Config { return g.cfg }

// Callers are the identities that may sign requests.
func (g *Gateway) Callers() *config.Callers { return g.callers }

// Runner returns the runner of the function called name (a Route's
// Function).
func (g *Gateway) Runner(name string) (function.Runner, bool) {
	r, ok := g.runners[name]
	return r, ok
}

// Store returns the SDK configuration of the store called name.
func (g *Gateway) Store(name string) (aws.Config, bool) {
	s, ok := g.stores[name]
	return s, ok
}

// Limiter is the per access point invocation limit.
func (g *Gateway) Limiter() *Limiter { return g.limiter }

// Metrics are the gateway's Prometheus metrics.
func (g *Gateway) Metrics() *metrics.Metrics { return g.metrics }

// Health is the state /readyz reports.
func (g *Gateway) Health() *server.Health { return g.health }

// PublicURL is the URL functions reach the gateway at.
func (g *Gateway) PublicURL() string { return g.publicURL }

// Handler serves the access points.
//
// Until the access point core lands (issue 16: caller SigV4 authentication,
// routing per TransformationConfigurations, the WriteGetObjectResponse
// endpoint, presigned inputS3Url), every request is answered
// 501 NotImplemented with S3's error document, and nothing reaches a store
// or a function.
func (g *Gateway) Handler() http.Handler { return http.HandlerFunc(g.serveAccessPoint) }

// notImplemented is the message of every access point request until the
// core lands.
const notImplemented = "objectlambda-gateway: the access point protocol is not in this build yet (its core lands with issue 16)"

func (g *Gateway) serveAccessPoint(w http.ResponseWriter, r *http.Request) {
	id := newRequestID()
	g.log.Debug("access point request answered 501: the protocol core is not in this build", "requestId", id, "method", r.Method)
	writeError(w, r, http.StatusNotImplemented, "NotImplemented", notImplemented, id)
}

// AdminHandler serves /metrics (Prometheus), /healthz (liveness) and
// /readyz (readiness).
func (g *Gateway) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", g.metrics.Handler())
	mux.Handle("GET /healthz", g.health.Healthz())
	mux.Handle("GET /readyz", g.health.Readyz())
	return mux
}

// Close releases the runners that hold resources.
func (g *Gateway) Close() error {
	var errs []error
	for _, r := range g.runners {
		if c, ok := r.(io.Closer); ok {
			errs = append(errs, c.Close())
		}
	}
	return errors.Join(errs...)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
