package presign

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"github.com/objectlambda/sdk-go/s3err"
)

// Defaults of the [Client] options.
const (
	DefaultMaxAttempts    = 3
	DefaultBaseBackoff    = 100 * time.Millisecond
	DefaultConnectTimeout = 5 * time.Second
	DefaultHeaderTimeout  = 15 * time.Second
	DefaultStallTimeout   = 15 * time.Second
	// maxRedirects is the number of same-origin redirects followed.
	maxRedirects = 3
	maxBackoff   = 2 * time.Second
	userAgent    = "objectlambda-sdk-go/presign"
)

// Client fetches presigned URLs. It owns its http.Transport (no proxy, no
// transparent gzip, HTTP/1.1, a dialer that refuses non-public addresses) and
// is safe for concurrent use; create one per process and reuse it so that
// connections are pooled across invocations.
type Client struct {
	policy         *Policy
	tlsConfig      *tls.Config
	maxAttempts    int
	baseBackoff    time.Duration
	connectTimeout time.Duration
	headerTimeout  time.Duration
	stallTimeout   time.Duration
	logger         *slog.Logger

	transport *http.Transport
	hc        *http.Client

	// dialOverride rewrites the dial address before connecting; tests use it
	// to make an AWS host name "resolve" to a local address.
	dialOverride func(addr string) string
}

// Option configures a [Client].
type Option func(*Client)

// WithPolicy sets the trust policy. The default is NewPolicy(): AWS S3 hosts
// only. Use NewPolicy(WithEndpointsFromEnv(os.LookupEnv)) to also trust the
// endpoint the AWS SDK is configured with.
func WithPolicy(p *Policy) Option { return func(c *Client) { c.policy = p } }

// WithTLSConfig sets the TLS configuration (for example a RootCAs pool with a
// test CA). It is cloned; a MinVersion below TLS 1.2 is raised to TLS 1.2.
func WithTLSConfig(cfg *tls.Config) Option {
	return func(c *Client) {
		if cfg != nil {
			c.tlsConfig = cfg.Clone()
		}
	}
}

// WithRetries sets the total number of attempts (at least 1) and the base of
// the exponential backoff between them: attempt n waits a random duration in
// [b/2, b] with b = base·2^(n-1), capped at max(2s, base). A wait that would
// end after the context deadline is not started.
func WithRetries(maxAttempts int, baseBackoff time.Duration) Option {
	return func(c *Client) {
		c.maxAttempts = max(1, maxAttempts)
		c.baseBackoff = max(0, baseBackoff)
	}
}

// WithConnectTimeout bounds DNS, TCP connect and TLS handshake of one attempt.
func WithConnectTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.connectTimeout = d
		}
	}
}

// WithHeaderTimeout bounds one attempt from its start to the response headers.
func WithHeaderTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.headerTimeout = d
		}
	}
}

// WithStallTimeout bounds how long a Body.Read may wait without receiving a
// single byte. Time the caller spends between reads does not count.
func WithStallTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.stallTimeout = d
		}
	}
}

// WithLogger sets the logger for debug records (host, status, attempts,
// durations; never paths' query strings). The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) {
		if l != nil {
			c.logger = l
		}
	}
}

