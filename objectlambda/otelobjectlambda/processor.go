package otelobjectlambda

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// DefaultMaxQueued is how many ended spans an InvocationProcessor keeps
// before it exports them without waiting for a flush.
const DefaultMaxQueued = 512

// ErrProcessorShutdown is returned by an InvocationProcessor's ForceFlush
// after Shutdown.
var ErrProcessorShutdown = errors.New("otelobjectlambda: span processor is shut down")

// InvocationProcessor is a span processor for Lambda functions: it keeps the
// spans that end during an invocation and exports them on the caller's
// goroutine when flushed (by FlushAfterRequest at the end of each request).
//
// The SDK's batch span processor exports from a background goroutine, which
// suits servers but not Lambda: the environment is frozen between
// invocations, so the function must flush before returning anyway, and
// handing every ended span to another goroutine costs a wake-up each (on an
// otherwise idle Lambda CPU, a few microseconds per span; see
// BenchmarkGetObject). This processor has no goroutine: ending a span
// appends it to a slice, and ForceFlush exports the slice.
//
//	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(otelobjectlambda.NewInvocationProcessor(exporter)))
//	objectlambda.Start(
//		objectlambda.WithTracer(otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp))),
//		objectlambda.WithObserver(otelobjectlambda.FlushAfterRequest(tp, time.Second)),
//	)
//
// Spans that were not sampled are ignored. When more than the maximum (see
// WithMaxQueued) are waiting, the span that reaches it exports the batch on
// its own goroutine, so memory stays bounded even if nothing flushes. Calls
// to the exporter never overlap, as the SDK's exporters require. Export
// errors of such a batch go to OpenTelemetry's error handler (otel.Handle);
// ForceFlush returns its own.
type InvocationProcessor struct {
	exp       sdktrace.SpanExporter
	maxQueued int

	mu       sync.Mutex
	queued   []sdktrace.ReadOnlySpan
	shutdown bool

	exportMu sync.Mutex // serializes calls to exp
}

var _ sdktrace.SpanProcessor = (*InvocationProcessor)(nil)

// ProcessorOption configures an InvocationProcessor.
type ProcessorOption func(*InvocationProcessor)

// WithMaxQueued sets how many spans are kept before they are exported
// without a flush (DefaultMaxQueued if n is not positive).
func WithMaxQueued(n int) ProcessorOption {
	return func(p *InvocationProcessor) {
		if n > 0 {
			p.maxQueued = n
		}
	}
}

// NewInvocationProcessor returns a processor that exports to exp when
// flushed.
func NewInvocationProcessor(exp sdktrace.SpanExporter, opts ...ProcessorOption) *InvocationProcessor {
	p := &InvocationProcessor{exp: exp, maxQueued: DefaultMaxQueued}
	for _, o := range opts {
		if o != nil {
			o(p)
		}
	}
	return p
}

// OnStart does nothing.
func (p *InvocationProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}

// OnEnd queues a sampled span, and exports the queue when it is full.
func (p *InvocationProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	if p.exp == nil || !s.SpanContext().IsSampled() {
		return
	}
	p.mu.Lock()
	if p.shutdown {
		p.mu.Unlock()
		return
	}
	p.queued = append(p.queued, s)
	var batch []sdktrace.ReadOnlySpan
	if len(p.queued) >= p.maxQueued {
		batch, p.queued = p.queued, nil
	}
	p.mu.Unlock()
	if batch != nil {
		if err := p.export(context.Background(), batch); err != nil {
			otel.Handle(fmt.Errorf("otelobjectlambda: exporting %d queued spans: %w", len(batch), err))
		}
	}
}

// ForceFlush exports the queued spans on the caller's goroutine, within
// ctx.
func (p *InvocationProcessor) ForceFlush(ctx context.Context) error {
	p.mu.Lock()
	if p.shutdown {
		p.mu.Unlock()
		return ErrProcessorShutdown
	}
	batch := p.queued
	p.queued = nil
	p.mu.Unlock()
	return p.export(ctx, batch)
}

// Shutdown exports what is queued and shuts the exporter down. Spans that
// end afterwards are dropped.
func (p *InvocationProcessor) Shutdown(ctx context.Context) error {
	p.mu.Lock()
	if p.shutdown {
		p.mu.Unlock()
		return nil
	}
	p.shutdown = true
	batch := p.queued
	p.queued = nil
	p.mu.Unlock()
	err := p.export(ctx, batch)
	if p.exp != nil {
		p.exportMu.Lock()
		defer p.exportMu.Unlock()
		err = errors.Join(err, p.exp.Shutdown(ctx))
	}
	return err
}

func (p *InvocationProcessor) export(ctx context.Context, batch []sdktrace.ReadOnlySpan) error {
	if len(batch) == 0 || p.exp == nil {
		return nil
	}
	p.exportMu.Lock()
	defer p.exportMu.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("otelobjectlambda: %d spans not exported: %w", len(batch), err)
	}
	return p.exp.ExportSpans(ctx, batch)
}
