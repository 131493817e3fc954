package otelobjectlambda_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/emf"
	"github.com/objectlambda/sdk-go/objectlambda/otelobjectlambda"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

const (
	xrayHeader   = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
	xrayTraceHex = "5759e988bd862e3fe1be46a994272793"
	xrayParent   = "53995c3f42cd8ad8"
)

func newProvider(t *testing.T) (*sdktrace.TracerProvider, *tracetest.InMemoryExporter) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp, exp
}

// noLambdaEnv makes sure no trace header leaks in from the environment.
func noLambdaEnv(t *testing.T) { t.Setenv(otelobjectlambda.EnvTraceHeader, "") }

// byName indexes spans by name; names are unique within one request.
func byName(t *testing.T, spans tracetest.SpanStubs) map[string]tracetest.SpanStub {
	t.Helper()
	m := map[string]tracetest.SpanStub{}
	for _, s := range spans {
		require.NotContains(t, m, s.Name, "span names are unique per request")
		m[s.Name] = s
	}
	return m
}

func attrs(s tracetest.SpanStub) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes {
		m[kv.Key] = kv.Value
	}
	return m
}

func eventNames(s tracetest.SpanStub) []string {
	var names []string
	for _, e := range s.Events {
		names = append(names, e.Name)
	}
	return names
}

// spanText is everything a span exports as text, for the secret-leak rule.
func spanText(s tracetest.SpanStub) string {
	var b strings.Builder
	fmt.Fprintln(&b, s.Name, s.Status.Description)
	for _, kv := range s.Attributes {
		fmt.Fprintln(&b, kv.Key, kv.Value.String())
	}
	for _, e := range s.Events {
		fmt.Fprintln(&b, e.Name)
		for _, kv := range e.Attributes {
			fmt.Fprintln(&b, kv.Key, kv.Value.String())
		}
	}
	return b.String()
}

func assertNoSecrets(t *testing.T, where, text string) {
	t.Helper()
	for _, s := range secrets {
		assert.NotContains(t, text, s, "%s leaks a secret", where)
	}
}

// summary returns the handler's one info line for the request.
func summary(t *testing.T, logs string) map[string]any {
	t.Helper()
	var found map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &rec), l)
		if rec["msg"] == "objectlambda request" {
			require.Nil(t, found, "one summary line per request")
			found = rec
		}
	}
	require.NotNil(t, found, "a summary line")
	return found
}

func TestSpanTreeOfAGet(t *testing.T) {
	noLambdaEnv(t)
	tp, exp := newProvider(t)
	tracer := otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp))
	var metrics bytes.Buffer
	f := newFixture(t, serveBody("hello world"),
		objectlambda.WithTransform(transform.Identity()),
		objectlambda.WithTracer(tracer),
		objectlambda.WithObserver(emf.MustNew(emf.WithWriter(&metrics), emf.WithTraceID(tracer.TraceID))))
	f.get(t.Context(), "a.txt")

	spans := byName(t, exp.GetSpans())
	require.Len(t, spans, 4, "one span per transform: here one")
	root := spans["objectlambda.GetObject"]
	fetch := spans["objectlambda.fetch"]
	tr := spans["objectlambda.transform"]
	wgor := spans["objectlambda.WriteGetObjectResponse"]

	assert.False(t, root.Parent.IsValid(), "the request span is the root without a Lambda trace header")
	for _, child := range []tracetest.SpanStub{fetch, tr, wgor} {
		assert.Equal(t, root.SpanContext.TraceID(), child.SpanContext.TraceID(), child.Name)
		assert.Equal(t, root.SpanContext.SpanID(), child.Parent.SpanID(), "%s is a child of the request span", child.Name)
		assert.Equal(t, codes.Unset, child.Status.Code, child.Name)
	}
	assert.Equal(t, trace.SpanKindServer, root.SpanKind)
	assert.Equal(t, trace.SpanKindClient, fetch.SpanKind)
	assert.Equal(t, trace.SpanKindInternal, tr.SpanKind)
	assert.Equal(t, trace.SpanKindClient, wgor.SpanKind)
	assert.Equal(t, codes.Unset, root.Status.Code)
	assert.Equal(t, otelobjectlambda.ScopeName, root.InstrumentationScope.Name)

	ra := attrs(root)
	assert.Equal(t, "req-a.txt", ra["objectlambda.request_id"].AsString())
	assert.Equal(t, "GetObject", ra["objectlambda.operation"].AsString())
	assert.Equal(t, testARN, ra["objectlambda.access_point"].AsString())
	assert.Equal(t, int64(200), ra["http.status_code"].AsInt64())
	assert.Equal(t, int64(11), ra["objectlambda.bytes_in"].AsInt64())
	assert.Equal(t, int64(11), ra["objectlambda.bytes_out"].AsInt64())
	fa := attrs(fetch)
	assert.Equal(t, "GET", fa["http.method"].AsString())
	assert.Equal(t, int64(200), fa["http.status_code"].AsInt64())
	assert.Equal(t, int64(1), fa["objectlambda.attempts"].AsInt64())
	assert.Empty(t, fetch.Events, "no retry")
	assert.Equal(t, int64(11), attrs(wgor)["objectlambda.bytes_out"].AsInt64())
	ta := attrs(tr)
	assert.Equal(t, "transform.identity", ta["objectlambda.transform"].AsString())
	assert.Contains(t, ta, attribute.Key("objectlambda.stream_time"), "each transform reports its own streaming time")

	// The child spans end before the request span.
	for _, child := range []tracetest.SpanStub{fetch, tr, wgor} {
		assert.False(t, child.EndTime.After(root.EndTime), child.Name)
	}

	// Logs and metrics carry the same trace id, in X-Ray form.
	traceID := otelobjectlambda.XRayTraceID(root.SpanContext.TraceID())
	line := summary(t, f.logs.String())
	assert.Equal(t, traceID, line["traceId"])
	assert.Equal(t, "req-a.txt", line["requestId"])
	var m map[string]any
	require.NoError(t, json.Unmarshal(metrics.Bytes(), &m))
	assert.Equal(t, traceID, m["TraceId"])
}

