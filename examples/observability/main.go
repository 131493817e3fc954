// Command observability serves text objects with e-mail addresses masked, and
// turns on every signal an operator can act on:
//
//   - one JSON summary line per request on stderr (CloudWatch Logs): request
//     id, status, error code, bytes, duration and trace id;
//   - one CloudWatch Embedded Metric Format line per request on stdout:
//     requests, 4xx/5xx, bytes in and out, upstream and transform time, time
//     left in the 60-second window, per access point and operation;
//   - OpenTelemetry spans, exported over OTLP/HTTP when
//     OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is
//     set (the ADOT collector layer listens on http://localhost:4318), and
//     flushed before each invocation returns, since Lambda then freezes the
//     environment. Without an endpoint, no provider is built and tracing
//     costs nothing.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/emf"
	"github.com/objectlambda/sdk-go/objectlambda/otelobjectlambda"
	"github.com/objectlambda/sdk-go/transform/redact"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// flushTimeout bounds the export of one request's spans. It is paid after
// the caller got the object, but the invocation (and its bill) lasts until
// the flush ends, so an unreachable collector costs at most this per request.
const flushTimeout = time.Second

// options configures the function: EMF lines go to stdout, log lines to
// stderr. The tracer provider is nil when no OTLP endpoint is configured;
// otherwise the caller owns it (Shutdown).
func options(ctx context.Context, stdout, stderr io.Writer) ([]objectlambda.Option, *sdktrace.TracerProvider, error) {
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	redactor, err := redact.New(redact.Emails(), redact.WithContentTypes("text/*", "application/json"))
	if err != nil {
		return nil, nil, err
	}
	opts := []objectlambda.Option{objectlambda.WithTransform(redactor), objectlambda.WithLogger(logger)}
	emfOpts := []emf.Option{emf.WithWriter(stdout), emf.WithLogger(logger), emf.WithDimensions(emf.DimensionAccessPoint, emf.DimensionOperation)}

	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		// No tracing; the EMF TraceId is then Lambda's own X-Ray trace id
		// (when active tracing is on).
		return append(opts, objectlambda.WithObserver(emf.MustNew(emfOpts...))), nil, nil
	}
	tp, err := tracerProvider(ctx)
	if err != nil {
		return nil, nil, err
	}
	tracer := otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp))
	return append(opts,
		objectlambda.WithTracer(tracer),
		objectlambda.WithObserver(emf.MustNew(append(emfOpts, emf.WithTraceID(tracer.TraceID))...)),
		// Last: the request's spans have ended when observers run.
		objectlambda.WithObserver(otelobjectlambda.FlushAfterRequest(tp, flushTimeout)),
	), tp, nil
}

// tracerProvider exports spans to the OTLP/HTTP endpoint named by the
// standard OTEL_EXPORTER_OTLP_* variables. The InvocationProcessor keeps a
// request's spans until FlushAfterRequest exports them on the invocation's
// goroutine (no background goroutine for Lambda to freeze). Its default
// sampler keeps Lambda's sampling decision when the request continues an
// X-Ray trace.
func tracerProvider(ctx context.Context) (*sdktrace.TracerProvider, error) {
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("OTLP exporter: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithAttributes(lambdaAttributes()...),
		resource.WithFromEnv(), // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES override
		resource.WithTelemetrySDK(),
	)
	if err != nil {
		return nil, fmt.Errorf("OpenTelemetry resource: %w", err)
	}
	return sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(otelobjectlambda.NewInvocationProcessor(exp)),
		sdktrace.WithResource(res),
	), nil
}

// lambdaAttributes describes the function from the variables Lambda sets.
func lambdaAttributes() []attribute.KeyValue {
	attrs := []attribute.KeyValue{semconv.CloudProviderAWS, semconv.CloudPlatformAWSLambda}
	for env, attr := range map[string]func(string) attribute.KeyValue{
		"AWS_LAMBDA_FUNCTION_NAME":    semconv.ServiceName,
		"AWS_REGION":                  semconv.CloudRegion,
		"AWS_LAMBDA_FUNCTION_VERSION": semconv.FaaSVersion,
		"AWS_LAMBDA_LOG_STREAM_NAME":  semconv.FaaSInstance,
	} {
		if v := os.Getenv(env); v != "" {
			attrs = append(attrs, attr(v))
		}
	}
	if name := os.Getenv("AWS_LAMBDA_FUNCTION_NAME"); name != "" {
		attrs = append(attrs, semconv.FaaSName(name))
	}
	if mb, err := strconv.Atoi(os.Getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")); err == nil {
		attrs = append(attrs, semconv.FaaSMaxMemory(mb<<20)) // bytes
	}
	return attrs
}

func main() {
	// OpenTelemetry reports export failures to its error handler; send them
	// to the JSON log like everything else (scrubbed: an error may quote a
	// URL).
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		logger.Warn("opentelemetry", "error", otelobjectlambda.Scrub(err.Error()))
	}))
	// The provider is never shut down: objectlambda.Start does not return,
	// and every request's spans are flushed before its invocation ends.
	opts, _, err := options(context.Background(), os.Stdout, os.Stderr)
	if err != nil {
		logger.Error("observability: configuration", "error", err)
		os.Exit(1)
	}
	objectlambda.Start(opts...)
}
