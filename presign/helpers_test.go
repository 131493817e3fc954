package presign

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newTLSServer starts an httptest TLS server that counts requests.
func newTLSServer(t testing.TB, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// testClient returns a client that trusts srv's certificate and endpoint,
// with fast retries.
func testClient(t testing.TB, srv *httptest.Server, opts ...Option) *Client {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	base := []Option{
		WithTLSConfig(&tls.Config{RootCAs: pool}),
		WithPolicy(NewPolicy(WithTrustedEndpoint(srv.URL))),
		WithRetries(3, time.Millisecond),
	}
	c := NewClient(append(base, opts...)...)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// hijack takes over the connection so a test can write raw, broken HTTP.
func hijack(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter) {
	conn, rw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	return conn, rw
}

// reset closes conn with an RST instead of a FIN.
func reset(conn net.Conn) {
	if tc, ok := conn.(*tls.Conn); ok {
		if tcp, ok := tc.NetConn().(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
	}
	_ = conn.Close()
}

// countingListener accepts and counts TCP connections, then closes them.
type countingListener struct {
	ln        net.Listener
	mu        sync.Mutex
	seen      map[string]bool // remote addresses accepted
	sentinels int
	done      chan struct{}
}

func newCountingListener(t testing.TB) *countingListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{ln: ln, seen: map[string]bool{}, done: make(chan struct{})}
	go func() {
		defer close(cl.done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			cl.mu.Lock()
			cl.seen[c.RemoteAddr().String()] = true
			cl.mu.Unlock()
			_ = c.Close()
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); <-cl.done })
	return cl
}

func (cl *countingListener) port() string {
	_, p, _ := net.SplitHostPort(cl.ln.Addr().String())
	return p
}

// settle makes one sentinel connection and waits until it was accepted, so
// that every earlier connection has been accepted (and counted) too. It
// returns the number of connections other than sentinels.
func (cl *countingListener) settle(t testing.TB) int {
	t.Helper()
	c, err := net.Dial("tcp", cl.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	local := c.LocalAddr().String()
	_ = c.Close()
	for {
		cl.mu.Lock()
		ok := cl.seen[local]
		n := len(cl.seen)
		cl.mu.Unlock()
		if ok {
			cl.sentinels++
			return n - cl.sentinels
		}
		time.Sleep(time.Millisecond)
	}
}
