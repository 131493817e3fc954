package otelobjectlambda

import (
	"context"
	"fmt"
	"time"

	"github.com/objectlambda/sdk-go/objectlambda"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
)

// Flusher exports the spans a provider still holds. The SDK's
// *trace.TracerProvider is one.
type Flusher interface {
	ForceFlush(ctx context.Context) error
}

// DefaultFlushTimeout bounds one flush when FlushAfterRequest is given no
// timeout.
const DefaultFlushTimeout = 2 * time.Second

// FlushAfterRequest returns an Observer that flushes f at the end of every
// request, after its spans have ended.
//
// Lambda freezes the execution environment as soon as an invocation returns,
// so spans still queued in a batch span processor would leave only with a
// later invocation, or never. Add this observer (after the others) when the
// provider batches:
//
//	objectlambda.WithObserver(otelobjectlambda.FlushAfterRequest(tp, time.Second))
//
// A request whose span was not sampled (X-Ray's default rule samples one
// request a second and 5 % of the rest) recorded nothing and is not flushed.
// The flush runs on the invocation's goroutine, after the reply was sent,
// and waits at most timeout (DefaultFlushTimeout if timeout is not
// positive) and never past the invocation's deadline. A failed flush is
// reported to OpenTelemetry's error handler (otel.Handle) with the request
// id, like the SDK's own export errors; the request is not affected.
func FlushAfterRequest(f Flusher, timeout time.Duration) objectlambda.Observer {
	if timeout <= 0 {
		timeout = DefaultFlushTimeout
	}
	return objectlambda.ObserverFunc(func(ctx context.Context, m *objectlambda.Metrics) {
		if f == nil {
			return
		}
		if sc := trace.SpanContextFromContext(ctx); sc.IsValid() && !sc.IsSampled() {
			return // nothing of this request was recorded
		}
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		if err := f.ForceFlush(ctx); err != nil {
			otel.Handle(fmt.Errorf("otelobjectlambda: flushing the spans of request %q: %w", m.RequestID, err))
		}
	})
}
