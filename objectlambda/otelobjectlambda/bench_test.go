package otelobjectlambda_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/emf"
	"github.com/objectlambda/sdk-go/objectlambda/otelobjectlambda"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// discardExporter drops spans, like an exporter whose backend is fast.
type discardExporter struct{}

func (discardExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discardExporter) Shutdown(context.Context) error                             { return nil }

// BenchmarkGetObject measures the cost of observability on the whole GET
// path (presigned fetch over loopback TLS, transform pipeline, WGOR body
// drained by a fake client). Each iteration serves the same object once per
// variant, in a random order so that machine noise hits all of them alike:
//
//   - off: no observer, no tracer, the summary log discarded;
//   - noprovider: this package's Tracer with OpenTelemetry's global default
//     provider (nothing configured), the summary log discarded;
//   - unsampled: everything configured as in "on", but the invocation's
//     X-Ray header says Sampled=0 (X-Ray's default rule samples one request
//     a second and 5 % of the rest, so this is most requests in production);
//   - on: everything, as a Lambda function should set it up: EMF lines, the
//     JSON summary log at info level (both written to io.Discard), spans
//     recorded by the SDK continuing the sampled X-Ray header, queued by an
//     InvocationProcessor and handed to a discarding exporter by
//     FlushAfterRequest before the invocation returns;
//   - batcher: "on" with the SDK's batch span processor instead of the
//     InvocationProcessor (still flushed after every request).
//
// A real exporter adds its own round trip to the collector at each flush,
// whatever the processor.
//
// The upstream answers at once (upstream=0s: the loopback worst case, where
// the fixed cost per request shows most) or after a first-byte latency of
// 1 ms (upstream=1ms: still far quicker than S3, whose first-byte latency is
// single-digit milliseconds for S3 Express One Zone and tens of milliseconds
// or more for S3 Standard; the WGOR call, another S3 round trip in
// production, is free here).
//
// Metrics: each variant's time per request, the extra microseconds of "on"
// over "off", and the overhead of each variant relative to "off" in percent
// (goal for "on": under 3 % of a GET).
//
//	go test -run '^$' -bench BenchmarkGetObject -benchtime 3000x -benchmem ./objectlambda/otelobjectlambda
func BenchmarkGetObject(b *testing.B) {
	for _, latency := range []time.Duration{0, time.Millisecond} {
		for _, size := range []int{16 << 10, 1 << 20} {
			b.Run("upstream="+latency.String()+"/size="+strconv.Itoa(size>>10)+"KiB", func(b *testing.B) {
				benchmarkGetObject(b, latency, size)
			})
		}
	}
}

