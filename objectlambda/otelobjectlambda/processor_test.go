package otelobjectlambda_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/otelobjectlambda"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// recordingExporter keeps batches, fails on demand and detects overlapping
// calls.
type recordingExporter struct {
	mu       sync.Mutex
	batches  [][]string
	fail     error
	inExport atomic.Bool
	overlaps atomic.Int64
	shutdown atomic.Int64
}

func (e *recordingExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	if !e.inExport.CompareAndSwap(false, true) {
		e.overlaps.Add(1)
	}
	defer e.inExport.Store(false)
	time.Sleep(10 * time.Microsecond) // widen the window for overlaps
	e.mu.Lock()
	defer e.mu.Unlock()
	var names []string
	for _, s := range spans {
		names = append(names, s.Name())
	}
	e.batches = append(e.batches, names)
	return e.fail
}

func (e *recordingExporter) Shutdown(context.Context) error { e.shutdown.Add(1); return nil }

func (e *recordingExporter) sizes() []int {
	e.mu.Lock()
	defer e.mu.Unlock()
	var n []int
	for _, b := range e.batches {
		n = append(n, len(b))
	}
	return n
}

func endSpans(tp *sdktrace.TracerProvider, n int) {
	tr := tp.Tracer("test")
	for i := range n {
		_, sp := tr.Start(context.Background(), "span-"+strconv.Itoa(i))
		sp.End()
	}
}

func TestInvocationProcessorQueuesUntilFlush(t *testing.T) {
	for _, tc := range []struct {
		name      string
		maxQueued int
		spans     int
		before    []int // batch sizes exported before the flush
		after     []int // and after it
	}{
		{name: "below the maximum nothing leaves before the flush", maxQueued: 0, spans: 7, before: nil, after: []int{7}},
		{name: "a full queue exports by itself", maxQueued: 3, spans: 7, before: []int{3, 3}, after: []int{3, 3, 1}},
		{name: "exactly full", maxQueued: 4, spans: 4, before: []int{4}, after: []int{4}},
		{name: "nothing queued, nothing exported", maxQueued: 0, spans: 0, before: nil, after: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exp := &recordingExporter{}
			p := otelobjectlambda.NewInvocationProcessor(exp, otelobjectlambda.WithMaxQueued(tc.maxQueued))
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
			endSpans(tp, tc.spans)
			assert.Equal(t, tc.before, exp.sizes())
			require.NoError(t, tp.ForceFlush(t.Context()))
			assert.Equal(t, tc.after, exp.sizes())
			require.NoError(t, tp.Shutdown(t.Context()))
			assert.EqualValues(t, 1, exp.shutdown.Load())
		})
	}
}

func TestInvocationProcessorIgnoresUnsampled(t *testing.T) {
	exp := &recordingExporter{}
	p := otelobjectlambda.NewInvocationProcessor(exp)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p), sdktrace.WithSampler(sdktrace.NeverSample()))
	endSpans(tp, 5)
	require.NoError(t, tp.ForceFlush(t.Context()))
	assert.Empty(t, exp.sizes())
}

// TestInvocationProcessorRequest: with FlushAfterRequest, the whole span tree
// of a request has been exported when the invocation returns.
func TestInvocationProcessorRequest(t *testing.T) {
	noLambdaEnv(t)
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(otelobjectlambda.NewInvocationProcessor(exp)))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	f := newFixture(t, serveBody("hello"),
		objectlambda.WithTransform(transform.Identity()),
		objectlambda.WithTracer(otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp))),
		objectlambda.WithObserver(otelobjectlambda.FlushAfterRequest(tp, time.Second)))
	for range 2 {
		exp.Reset()
		f.get(t.Context(), "a.txt")
		var names []string
		for _, s := range exp.GetSpans() {
			names = append(names, s.Name)
		}
		assert.ElementsMatch(t, []string{"objectlambda.GetObject", "objectlambda.fetch", "objectlambda.transform", "objectlambda.WriteGetObjectResponse"}, names)
	}
}

// TestInvocationProcessorConcurrent: spans ending on many goroutines while
// others flush are all exported once, and the exporter is never entered
// twice at the same time.
func TestInvocationProcessorConcurrent(t *testing.T) {
	exp := &recordingExporter{}
	p := otelobjectlambda.NewInvocationProcessor(exp, otelobjectlambda.WithMaxQueued(5))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { endSpans(tp, 50) })
		wg.Go(func() {
			for range 10 {
				assert.NoError(t, tp.ForceFlush(context.Background()))
			}
		})
	}
	wg.Wait()
	require.NoError(t, tp.ForceFlush(t.Context()))
	total := 0
	for _, n := range exp.sizes() {
		total += n
	}
	assert.Equal(t, 8*50, total)
	assert.Zero(t, exp.overlaps.Load(), "ExportSpans calls overlapped")
}

func TestInvocationProcessorErrorsAndShutdown(t *testing.T) {
	handled := captureOTelErrors(t)

	boom := errors.New("collector refused")
	exp := &recordingExporter{fail: boom}
	p := otelobjectlambda.NewInvocationProcessor(exp, otelobjectlambda.WithMaxQueued(2))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))

	endSpans(tp, 2) // a full queue: exported by OnEnd, the error handled
	errs := handled.errors()
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], boom)

	endSpans(tp, 1)
	assert.ErrorIs(t, p.ForceFlush(t.Context()), boom, "ForceFlush returns its own export error")

	endSpans(tp, 1)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.ErrorIs(t, p.ForceFlush(ctx), context.Canceled)
	assert.Equal(t, []int{2, 1}, exp.sizes(), "a cancelled flush exports nothing")

	exp.fail = nil
	endSpans(tp, 1)
	require.NoError(t, p.Shutdown(t.Context()))
	assert.Equal(t, []int{2, 1, 1}, exp.sizes(), "shutdown exports what is queued")
	endSpans(tp, 3)
	assert.ErrorIs(t, p.ForceFlush(t.Context()), otelobjectlambda.ErrProcessorShutdown)
	require.NoError(t, p.Shutdown(t.Context()), "a second shutdown is a no-op")
	assert.Equal(t, []int{2, 1, 1}, exp.sizes(), "spans ending after shutdown are dropped")
	assert.EqualValues(t, 1, exp.shutdown.Load())
}
