package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/gateway/function"
	"github.com/objectlambda/sdk-go/gateway/internal/cluster"
	"github.com/objectlambda/sdk-go/gateway/internal/metrics"
	"github.com/objectlambda/sdk-go/gateway/internal/pending"
	"github.com/objectlambda/sdk-go/gateway/internal/s3op"
	"github.com/objectlambda/sdk-go/gateway/server"
	"github.com/objectlambda/sdk-go/objectlambda"
)

// Gateway is a configured objectlambda-gateway: its callers, stores,
// function runners, limits, metrics and probes. Handler serves the access
// points; AdminHandler serves /metrics, /healthz and /readyz.
type Gateway struct {
	cfg        *config.Config
	log        *slog.Logger
	publicURL  string // where invoked functions reach the gateway
	selfURL    string // where in-process functions and peers reach this replica
	addressing s3op.Addressing
	timeLimit  time.Duration
	started    time.Time
	boundAddr  net.Addr // the listener's address, when given

	callers Callers
	stores  map[string]*store  // by store Name
	runners map[string]*runner // by function Name
	tokens  *pending.Table     // GetObjects waiting for their WriteGetObjectResponse
	cluster *cluster.Cluster   // routes and forwarding between replicas
	tls     *ownCertificate    // the listener's certificate, pinned by peers; nil without TLS
	hc      *http.Client       // to the stores
	peers   *http.Client       // to the other replicas
	local   *http.Client       // of in-process functions: to this replica in memory, elsewhere as peers

	observe func(WGORCall) func(WGORCall)
	buffers sync.Pool // of *[copyBuffer]byte, the relays' buffers

	limiter *limiter
	metrics *metrics.Metrics
	health  *server.Health

	ctx    context.Context // ends with Close: functions are stopped
	cancel context.CancelFunc
	work   activity // function invocations in flight
}

// New builds a gateway from a validated configuration (config.Load): it
// reads the callers file and every secret, builds every function's runner
// and checks that each InProcess name is registered (WithFunction). Every
// problem is reported at once; nothing listens yet.
func New(ctx context.Context, cfg *config.Config, opts ...Option) (*Gateway, error) {
	o := options{factories: map[string]Factory{}, handlers: map[string][]objectlambda.Option{}, log: slog.New(slog.DiscardHandler), timeLimit: DefaultTimeLimit}
	for _, opt := range opts {
		opt(&o)
	}
	g := &Gateway{
		cfg: cfg, log: scrubbed(o.log), timeLimit: o.timeLimit, started: time.Now(), observe: o.observe,
		stores: map[string]*store{}, runners: map[string]*runner{}, tokens: pending.NewTable(),
		metrics: metrics.New(), health: &server.Health{},
	}
	g.ctx, g.cancel = context.WithCancel(context.Background())
	if err := g.buildURLs(o); err != nil {
		g.cancel()
		return nil, err // nothing else can be built without the addresses
	}
	var errs []error
	errs = append(errs, g.buildTransport()...)
	g.callers = o.callers
	if g.callers == nil {
		callers, err := cfg.LoadCallers(o.source)
		if err != nil {
			errs = append(errs, err)
		} else {
			g.callers = callers
		}
	}
	errs = append(errs, g.buildCluster(o.source)...)
	g.local = &http.Client{Transport: &localTransport{host: strings.TrimPrefix(strings.TrimPrefix(g.selfURL, "https://"), "http://"),
		handler: g.Handler(), next: g.peers.Transport}, CheckRedirect: noRedirects}
	errs = append(errs, g.buildStores(ctx, o.source)...)
	errs = append(errs, g.buildRunners(ctx, o)...)
	errs = append(errs, g.checkTokenOnly()...)
	if err := errors.Join(errs...); err != nil {
		g.cancel()
		return nil, err
	}
	limits := map[string]int{}
	for i := range cfg.AccessPoints {
		ap := &cfg.AccessPoints[i]
		limits[ap.Name] = ap.MaxConcurrentInvocations
		g.metrics.AddAccessPoint(ap.Name, routedFunctions(ap)...)
	}
	g.limiter = newLimiter(limits, g.metrics)
	return g, nil
}

// buildURLs settles the public URL and the virtual-hosted domains.
func (g *Gateway) buildURLs(o options) error {
	l := g.cfg.Listener
	g.boundAddr = o.listenAddr
	if o.listenAddr == nil && strings.HasSuffix(l.Address, ":0") {
		return errors.New("listener: with port 0 the gateway's addresses are known only once it listens: pass WithListenAddress")
	}
	g.publicURL = o.publicURL
	if g.publicURL == "" {
		g.publicURL = publicURL(l, o.listenAddr)
	}
	g.publicURL = strings.TrimSuffix(g.publicURL, "/")
	if u, err := url.Parse(g.publicURL); err == nil && u.Hostname() != "" && net.ParseIP(u.Hostname()) == nil {
		g.addressing.Domains = []string{strings.ToLower(u.Hostname())}
	}
	return nil
}

