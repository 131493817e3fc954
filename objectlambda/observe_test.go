package objectlambda

import (
	"context"
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
