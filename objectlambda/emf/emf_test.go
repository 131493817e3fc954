package emf_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/emf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testARN = "arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/reports-olap"

var fixedNow = time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)

func fixedClock() time.Time { return fixedNow }

// directive is the "_aws" metadata of an EMF line.
type directive struct {
	Timestamp         int64
	CloudWatchMetrics []struct {
		Namespace  string
		Dimensions [][]string
		Metrics    []struct{ Name, Unit string }
	}
}

// line is a parsed EMF line: the directive and every root field.
type line struct {
	AWS    directive
	Fields map[string]any
}

// units maps metric name to unit, from the directive.
func (l line) units() map[string]string {
	u := map[string]string{}
	for _, m := range l.AWS.CloudWatchMetrics[0].Metrics {
		u[m.Name] = m.Unit
	}
	return u
}

func (l line) num(t *testing.T, name string) float64 {
	t.Helper()
	v, ok := l.Fields[name].(float64)
	require.True(t, ok, "field %s is %T (%v), want a number", name, l.Fields[name], l.Fields[name])
	return v
}

// parseLines parses every line of out and checks the EMF rules CloudWatch
// applies: one JSON object per line, an _aws directive with a millisecond
// timestamp, every declared metric present as a number at the root, every
// dimension present as a non-empty string at the root.
func parseLines(t *testing.T, out []byte) []line {
	t.Helper()
	require.True(t, bytes.HasSuffix(out, []byte("\n")), "lines end in a newline")
	var lines []line
	for _, raw := range bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n")) {
		require.True(t, json.Valid(raw), "invalid JSON: %s", raw)
		var l line
		require.NoError(t, json.Unmarshal(raw, &l.Fields))
		aws, err := json.Marshal(l.Fields["_aws"])
		require.NoError(t, err)
		dec := json.NewDecoder(bytes.NewReader(aws))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(&l.AWS), "the _aws directive has the EMF shape")
		require.Len(t, l.AWS.CloudWatchMetrics, 1)
		d := l.AWS.CloudWatchMetrics[0]
		require.NotEmpty(t, d.Namespace)
		require.NotEmpty(t, d.Metrics)
		for _, m := range d.Metrics {
			require.Contains(t, []string{"Count", "Bytes", "Milliseconds"}, m.Unit, m.Name)
			_, ok := l.Fields[m.Name].(float64)
			require.True(t, ok, "declared metric %s has a numeric value", m.Name)
		}
		for _, set := range d.Dimensions {
			require.LessOrEqual(t, len(set), 30)
			for _, name := range set {
				v, ok := l.Fields[name].(string)
				require.True(t, ok && v != "", "dimension %s has a string value", name)
			}
		}
		lines = append(lines, l)
	}
	return lines
}

func observe(t *testing.T, ctx context.Context, m *objectlambda.Metrics, opts ...emf.Option) line {
	t.Helper()
	var buf bytes.Buffer
	o, err := emf.New(append([]emf.Option{emf.WithWriter(&buf), emf.WithClock(fixedClock)}, opts...)...)
	require.NoError(t, err)
	o.ObserveRequest(ctx, m)
	lines := parseLines(t, buf.Bytes())
	require.Len(t, lines, 1, "one line per request")
	return lines[0]
}

