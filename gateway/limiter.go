package gateway

import (
	"net/http"

	"github.com/objectlambda/sdk-go/gateway/internal/metrics"
	"github.com/objectlambda/sdk-go/s3err"
)

// limiter bounds the function invocations in flight per access point
// (MaxConcurrentInvocations). Beyond the bound a request is not queued: it
// is answered 503 SlowDown at once, as S3 Object Lambda answers when Lambda
// throttles, and S3 clients back off and retry.
type limiter struct {
	slots   map[string]chan struct{} // by access point; read-only after newLimiter
	metrics *metrics.Metrics         // may be nil
}

// newLimiter returns a limiter with limits[accessPoint] slots each. m, when
// not nil, counts refusals and invocations in flight.
func newLimiter(limits map[string]int, m *metrics.Metrics) *limiter {
	l := &limiter{slots: make(map[string]chan struct{}, len(limits)), metrics: m}
	for ap, n := range limits {
		l.slots[ap] = make(chan struct{}, max(n, 1))
	}
	return l
}

// Acquire takes a slot of accessPoint. It reports false, taking nothing,
// when all are in use or the access point is unknown; otherwise release
// must be called exactly once when the invocation has ended.
func (l *limiter) Acquire(accessPoint string) (release func(), ok bool) {
	slots, known := l.slots[accessPoint]
	if !known {
		return nil, false
	}
	select {
	case slots <- struct{}{}:
	default:
		if l.metrics != nil {
			l.metrics.ObserveThrottled(accessPoint)
		}
		return nil, false
	}
	if l.metrics != nil {
		l.metrics.InFlight(accessPoint).Inc()
	}
	return func() {
		if l.metrics != nil {
			l.metrics.InFlight(accessPoint).Dec()
		}
		<-slots
	}, true
}

// InUse is the number of slots of accessPoint taken now.
func (l *limiter) InUse(accessPoint string) int { return len(l.slots[accessPoint]) }

// Limit wraps next, which invokes a function of accessPoint, so that it
// runs only with a slot; without one the caller gets 503 SlowDown.
func (l *limiter) Limit(accessPoint string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		release, ok := l.Acquire(accessPoint)
		if !ok {
			writeSlowDown(w, r)
			return
		}
		defer release()
		next.ServeHTTP(w, r)
	})
}

// writeSlowDown answers 503 SlowDown with S3's error document.
func writeSlowDown(w http.ResponseWriter, r *http.Request) {
	writeError(w, r, http.StatusServiceUnavailable, s3err.CodeSlowDown, msgUnavailable, newRequestID())
}
