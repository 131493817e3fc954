package otelobjectlambda

import (
	"context"

	"github.com/objectlambda/sdk-go/internal/xray"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// XRayPropagator reads and writes the X-Ray trace header. An X-Ray trace id
// "1-{8 hex epoch}-{24 hex}" is the OpenTelemetry trace id of the same 32 hex
// digits; Parent is the span id; Sampled=1 sets the sampled flag. Other
// fields (Lineage, Self) are ignored; a header without a valid Root and
// Parent is ignored. Keys match case-insensitively, and a key given twice
// counts once, the first time.
//
// The package has its own propagator because OpenTelemetry's contributed
// one (go.opentelemetry.io/contrib/propagators/aws) was deprecated upstream
// in 2026 and is no longer supported; the header is parsed by the module's
// one X-Ray parser, which the EMF observer shares.
type XRayPropagator struct{}

var _ propagation.TextMapPropagator = XRayPropagator{}

// Inject writes the span context of ctx into carrier.
func (XRayPropagator) Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return
	}
	carrier.Set(traceHeader, xray.Format(sc.TraceID(), sc.SpanID(), sc.IsSampled()))
}

// Extract returns ctx with the remote span context found in carrier.
func (XRayPropagator) Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	sc, ok := parseXRay(carrier.Get(traceHeader))
	if !ok {
		return ctx
	}
	return trace.ContextWithRemoteSpanContext(ctx, sc)
}

// Fields lists the header the propagator uses.
func (XRayPropagator) Fields() []string { return []string{traceHeader} }

// parseXRay turns an X-Ray trace header into a remote span context; it needs
// both Root and Parent.
func parseXRay(v string) (trace.SpanContext, bool) {
	h, ok := xray.Parse(v)
	if !ok || !h.HasParent {
		return trace.SpanContext{}, false
	}
	cfg := trace.SpanContextConfig{TraceID: h.TraceID, SpanID: h.Parent, Remote: true}
	if h.Sampled {
		cfg.TraceFlags = trace.FlagsSampled
	}
	sc := trace.NewSpanContext(cfg)
	return sc, sc.IsValid()
}
