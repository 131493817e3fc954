package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gateway-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func listener(addr string, h2 bool, tlsCfg *config.TLS) config.Listener {
	return config.Listener{Address: addr, TLS: tlsCfg, HTTP2: &h2, MaxHeaderBytes: 8 << 10,
		ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
}

// start serves h on a free loopback port with cfg and returns the base URL.
func start(t *testing.T, cfg config.Listener, h http.Handler) (*http.Server, string) {
	t.Helper()
	cfg.Address = "127.0.0.1:0"
	srv, err := New(cfg, h, nil)
	require.NoError(t, err)
	l, err := Listen(srv)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- Serve(srv, l) }()
	t.Cleanup(func() {
		_ = srv.Close()
		assert.NoError(t, <-done)
	})
	scheme := "http://"
	if cfg.TLS != nil {
		scheme = "https://"
	}
	return srv, scheme + l.Addr().String()
}

var protoHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, r.Proto) })

func TestServerProtocols(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	tlsFiles := &config.TLS{CertFile: certFile, KeyFile: keyFile}
	h2Client := func(tlsOn bool) *http.Client {
		tr := &http.Transport{Protocols: new(http.Protocols), TLSClientConfig: &tls.Config{RootCAs: pool}}
		tr.Protocols.SetHTTP1(true)
		if tlsOn {
			tr.Protocols.SetHTTP2(true)
		} else {
			tr.Protocols.SetUnencryptedHTTP2(true) // prior knowledge
			tr.Protocols.SetHTTP1(false)
		}
		return &http.Client{Transport: tr}
	}
	h1Client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	tests := []struct {
		name   string
		http2  bool
		tls    *config.TLS
		client *http.Client
		want   string // "" when the request must fail
	}{
		{name: "TLS, HTTP/2 by ALPN", http2: true, tls: tlsFiles, client: h2Client(true), want: "HTTP/2.0"},
		{name: "TLS, HTTP/1.1 client", http2: true, tls: tlsFiles, client: h1Client, want: "HTTP/1.1"},
		{name: "TLS, HTTP/2 off", http2: false, tls: tlsFiles, client: h2Client(true), want: "HTTP/1.1"},
		{name: "plain, h2c by prior knowledge", http2: true, client: h2Client(false), want: "HTTP/2.0"},
		{name: "plain, HTTP/1.1", http2: true, client: h1Client, want: "HTTP/1.1"},
		{name: "plain, HTTP/2 off refuses h2c", http2: false, client: h2Client(false)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := start(t, listener("", tt.http2, tt.tls), protoHandler)
			resp, err := tt.client.Get(url)
			if tt.want == "" {
				if err == nil {
					resp.Body.Close()
				}
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(b))
		})
	}
}

func TestServerHeaderLimit(t *testing.T) {
	_, url := start(t, listener("", true, nil), protoHandler)
	tests := []struct {
		name   string
		size   int
		status int
	}{
		{"under the limit", 4 << 10, http.StatusOK},
		{"over the limit", 64 << 10, http.StatusRequestHeaderFieldsTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, url, nil)
			require.NoError(t, err)
			req.Header.Set("X-Big", strings.Repeat("a", tt.size))
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tt.status, resp.StatusCode)
		})
	}
}

func TestServerTLSFiles(t *testing.T) {
	certFile, keyFile, _ := selfSigned(t)
	garbage := filepath.Join(t.TempDir(), "garbage.pem")
	require.NoError(t, os.WriteFile(garbage, []byte("-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n"), 0o600))
	tests := []struct {
		name string
		tls  config.TLS
		err  string
	}{
		{name: "missing cert", tls: config.TLS{CertFile: "/nonexistent/tls.crt", KeyFile: keyFile}, err: "/nonexistent/tls.crt: no such file"},
		{name: "key is not a key", tls: config.TLS{CertFile: certFile, KeyFile: garbage}, err: "are not a PEM certificate and its key"},
		{name: "swapped", tls: config.TLS{CertFile: keyFile, KeyFile: certFile}, err: "are not a PEM certificate and its key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(listener("127.0.0.1:0", true, &tt.tls), protoHandler, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
			assert.NotContains(t, err.Error(), "c2VjcmV0", "no key material in errors")
		})
	}
}

func TestHealth(t *testing.T) {
	var h Health
	probe := func(handler http.Handler) (int, string) {
		_, url := start(t, listener("", true, nil), handler)
		resp, err := http.Get(url)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(b))
	}
	steps := []struct {
		name      string
		do        func()
		ready     int
		readyText string
	}{
		{"starting", func() {}, 503, "starting"},
		{"ready", h.SetReady, 200, "ready"},
		{"draining", h.StartDraining, 503, "draining"},
	}
	for _, s := range steps {
		s.do()
		status, text := probe(h.Readyz())
		assert.Equal(t, s.ready, status, s.name)
		assert.Equal(t, s.readyText, text, s.name)
		status, text = probe(h.Healthz())
		assert.Equal(t, 200, status, "alive while %s", s.name)
		assert.Equal(t, "ok", text)
	}
}

// TestDrain: on shutdown, readiness fails at once, a request in flight
// finishes, new connections are refused once the delay is over.
func TestDrain(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		w.Header().Set("Content-Length", "10")
		_, _ = io.WriteString(w, "01234")
		http.NewResponseController(w).Flush()
		<-release
		_, _ = io.WriteString(w, "56789")
	})
	srv, url := start(t, listener("", true, nil), slow)
	var h Health
	h.SetReady()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get(url)
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-entered

	drained := make(chan error, 1)
	go func() {
		drained <- Drain(context.Background(), &h, config.Shutdown{ReadinessDelay: 50 * time.Millisecond, DrainTimeout: 10 * time.Second}, srv)
	}()
	require.Eventually(t, func() bool { return !h.Ready() }, time.Second, time.Millisecond, "readiness fails at once")

	// Once the listener has closed, new connections are refused.
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(url, "http://"), 100*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err != nil
	}, 5*time.Second, 5*time.Millisecond)

	close(release)
	r := <-got
	require.NoError(t, r.err)
	assert.Equal(t, "0123456789", r.body, "the request in flight finished whole")
	assert.NoError(t, <-drained)
}

// TestDrainDeadline: a request still running at the deadline is cut off;
// its caller sees a broken transfer, not a short success.
func TestDrainDeadline(t *testing.T) {
	entered := make(chan struct{}, 1)
	stuck := make(chan struct{})
	defer close(stuck)
	srv, url := start(t, listener("", true, nil), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		_, _ = io.WriteString(w, "01234")
		http.NewResponseController(w).Flush()
		entered <- struct{}{}
		select {
		case <-stuck:
		case <-r.Context().Done():
		}
	}))
	var h Health
	h.SetReady()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	<-entered

	err = Drain(context.Background(), &h, config.Shutdown{DrainTimeout: 100 * time.Millisecond}, srv)
	assert.ErrorIs(t, err, ErrDrainTimeout)
	_, err = io.ReadAll(resp.Body)
	assert.True(t, errors.Is(err, io.ErrUnexpectedEOF), "a broken transfer: %v", err)
}
