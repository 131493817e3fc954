package otelobjectlambda

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/objectlambda/sdk-go/internal/xray"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/s3err"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// ScopeName is the instrumentation scope of the spans.
const ScopeName = "github.com/objectlambda/sdk-go/objectlambda/otelobjectlambda"

// LambdaContextKey is the context key under which aws-lambda-go stores the
// X-Ray trace header of each invocation. It is a plain string, so a context
// value set by aws-lambda-go is found with it, and a test that simulates an
// invocation sets it with context.WithValue.
const LambdaContextKey = "x-amzn-trace-id"

const (
	// envTraceHeader is the environment variable aws-lambda-go sets to the
	// trace header of the current invocation (when the function handles one
	// invocation at a time).
	envTraceHeader = "_X_AMZN_TRACE_ID"
	// traceHeader is the HTTP header (and Lambda's _X_AMZN_TRACE_ID value)
	// that carries an AWS X-Ray trace context:
	//
	//	Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1
	traceHeader = "X-Amzn-Trace-Id"
)

// Option configures a Tracer.
type Option func(*config)

type config struct {
	provider   trace.TracerProvider
	propagator propagation.TextMapPropagator
	format     func(trace.TraceID) string
	lookupEnv  func(string) (string, bool)
}

// WithTracerProvider sets the provider of the spans. Without it the Tracer
// uses OpenTelemetry's global provider as it is at each request: nothing is
// done, at no cost, until the program calls otel.SetTracerProvider. A nil
// provider keeps the default.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) {
		if tp != nil {
			c.provider = tp
		}
	}
}

// WithPropagator sets how the invocation's trace header is decoded (default
// the AWS X-Ray propagator). The propagator is offered one header,
// X-Amzn-Trace-Id. A nil propagator keeps the default.
func WithPropagator(p propagation.TextMapPropagator) Option {
	return func(c *config) {
		if p != nil {
			c.propagator = p
		}
	}
}

// WithTraceIDFormat sets how Span.TraceID and Tracer.TraceID print a trace
// id (default XRayTraceID, the form the X-Ray console and CloudWatch search;
// W3CTraceID gives the 32-hex-digit form other backends use).
func WithTraceIDFormat(format func(trace.TraceID) string) Option {
	return func(c *config) {
		if format != nil {
			c.format = format
		}
	}
}

// XRayTraceID prints id in X-Ray's form: "1-5759e988-bd862e3fe1be46a994272793".
func XRayTraceID(id trace.TraceID) string { return xray.FormatTraceID(id) }

// W3CTraceID prints id as 32 hexadecimal digits.
func W3CTraceID(id trace.TraceID) string { return id.String() }

// Tracer implements objectlambda.Tracer with OpenTelemetry. It is safe for
// concurrent use.
type Tracer struct {
	tracer     trace.Tracer // nil: follow the global provider
	cache      atomic.Pointer[tracerCache]
	propagator propagation.TextMapPropagator
	format     func(trace.TraceID) string
	lookupEnv  func(string) (string, bool)
	off        bool                                       // the provider is OpenTelemetry's no-op
	kindOpts   map[trace.SpanKind][]trace.SpanStartOption // built once: no allocation per span
}

var _ objectlambda.Tracer = (*Tracer)(nil)

// New returns a Tracer configured by opts.
func New(opts ...Option) *Tracer {
	c := config{propagator: XRayPropagator{}, format: XRayTraceID, lookupEnv: os.LookupEnv}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	t := &Tracer{
		propagator: c.propagator,
		format:     c.format,
		lookupEnv:  c.lookupEnv,
		kindOpts:   map[trace.SpanKind][]trace.SpanStartOption{},
	}
	if c.provider != nil {
		_, t.off = c.provider.(noop.TracerProvider)
		t.tracer = c.provider.Tracer(ScopeName)
	}
	for _, k := range []trace.SpanKind{trace.SpanKindServer, trace.SpanKindClient, trace.SpanKindInternal} {
		t.kindOpts[k] = []trace.SpanStartOption{trace.WithSpanKind(k)}
	}
	return t
}

