package objectlambda

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMetricsOfRequests(t *testing.T) {
	var mu sync.Mutex
	var got []Metrics
	obs := WithObserver(ObserverFunc(func(_ context.Context, m *Metrics) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, *m)
	}))
	hs, h := newHarness(t, obs, WithTransform(appendSuffix("!")))
	hs.put("doc.txt", alphabet, nil)
	_, err := invoke(t, h, hs.event("doc.txt"))
	require.NoError(t, err)
	hs.upstreamFn = xmlError(503, "SlowDown", "Please reduce your request rate.")
	_, err = invoke(t, h, hs.event("doc.txt"))
	require.NoError(t, err)

	require.Len(t, got, 2)
	ok, failed := got[0], got[1]
	assert.Equal(t, OpGetObject, ok.Operation)
	assert.Equal(t, 200, ok.StatusCode)
	assert.Equal(t, 200, ok.UpstreamStatus)
	assert.EqualValues(t, len(alphabet), ok.BytesIn)
	assert.EqualValues(t, len(alphabet)+1, ok.BytesOut)
	assert.Positive(t, ok.UpstreamFirstByte)
	assert.GreaterOrEqual(t, ok.FirstResponseByte, ok.UpstreamFirstByte)
	assert.GreaterOrEqual(t, ok.Duration, ok.FirstResponseByte)
	assert.Positive(t, ok.UpstreamReadTime)
	assert.Positive(t, ok.DeadlineLeft)
	assert.Zero(t, ok.Retries)
	assert.NoError(t, ok.Err)

	assert.Equal(t, 503, failed.StatusCode)
	assert.Equal(t, "SlowDown", failed.ErrorCode)
	assert.Equal(t, 503, failed.UpstreamStatus)
	assert.Positive(t, failed.UpstreamFirstByte, "an error answer's time counts as the upstream's first byte")
	assert.GreaterOrEqual(t, failed.FirstResponseByte, failed.UpstreamFirstByte)
	assert.Equal(t, 2, failed.Retries, "the retries of a fetch that finally failed are counted")
	assert.Error(t, failed.Err)
	assert.NoError(t, failed.ReplyErr, "the error reply itself was delivered")
}

// recordedSpan is one span of recordingTracer.
type recordedSpan struct {
	name   string
	parent string
	attrs  map[string]slog.Value
	err    error
	ended  bool
}

// recordingTracer records the spans the handler starts, for tests that do
// not need OpenTelemetry.
type recordingTracer struct {
	mu    sync.Mutex
	spans []*recordedSpan
}

type recordingSpanKey struct{}

func (r *recordingTracer) Start(ctx context.Context, name string, attrs ...slog.Attr) (context.Context, Span) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &recordedSpan{name: name, attrs: map[string]slog.Value{}}
	if p, ok := ctx.Value(recordingSpanKey{}).(*recordedSpan); ok {
		s.parent = p.name
	}
	for _, a := range attrs {
		s.attrs[a.Key] = a.Value
	}
	r.spans = append(r.spans, s)
	return context.WithValue(ctx, recordingSpanKey{}, s), &recordingSpan{t: r, s: s}
}

func (r *recordingTracer) recorded() []recordedSpan {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]recordedSpan, len(r.spans))
	for i, s := range r.spans {
		out[i] = *s
	}
	return out
}

type recordingSpan struct {
	t *recordingTracer
	s *recordedSpan
}

func (s *recordingSpan) AddEvent(string, ...slog.Attr) {}
func (s *recordingSpan) SetAttributes(attrs ...slog.Attr) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	for _, a := range attrs {
		s.s.attrs[a.Key] = a.Value
	}
}
func (s *recordingSpan) End(err error) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	s.s.err, s.s.ended = err, true
}
func (s *recordingSpan) TraceID() string { return "" }
