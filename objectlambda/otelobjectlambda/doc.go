// Package otelobjectlambda traces Object Lambda requests with OpenTelemetry.
//
// The objectlambda package has no tracing dependency: it calls an
// objectlambda.Tracer at each stage of a request. This package's [Tracer],
// built by [New], implements that interface with an OpenTelemetry
// trace.TracerProvider ([WithTracerProvider]), so that the spans of a
// function join the X-Ray trace that S3 Object Lambda and the Lambda service
// started, and go wherever the provider exports them (X-Ray through the ADOT
// collector, or any OTLP backend). [Tracer.TraceID] gives the trace id of a
// request for the EMF line and the logs, as X-Ray prints it ([XRayTraceID])
// or as W3C does ([W3CTraceID], see [WithTraceIDFormat]).
//
//	tracer := otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp))
//	objectlambda.Start(
//		objectlambda.WithTransform(t),
//		objectlambda.WithTracer(tracer),
//		objectlambda.WithObserver(emf.MustNew(emf.WithTraceID(tracer.TraceID))),
//	)
//
// # Spans
//
// One request gives this tree:
//
//	objectlambda.GetObject                  server  request id, operation, access point ARN,
//	│                                               http.status_code, error code, bytes in/out
//	├── objectlambda.fetch                  client  http.method, http.status_code, attempts;
//	│                                               one "retry" event per extra attempt
//	├── objectlambda.transform              internal  one per transform (decryption and
//	│                                               encryption included): its name and
//	│                                               objectlambda.stream_time, its own
//	│                                               share of the streaming time
//	└── objectlambda.WriteGetObjectResponse client  http.status_code, bytes out
//
// HEAD and LIST requests give the request span ("objectlambda.HeadObject",
// "objectlambda.ListObjectsV2", …).
//
// A span that ends with an error records an "exception" event and, for
// client and internal spans and for requests answered 5xx, the Error status.
// A request answered 4xx (NoSuchKey, AccessDenied) is the caller's problem,
// not the function's: its span keeps the Unset status, as OpenTelemetry's
// HTTP server conventions ask, and carries the S3 error code.
//
// # Continuing the Lambda trace
//
// When the context has no span yet, the request span continues the trace of
// the invocation: the X-Ray trace header that aws-lambda-go puts in the
// context (key "x-amzn-trace-id", set for every invocation) or, failing
// that, the _X_AMZN_TRACE_ID environment variable, decoded by the AWS X-Ray
// propagator. The trace id and the sampling decision of Lambda are kept, so
// the function's spans appear under its Lambda segment. A span already in
// the context (from other instrumentation) takes precedence. The header is
// decoded by [XRayPropagator] unless [WithPropagator] names another; the same
// propagator can carry the trace on to the function's own outgoing calls.
//
// # Exporting before the invocation returns
//
// Lambda freezes the execution environment when an invocation returns, so
// the spans of a request must be exported before that: [FlushAfterRequest]
// is an objectlambda.Observer that flushes the provider (a [Flusher]) at the
// end of every sampled request, bounded by a timeout
// ([DefaultFlushTimeout]). [InvocationProcessor] ([NewInvocationProcessor],
// [WithMaxQueued]) is a span processor made for this: it queues ended spans
// and exports them on the flushing goroutine, without the background
// goroutine (and the hand-off per span) of the SDK's batch span processor,
// which also works with FlushAfterRequest.
//
//	tp := sdktrace.NewTracerProvider(
//		sdktrace.WithSpanProcessor(otelobjectlambda.NewInvocationProcessor(exporter)))
//	tracer := otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp))
//	objectlambda.Start(
//		objectlambda.WithTracer(tracer),
//		objectlambda.WithObserver(emf.MustNew(emf.WithTraceID(tracer.TraceID))),
//		objectlambda.WithObserver(otelobjectlambda.FlushAfterRequest(tp, time.Second)),
//	)
//
// # Cost
//
// Without a tracer provider (OpenTelemetry's global default is a no-op
// until one is set), a span that would not be recorded and has no trace to
// continue costs no allocation; attribute conversion only happens for spans
// that are recorded. BenchmarkGetObject measures the GET path with
// everything off, with this tracer and no provider, with everything on for
// an unsampled request, and with tracing, EMF metrics and logs all on (with
// this package's processor and with the SDK's batcher); BenchmarkSpan the
// spans of one request alone. docs/observability.md has the figures.
//
// # Secrets
//
// Span attributes are the names and figures the objectlambda package passes:
// never the presigned URL, the output token, headers or body bytes. Error
// texts are scrubbed before they become span events: the query string of any
// URL in them and any X-Amz-Signature, X-Amz-Credential or
// X-Amz-Security-Token value are replaced by "REDACTED". [Scrub] applies the
// same rule to texts of your own, such as the errors OpenTelemetry hands its
// error handler.
package otelobjectlambda
