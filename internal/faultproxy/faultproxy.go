package faultproxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Kind is a kind of fault.
type Kind int

// The faults a Proxy can inject.
const (
	// Pass forwards the request unchanged.
	Pass Kind = iota
	// Reset closes the client's connection with a TCP RST before any
	// response byte (the request is not forwarded).
	Reset
	// StallHeaders holds the request before forwarding it: for Fault.Delay
	// if set (then it is forwarded), otherwise until the client gives up or
	// the proxy is closed (then the connection is dropped without a reply).
	StallHeaders
	// Delay waits Fault.Delay, then forwards the request.
	Delay
	// Status answers Fault.Status (default 503) with an S3 error document
	// whose code is Fault.Code (default: derived from the status) without
	// forwarding the request.
	Status
	// StallBody forwards the request and stops the body after Fault.After
	// bytes: for Fault.Delay if set (then the rest follows), otherwise until
	// the client gives up or the proxy is closed (then the body is broken).
	StallBody
	// Truncate forwards the request and breaks the body after Fault.After
	// bytes. The declared Content-Length is kept, so the receiver sees a
	// body that ends early on a dropped connection.
	Truncate
	// Corrupt forwards the request and flips every bit of the body byte at
	// offset Fault.After.
	Corrupt
)

var kindNames = [...]string{"pass", "reset", "stall-headers", "delay", "status", "stall-body", "truncate", "corrupt"}

// String returns a short name of the kind, for test names.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Fault describes what the proxy does to the requests it receives.
type Fault struct {
	Kind Kind
	// Times limits the fault to the first Times matching requests after Set
	// (a burst); later requests pass. 0 faults every matching request.
	Times int
	// Delay is the length of a Delay, and of a StallHeaders or StallBody
	// that resumes; 0 makes a stall last until the client gives up.
	Delay time.Duration
	// After is the body offset of StallBody, Truncate and Corrupt.
	After int64
	// Status and Code are the reply of a Status fault.
	Status int
	Code   string
	// RequestBody applies StallBody, Truncate and Corrupt to the request
	// body (an upload) instead of the response body.
	RequestBody bool
	// Match, when set, selects the requests the fault applies to; the others
	// pass and do not count towards Times.
	Match func(*http.Request) bool
}

// Stats counts the requests a Proxy has seen.
type Stats struct {
	Requests int // requests received
	Faulted  int // requests a fault (other than Pass) was applied to
}

// ErrInjected is the error of a body broken on purpose by StallBody or
// Truncate. The receiving side sees a dropped connection, not this error.
var ErrInjected = errors.New("faultproxy: injected body fault")

// ErrInvalidTarget is wrapped by New's error for a target that is not an
// absolute http or https URL.
var ErrInvalidTarget = errors.New("faultproxy: invalid target URL")

// Option configures a Proxy.
type Option func(*Proxy)

// WithPreserveHost forwards the client's Host header instead of the target's.
// Use it in front of a server that verifies SigV4 signatures computed for the
// host the client called (the proxy's); leave it off when the signature was
// computed for the target's host.
func WithPreserveHost() Option { return func(p *Proxy) { p.preserveHost = true } }

// WithTransport sets the transport used to reach the target (default: a
// dedicated http.Transport without proxy or compression).
func WithTransport(rt http.RoundTripper) Option { return func(p *Proxy) { p.rt = rt } }

// Proxy is a fault-injecting reverse proxy listening on 127.0.0.1.
type Proxy struct {
	target       *url.URL
	preserveHost bool
	rt           http.RoundTripper
	ownTransport *http.Transport

	url    string
	srv    *http.Server
	served chan struct{}
	rp     *httputil.ReverseProxy

	closed    chan struct{}
	closeOnce sync.Once
	handlers  sync.WaitGroup // Add only under mu while !shut, so Close's Wait never races with it
	shut      bool

	mu      sync.Mutex
	fault   Fault
	applied int
	stats   Stats
}

// New starts a proxy to target (scheme://host[:port]) on a free loopback port.
// It passes everything until Set is called. Close stops it.
func New(target string, opts ...Option) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: %q", ErrInvalidTarget, target)
	}
	p := &Proxy{target: &url.URL{Scheme: u.Scheme, Host: u.Host}, closed: make(chan struct{}), served: make(chan struct{})}
	for _, o := range opts {
		o(p)
	}
	if p.rt == nil {
		p.ownTransport = &http.Transport{Proxy: nil, DisableCompression: true, MaxIdleConnsPerHost: 64, IdleConnTimeout: 10 * time.Second}
		p.rt = p.ownTransport
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(p.target)
			pr.Out.URL.RawQuery = pr.In.URL.RawQuery // keep the query byte for byte (signatures)
			if p.preserveHost {
				pr.Out.Host = pr.In.Host
			}
		},
		Transport:     p.rt,
		FlushInterval: -1, // every byte that arrived is passed on before a fault
		ErrorLog:      log.New(io.Discard, "", 0),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			writeS3Error(w, r, http.StatusBadGateway, "BadGateway")
		},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p.url = "http://" + ln.Addr().String()
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = p.srv.Serve(ln); close(p.served) }()
	return p, nil
}

// URL is the proxy's base URL, e.g. http://127.0.0.1:41234.
func (p *Proxy) URL() string { return p.url }

// Set replaces the current fault and restarts its Times count.
func (p *Proxy) Set(f Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault, p.applied = f, 0
}

// Stats returns the request counts so far.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}

