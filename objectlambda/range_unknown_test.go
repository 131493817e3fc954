package objectlambda

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRangeOfUnknownLength: a Range over output whose length only the end
// tells is served exactly, in one reading when the range fits the memory
// budget and in two otherwise, and never from disk.
func TestRangeOfUnknownLength(t *testing.T) {
	body := strings.Repeat("0123456789abcdef", 20_000) // 320,000 bytes
	out := body + "!"
	tests := []struct {
		name     string
		rng      string
		part     string
		readings int
		want     string // the bytes of the 206
		cr       string
	}{
		{name: "range within the budget", rng: "bytes=100-1099", readings: 1, want: out[100:1100], cr: "bytes 100-1099/320001"},
		{name: "range over the budget", rng: "bytes=1000-150000", readings: 2, want: out[1000:150001], cr: "bytes 1000-150000/320001"},
		{name: "open range over the budget", rng: "bytes=300000-", readings: 2, want: out[300000:], cr: "bytes 300000-320000/320001"},
		{name: "suffix within the budget", rng: "bytes=-500", readings: 1, want: out[len(out)-500:], cr: "bytes 319501-320000/320001"},
		{name: "suffix over the budget", rng: "bytes=-5000", readings: 2, want: out[len(out)-5000:], cr: "bytes 315001-320000/320001"},
		{name: "range past the end of the budget", rng: "bytes=319000-999999", readings: 1, want: out[319000:], cr: "bytes 319000-320000/320001"},
		{name: "last part", part: "3", readings: 2, want: out[2*150000:], cr: "bytes 300000-320000/320001"},
		{name: "a part over the budget", part: "2", readings: 2, want: out[150000:300000], cr: "bytes 150000-299999/320001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, WithTransform(appendSuffix("!")), WithRangeMemory(4096), WithPartSize(150000))
			hs.put("doc.txt", body, nil)
			opt := withHeaders("Range", tt.rng)
			if tt.part != "" {
				opt = withQuery("partNumber=" + tt.part)
			}
			_, err := invoke(t, h, hs.event("doc.txt", opt))
			require.NoError(t, err)
			call := hs.onlyCall(t)
			require.NoError(t, call.BodyErr)
			assert.Equal(t, "206", call.Header.Get("X-Amz-Fwd-Status"))
			assert.Equal(t, tt.cr, call.Header.Get("X-Amz-Fwd-Header-Content-Range"))
			assert.Equal(t, len(tt.want), len(call.Body))
			assert.True(t, tt.want == string(call.Body), "the exact bytes of the range")
			assert.Equal(t, tt.readings, hs.upstreamHits(), "readings of the object")
			if tt.readings == 2 {
				assert.Equal(t, `"etag-320000"`, hs.upstreamHit[1].Get("If-Match"), "the second reading is pinned to the first's ETag")
			}
		})
	}
}

// TestRangeRereadMustMatch: when the second reading differs from the first
// (a transform that is not deterministic, an object replaced in between) the
// range never reaches the caller complete.
func TestRangeRereadMustMatch(t *testing.T) {
	body := strings.Repeat("x", 200_000)
	t.Run("output differs between readings", func(t *testing.T) {
		var readings atomic.Int32
		shift := transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
			n := readings.Add(1)
			o.Body = mapReader{r: o.Body, f: func(p []byte) []byte {
				if n%2 == 0 {
					return []byte(strings.ToUpper(string(p)))
				}
				return p
			}}
			return o, nil
		})
		hs, h := newHarness(t, WithTransform(shift, appendSuffix("!")), WithRangeMemory(1024))
		hs.put("doc.txt", body, nil)
		_, _ = invoke(t, h, hs.event("doc.txt", withHeaders("Range", "bytes=1000-100000")))
		neverComplete(t, hs.waitCalls(t, 1)[0], 99001)
	})
	t.Run("suffix whose length differs between readings", func(t *testing.T) {
		var readings atomic.Int32
		longer := transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
			n := readings.Add(1)
			o.Body = io.MultiReader(o.Body, strings.NewReader(fmt.Sprint(n)+strings.Repeat("+", int(n))))
			return o, nil
		})
		hs, h := newHarness(t, WithTransform(longer), WithRangeMemory(1024))
		hs.put("doc.txt", body, nil)
		_, _ = invoke(t, h, hs.event("doc.txt", withHeaders("Range", "bytes=-5000")))
		neverComplete(t, hs.waitCalls(t, 1)[0], 5000)
	})
	t.Run("object replaced between readings", func(t *testing.T) {
		hs, h := newHarness(t, WithTransform(appendSuffix("!")), WithRangeMemory(1024))
		hs.put("doc.txt", body, nil)
		first := true
		hs.upstreamFn = func(w http.ResponseWriter, r *http.Request) {
			if first {
				first = false
				hs.mu.Lock()
				hs.upstreamFn = nil
				hs.mu.Unlock()
				hs.serveUpstream(w, r)
				hs.put("doc.txt", body+"new", nil) // a new version, a new ETag
				return
			}
		}
		_, err := invoke(t, h, hs.event("doc.txt", withHeaders("Range", "bytes=1000-100000")))
		require.NoError(t, err)
		call := hs.onlyCall(t)
		assert.Equal(t, "503", call.Header.Get("X-Amz-Fwd-Status"), "retryable: the object changed")
		assert.Equal(t, "ServiceUnavailable", call.Header.Get("X-Amz-Fwd-Error-Code"))
	})
}

// neverComplete asserts a reply of want bytes did not arrive whole: it is an
// error reply, or its body broke short.
func neverComplete(t *testing.T, call wgorCall, want int) {
	t.Helper()
	if call.Header.Get("X-Amz-Fwd-Status") >= "500" {
		assert.Empty(t, call.Body)
		return
	}
	assert.Error(t, call.BodyErr, "the range never arrives whole")
	assert.Less(t, len(call.Body), want)
}
