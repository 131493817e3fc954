package otelobjectlambda_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/emf"
	"github.com/objectlambda/sdk-go/objectlambda/otelobjectlambda"
	"github.com/objectlambda/sdk-go/transform"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// A function with traces, metrics and correlated logs. The provider would
// export to X-Ray through the ADOT collector or to any OTLP backend; the
// EMF lines and the summary log carry the same trace id as the spans.
func Example() {
	tp := sdktrace.NewTracerProvider( /* sdktrace.WithBatcher(exporter) */ )
	defer tp.Shutdown(context.Background())
	otel.SetTracerProvider(tp)

	tracer := otelobjectlambda.New() // follows the global provider
	objectlambda.Start(
		objectlambda.WithTransform(transform.Identity()),
		objectlambda.WithTracer(tracer),
		objectlambda.WithObserver(emf.MustNew(emf.WithTraceID(tracer.TraceID))),
		// Export the request's spans before Lambda freezes the environment.
		objectlambda.WithObserver(otelobjectlambda.FlushAfterRequest(tp, time.Second)),
	)
}

// The request span continues the invocation's X-Ray trace: aws-lambda-go
// puts the trace header in the context of every invocation.
func ExampleTracer_Start() {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	tracer := otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp))

	//lint:ignore SA1029 the key is aws-lambda-go's plain string
	ctx := context.WithValue(context.Background(), "x-amzn-trace-id", //nolint:staticcheck
		"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
	ctx, req := tracer.Start(ctx, "objectlambda.GetObject", slog.String("objectlambda.request_id", "1a2b3c4d"))
	_, fetch := tracer.Start(ctx, "objectlambda.fetch", slog.String("http.method", "GET"))
	fetch.AddEvent("retry", slog.Int("attempt", 2))
	fetch.End(nil)
	req.SetAttributes(slog.Int("http.status_code", 500))
	req.End(errors.New("the transform failed"))

	fmt.Println("trace", req.TraceID())
	spans := exp.GetSpans() // in the order they ended
	for _, s := range spans {
		parent := "Lambda segment " + s.Parent.SpanID().String()
		if s.Parent.SpanID() == spans[1].SpanContext.SpanID() {
			parent = "request span"
		}
		fmt.Println(s.Name, s.SpanKind, "parent:", parent, "status:", s.Status.Code, "events:", len(s.Events))
	}
	// Output:
	// trace 1-5759e988-bd862e3fe1be46a994272793
	// objectlambda.fetch client parent: request span status: Unset events: 1
	// objectlambda.GetObject server parent: Lambda segment 53995c3f42cd8ad8 status: Error events: 1
}

// X-Ray prints trace ids with the first 32 bits (the epoch seconds) apart.
func ExampleXRayTraceID() {
	id, _ := trace.TraceIDFromHex("5759e988bd862e3fe1be46a994272793")
	fmt.Println(otelobjectlambda.XRayTraceID(id))
	fmt.Println(otelobjectlambda.W3CTraceID(id))
	// Output:
	// 1-5759e988-bd862e3fe1be46a994272793
	// 5759e988bd862e3fe1be46a994272793
}

// Spans wait in the processor until the request's end flushes them, on the
// flushing goroutine: nothing runs in the background while Lambda has the
// environment frozen.
func ExampleNewInvocationProcessor() {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(otelobjectlambda.NewInvocationProcessor(exp)))
	tracer := otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp))
	flush := otelobjectlambda.FlushAfterRequest(tp, time.Second)

	ctx, req := tracer.Start(context.Background(), "objectlambda.GetObject")
	_, fetch := tracer.Start(ctx, "objectlambda.fetch")
	fetch.End(nil)
	req.End(nil)
	fmt.Println("exported before the flush:", len(exp.GetSpans()))

	flush.ObserveRequest(ctx, &objectlambda.Metrics{RequestID: "1a2b3c4d"})
	fmt.Println("exported after the flush:", len(exp.GetSpans()))
	// Output:
	// exported before the flush: 0
	// exported after the flush: 2
}