// NewClient returns a Client with the given options.
func NewClient(opts ...Option) *Client {
	c := &Client{
		maxAttempts:    DefaultMaxAttempts,
		baseBackoff:    DefaultBaseBackoff,
		connectTimeout: DefaultConnectTimeout,
		headerTimeout:  DefaultHeaderTimeout,
		stallTimeout:   DefaultStallTimeout,
		logger:         slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	if c.policy == nil {
		c.policy = NewPolicy()
	}
	tlsConf := c.tlsConfig
	if tlsConf == nil {
		tlsConf = &tls.Config{}
	}
	if tlsConf.MinVersion < tls.VersionTLS12 {
		tlsConf.MinVersion = tls.VersionTLS12
	}
	tlsConf.NextProtos = nil // HTTP/1.1 only: S3 speaks it, and it keeps one code path
	c.transport = &http.Transport{
		Proxy:                  nil, // a proxy would bypass the address guard
		DialContext:            c.dial,
		TLSClientConfig:        tlsConf,
		TLSHandshakeTimeout:    c.connectTimeout,
		DisableCompression:     true, // never decode: lengths and checksums are of the stored bytes
		MaxIdleConns:           32,
		MaxIdleConnsPerHost:    8,
		IdleConnTimeout:        30 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	c.hc = &http.Client{Transport: c.transport, CheckRedirect: c.checkRedirect}
	return c
}

// CloseIdleConnections closes pooled connections that are not in use.
func (c *Client) CloseIdleConnections() { c.transport.CloseIdleConnections() }

// Request is one presigned fetch.
type Request struct {
	Method      string      // GET (default) or HEAD
	URL         string      // the inputS3Url
	UserHeaders http.Header // userRequest.headers; those named in X-Amz-SignedHeaders (except host) are replayed, matched case-insensitively
	Header      http.Header // extra standard headers (Range, If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since, ...); unsigned x-amz-* are refused
	// OnRetry, if set, is called before each retry with the number of the
	// attempt about to be made (2, 3, ...) and why the previous one failed,
	// for metrics and traces. It must be fast and must not block.
	OnRetry func(attempt int, cause error)
}

func (r *Request) notifyRetry(attempt int, cause error) {
	if r.OnRetry != nil {
		r.OnRetry(attempt, cause)
	}
}

// Response is the upstream answer to a successful fetch.
type Response struct {
	StatusCode    int           // 200, 206 or 304
	Header        http.Header   // upstream response headers
	ContentLength int64         // declared length (for HEAD: the object's), -1 if unknown
	Body          io.ReadCloser // never nil; integrity-checked; always Close it
	Attempts      int           // attempts made, 1 if no retry was needed
	FirstByte     time.Duration // from Fetch's start to the final response headers
}

// Fetch checks req.URL against the policy, replays the signed headers and
// fetches the URL, retrying transient failures before any body byte is handed
// out. It returns a Response for 200, 206 and 304, and otherwise an error; see
// the package documentation for the error table.
//
// The stages: plan validates the request once; each attempt sends it and
// decides about the answer (answer); Fetch's loop only counts attempts and
// waits between them.
func (c *Client) Fetch(ctx context.Context, req *Request) (*Response, error) {
	f, err := c.plan(req)
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		out, retry, err := f.attempt(ctx, attempt)
		if !retry || attempt >= c.maxAttempts {
			return out, err
		}
		req.notifyRetry(attempt+1, err)
		if !sleep(ctx, c.backoff(attempt)) {
			if ctx.Err() != nil {
				return nil, ctxError(ctx, "waiting to retry")
			}
			return nil, err // the next attempt would start past the deadline
		}
	}
}

// fetch is a request that passed the checks: what every attempt sends.
type fetch struct {
	c      *Client
	method string
	url    string
	host   string
	header http.Header
	start  time.Time
}

// plan checks req (method, URL, policy, headers) before anything is sent.
func (c *Client) plan(req *Request) (*fetch, error) {
	if req == nil {
		return nil, s3err.New(http.StatusInternalServerError, s3err.CodeInternalError, "presign: nil request")
	}
	method := req.Method
	switch method {
	case "":
		method = http.MethodGet
	case http.MethodGet, http.MethodHead:
	default:
		return nil, s3err.New(http.StatusInternalServerError, s3err.CodeInternalError, "presign: only GET and HEAD are supported")
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, internal(&UntrustedURLError{Reason: "unparseable URL"}, "the function refused the presigned URL")
	}
	if err := c.policy.Check(u); err != nil {
		return nil, internal(err, "the function refused the presigned URL: its host is not a trusted S3 endpoint")
	}
	hdr, err := buildHeader(u, req.UserHeaders, req.Header)
	if err != nil {
		return nil, err
	}
	if hdr.Get("User-Agent") == "" {
		hdr.Set("User-Agent", userAgent)
	}
	return &fetch{c: c, method: method, url: req.URL, host: u.Host, header: hdr, start: time.Now()}, nil
}

// attempt sends the request once and returns the response, or the error
// and whether another attempt may succeed. The attempt's context lives on
// in a returned body and is cancelled in every other case.
func (f *fetch) attempt(ctx context.Context, attempt int) (*Response, bool, error) {
	c := f.c
	actx, cancel := context.WithCancelCause(ctx)
	hreq, err := http.NewRequestWithContext(actx, f.method, f.url, nil)
	if err != nil {
		cancel(nil)
		return nil, false, internal(&UntrustedURLError{Host: safeHost(f.host), Reason: "unusable URL"}, "the function refused the presigned URL")
	}
	hreq.Header = f.header.Clone()
	timer := time.AfterFunc(c.headerTimeout, func() { cancel(errHeaderTimeout) })
	resp, err := c.hc.Do(hreq)
	timer.Stop()
	if err != nil {
		cancel(nil)
		if ctx.Err() != nil {
			return nil, false, ctxError(ctx, "awaiting response headers")
		}
		ferr, retry := classify(err, context.Cause(actx))
		c.logger.LogAttrs(ctx, slog.LevelDebug, "presign attempt failed",
			slog.String("host", f.host), slog.Int("attempt", attempt), slog.Bool("retry", retry && attempt < c.maxAttempts),
			slog.Duration("elapsed", time.Since(f.start)), slog.String("error", ferr.Error()))
		return nil, retry, ferr
	}
	firstByte := time.Since(f.start)
	c.logger.LogAttrs(ctx, slog.LevelDebug, "presign response",
		slog.String("host", f.host), slog.String("method", f.method), slog.Int("status", resp.StatusCode),
		slog.Int("attempt", attempt), slog.Duration("first_byte", firstByte))
	out := &Response{StatusCode: resp.StatusCode, Header: resp.Header, ContentLength: resp.ContentLength, Attempts: attempt, FirstByte: firstByte}
	return f.answer(ctx, actx, cancel, timer, resp, out)
}

// answer decides about the response headers of an attempt: a body to hand
// out, an answer without one, or an error (retryable or not). Only a
// handed-out body keeps actx alive.
func (f *fetch) answer(ctx, actx context.Context, cancel context.CancelCauseFunc, timer *time.Timer, resp *http.Response, out *Response) (*Response, bool, error) {
	c := f.c
	switch st := resp.StatusCode; {
	case (st == http.StatusOK || st == http.StatusPartialContent) && f.method != http.MethodHead:
		want := resp.ContentLength
		if want < 0 && st == http.StatusPartialContent {
			want = contentRangeLength(resp.Header.Get("Content-Range"))
		}
		var sums []checksum
		if st == http.StatusOK {
			sums = checksumsFrom(resp.Header)
		}
		b := newBody(ctx, actx, cancel, resp.Body, want, sums, c.stallTimeout)
		b.logger, b.host, b.start = c.logger, f.host, f.start
		out.Body = b
		return out, false, nil

	case st == http.StatusOK || st == http.StatusPartialContent || st == http.StatusNotModified:
		resp.Body.Close()
		cancel(nil)
		if st == http.StatusNotModified {
			out.ContentLength = 0
		}
		out.Body = http.NoBody
		return out, false, nil

	case st >= 400:
		var body io.Reader = http.NoBody
		if f.method != http.MethodHead {
			// Reading the error document gets a fresh header-timeout budget.
			timer.Reset(c.headerTimeout)
			body = resp.Body
		}
		e := parseError(st, resp.Header, body)
		timer.Stop()
		resp.Body.Close()
		cancel(nil)
		if ctx.Err() != nil {
			return nil, false, ctxError(ctx, "reading an error response")
		}
		return nil, retryableStatus(st), e

	default:
		// Other 2xx, 1xx, or a 3xx the redirect policy did not follow
		// (S3's 301 PermanentRedirect carries no Location).
		e := parseError(st, resp.Header, http.NoBody)
		resp.Body.Close()
		cancel(nil)
		sentinel := ErrUnexpectedStatus
		if st >= 300 && st < 400 {
			sentinel = ErrRedirectRefused
		}
		return nil, false, internal(fmt.Errorf("%w: upstream answered %d: %w", sentinel, st, e.Err),
			"S3 answered the presigned request with an unexpected status")
	}
}

// classify maps a transport error to the package's error and whether the
// attempt may be retried. The url.Error wrapper is dropped: its text holds
// the full URL, query string included.
func classify(err error, cause error) (*s3err.Error, bool) {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.Is(err, ErrForbiddenAddress):
		return internal(err, "the function refused to connect: the S3 host resolved to a non-public address"), false
	case errors.Is(err, ErrRedirectRefused), errors.Is(err, ErrUntrustedURL):
		return internal(err, "S3 redirected the presigned request to a place the function does not trust"), false
	case errors.Is(cause, errHeaderTimeout):
		return unavailable(fmt.Errorf("%w: %w", ErrUpstreamTimeout, cause), "S3 did not answer in time"), true
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr):
		return unavailable(fmt.Errorf("%w: TLS certificate not trusted: %w", ErrUpstreamUnreachable, err), "the S3 endpoint's certificate was not trusted"), false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return unavailable(fmt.Errorf("%w: %w", ErrUpstreamTimeout, err), "S3 did not answer in time"), true
	}
	return unavailable(fmt.Errorf("%w: %w", ErrUpstreamUnreachable, err), "S3 could not be reached"), true
}

