package objectlambda

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRangePushdownProperty: for a RangeSafe transform, a Range pushed down to
// S3 and the same Range applied after transforming the whole object give the
// same status, Content-Range and bytes — for random objects and ranges.
func TestRangePushdownProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pushed, hPushed := newHarness(t, WithTransform(upper()))
	after, hAfter := newHarness(t, WithTransform(upper()), withRangePushdown(false))
	for i := range 60 {
		size := rng.IntN(300)
		body := make([]byte, size)
		for j := range body {
			body[j] = "abcdefghijklmnopqrstuvwxyz0123456789 \n"[rng.IntN(38)]
		}
		var header string
		switch rng.IntN(4) {
		case 0:
			a := rng.IntN(size + 20)
			header = fmt.Sprintf("bytes=%d-%d", a, a+rng.IntN(50))
		case 1:
			header = fmt.Sprintf("bytes=%d-", rng.IntN(size+20))
		case 2:
			header = fmt.Sprintf("bytes=-%d", rng.IntN(size+20))
		default:
			header = fmt.Sprintf("bytes=%d-%d", rng.IntN(size+5), rng.IntN(size+5)) // sometimes reversed: ignored
		}
		key := fmt.Sprintf("obj-%d", i)
		pushed.put(key, string(body), nil)
		after.put(key, string(body), nil)
		_, err := invoke(t, hPushed, pushed.event(key, withHeaders("Range", header)))
		require.NoError(t, err)
		_, err = invoke(t, hAfter, after.event(key, withHeaders("Range", header)))
		require.NoError(t, err)
		p, a := pushed.wgorCalls()[i], after.wgorCalls()[i]
		for _, h := range []string{"X-Amz-Fwd-Status", "X-Amz-Fwd-Header-Content-Range", "X-Amz-Fwd-Error-Code"} {
			assert.Equal(t, a.Header.Get(h), p.Header.Get(h), "%s for %q on %d bytes", h, header, size)
		}
		assert.Equal(t, string(a.Body), string(p.Body), "body for %q on %d bytes", header, size)
	}
	pushedRanges := 0
	for _, hit := range pushed.upstreamHit {
		if hit.Get("Range") != "" {
			pushedRanges++
		}
	}
	for _, hit := range after.upstreamHit {
		assert.Empty(t, hit.Get("Range"), "without push-down the whole object is fetched")
	}
	assert.Positive(t, pushedRanges)
}
