package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/objectlambda/sdk-go/gateway/config"
)

// New builds the HTTP server of a listener configuration: TLS from the
// certificate and key files (loaded now, so a bad file fails at start-up
// and in -check), HTTP/1.1 always and HTTP/2 when enabled (by ALPN over
// TLS, by prior knowledge over plain HTTP), the header size limit and the
// timeouts. There is deliberately no read or write timeout: a body may
// stream for as long as the object takes.
//
// Server errors the standard library would print (TLS handshakes that fail,
// bad requests) go to log at debug level.
func New(cfg config.Listener, h http.Handler, log *slog.Logger) (*http.Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Addr:              cfg.Address,
		Handler:           h,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
		Protocols:         new(http.Protocols),
	}
	srv.Protocols.SetHTTP1(true)
	h2 := cfg.HTTP2 == nil || *cfg.HTTP2
	if cfg.TLS != nil {
		cert, err := loadKeyPair(cfg.TLS)
		if err != nil {
			return nil, err
		}
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
		srv.Protocols.SetHTTP2(h2)
	} else {
		srv.Protocols.SetUnencryptedHTTP2(h2)
	}
	return srv, nil
}

// loadKeyPair loads the PEM files; errors name the files, never their
// content.
func loadKeyPair(t *config.TLS) (tls.Certificate, error) {
	for _, f := range []string{t.CertFile, t.KeyFile} {
		if _, err := os.Stat(f); err != nil {
			return tls.Certificate{}, fmt.Errorf("listener TLS: %w", err)
		}
	}
	cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("listener TLS: %s and %s are not a PEM certificate and its key", t.CertFile, t.KeyFile)
	}
	return cert, nil
}

// Listen opens srv's address.
func Listen(srv *http.Server) (net.Listener, error) {
	l, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", srv.Addr, err)
	}
	return l, nil
}

// Serve serves srv on l, over TLS when srv has a TLS configuration. It
// returns nil once srv is shut down.
func Serve(srv *http.Server, l net.Listener) error {
	var err error
	if srv.TLSConfig != nil {
		err = srv.ServeTLS(l, "", "")
	} else {
		err = srv.Serve(l)
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// ErrDrainTimeout is returned by Drain when requests were still running at
// the deadline; their connections were closed.
var ErrDrainTimeout = errors.New("drain deadline passed: open connections were closed")

// Drain stops servers gracefully: /readyz fails at once (Health), the
// servers keep serving for cfg.ReadinessDelay so that load balancers notice,
// then they stop accepting and close idle connections, and requests in
// flight get up to cfg.DrainTimeout to finish. Whatever still runs then is
// cut off (its caller sees a broken transfer, never a short success) and
// ErrDrainTimeout is returned. ctx ending cuts the delay and the drain short.
func Drain(ctx context.Context, h *Health, cfg config.Shutdown, servers ...*http.Server) error {
	h.StartDraining()
	select {
	case <-time.After(cfg.ReadinessDelay):
	case <-ctx.Done():
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.DrainTimeout)
	defer cancel()
	errs := make([]error, len(servers))
	var wg sync.WaitGroup
	for i, srv := range servers {
		wg.Go(func() {
			if err := srv.Shutdown(ctx); err != nil {
				_ = srv.Close()
				errs[i] = fmt.Errorf("%s: %w", srv.Addr, ErrDrainTimeout)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