func TestRetryEvents(t *testing.T) {
	noLambdaEnv(t)
	tp, exp := newProvider(t)
	var calls atomic.Int32
	serve := serveBody("after a retry")
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			serveError(w, http.StatusServiceUnavailable, "SlowDown")
			return
		}
		serve(w, r)
	}, objectlambda.WithTracer(otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp))))
	f.get(t.Context(), "b.txt")

	spans := byName(t, exp.GetSpans())
	fetch := spans["objectlambda.fetch"]
	require.Equal(t, []string{"retry"}, eventNames(fetch))
	ev := map[attribute.Key]attribute.Value{}
	for _, kv := range fetch.Events[0].Attributes {
		ev[kv.Key] = kv.Value
	}
	assert.Equal(t, int64(2), ev["attempt"].AsInt64())
	assert.Contains(t, ev["cause"].AsString(), "503 SlowDown", "why the attempt before failed")
	assert.Equal(t, int64(2), attrs(fetch)["objectlambda.attempts"].AsInt64())
	assert.Equal(t, codes.Unset, fetch.Status.Code)
	assert.Equal(t, codes.Unset, spans["objectlambda.GetObject"].Status.Code)
	assert.Equal(t, float64(1), summary(t, f.logs.String())["retries"])
}

func TestErrorStatus(t *testing.T) {
	failing := transform.Func(func(context.Context, *transform.Object) (*transform.Object, error) {
		return nil, errors.New("cannot open the archive at https://example.com/x?X-Amz-Signature=" + testSignature)
	})
	tests := []struct {
		name      string
		serve     http.HandlerFunc
		opts      []objectlambda.Option
		status    int64
		code      string
		rootError bool
		failed    string // the span that failed besides the request
	}{
		{
			name:   "upstream keeps failing",
			serve:  func(w http.ResponseWriter, _ *http.Request) { serveError(w, http.StatusServiceUnavailable, "SlowDown") },
			status: 503, code: "SlowDown", rootError: true, failed: "objectlambda.fetch",
		},
		{
			name:   "missing key is the caller's error",
			serve:  func(w http.ResponseWriter, _ *http.Request) { serveError(w, http.StatusNotFound, "NoSuchKey") },
			status: 404, code: "NoSuchKey", failed: "objectlambda.fetch",
		},
		{
			name:   "transform fails",
			serve:  serveBody("data"),
			opts:   []objectlambda.Option{objectlambda.WithTransform(failing)},
			status: 500, code: "InternalError", rootError: true, failed: "objectlambda.transform",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			noLambdaEnv(t)
			tp, exp := newProvider(t)
			f := newFixture(t, tt.serve, append([]objectlambda.Option{objectlambda.WithTracer(otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp)))}, tt.opts...)...)
			f.get(t.Context(), "c.txt")
			require.Len(t, f.wgor.Calls(), 1)
			assert.Equal(t, int32(tt.status), f.wgor.Calls()[0].Status)

			spans := byName(t, exp.GetSpans())
			root := spans["objectlambda.GetObject"]
			ra := attrs(root)
			assert.Equal(t, tt.status, ra["http.status_code"].AsInt64())
			assert.Equal(t, tt.code, ra["objectlambda.error_code"].AsString())
			assert.Contains(t, eventNames(root), "exception")
			if tt.rootError {
				assert.Equal(t, codes.Error, root.Status.Code)
			} else {
				assert.Equal(t, codes.Unset, root.Status.Code, "4xx leaves a server span Unset")
			}
			// The error reply is a WGOR call like any other, in its own span
			// under the request.
			reply, ok := spans["objectlambda.WriteGetObjectResponse"]
			require.True(t, ok, "the error reply has its WGOR span")
			assert.Equal(t, root.SpanContext.SpanID(), reply.Parent.SpanID())
			wa := attrs(reply)
			assert.Equal(t, tt.status, wa["http.status_code"].AsInt64())
			assert.Equal(t, tt.code, wa["objectlambda.error_code"].AsString())
			assert.Equal(t, codes.Unset, reply.Status.Code, "delivering an error reply is a success")
			if tt.failed == "objectlambda.fetch" {
				assert.Equal(t, tt.status, attrs(spans["objectlambda.fetch"])["http.status_code"].AsInt64(),
					"the fetch span carries the upstream's status")
			}

			failed := spans[tt.failed]
			assert.Equal(t, codes.Error, failed.Status.Code, tt.failed)
			assert.NotEmpty(t, failed.Status.Description)
			names := eventNames(failed)
			require.NotEmpty(t, names)
			assert.Equal(t, "exception", names[len(names)-1], "the failure is the last event (retries come before it)")
			for _, s := range spans {
				assertNoSecrets(t, s.Name, spanText(s))
			}
			if tt.failed != "objectlambda.transform" {
				// The transform's own error text is logged by the handler as
				// is; spans scrub it (checked above).
				assertNoSecrets(t, "logs", f.logs.String())
			}
		})
	}
}