// buildCluster reads the cluster key and this replica's address.
func (g *Gateway) buildCluster(src config.Source) []error {
	c := g.cfg.Cluster
	var errs []error
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	if !c.Key.IsZero() {
		k, err := c.Key.Read(src)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("Cluster.Key: %w", err))
		case len(k.Reveal()) < config.MinClusterKey:
			errs = append(errs, fmt.Errorf("Cluster.Key: shorter than %d characters", config.MinClusterKey))
		default:
			key = []byte(k.Reveal())
		}
	}
	advertise, err := g.advertise(src)
	if err != nil {
		advertise = netip.AddrPortFrom(netip.IPv6Loopback(), 1) // reported; nothing is served
		errs = append(errs, err)
	}
	g.cluster = cluster.New(key, advertise)
	scheme := "http://"
	if g.cfg.Listener.TLS != nil {
		scheme = "https://"
	}
	g.selfURL = scheme + advertise.String()
	return errs
}

// advertise is Cluster.Advertise, or the listener's own address.
func (g *Gateway) advertise(src config.Source) (netip.AddrPort, error) {
	a := g.cfg.Cluster.Advertise
	if !a.IsZero() {
		v, err := a.Read(src)
		if err != nil {
			return netip.AddrPort{}, fmt.Errorf("Cluster.Advertise: %w", err)
		}
		if msg := config.CheckAdvertise(v); msg != "" {
			return netip.AddrPort{}, fmt.Errorf("Cluster.Advertise: %s", msg)
		}
		return netip.MustParseAddrPort(v), nil
	}
	u, err := url.Parse(publicURL(config.Listener{Address: g.cfg.Listener.Address}, g.listenAddr()))
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("listener: %w", err)
	}
	ap, err := netip.ParseAddrPort(u.Host)
	if err != nil || ap.Port() == 0 {
		return netip.AddrPort{}, errors.New("Cluster.Advertise: the listener's address is not IP:port: set Cluster.Advertise to the IP:port other replicas and in-process functions reach this replica at")
	}
	return ap, nil
}

func (g *Gateway) listenAddr() net.Addr { return g.boundAddr }

// checkTokenOnly refuses functions whose WriteGetObjectResponse only their
// output token authorizes when the gateway's public URL is plain HTTP on a
// network: the token would cross it in clear.
func (g *Gateway) checkTokenOnly() []error {
	u, err := url.Parse(g.publicURL)
	if err != nil || u.Scheme == "https" || isLoopback(u.Hostname()) {
		return nil
	}
	var errs []error
	for _, r := range g.runners {
		if !r.inProcess && r.accessKeyID == "" {
			errs = append(errs, fmt.Errorf("function %s: without Lambda.ResponseCredentials its WriteGetObjectResponse is authorized by its output token alone, which must not cross a network in clear: make Listener.PublicURL https", r.name))
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errs
}

func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
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

// publicURL is the URL functions reach the gateway at: the configured
// Listener.PublicURL, else one derived from the listener's address (addr when not
// nil, for a listener on port 0), with 127.0.0.1 for an unspecified host.
func publicURL(l config.Listener, addr net.Addr) string {
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

// Callers are the identities that may sign requests.
func (g *Gateway) Callers() Callers { return g.callers }

// Runner returns the runner of the function called name (a Route's
// Function).
func (g *Gateway) Runner(name string) (function.Runner, bool) {
	r, ok := g.runners[name]
	if !ok {
		return nil, false
	}
	return r.Runner, true
}

// storeConfig returns the SDK configuration of the store called name.
func (g *Gateway) storeConfig(name string) (aws.Config, bool) {
	s, ok := g.stores[name]
	if !ok {
		return aws.Config{}, false
	}
	return s.aws, true
}

// Health is the state /readyz reports.
func (g *Gateway) Health() *server.Health { return g.health }

// PublicURL is the URL invoked functions reach the gateway at.
func (g *Gateway) PublicURL() string { return g.publicURL }

// SelfURL is the URL of this replica: in-process functions reach it there,
// and so do the other replicas.
func (g *Gateway) SelfURL() string { return g.selfURL }

// AdminHandler serves /metrics (Prometheus), /healthz (liveness) and
// /readyz (readiness).
func (g *Gateway) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", g.metrics.Handler())
	mux.Handle("GET /healthz", g.health.Healthz())
	mux.Handle("GET /readyz", g.health.Readyz())
	return mux
}

// Close stops the functions still running at once: Shutdown with no
// grace.
func (g *Gateway) Close() error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return g.Shutdown(ctx)
}

// ErrFunctionsRunning is returned by Shutdown when functions were still
// running 10 seconds after their contexts ended.
var ErrFunctionsRunning = errors.New("gateway: functions still running after the shutdown deadline")

// errClosing is what an invocation asked for during Shutdown gets.
var errClosing = errors.New("gateway: shutting down")

// Shutdown starts no more functions, lets those still running finish until
// ctx ends, then stops them (their contexts end; callers still waiting get
// 503 ServiceUnavailable), waits up to 10 seconds for them to return, and
// releases the runners that hold resources. Drain the listeners first
// (server.Drain), so that nothing new arrives.
func (g *Gateway) Shutdown(ctx context.Context) error {
	g.work.close()
	g.work.wait(ctx.Done())
	g.cancel()
	var errs []error
	stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if !g.work.wait(stop.Done()) {
		errs = append(errs, ErrFunctionsRunning)
	}
	for _, r := range g.runners {
		if c, ok := r.Runner.(interface{ Close() error }); ok {
			errs = append(errs, c.Close())
		}
	}
	g.hc.CloseIdleConnections()
	g.peers.CloseIdleConnections()
	return errors.Join(errs...)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newRequestID is an S3-style request id: 16 upper-case hex digits.
func newRequestID() string { return strings.ToUpper(randomHex(8)) }