func TestLineFigures(t *testing.T) {
	tests := []struct {
		name       string
		m          objectlambda.Metrics
		want       map[string]any // root fields
		absent     []string
		e4, e5     float64
		upstreamMS float64
	}{
		{
			name: "GET served",
			m: objectlambda.Metrics{
				RequestID: "req-1", AccessPoint: testARN, Operation: objectlambda.OpGetObject,
				StatusCode: 200, UpstreamStatus: 200, BytesIn: 1234, BytesOut: 1300,
				UpstreamFirstByte: 12345 * time.Microsecond, FirstResponseByte: 20 * time.Millisecond,
				Duration: 51500 * time.Microsecond, Retries: 1, DeadlineLeft: 58 * time.Second,
			},
			want: map[string]any{
				"AccessPoint": "reports-olap", "AccessPointArn": testARN, "Operation": "GetObject",
				"Requests": 1.0, "BytesIn": 1234.0, "BytesOut": 1300.0, "UpstreamFirstByte": 12.345,
				"FirstResponseByte": 20.0, "Duration": 51.5, "DeadlineMarginLeft": 58000.0, "Retries": 1.0,
				"StatusCode": 200.0, "ErrorCode": "", "UpstreamStatus": 200.0, "RequestId": "req-1",
			},
		},
		{
			name: "GET of a missing key",
			m: objectlambda.Metrics{
				RequestID: "req-2", AccessPoint: testARN, Operation: objectlambda.OpGetObject,
				StatusCode: 404, ErrorCode: "NoSuchKey", UpstreamStatus: 404,
				UpstreamFirstByte: 3 * time.Millisecond, FirstResponseByte: 4 * time.Millisecond, Duration: 5 * time.Millisecond,
			},
			want: map[string]any{"StatusCode": 404.0, "ErrorCode": "NoSuchKey", "UpstreamStatus": 404.0, "BytesIn": 0.0, "BytesOut": 0.0},
			e4:   1,
		},
		{
			name: "denied before the fetch",
			m: objectlambda.Metrics{
				RequestID: "req-3", AccessPoint: testARN, Operation: objectlambda.OpGetObject,
				StatusCode: 403, ErrorCode: "AccessDenied", FirstResponseByte: time.Millisecond, Duration: 2 * time.Millisecond,
			},
			want:   map[string]any{"StatusCode": 403.0, "ErrorCode": "AccessDenied"},
			absent: []string{"UpstreamFirstByte", "UpstreamStatus"},
			e4:     1,
		},
		{
			name: "deadline",
			m: objectlambda.Metrics{
				RequestID: "req-4", AccessPoint: testARN, Operation: objectlambda.OpGetObject,
				StatusCode: 500, ErrorCode: "InternalError", UpstreamStatus: 200, UpstreamFirstByte: time.Second,
				FirstResponseByte: 59 * time.Second, Duration: 59 * time.Second, DeadlineLeft: -1500 * time.Microsecond,
				Err: errors.New("deadline"),
			},
			want: map[string]any{"DeadlineMarginLeft": -1.5, "ErrorCode": "InternalError"},
			e5:   1,
		},
		{
			name: "HEAD without timings",
			m: objectlambda.Metrics{
				RequestID: "req-5", AccessPoint: testARN, Operation: objectlambda.OpHeadObject, StatusCode: 200, Duration: time.Millisecond,
			},
			want:   map[string]any{"Operation": "HeadObject", "Duration": 1.0},
			absent: []string{"UpstreamFirstByte", "FirstResponseByte", "UpstreamStatus"},
		},
		{
			name: "no status at all counts as a server error",
			m:    objectlambda.Metrics{RequestID: "req-6", Operation: objectlambda.OpGetObject, Err: errors.New("boom")},
			want: map[string]any{"AccessPoint": "unknown", "AccessPointArn": "unknown", "StatusCode": 0.0},
			e5:   1,
		},
		{
			name: "ARN without accesspoint/ prefix",
			m:    objectlambda.Metrics{AccessPoint: "arn:aws:s3-object-lambda:us-east-1:1:other:thing", Operation: objectlambda.OpListObjectsV2, StatusCode: 200},
			want: map[string]any{"AccessPoint": "thing", "Operation": "ListObjectsV2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := observe(t, context.Background(), &tt.m)
			assert.Equal(t, fixedNow.UnixMilli(), l.AWS.Timestamp)
			d := l.AWS.CloudWatchMetrics[0]
			assert.Equal(t, emf.DefaultNamespace, d.Namespace)
			assert.Equal(t, [][]string{{"AccessPoint", "Operation"}}, d.Dimensions)
			for k, v := range tt.want {
				assert.Equal(t, v, l.Fields[k], k)
			}
			for _, k := range tt.absent {
				assert.NotContains(t, l.Fields, k)
				assert.NotContains(t, l.units(), k)
			}
			assert.Equal(t, tt.e4, l.num(t, "Errors4xx"))
			assert.Equal(t, tt.e5, l.num(t, "Errors5xx"))
			assert.NotContains(t, l.Fields, "TraceId", "no trace id without a trace header")
			assert.NotContains(t, l.Fields, "Err")
		})
	}
}

func TestUnits(t *testing.T) {
	l := observe(t, context.Background(), &objectlambda.Metrics{
		AccessPoint: testARN, Operation: objectlambda.OpGetObject, StatusCode: 200, UpstreamStatus: 200,
		UpstreamFirstByte: time.Millisecond, FirstResponseByte: time.Millisecond,
	})
	assert.Equal(t, map[string]string{
		"Requests": "Count", "Errors4xx": "Count", "Errors5xx": "Count", "Retries": "Count",
		"BytesIn": "Bytes", "BytesOut": "Bytes",
		"UpstreamFirstByte": "Milliseconds", "FirstResponseByte": "Milliseconds", "Duration": "Milliseconds",
		"DeadlineMarginLeft": "Milliseconds",
	}, l.units())
}