func benchmarkGetObject(b *testing.B, latency time.Duration, size int) {
	body := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	serve := func(w http.ResponseWriter, r *http.Request) {
		if latency > 0 {
			time.Sleep(latency)
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	}
	discardLog := objectlambda.WithLogger(slog.New(slog.DiscardHandler))
	everything := func(processor func(sdktrace.SpanExporter) sdktrace.SpanProcessor) []objectlambda.Option {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(processor(discardExporter{}))) // default sampler: parent-based
		b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
		tracer := otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp))
		return []objectlambda.Option{
			objectlambda.WithLogger(slog.New(slog.NewJSONHandler(io.Discard, nil))),
			objectlambda.WithTracer(tracer),
			objectlambda.WithObserver(emf.New(emf.WithWriter(io.Discard), emf.WithTraceID(tracer.TraceID))),
			objectlambda.WithObserver(otelobjectlambda.FlushAfterRequest(tp, time.Second)),
		}
	}
	invocation := func(e sdktrace.SpanExporter) sdktrace.SpanProcessor {
		return otelobjectlambda.NewInvocationProcessor(e)
	}
	batcher := func(e sdktrace.SpanExporter) sdktrace.SpanProcessor { return sdktrace.NewBatchSpanProcessor(e) }
	//lint:ignore SA1029 the key is aws-lambda-go's plain string
	sampled := context.WithValue(context.Background(), "x-amzn-trace-id", xrayHeader) //nolint:staticcheck
	//lint:ignore SA1029 the key is aws-lambda-go's plain string
	unsampled := context.WithValue(context.Background(), "x-amzn-trace-id", //nolint:staticcheck
		strings.Replace(xrayHeader, "Sampled=1", "Sampled=0", 1))

	type run struct {
		name  string
		f     *fixture
		ctx   context.Context
		event []byte
		total time.Duration
	}
	runs := []*run{
		{name: "off", f: newFixture(b, serve, discardLog), ctx: sampled},
		{name: "noprovider", f: newFixture(b, serve, discardLog, objectlambda.WithTracer(otelobjectlambda.New())), ctx: sampled},
		{name: "unsampled", f: newFixture(b, serve, everything(invocation)...), ctx: unsampled},
		{name: "on", f: newFixture(b, serve, everything(invocation)...), ctx: sampled},
		{name: "batcher", f: newFixture(b, serve, everything(batcher)...), ctx: sampled},
	}
	for _, r := range runs {
		r.event = r.f.event("big.bin")
		if _, err := r.f.h.Invoke(r.ctx, r.event); err != nil { // warm the connections
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(size * len(runs)))
	b.ReportAllocs()
	b.ResetTimer()
	order := rand.New(rand.NewPCG(1, 2)) // fixed seed: the same orders every run
	for i := 0; i < b.N; i++ {
		// A new random order each time, so that no variant always follows
		// the same one (and inherits its background work, such as a batch
		// span processor's export).
		for _, j := range order.Perm(len(runs)) {
			r := runs[j]
			start := time.Now()
			if _, err := r.f.h.Invoke(r.ctx, r.event); err != nil {
				b.Fatal(err)
			}
			r.total += time.Since(start)
		}
	}
	b.StopTimer()
	per := func(r *run) float64 { return float64(r.total.Nanoseconds()) / float64(b.N) }
	off := per(runs[0])
	for _, r := range runs {
		b.ReportMetric(per(r)/1e3, r.name+"-µs/req")
		if r != runs[0] {
			b.ReportMetric(100*(per(r)/off-1), r.name+"-overhead-%")
		}
	}
	b.ReportMetric((per(runs[3])-off)/1e3, "on-extra-µs/req")
}

// BenchmarkSpan is the tracer alone: one request's spans (request, fetch
// with a retry event, transform, WGOR) without a provider and with the SDK.
func BenchmarkSpan(b *testing.B) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(discardExporter{}))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	attrs := []slog.Attr{slog.String("objectlambda.request_id", "r"), slog.String("objectlambda.operation", "GetObject")}
	//lint:ignore SA1029 the key is aws-lambda-go's plain string
	unsampled := context.WithValue(context.Background(), "x-amzn-trace-id", //nolint:staticcheck
		strings.Replace(xrayHeader, "Sampled=1", "Sampled=0", 1))
	for _, tc := range []struct {
		name   string
		tracer *otelobjectlambda.Tracer
		ctx    context.Context
	}{
		{"noprovider", otelobjectlambda.New(), context.Background()},
		{"sdk", otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp)), context.Background()},
		{"sdk-unsampled", otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp)), unsampled},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.Setenv(otelobjectlambda.EnvTraceHeader, "")
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				ctx, root := tc.tracer.Start(tc.ctx, "objectlambda.GetObject", attrs...)
				for _, name := range []string{"objectlambda.fetch", "objectlambda.transform", "objectlambda.WriteGetObjectResponse"} {
					_, sp := tc.tracer.Start(ctx, name)
					sp.SetAttributes(slog.Int("http.status_code", 200))
					sp.End(nil)
				}
				root.SetAttributes(slog.Int("http.status_code", 200))
				root.End(nil)
			}
		})
	}
}