func TestLambdaTraceContinuation(t *testing.T) {
	otherHeader := "Root=1-00000001-000000000000000000000002;Parent=0000000000000003;Sampled=1"
	withHeader := func(ctx context.Context, h string) context.Context {
		//lint:ignore SA1029 the key is aws-lambda-go's plain string
		return context.WithValue(ctx, "x-amzn-trace-id", h) //nolint:staticcheck
	}
	tests := []struct {
		name    string
		env     string
		ctx     func(context.Context) context.Context
		sampled bool
		trace   string // hex; "" means a new trace
		parent  string
	}{
		{name: "context value from aws-lambda-go", ctx: func(c context.Context) context.Context { return withHeader(c, xrayHeader) }, sampled: true, trace: xrayTraceHex, parent: xrayParent},
		{name: "environment variable", env: xrayHeader, sampled: true, trace: xrayTraceHex, parent: xrayParent},
		{name: "context value wins over a stale environment", env: otherHeader, ctx: func(c context.Context) context.Context { return withHeader(c, xrayHeader) }, sampled: true, trace: xrayTraceHex, parent: xrayParent},
		{name: "not sampled by Lambda", ctx: func(c context.Context) context.Context {
			return withHeader(c, strings.Replace(xrayHeader, "Sampled=1", "Sampled=0", 1))
		}, trace: xrayTraceHex},
		{name: "malformed header starts a new trace", ctx: func(c context.Context) context.Context { return withHeader(c, "Root=garbage") }, sampled: true},
		{name: "a span already in the context wins", env: xrayHeader, ctx: func(c context.Context) context.Context {
			tid, _ := trace.TraceIDFromHex("0af7651916cd43dd8448eb211c80319c")
			sid, _ := trace.SpanIDFromHex("b7ad6b7169203331")
			return trace.ContextWithRemoteSpanContext(c, trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}))
		}, sampled: true, trace: "0af7651916cd43dd8448eb211c80319c", parent: "b7ad6b7169203331"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(otelobjectlambda.EnvTraceHeader, tt.env)
			tp, exp := newProvider(t)
			f := newFixture(t, serveBody("x"), objectlambda.WithTracer(otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp))))
			ctx := t.Context()
			if tt.ctx != nil {
				ctx = tt.ctx(ctx)
			}
			f.get(ctx, "d.txt")
			line := summary(t, f.logs.String())
			if !tt.sampled {
				assert.Empty(t, exp.GetSpans(), "Lambda's sampling decision is kept")
				assert.Equal(t, "1-5759e988-bd862e3fe1be46a994272793", line["traceId"], "the log line still names the trace")
				return
			}
			root := byName(t, exp.GetSpans())["objectlambda.GetObject"]
			if tt.trace == "" {
				assert.False(t, root.Parent.IsValid())
			} else {
				assert.Equal(t, tt.trace, root.SpanContext.TraceID().String())
				assert.Equal(t, tt.parent, root.Parent.SpanID().String())
				assert.True(t, root.Parent.IsRemote())
			}
			assert.Equal(t, otelobjectlambda.XRayTraceID(root.SpanContext.TraceID()), line["traceId"])
		})
	}
}

