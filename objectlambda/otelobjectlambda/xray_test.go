package otelobjectlambda

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

func TestXRayPropagator(t *testing.T) {
	tests := []struct {
		header  string
		valid   bool
		traceID string
		spanID  string
		sampled bool
	}{
		{header: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", valid: true,
			traceID: "5759e988bd862e3fe1be46a994272793", spanID: "53995c3f42cd8ad8", sampled: true},
		{header: "Root=1-5759e988-bd862e3fe1be46a994272793; Parent=53995c3f42cd8ad8; Sampled=0; Lineage=a:1", valid: true,
			traceID: "5759e988bd862e3fe1be46a994272793", spanID: "53995c3f42cd8ad8"},
		{header: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=?", valid: true,
			traceID: "5759e988bd862e3fe1be46a994272793", spanID: "53995c3f42cd8ad8"},
		{header: "Root=1-5759e988-bd862e3fe1be46a994272793", valid: false},
		{header: "Parent=53995c3f42cd8ad8", valid: false},
		{header: "Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8", valid: false},
		{header: "Root=1-zzzzzzzz-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8", valid: false},
		{header: "Root=1-00000000-000000000000000000000000;Parent=0000000000000000", valid: false},
		{header: "", valid: false},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			carrier := propagation.MapCarrier{traceHeader: tt.header}
			ctx := XRayPropagator{}.Extract(context.Background(), carrier)
			sc := trace.SpanContextFromContext(ctx)
			require.Equal(t, tt.valid, sc.IsValid())
			if !tt.valid {
				return
			}
			assert.Equal(t, tt.traceID, sc.TraceID().String())
			assert.Equal(t, tt.spanID, sc.SpanID().String())
			assert.Equal(t, tt.sampled, sc.IsSampled())
			assert.True(t, sc.IsRemote())

			out := propagation.MapCarrier{}
			XRayPropagator{}.Inject(ctx, out)
			back := trace.SpanContextFromContext(XRayPropagator{}.Extract(context.Background(), out))
			assert.Equal(t, sc.TraceID(), back.TraceID())
			assert.Equal(t, sc.SpanID(), back.SpanID())
			assert.Equal(t, sc.IsSampled(), back.IsSampled())
		})
	}
	assert.Equal(t, []string{"X-Amzn-Trace-Id"}, XRayPropagator{}.Fields())
	empty := propagation.MapCarrier{}
	XRayPropagator{}.Inject(context.Background(), empty)
	assert.Empty(t, empty)
}
