package objectlambdatest_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// Load parameters: 1,000 GETs, all in flight at once when the process may
// open enough files. Each GET holds about four loopback connections (client,
// inputS3Url and its proxy hop to versitygw, WGOR), so 1,000 at once needs
// several thousand descriptors; under the common default soft limit of 1,024
// the test keeps 100 in flight instead (still 1,000 requests).
const (
	loadRequests     = 1000
	loadFDsPerFlight = 8
)

// loadConcurrency returns how many GETs may be in flight.
func loadConcurrency() int {
	if openFileLimit() >= loadRequests*loadFDsPerFlight {
		return loadRequests
	}
	return 100
}

// openFileLimit reads the soft "Max open files" limit from /proc/self/limits
// (0 when it cannot be read, e.g. off Linux).
func openFileLimit() int {
	b, err := os.ReadFile("/proc/self/limits")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Max open files"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				if n, err := strconv.Atoi(f[0]); err == nil {
					return n
				}
				if f[0] == "unlimited" {
					return 1 << 30
				}
			}
		}
	}
	return 0
}

// loadSizes are the object sizes, cycled over the requests (mean ≈ 130 KiB).
var loadSizes = []int{0, 1, 1 << 10, 16 << 10, 64 << 10, 100_000, 256 << 10, 512 << 10}

// TestE2ELoad sends 1,000 GETs of mixed sizes, 100 at a time, through the
// access point and an objectlambda.Handler with a length-preserving (not
// range-safe) transform, and checks that every one succeeds with the right
// bytes, that every WGOR was accepted, that the heap stays bounded, and that
// nothing is left running afterwards.
func TestE2ELoad(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	ap := objectlambdatest.NewAccessPoint(t,
		objectlambda.WithTransform(sameLength()),
		objectlambda.WithLogger(slog.New(slog.DiscardHandler)))
	sums := make([][32]byte, len(loadSizes))
	for i, n := range loadSizes {
		body := bytes.Repeat([]byte{byte('a' + i)}, n)
		if n > 0 {
			body[n/2] = '!'
		}
		sums[i] = sha256.Sum256(body)
		ap.PutObjectBytes(t, fmt.Sprintf("load/%d", i), body)
	}
	client := ap.Client()
	ctx := t.Context()

	inFlight := loadConcurrency()
	peak := startMemPeak()
	var failures atomic.Int64
	var moved atomic.Int64
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range inFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= loadRequests {
					return
				}
				obj := i % len(loadSizes)
				out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(fmt.Sprintf("load/%d", obj))})
				if err != nil {
					failures.Add(1)
					t.Errorf("request %d: %v", i, err)
					continue
				}
				h := sha256.New()
				n, err := io.Copy(h, out.Body)
				_ = out.Body.Close()
				moved.Add(n)
				if err != nil || [32]byte(h.Sum(nil)) != sums[obj] {
					failures.Add(1)
					t.Errorf("request %d: %d bytes of %d, err %v, digest ok %v", i, n, loadSizes[obj], err, [32]byte(h.Sum(nil)) == sums[obj])
				}
			}
		}()
	}
	wg.Wait()
	growth, rss := peak.done()
	t.Logf("%d GETs, %d in flight, %.1f MiB moved: peak heap growth %.1f MiB, peak RSS %.0f MiB",
		loadRequests, inFlight, float64(moved.Load())/(1<<20), growth, rss)
	require.Zero(t, failures.Load())

	calls := ap.WGORCalls()
	require.Len(t, calls, loadRequests, "one WGOR per GET")
	for _, c := range calls {
		if c.Response != http.StatusOK || c.Err != nil {
			t.Errorf("WGOR not accepted: %+v", c)
		}
	}
	assert.Len(t, ap.Events(), loadRequests, "one invocation per GET")
	// Bounded memory: below what holding the largest object (512 KiB) per
	// request in flight would take.
	maxObject := float64(loadSizes[len(loadSizes)-1]) / (1 << 20)
	assert.Less(t, growth, float64(inFlight)*maxObject, "peak heap growth (MiB) with %d in flight", inFlight)

	ap.Close()
	verifyNoLeak(t, ignore)
}