func TestTraceIDFormats(t *testing.T) {
	id, err := trace.TraceIDFromHex(xrayTraceHex)
	require.NoError(t, err)
	assert.Equal(t, "1-5759e988-bd862e3fe1be46a994272793", otelobjectlambda.XRayTraceID(id))
	assert.Equal(t, xrayTraceHex, otelobjectlambda.W3CTraceID(id))

	noLambdaEnv(t)
	tp, _ := newProvider(t)
	for _, tc := range []struct {
		opts []otelobjectlambda.Option
		want func(trace.TraceID) string
	}{
		{nil, otelobjectlambda.XRayTraceID},
		{[]otelobjectlambda.Option{otelobjectlambda.WithTraceIDFormat(otelobjectlambda.W3CTraceID)}, otelobjectlambda.W3CTraceID},
	} {
		tr := otelobjectlambda.New(append(tc.opts, otelobjectlambda.WithTracerProvider(tp))...)
		ctx, sp := tr.Start(context.Background(), "objectlambda.GetObject")
		tid := trace.SpanContextFromContext(ctx).TraceID()
		assert.Equal(t, tc.want(tid), sp.TraceID())
		assert.Equal(t, tc.want(tid), tr.TraceID(ctx))
		sp.End(nil)
	}
	assert.Empty(t, otelobjectlambda.New().TraceID(context.Background()))
}

// The default Tracer follows the global provider: once the program sets
// one, spans are recorded.
func TestGlobalProviderSetLater(t *testing.T) {
	noLambdaEnv(t)
	tracer := otelobjectlambda.New()
	_, sp := tracer.Start(context.Background(), "objectlambda.GetObject")
	sp.End(nil)
	assert.Empty(t, sp.TraceID(), "nothing recorded before a provider is set")

	tp, exp := newProvider(t)
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	t.Cleanup(func() { otel.SetTracerProvider(prev) })
	f := newFixture(t, serveBody("x"), objectlambda.WithTracer(tracer))
	f.get(t.Context(), "e.txt")
	assert.Len(t, exp.GetSpans(), 3, "request, fetch and WGOR: no transform configured")
}

// TestSpanConcurrentAttributes: the span's conversion buffer is shared, so
// concurrent SetAttributes calls must neither race nor lose attributes.
func TestSpanConcurrentAttributes(t *testing.T) {
	noLambdaEnv(t)
	tp, exp := newProvider(t)
	tracer := otelobjectlambda.New(otelobjectlambda.WithTracerProvider(tp))
	_, sp := tracer.Start(t.Context(), "objectlambda.GetObject")
	const n = 64
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			sp.SetAttributes(slog.Int(fmt.Sprintf("k%02d", i), i), slog.String(fmt.Sprintf("s%02d", i), "v"))
		})
	}
	wg.Wait()
	sp.End(nil)
	spans := exp.GetSpans()
	require.Len(t, spans, 1)
	got := attrs(spans[0])
	for i := range n {
		assert.Equal(t, int64(i), got[attribute.Key(fmt.Sprintf("k%02d", i))].AsInt64())
		assert.Equal(t, "v", got[attribute.Key(fmt.Sprintf("s%02d", i))].AsString())
	}
}
