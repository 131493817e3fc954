package otelobjectlambda_test

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/objectlambda/sdk-go/objectlambda/otelobjectlambda"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace/noop"
)

type stringer struct{}

func (stringer) String() string { return "stringer" }

type valuer struct{}

func (valuer) LogValue() slog.Value { return slog.IntValue(7) }

func TestAttributes(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	tests := []struct {
		name string
		in   []slog.Attr
		want []attribute.KeyValue
	}{
		{"none", nil, nil},
		{"string", []slog.Attr{slog.String("k", "v")}, []attribute.KeyValue{attribute.String("k", "v")}},
		{"int", []slog.Attr{slog.Int("k", -3)}, []attribute.KeyValue{attribute.Int64("k", -3)}},
		{"uint", []slog.Attr{slog.Uint64("k", 5)}, []attribute.KeyValue{attribute.Int64("k", 5)}},
		{"huge uint", []slog.Attr{slog.Uint64("k", math.MaxUint64)}, []attribute.KeyValue{attribute.String("k", "18446744073709551615")}},
		{"float", []slog.Attr{slog.Float64("k", 1.5)}, []attribute.KeyValue{attribute.Float64("k", 1.5)}},
		{"bool", []slog.Attr{slog.Bool("k", true)}, []attribute.KeyValue{attribute.Bool("k", true)}},
		{"duration", []slog.Attr{slog.Duration("k", 1500*time.Millisecond)}, []attribute.KeyValue{attribute.String("k", "1.5s")}},
		{"time", []slog.Attr{slog.Time("k", at)}, []attribute.KeyValue{attribute.String("k", "2026-01-02T03:04:05.000000006Z")}},
		{"group", []slog.Attr{slog.Group("g", slog.Int("a", 1), slog.Group("h", slog.String("b", "x")))},
			[]attribute.KeyValue{attribute.Int64("g.a", 1), attribute.String("g.h.b", "x")}},
		{"inline group", []slog.Attr{slog.Group("", slog.Int("a", 1))}, []attribute.KeyValue{attribute.Int64("a", 1)}},
		{"empty key dropped", []slog.Attr{slog.String("", "v"), {}}, []attribute.KeyValue{}},
		{"log valuer", []slog.Attr{slog.Any("k", valuer{})}, []attribute.KeyValue{attribute.Int64("k", 7)}},
		{"error scrubbed", []slog.Attr{slog.Any("err", errors.New("GET https://b.s3.amazonaws.com/k?X-Amz-Signature=abc: 503"))},
			[]attribute.KeyValue{attribute.String("err", "GET https://b.s3.amazonaws.com/k?REDACTED 503")}},
		{"slices", []slog.Attr{slog.Any("s", []string{"a"}), slog.Any("i", []int{1}), slog.Any("i64", []int64{2}), slog.Any("f", []float64{.5}), slog.Any("b", []bool{true})},
			[]attribute.KeyValue{attribute.StringSlice("s", []string{"a"}), attribute.IntSlice("i", []int{1}), attribute.Int64Slice("i64", []int64{2}),
				attribute.Float64Slice("f", []float64{.5}), attribute.BoolSlice("b", []bool{true})}},
		{"stringer", []slog.Attr{slog.Any("k", stringer{})}, []attribute.KeyValue{attribute.String("k", "stringer")}},
		{"nil", []slog.Attr{slog.Any("k", nil)}, []attribute.KeyValue{attribute.String("k", "<nil>")}},
		{"other", []slog.Attr{slog.Any("k", struct{ A int }{3})}, []attribute.KeyValue{attribute.String("k", "{3}")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, otelobjectlambda.Attributes(tt.in...))
		})
	}
}

func TestScrub(t *testing.T) {
	q := url.Values{"X-Amz-Signature": {"sig"}, "X-Amz-Security-Token": {"tok"}, "X-Amz-Credential": {"ASIA/x"}}.Encode()
	tests := map[string]string{
		"plain text": "plain text",
		"Get \"https://b.s3.amazonaws.com/k?" + q + "\": EOF":    "Get \"https://b.s3.amazonaws.com/k?REDACTED\": EOF",
		"url without query https://b.s3.amazonaws.com/k is fine": "url without query https://b.s3.amazonaws.com/k is fine",
		"two: http://a/?x=1 and https://b/c?d=2\tend":            "two: http://a/?REDACTED and https://b/c?REDACTED\tend",
		"header X-Amz-Security-Token=tok;next":                   "header X-Amz-Security-Token=REDACTED;next",
		"lower x-amz-signature=sig&X-Amz-Credential=ASIA/x done": "lower x-amz-signature=REDACTED&X-Amz-Credential=REDACTED done",
		"://?": "://?REDACTED",
	}
	for in, want := range tests {
		assert.Equal(t, want, otelobjectlambda.Scrub(in), in)
	}
}

// FuzzScrub checks that a presigned query placed anywhere in a text never
// survives Scrub.
func FuzzScrub(f *testing.F) {
	f.Add("Get \"", "\": EOF", "X-Amz-Signature=0123456789abcdef")
	f.Add("", "", "a=b&X-Amz-Security-Token=secret-token")
	f.Add("x://y?z", " ", "X-Amz-Credential=ASIA%2F20260101")
	f.Fuzz(func(t *testing.T, before, after, query string) {
		if len(query) < 8 || strings.ContainsAny(query, " \t\n\r\"'`<>") ||
			strings.Contains(before+" "+after, query) {
			return // the query text also appears outside the URL: nothing to check
		}
		out := otelobjectlambda.Scrub(before + "https://bucket.s3.amazonaws.com/key?" + query + " " + after)
		require.NotContains(t, out, "?"+query)
		require.Equal(t, otelobjectlambda.Scrub(out), out, "scrubbing is idempotent")
	})
}

func TestNoProviderCostsNothing(t *testing.T) {
	for name, tracer := range map[string]*otelobjectlambda.Tracer{
		"no-op provider":               otelobjectlambda.New(otelobjectlambda.WithTracerProvider(noop.NewTracerProvider())),
		"global provider, nothing set": otelobjectlambda.New(),
	} {
		t.Run(name, func(t *testing.T) { assertFree(t, tracer) })
	}
}

func assertFree(t *testing.T, tracer *otelobjectlambda.Tracer) {
	t.Setenv(otelobjectlambda.EnvTraceHeader, xrayHeader)
	ctx := context.Background()
	attrs := []slog.Attr{slog.String("objectlambda.request_id", "r"), slog.Int("http.status_code", 200)}
	retry := []slog.Attr{slog.Int("attempt", 2)}
	errX := errors.New("x")
	// The arguments are built outside: only the tracer's own cost is counted.
	allocs := testing.AllocsPerRun(100, func() {
		c, sp := tracer.Start(ctx, "objectlambda.GetObject", attrs...)
		_, child := tracer.Start(c, "objectlambda.fetch")
		child.AddEvent("retry", retry...)
		child.SetAttributes(attrs...)
		child.End(nil)
		sp.End(errX)
		if c != ctx || sp.TraceID() != "" {
			t.Fatal("a no-op span must leave the context alone and have no trace id")
		}
	})
	assert.Zero(t, allocs, "allocations per request without a tracer provider")
}