// Start starts a span named name as a child of the span in ctx, or, when
// ctx has none, as a continuation of the invocation's X-Ray trace.
//
// The slog attributes the objectlambda package passes become OpenTelemetry
// attributes of the same type where there is one; durations become their
// string ("1.5s", which keeps the unit), times RFC 3339, groups their members
// with the group's name as a key prefix, and errors their text with
// credentials removed ([Scrub]).
func (t *Tracer) Start(ctx context.Context, name string, attrs ...slog.Attr) (context.Context, objectlambda.Span) {
	tracer := t.current()
	if tracer == nil {
		return ctx, nopSpan{}
	}
	if !trace.SpanContextFromContext(ctx).IsValid() {
		ctx = t.continueLambdaTrace(ctx)
	}
	kind := spanKind(name)
	sctx, sp := tracer.Start(ctx, name, t.kindOpts[kind]...)
	if !sp.IsRecording() {
		if !sp.SpanContext().IsValid() {
			// Nothing recorded, nothing to continue: cost nothing.
			return ctx, nopSpan{}
		}
		// Not sampled, but part of a trace: keep the context so that the
		// trace id reaches logs and child spans.
		return sctx, &unrecordedSpan{span: sp, t: t}
	}
	s := &span{span: sp, t: t, kind: kind}
	s.setAttributes(attrs)
	return sctx, s
}

type tracerCache struct {
	tp trace.TracerProvider
	tr trace.Tracer
}

// current returns the tracer to use, nil when spans would be no-ops.
func (t *Tracer) current() trace.Tracer {
	if t.tracer != nil {
		if t.off {
			return nil
		}
		return t.tracer
	}
	tp := otel.GetTracerProvider()
	if unset(tp) {
		return nil
	}
	comparable := reflect.TypeOf(tp).Comparable()
	if c := t.cache.Load(); c != nil && comparable && c.tp == tp {
		return c.tr
	}
	tr := tp.Tracer(ScopeName)
	if comparable {
		t.cache.Store(&tracerCache{tp: tp, tr: tr})
	}
	return tr
}

// unset reports whether tp is a provider that records nothing: the no-op
// provider, or the global default before otel.SetTracerProvider (after it,
// otel.GetTracerProvider returns the provider that was set).
func unset(tp trace.TracerProvider) bool {
	if _, ok := tp.(noop.TracerProvider); ok {
		return true
	}
	rt := reflect.TypeOf(tp)
	return rt.Kind() == reflect.Pointer && rt.Elem().Name() == "tracerProvider" &&
		rt.Elem().PkgPath() == "go.opentelemetry.io/otel/internal/global"
}

// TraceID returns the trace id of the span in ctx, in the Tracer's format,
// or "" when there is none. It fits emf.WithTraceID.
func (t *Tracer) TraceID(ctx context.Context) string {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.HasTraceID() {
		return ""
	}
	return t.format(sc.TraceID())
}

// continueLambdaTrace puts the remote span context of the invocation's trace
// header into ctx, when there is a header.
func (t *Tracer) continueLambdaTrace(ctx context.Context) context.Context {
	h, _ := ctx.Value(LambdaContextKey).(string)
	if h == "" && t.lookupEnv != nil {
		h, _ = t.lookupEnv(envTraceHeader)
	}
	if h == "" {
		return ctx
	}
	return t.propagator.Extract(ctx, headerCarrier(h))
}

// headerCarrier offers one trace header to a propagator.
type headerCarrier string

func (h headerCarrier) Get(key string) string {
	if strings.EqualFold(key, traceHeader) {
		return string(h)
	}
	return ""
}

func (headerCarrier) Set(string, string) {}
func (headerCarrier) Keys() []string     { return []string{traceHeader} }

