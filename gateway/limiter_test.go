package gateway

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/gateway/internal/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLimiterAcquire(t *testing.T) {
	m := metrics.New()
	l := newLimiter(map[string]int{"a": 2, "b": 1}, m)
	type step struct {
		ap      string
		acquire bool // else release the oldest held slot of ap
		ok      bool
		inUse   int
	}
	steps := []step{
		{ap: "a", acquire: true, ok: true, inUse: 1},
		{ap: "a", acquire: true, ok: true, inUse: 2},
		{ap: "a", acquire: true, ok: false, inUse: 2}, // full: SlowDown
		{ap: "b", acquire: true, ok: true, inUse: 1},  // another access point is not affected
		{ap: "a", acquire: false, inUse: 1},
		{ap: "a", acquire: true, ok: true, inUse: 2}, // a freed slot is taken again
		{ap: "unknown", acquire: true, ok: false, inUse: 0},
	}
	held := map[string][]func(){}
	for i, s := range steps {
		if s.acquire {
			release, ok := l.Acquire(s.ap)
			assert.Equal(t, s.ok, ok, "step %d", i)
			if ok {
				held[s.ap] = append(held[s.ap], release)
			} else {
				assert.Nil(t, release)
			}
		} else {
			held[s.ap][0]()
			held[s.ap] = held[s.ap][1:]
		}
		assert.Equal(t, s.inUse, l.InUse(s.ap), "step %d", i)
	}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	body := readAll(t, resp)
	assert.Contains(t, body, `objectlambda_throttled_requests_total{access_point="a",function=""} 1`)
	assert.Contains(t, body, `objectlambda_invocations_in_flight{access_point="a"} 2`)
}

// TestLimiterSlowDown: over the limit, a real S3 client gets 503 SlowDown.
func TestLimiterSlowDown(t *testing.T) {
	l := newLimiter(map[string]int{"reports": 1}, nil)
	entered, release := make(chan struct{}), make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
		w.Header().Set("Content-Length", "2")
		_, _ = w.Write([]byte("ok"))
	})
	srv := httptest.NewServer(l.Limit("reports", slow))
	defer srv.Close()
	c := s3Client(srv.URL)
	get := func() error {
		out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("reports"), Key: aws.String("k")})
		if err == nil {
			out.Body.Close()
		}
		return err
	}

	var wg sync.WaitGroup
	var first error
	wg.Go(func() { first = get() })
	<-entered // the one slot is taken

	err := get()
	apiError(t, err, http.StatusServiceUnavailable, "SlowDown")

	resp, err := http.Head(srv.URL + "/reports/k")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "HEAD: the status, no body")

	close(release)
	wg.Wait()
	require.NoError(t, first)
	go func() { <-entered }()
	assert.NoError(t, get(), "the slot is free again")
	assert.Zero(t, l.InUse("reports"))
}