func TestOptions(t *testing.T) {
	m := &objectlambda.Metrics{RequestID: "req-7", AccessPoint: testARN, Operation: objectlambda.OpGetObject, StatusCode: 200}
	tests := []struct {
		name   string
		opts   []emf.Option
		ns     string
		dims   [][]string
		fields map[string]any
		absent []string
	}{
		{
			name: "namespace and two dimension sets",
			opts: []emf.Option{emf.WithNamespace("Team/Reports"), emf.WithDimensions(emf.DimensionAccessPoint, emf.DimensionOperation), emf.WithDimensions(emf.DimensionOperation)},
			ns:   "Team/Reports",
			dims: [][]string{{"AccessPoint", "Operation"}, {"Operation"}},
		},
		{
			name: "empty set aggregates everything",
			opts: []emf.Option{emf.WithDimensions()},
			ns:   emf.DefaultNamespace,
			dims: [][]string{{}},
		},
		{
			name:   "static dimension",
			opts:   []emf.Option{emf.WithStaticDimension("Service", "thumbnails"), emf.WithDimensions("Service", emf.DimensionAccessPointARN)},
			ns:     emf.DefaultNamespace,
			dims:   [][]string{{"Service", "AccessPointArn"}},
			fields: map[string]any{"Service": "thumbnails"},
		},
		{
			name: "trace id and extra properties, reserved names ignored",
			opts: []emf.Option{
				emf.WithTraceID(func(context.Context) string { return "1-5759e988-bd862e3fe1be46a994272793" }),
				emf.WithProperties(func(_ context.Context, m *objectlambda.Metrics) map[string]any {
					return map[string]any{"Tenant": "acme", "Attempts": m.Retries + 1, "BytesOut": 999, "_aws": "x", "": 1, "Bad": make(chan int)}
				}),
			},
			ns:     emf.DefaultNamespace,
			dims:   [][]string{{"AccessPoint", "Operation"}},
			fields: map[string]any{"TraceId": "1-5759e988-bd862e3fe1be46a994272793", "Tenant": "acme", "Attempts": 1.0, "BytesOut": 0.0},
			absent: []string{"Bad", ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := observe(t, context.Background(), m, tt.opts...)
			d := l.AWS.CloudWatchMetrics[0]
			assert.Equal(t, tt.ns, d.Namespace)
			assert.Equal(t, tt.dims, d.Dimensions)
			raw, err := json.Marshal(l.Fields["_aws"].(map[string]any)["CloudWatchMetrics"].([]any)[0].(map[string]any)["Dimensions"])
			require.NoError(t, err)
			assert.NotContains(t, string(raw), "null", "dimension sets are arrays")
			for k, v := range tt.fields {
				assert.Equal(t, v, l.Fields[k], k)
			}
			for _, k := range tt.absent {
				assert.NotContains(t, l.Fields, k)
			}
		})
	}
}

func TestInvalidOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  emf.Option
	}{
		{"empty namespace", emf.WithNamespace("")},
		{"AWS namespace", emf.WithNamespace("AWS/S3")},
		{"bad namespace character", emf.WithNamespace("a{b}")},
		{"long namespace", emf.WithNamespace(strings.Repeat("n", 256))},
		{"unknown dimension", emf.WithDimensions("Bucket")},
		{"duplicate dimension", emf.WithDimensions(emf.DimensionOperation, emf.DimensionOperation)},
		{"too many dimensions", emf.WithDimensions(strings.Split(strings.Repeat("x,", 30)+"y", ",")...)},
		{"reserved static dimension", emf.WithStaticDimension("BytesIn", "x")},
		{"blank static value", emf.WithStaticDimension("Service", " ")},
		{"nil writer", emf.WithWriter(nil)},
		{"nil clock", emf.WithClock(nil)},
		{"nil trace id", emf.WithTraceID(nil)},
		{"nil properties", emf.WithProperties(nil)},
		{"nil logger", emf.WithLogger(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := emf.New(tt.opt)
			require.ErrorIs(t, err, emf.ErrInvalidOption)
			assert.PanicsWithError(t, err.Error(), func() { emf.MustNew(tt.opt) })
		})
	}
	_, err := emf.New(emf.WithStaticDimension("Service", "a"), emf.WithStaticDimension("Service", "b"))
	require.ErrorIs(t, err, emf.ErrInvalidOption)
}

