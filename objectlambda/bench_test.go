package objectlambda

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/objectlambda/sdk-go/internal/memsample"
)

// patternReader yields n bytes of a repeating pattern without holding them.
type patternReader struct{ left int64 }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > p.left {
		b = b[:p.left]
	}
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	p.left -= int64(len(b))
	return len(b), nil
}

// BenchmarkGetObject measures the whole GET path for the identity transform
// over loopback TLS — presigned fetch, pipeline, signed WGOR upload — against
// a baseline measured in the same run: a plain net/http GET of the same bytes
// from the same upstream streamed into a plain POST to the same WGOR endpoint.
// It reports MB/s for both, their ratio (ours/baseline, 1.0 = no overhead) and
// the peak heap growth, which must not depend on the object size.
//
//	go test -run '^$' -bench BenchmarkGetObject -benchmem ./objectlambda
func BenchmarkGetObject(b *testing.B) {
	for _, size := range []int64{16 << 20, 1 << 30} {
		b.Run("size="+strconv.FormatInt(size>>20, 10)+"MiB", func(b *testing.B) {
			hs, h := newHarness(b)
			hs.discard = true
			hs.verifySig = false
			hs.upstreamFn = func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/octet-stream")
				w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
				io.Copy(w, &patternReader{left: size})
			}
			pool := x509.NewCertPool()
			pool.AddCert(hs.upstream.Certificate())
			raw := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
			ev := hs.event("big.bin")
			ctx := context.Background()

			// Baseline: the same two transfers with plain net/http.
			rawCopy := func() {
				resp, err := raw.Get(hs.upstream.URL + "/big.bin")
				if err != nil {
					b.Fatal(err)
				}
				req, _ := http.NewRequest(http.MethodPost, hs.wgor.URL+"/WriteGetObjectResponse", struct{ io.Reader }{resp.Body})
				req.ContentLength = size
				post, err := raw.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				post.Body.Close()
				resp.Body.Close()
			}
			// Baseline and handler alternate, one pair per iteration, so a
			// machine whose load changes slows both alike; the median of
			// the pairs' ratios is the figure to compare.
			var baseline, ours, baseCPU, oursCPU time.Duration
			pairs := make([]float64, 0, b.N)
			peak := memsample.Start()
			b.SetBytes(size)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				c0, t0 := processCPU(), time.Now()
				rawCopy()
				dBase := time.Since(t0)
				baseCPU += processCPU() - c0
				b.StartTimer()
				c0, t0 = processCPU(), time.Now()
				if _, err := h.Invoke(ctx, ev); err != nil {
					b.Fatal(err)
				}
				dOurs := time.Since(t0)
				oursCPU += processCPU() - c0
				baseline += dBase
				ours += dOurs
				pairs = append(pairs, dBase.Seconds()/dOurs.Seconds())
			}
			b.StopTimer()
			growth, _ := peak.Stop()
			calls := hs.wgorCalls()
			if got := calls[len(calls)-1].ContentLn; got != size {
				b.Fatalf("WGOR received %d bytes, want %d", got, size)
			}
			mbps := func(d time.Duration) float64 { return float64(size) * float64(b.N) / d.Seconds() / 1e6 }
			b.ReportMetric(mbps(ours), "MB/s-ours")
			b.ReportMetric(mbps(baseline), "MB/s-baseline")
			b.ReportMetric(baseline.Seconds()/ours.Seconds(), "ratio")
			slices.Sort(pairs)
			b.ReportMetric(pairs[len(pairs)/2], "ratio-paired-median")
			b.ReportMetric(growth, "peak-heap-MiB")
			if baseCPU > 0 {
				// CPU per byte, both sides (upstream and WGOR servers run in
				// this process for both): stable on a busy machine.
				b.ReportMetric(float64(oursCPU)/float64(baseCPU), "cpu-ratio")
			}
		})
	}
}
