package otelobjectlambda

import (
	"context"
	"encoding/hex"
	"strings"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// XRayHeader is the HTTP header (and Lambda's _X_AMZN_TRACE_ID value) that
// carries an AWS X-Ray trace context:
//
//	Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1
const XRayHeader = "X-Amzn-Trace-Id"

// XRayPropagator reads and writes the X-Ray trace header. An X-Ray trace id
// "1-{8 hex epoch}-{24 hex}" is the OpenTelemetry trace id of the same 32 hex
// digits; Parent is the span id; Sampled=1 sets the sampled flag. Other
// fields (Lineage, Self) are ignored; a header without a valid Root and
// Parent is ignored.
type XRayPropagator struct{}

var _ propagation.TextMapPropagator = XRayPropagator{}

// Inject writes the span context of ctx into carrier.
func (XRayPropagator) Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return
	}
	tid := sc.TraceID().String()
	sampled := "0"
	if sc.IsSampled() {
		sampled = "1"
	}
	carrier.Set(XRayHeader, "Root=1-"+tid[:8]+"-"+tid[8:]+";Parent="+sc.SpanID().String()+";Sampled="+sampled)
}

// Extract returns ctx with the remote span context found in carrier.
func (XRayPropagator) Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	sc, ok := parseXRay(carrier.Get(XRayHeader))
	if !ok {
		return ctx
	}
	return trace.ContextWithRemoteSpanContext(ctx, sc)
}

// Fields lists the header the propagator uses.
func (XRayPropagator) Fields() []string { return []string{XRayHeader} }

// parseXRay parses an X-Ray trace header value.
func parseXRay(v string) (trace.SpanContext, bool) {
	var cfg trace.SpanContextConfig
	var haveRoot, haveParent bool
	for rest := v; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ";")
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		switch strings.TrimSpace(k) {
		case "Root":
			// "1-" + 8 hex digits (epoch seconds) + "-" + 24 hex digits.
			if len(val) != 35 || val[:2] != "1-" || val[10] != '-' {
				return trace.SpanContext{}, false
			}
			if _, err := hex.Decode(cfg.TraceID[:4], []byte(val[2:10])); err != nil {
				return trace.SpanContext{}, false
			}
			if _, err := hex.Decode(cfg.TraceID[4:], []byte(val[11:])); err != nil {
				return trace.SpanContext{}, false
			}
			haveRoot = true
		case "Parent":
			if len(val) != 16 {
				return trace.SpanContext{}, false
			}
			if _, err := hex.Decode(cfg.SpanID[:], []byte(val)); err != nil {
				return trace.SpanContext{}, false
			}
			haveParent = true
		case "Sampled":
			if val == "1" {
				cfg.TraceFlags = trace.FlagsSampled
			}
		}
	}
	if !haveRoot || !haveParent {
		return trace.SpanContext{}, false
	}
	cfg.Remote = true
	sc := trace.NewSpanContext(cfg)
	return sc, sc.IsValid()
}
