package otelobjectlambda_test

import (
	"context"
	"errors"
	"strings"
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

// TestFlushAfterRequest: with a batching provider whose own schedule would
// export minutes later, every span of the request has been exported when
// the invocation returns.
func TestFlushAfterRequest(t *testing.T) {
	noLambdaEnv(t)
	tree := []string{"objectlambda.GetObject", "objectlambda.WriteGetObjectResponse", "objectlambda.fetch", "objectlambda.transform"}
	for _, tc := range []struct {
		name        string
		flush       bool
		traceHeader string
		want        []string
		wantFlushes int
	}{
		{name: "without the observer nothing is exported yet", flush: false},
		{name: "with the observer the whole tree is exported", flush: true, want: tree, wantFlushes: 1},
		{name: "sampled X-Ray trace", flush: true, traceHeader: xrayHeader, want: tree, wantFlushes: 1},
		{name: "unsampled X-Ray trace is not flushed", flush: true,
			traceHeader: strings.Replace(xrayHeader, "Sampled=1", "Sampled=0", 1), wantFlushes: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exp := tracetest.NewInMemoryExporter()
			tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(time.Hour)))
			t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
			opts := []objectlambda.Option{
				objectlambda.WithTransform(transform.Identity()),
				objectlambda.WithTracer(otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp))),
			}
			flushes := 0
			if tc.flush {
				opts = append(opts, objectlambda.WithObserver(otelobjectlambda.FlushAfterRequest(flushFunc(func(ctx context.Context) error {
					flushes++
					return tp.ForceFlush(ctx)
				}), time.Second)))
			}
			f := newFixture(t, serveBody("hello"), opts...)
			ctx := t.Context()
			if tc.traceHeader != "" {
				//lint:ignore SA1029 the key is aws-lambda-go's plain string
				ctx = context.WithValue(ctx, "x-amzn-trace-id", tc.traceHeader) //nolint:staticcheck
			}
			f.get(ctx, "a.txt")
			assert.Equal(t, tc.wantFlushes, flushes)
			var names []string
			for _, s := range exp.GetSpans() {
				names = append(names, s.Name)
			}
			assert.ElementsMatch(t, tc.want, names)
		})
	}
}

type flushFunc func(ctx context.Context) error

func (f flushFunc) ForceFlush(ctx context.Context) error { return f(ctx) }

// TestFlushAfterRequestBounds: the flush gets a deadline no later than the
// timeout, and a failure goes to OpenTelemetry's error handler with the
// request id.
func TestFlushAfterRequestBounds(t *testing.T) {
	handled := captureOTelErrors(t)

	boom := errors.New("collector unreachable")
	for _, tc := range []struct {
		name      string
		timeout   time.Duration
		err       error
		maxBudget time.Duration
	}{
		{name: "given timeout", timeout: 50 * time.Millisecond, maxBudget: 50 * time.Millisecond},
		{name: "default timeout", timeout: 0, maxBudget: otelobjectlambda.DefaultFlushTimeout},
		{name: "failure is handled", timeout: time.Second, err: boom, maxBudget: time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			handled.reset()
			var budget time.Duration
			calls := 0
			o := otelobjectlambda.FlushAfterRequest(flushFunc(func(ctx context.Context) error {
				calls++
				d, ok := ctx.Deadline()
				require.True(t, ok, "the flush is bounded")
				budget = time.Until(d)
				return tc.err
			}), tc.timeout)
			o.ObserveRequest(t.Context(), &objectlambda.Metrics{RequestID: "req-1"})
			assert.Equal(t, 1, calls)
			assert.LessOrEqual(t, budget, tc.maxBudget)
			assert.Positive(t, budget)
			errs := handled.errors()
			if tc.err == nil {
				assert.Empty(t, errs)
				return
			}
			require.Len(t, errs, 1)
			assert.ErrorIs(t, errs[0], boom)
			assert.Contains(t, errs[0].Error(), `"req-1"`)
		})
	}
}
