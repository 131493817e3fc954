package gateway

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// ownCertificate is the listener's certificate. Replicas share it (one
// Secret), so a replica that reaches a peer by IP address accepts exactly
// that certificate, whatever names it holds; in-process functions reach
// their own replica the same way. Any other server is verified as usual.
type ownCertificate struct{ leaf []byte }

func (c *ownCertificate) verify(cs tls.ConnectionState) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("gateway: the server sent no certificate")
	}
	if bytes.Equal(cs.PeerCertificates[0].Raw, c.leaf) {
		return nil
	}
	opts := x509.VerifyOptions{DNSName: cs.ServerName, Intermediates: x509.NewCertPool()}
	for _, ic := range cs.PeerCertificates[1:] {
		opts.Intermediates.AddCert(ic)
	}
	_, err := cs.PeerCertificates[0].Verify(opts)
	return err
}

// buildTransport builds the clients to the stores and to the other
// replicas (and to this one, for in-process functions).
func (g *Gateway) buildTransport() []error {
	g.hc = &http.Client{Transport: newTransport(nil, true), CheckRedirect: noRedirects}
	var tc *tls.Config
	if t := g.cfg.Listener.TLS; t != nil {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return []error{fmt.Errorf("listener TLS: %s and %s are not a PEM certificate and its key", t.CertFile, t.KeyFile)}
		}
		g.tls = &ownCertificate{leaf: cert.Certificate[0]}
		if _, err := x509.ParseCertificate(g.tls.leaf); err != nil {
			return []error{fmt.Errorf("listener TLS: %s: %w", t.CertFile, err)}
		}
		tc = &tls.Config{
			MinVersion: tls.VersionTLS12,
			// Verified by VerifyConnection instead: the listener's own
			// certificate, or a chain to the system's roots for the name.
			InsecureSkipVerify: true, //nolint:gosec // VerifyConnection verifies
			VerifyConnection:   g.tls.verify,
		}
	}
	g.peers = &http.Client{Transport: newTransport(tc, false), CheckRedirect: noRedirects}
	return nil
}

func newTransport(tc *tls.Config, h2 bool) *http.Transport {
	return &http.Transport{
		Proxy:                 nil, // stores and peers are reached directly
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tc,
		ForceAttemptHTTP2:     h2,
		MaxIdleConns:          512,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 0, // a function may take its whole time limit
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true, // bodies pass through as stored
	}
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
