package otelobjectlambda_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
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
// drained by a fake client). Each iteration serves the same object three
// times, interleaved so that machine noise hits all three alike:
//
//   - off: no observer, no tracer, the summary log discarded;
//   - noprovider: this package's Tracer with OpenTelemetry's global default
//     provider (nothing configured), the summary log discarded;
//   - on: EMF lines, spans recorded by the SDK (always sampled, batched to a
//     discarding exporter), continuing an X-Ray header, and the JSON summary
//     log at info level (both written to io.Discard).
//
// It reports the overhead of noprovider and on relative to off, in percent
// (goal: under 3 %), and the time per request of each.
//
//	go test -run '^$' -bench BenchmarkGetObject -benchmem ./objectlambda/otelobjectlambda
func BenchmarkGetObject(b *testing.B) {
	for _, size := range []int{16 << 10, 1 << 20} {
		b.Run("size="+strconv.Itoa(size>>10)+"KiB", func(b *testing.B) {
			body := bytes.Repeat([]byte("0123456789abcdef"), size/16)
			serve := func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/octet-stream")
				http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
			}
			discardLog := objectlambda.WithLogger(slog.New(slog.DiscardHandler))
			off := newFixture(b, serve, discardLog)
			noProvider := newFixture(b, serve, discardLog, objectlambda.WithTracer(otelobjectlambda.New()))

			tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(discardExporter{}), sdktrace.WithSampler(sdktrace.AlwaysSample()))
			b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
			tracer := otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp))
			on := newFixture(b, serve,
				objectlambda.WithLogger(slog.New(slog.NewJSONHandler(io.Discard, nil))),
				objectlambda.WithTracer(tracer),
				objectlambda.WithObserver(emf.New(emf.WithWriter(io.Discard), emf.WithTraceID(tracer.TraceID))))

			//lint:ignore SA1029 the key is aws-lambda-go's plain string
			ctx := context.WithValue(context.Background(), "x-amzn-trace-id", xrayHeader) //nolint:staticcheck
			type run struct {
				f     *fixture
				event []byte
				total time.Duration
			}
			runs := []*run{{f: off}, {f: noProvider}, {f: on}}
			for _, r := range runs {
				r.event = r.f.event("big.bin")
				if _, err := r.f.h.Invoke(ctx, r.event); err != nil { // warm the connections
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(size * len(runs)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for j := range runs {
					r := runs[(i+j)%len(runs)] // rotate, so no variant always goes first
					start := time.Now()
					if _, err := r.f.h.Invoke(ctx, r.event); err != nil {
						b.Fatal(err)
					}
					r.total += time.Since(start)
				}
			}
			b.StopTimer()
			per := func(r *run) float64 { return float64(r.total.Nanoseconds()) / float64(b.N) }
			b.ReportMetric(per(runs[0]), "off-ns/req")
			b.ReportMetric(per(runs[1]), "noprovider-ns/req")
			b.ReportMetric(per(runs[2]), "on-ns/req")
			b.ReportMetric(100*(per(runs[1])/per(runs[0])-1), "noprovider-overhead-%")
			b.ReportMetric(100*(per(runs[2])/per(runs[0])-1), "on-overhead-%")
		})
	}
}

// BenchmarkSpan is the tracer alone: one request's spans (request, fetch
// with a retry event, transform, WGOR) without a provider and with the SDK.
func BenchmarkSpan(b *testing.B) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(discardExporter{}))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	attrs := []slog.Attr{slog.String("objectlambda.request_id", "r"), slog.String("objectlambda.operation", "GetObject")}
	for _, tc := range []struct {
		name   string
		tracer *otelobjectlambda.Tracer
	}{
		{"noprovider", otelobjectlambda.New()},
		{"sdk", otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp))},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.Setenv(otelobjectlambda.EnvTraceHeader, "")
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				ctx, root := tc.tracer.Start(context.Background(), "objectlambda.GetObject", attrs...)
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
