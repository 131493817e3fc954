package server

import (
	"net/http"
	"sync/atomic"
)

// Health answers the probes. /healthz (liveness) answers 200 while the
// process serves at all; /readyz (readiness) answers 200 only once the
// gateway is ready and until it starts draining, so that load balancers
// send new requests elsewhere before the listeners close.
type Health struct {
	ready    atomic.Bool
	draining atomic.Bool
}

// SetReady marks the gateway ready (its listeners serve).
func (h *Health) SetReady() { h.ready.Store(true) }

// StartDraining makes /readyz fail from now on.
func (h *Health) StartDraining() { h.draining.Store(true) }

// Ready reports whether /readyz answers 200.
func (h *Health) Ready() bool { return h.ready.Load() && !h.draining.Load() }

// Healthz is the liveness probe.
func (h *Health) Healthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeProbe(w, http.StatusOK, "ok")
	})
}

// Readyz is the readiness probe.
func (h *Health) Readyz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case h.draining.Load():
			writeProbe(w, http.StatusServiceUnavailable, "draining")
		case !h.ready.Load():
			writeProbe(w, http.StatusServiceUnavailable, "starting")
		default:
			writeProbe(w, http.StatusOK, "ready")
		}
	})
}

func writeProbe(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text + "\n"))
}