func TestTraceIDFromLambdaContext(t *testing.T) {
	tests := []struct {
		header, want string
	}{
		{"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", "1-5759e988-bd862e3fe1be46a994272793"},
		{"Parent=53995c3f42cd8ad8; Root=1-5759e988-bd862e3fe1be46a994272793", "1-5759e988-bd862e3fe1be46a994272793"},
		{"Root=not-a-trace-id;Sampled=0", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			// aws-lambda-go stores the header under this plain string key.
			//lint:ignore SA1029 the key is aws-lambda-go's, not ours
			ctx := context.WithValue(context.Background(), "x-amzn-trace-id", tt.header) //nolint:staticcheck
			l := observe(t, ctx, &objectlambda.Metrics{Operation: objectlambda.OpGetObject, StatusCode: 200})
			if tt.want == "" {
				assert.NotContains(t, l.Fields, "TraceId")
				return
			}
			assert.Equal(t, tt.want, l.Fields["TraceId"])
		})
	}
}

// lineWriter records each Write call separately.
type lineWriter struct {
	mu     sync.Mutex
	writes [][]byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes = append(w.writes, bytes.Clone(p))
	return len(p), nil
}

func TestConcurrentLinesDoNotInterleave(t *testing.T) {
	w := &lineWriter{}
	o := emf.MustNew(emf.WithWriter(w))
	const n = 64
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o.ObserveRequest(context.Background(), &objectlambda.Metrics{
				RequestID: strings.Repeat("r", i+1), AccessPoint: testARN, Operation: objectlambda.OpGetObject,
				StatusCode: 200, BytesOut: int64(i),
			})
		}()
	}
	wg.Wait()
	require.Len(t, w.writes, n, "one Write per request")
	seen := map[float64]bool{}
	for _, p := range w.writes {
		ls := parseLines(t, p)
		require.Len(t, ls, 1)
		out := ls[0].num(t, "BytesOut")
		assert.Len(t, ls[0].Fields["RequestId"], int(out)+1, "fields of one request stay together")
		seen[out] = true
	}
	assert.Len(t, seen, n)
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("stdout closed") }

func TestWriteErrorIsLogged(t *testing.T) {
	var logs bytes.Buffer
	o := emf.MustNew(emf.WithWriter(failingWriter{}), emf.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	o.ObserveRequest(context.Background(), &objectlambda.Metrics{RequestID: "req-8"})
	var rec map[string]any
	require.NoError(t, json.Unmarshal(logs.Bytes(), &rec))
	assert.Equal(t, "WARN", rec["level"])
	assert.Equal(t, "req-8", rec["requestId"])
	assert.Equal(t, "stdout closed", rec["error"])
}

func TestHostileStringsStayValidJSON(t *testing.T) {
	hostile := "a\"b\\c\nd\x00e\x7f\xff\u2028f</script>"
	l := observe(t, context.Background(), &objectlambda.Metrics{
		RequestID: hostile, AccessPoint: "arn:aws:s3-object-lambda:us-east-1:1:accesspoint/" + hostile,
		Operation: objectlambda.Operation(hostile), ErrorCode: hostile,
	})
	want := strings.ToValidUTF8(hostile, "\ufffd")
	assert.Equal(t, want, l.Fields["RequestId"])
	assert.Equal(t, want, l.Fields["ErrorCode"])
	assert.Equal(t, want, l.Fields["AccessPoint"])
	assert.Equal(t, want, l.Fields["Operation"])
}

func TestLongDimensionValueIsCut(t *testing.T) {
	long := strings.Repeat("n", 2000)
	l := observe(t, context.Background(), &objectlambda.Metrics{AccessPoint: "arn:aws:s3-object-lambda:us-east-1:1:accesspoint/" + long})
	assert.Len(t, l.Fields["AccessPoint"], 1024)
}

// BenchmarkObserveRequest is the cost of one request's line, next to
// encoding/json marshalling the same Metrics (a baseline that does less: no
// directive, no derived metrics).
func BenchmarkObserveRequest(b *testing.B) {
	m := &objectlambda.Metrics{
		RequestID: "1a2b3c4d", AccessPoint: "arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/reports-olap",
		Operation: objectlambda.OpGetObject, StatusCode: 200, UpstreamStatus: 200, BytesIn: 16384, BytesOut: 16384,
		UpstreamFirstByte: 18250 * time.Microsecond, FirstResponseByte: 19 * time.Millisecond, Duration: 31500 * time.Microsecond,
		DeadlineLeft: 58968500 * time.Microsecond, UpstreamReadTime: 120 * time.Microsecond, TransformTime: 80 * time.Microsecond,
	}
	o := emf.MustNew(emf.WithWriter(io.Discard))
	ctx := context.Background()
	var ours, baseline time.Duration
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		o.ObserveRequest(ctx, m)
		ours += time.Since(start)
		start = time.Now()
		if _, err := json.Marshal(m); err != nil {
			b.Fatal(err)
		}
		baseline += time.Since(start)
	}
	b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "ns/line")
	b.ReportMetric(float64(ours)/float64(baseline), "x-json.Marshal")
}