// Close stops the proxy: stalled requests end, connections are closed, and
// Close returns once every handler has returned.
func (p *Proxy) Close() {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		p.shut = true
		p.mu.Unlock()
		close(p.closed)
		_ = p.srv.Close()
		<-p.served
		p.handlers.Wait()
		if p.ownTransport != nil {
			p.ownTransport.CloseIdleConnections()
		}
	})
}

// next decides the fault for r and counts it.
func (p *Proxy) next(r *http.Request) Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats.Requests++
	f := p.fault
	if f.Kind == Pass || (f.Match != nil && !f.Match(r)) || (f.Times > 0 && p.applied >= f.Times) {
		return Fault{}
	}
	p.applied++
	p.stats.Faulted++
	return f
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	if p.shut {
		p.mu.Unlock()
		panic(http.ErrAbortHandler) // closing: drop the connection
	}
	p.handlers.Add(1)
	p.mu.Unlock()
	defer p.handlers.Done()
	f := p.next(r)
	switch f.Kind {
	case Reset:
		reset(w)
		return
	case StallHeaders:
		if !p.wait(r.Context(), f.Delay) {
			panic(http.ErrAbortHandler) // drop the connection without a reply
		}
	case Delay:
		if !p.wait(r.Context(), max(f.Delay, time.Nanosecond)) {
			panic(http.ErrAbortHandler)
		}
	case Status:
		st := f.Status
		if st == 0 {
			st = http.StatusServiceUnavailable
		}
		code := f.Code
		if code == "" {
			code = codeFor(st)
		}
		writeS3Error(w, r, st, code)
		return
	case StallBody, Truncate, Corrupt:
		if f.RequestBody {
			if r.Body != nil && r.Body != http.NoBody {
				r.Body = &faultyBody{rc: r.Body, f: f, p: p, ctx: r.Context()}
			}
		} else {
			w = &faultyResponse{ResponseWriter: w, fb: &faultyBody{f: f, p: p, ctx: r.Context()}}
		}
	}
	p.rp.ServeHTTP(w, r)
}

// wait sleeps for d (forever when d is 0) and reports whether it ran to the
// end rather than being cut short by the client or Close.
func (p *Proxy) wait(ctx context.Context, d time.Duration) bool {
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-ctx.Done():
		return false
	case <-p.closed:
		return false
	}
}

// reset drops the client connection with an RST.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// codeFor is the S3 error code a Status fault sends when none is given.
func codeFor(status int) string {
	switch status {
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable"
	case http.StatusTooManyRequests:
		return "SlowDown"
	case http.StatusInternalServerError:
		return "InternalError"
	case http.StatusNotFound:
		return "NoSuchKey"
	case http.StatusForbidden:
		return "AccessDenied"
	}
	if status >= 500 {
		return "InternalError"
	}
	return "BadRequest"
}

// writeS3Error answers with an S3 error document (no body for HEAD).
func writeS3Error(w http.ResponseWriter, r *http.Request, status int, code string) {
	body := `<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error><Code>" + code +
		"</Code><Message>injected by faultproxy</Message><RequestId>FAULTPROXY</RequestId></Error>"
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amz-Request-Id", "FAULTPROXY")
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// faultyBody applies a body fault to a stream of bytes: the request body
// it wraps (rc), or the response bytes written through faultyResponse.
type faultyBody struct {
	rc  io.ReadCloser
	f   Fault
	p   *Proxy
	ctx context.Context
	off int64
}

// limit returns how many of n bytes may pass now, stalling or failing at
// the fault's offset.
func (b *faultyBody) limit(n int) (int, error) {
	if b.f.Kind != StallBody && b.f.Kind != Truncate {
		return n, nil
	}
	if b.off >= b.f.After {
		if b.f.Kind == StallBody && b.p.wait(b.ctx, b.f.Delay) {
			b.f.Kind = Pass // resumed
			return n, nil
		}
		return 0, ErrInjected
	}
	return int(min(int64(n), b.f.After-b.off)), nil
}

// corrupt flips the target byte if it lies in p (which starts at b.off).
func (b *faultyBody) corrupt(p []byte) {
	if b.f.Kind == Corrupt && b.f.After >= b.off && b.f.After < b.off+int64(len(p)) {
		p[b.f.After-b.off] ^= 0xff
	}
}

func (b *faultyBody) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return b.rc.Read(p)
	}
	n, err := b.limit(len(p))
	if err != nil {
		return 0, err
	}
	n, err = b.rc.Read(p[:n])
	b.corrupt(p[:n])
	b.off += int64(n)
	return n, err
}

func (b *faultyBody) Close() error { return b.rc.Close() }

// faultyResponse applies a body fault to what the reverse proxy writes.
type faultyResponse struct {
	http.ResponseWriter
	fb *faultyBody
}

func (w *faultyResponse) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		if w.fb.off >= w.fb.f.After {
			w.Flush() // what came before a stall or a cut reaches the client
		}
		n, err := w.fb.limit(len(p))
		if err != nil {
			return written, err
		}
		chunk := append([]byte(nil), p[:n]...) // never modify the caller's buffer
		w.fb.corrupt(chunk)
		m, err := w.ResponseWriter.Write(chunk)
		written += m
		w.fb.off += int64(m)
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

// Flush passes flushes on, so bytes before a stall reach the client.
func (w *faultyResponse) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *faultyResponse) Unwrap() http.ResponseWriter { return w.ResponseWriter }