func spanKind(name string) trace.SpanKind {
	switch name {
	case "objectlambda.fetch", "objectlambda.WriteGetObjectResponse":
		return trace.SpanKindClient
	case "objectlambda.transform":
		return trace.SpanKindInternal
	}
	if strings.HasPrefix(name, "objectlambda.") {
		return trace.SpanKindServer // the request: objectlambda.<Operation>
	}
	return trace.SpanKindInternal
}

// nopSpan is the span of a request that is neither recorded nor part of a
// trace.
type nopSpan struct{}

func (nopSpan) AddEvent(string, ...slog.Attr) {}
func (nopSpan) SetAttributes(...slog.Attr)    {}
func (nopSpan) End(error)                     {}
func (nopSpan) TraceID() string               { return "" }

// unrecordedSpan is a span that is part of a trace but not sampled: it only
// carries the trace id.
type unrecordedSpan struct {
	span trace.Span
	t    *Tracer
}

func (*unrecordedSpan) AddEvent(string, ...slog.Attr) {}
func (*unrecordedSpan) SetAttributes(...slog.Attr)    {}
func (s *unrecordedSpan) End(error)                   { s.span.End() }
func (s *unrecordedSpan) TraceID() string             { return traceID(s.t, s.span) }

// span adapts a recording trace.Span to objectlambda.Span.
type span struct {
	span   trace.Span
	t      *Tracer
	kind   trace.SpanKind
	status int64 // the last http.status_code attribute

	bufMu sync.Mutex // held while buf is in use
	buf   [4]attribute.KeyValue
}

func (s *span) AddEvent(name string, attrs ...slog.Attr) {
	s.span.AddEvent(name, trace.WithAttributes(attributes(attrs...)...))
}

func (s *span) SetAttributes(attrs ...slog.Attr) {
	for _, a := range attrs {
		if a.Key == "http.status_code" && a.Value.Kind() == slog.KindInt64 {
			s.status = a.Value.Int64()
		}
	}
	s.setAttributes(attrs)
}

// setAttributes converts attrs in the span's own buffer: the SDK copies
// the attributes it is given, so the buffer can be reused and a span's
// attributes cost no allocation of ours. A concurrent call, which the
// objectlambda package does not make, converts into a new slice instead.
func (s *span) setAttributes(attrs []slog.Attr) {
	if len(attrs) == 0 {
		return
	}
	if !s.bufMu.TryLock() {
		s.span.SetAttributes(attributes(attrs...)...)
		return
	}
	defer s.bufMu.Unlock()
	kvs := s.buf[:0]
	for _, a := range attrs {
		kvs = appendAttr(kvs, "", a)
	}
	s.span.SetAttributes(kvs...)
	clear(s.buf[:]) // keep no strings alive through the buffer
}

// End ends the span. An error is recorded as an "exception" event with a
// scrubbed message; whether it sets the Error status depends on the span's
// kind (see the package documentation).
func (s *span) End(err error) {
	if err != nil {
		msg := Scrub(err.Error())
		s.span.AddEvent("exception", trace.WithAttributes(
			attribute.String("exception.type", fmt.Sprintf("%T", err)),
			attribute.String("exception.message", msg)))
		if e, ok := errors.AsType[*s3err.Error](err); ok {
			s.span.SetAttributes(attribute.String("objectlambda.error_code", e.Code))
		}
		if s.kind != trace.SpanKindServer || s.status == 0 || s.status >= 500 {
			s.span.SetStatus(codes.Error, msg)
		}
	} else if s.kind == trace.SpanKindServer && s.status >= 500 {
		s.span.SetStatus(codes.Error, "")
	}
	s.span.End()
}

func (s *span) TraceID() string { return traceID(s.t, s.span) }

func traceID(t *Tracer, sp trace.Span) string {
	sc := sp.SpanContext()
	if !sc.HasTraceID() {
		return ""
	}
	return t.format(sc.TraceID())
}