func retryableStatus(st int) bool {
	switch st {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// ctxError reports that the caller's context ended; it is deliberately not an
// *s3err.Error so that s3err.From maps a deadline to the Lambda timeout reply.
func ctxError(ctx context.Context, during string) error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("presign: context deadline while %s: %w: %w", during, ErrUpstreamTimeout, err)
	}
	return fmt.Errorf("presign: context ended while %s: %w", during, err)
}

// backoff returns the wait after attempt: uniform in [b/2, b], b = base·2^(attempt-1).
func (c *Client) backoff(attempt int) time.Duration {
	if c.baseBackoff <= 0 {
		return 0
	}
	ceiling := max(maxBackoff, c.baseBackoff)
	d := c.baseBackoff << min(attempt-1, 20)
	if d <= 0 || d > ceiling {
		d = ceiling
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits d unless ctx ends first or its deadline leaves no room for
// another attempt after the wait; it reports whether to go on.
func sleep(ctx context.Context, d time.Duration) bool {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= d {
		return false
	}
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// checkRedirect follows at most maxRedirects redirects, and only to the same
// scheme, host and port, each re-checked by the policy.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return fmt.Errorf("%w: more than %d redirects", ErrRedirectRefused, maxRedirects)
	}
	orig := via[0].URL
	if req.URL.Scheme != orig.Scheme || req.URL.Host != orig.Host || req.URL.User != nil {
		return fmt.Errorf("%w: redirect to another origin (%s)", ErrRedirectRefused, safeHost(req.URL.Host))
	}
	if err := c.policy.Check(req.URL); err != nil {
		return fmt.Errorf("%w: %w", ErrRedirectRefused, err)
	}
	return nil
}

// dial connects for the transport. Explicitly trusted endpoints are dialled
// as configured (they may be local); every other host must resolve to public
// addresses, which the dialer's Control hook checks after DNS resolution, per
// address tried, so a name resolving to 127.0.0.1 or 169.254.169.254 fails.
func (c *Client) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: c.connectTimeout, KeepAlive: 30 * time.Second}
	if c.policy.trustedDial(addr) {
		return d.DialContext(ctx, network, addr)
	}
	if c.dialOverride != nil {
		addr = c.dialOverride(addr)
	}
	d.Control = func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: unparseable address", ErrForbiddenAddress)
		}
		return c.policy.checkAddr(ap.Addr())
	}
	return d.DialContext(ctx, network, addr)
}
