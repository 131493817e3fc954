package presign

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// BenchmarkFetch compares Fetch (policy, header replay, integrity reader,
// optional checksum) with a plain net/http GET of the same bytes from the same
// loopback TLS server, and reports the ratio of their times.
func BenchmarkFetch(b *testing.B) {
	for _, size := range []int{64 << 10, 4 << 20} {
		obj := make([]byte, size)
		_, _ = rand.Read(obj)
		sum := sha256.Sum256(obj)
		for _, withSum := range []bool{false, true} {
			name := strconv.Itoa(size>>10) + "KiB"
			if withSum {
				name += "/sha256"
			}
			b.Run(name, func(b *testing.B) {
				srv, _ := newTLSServer(b, func(w http.ResponseWriter, r *http.Request) {
					if withSum {
						w.Header().Set("X-Amz-Checksum-Sha256", base64.StdEncoding.EncodeToString(sum[:]))
					}
					http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(obj))
				})
				c := testClient(b, srv)
				raw := srv.Client()
				b.Cleanup(raw.CloseIdleConnections)
				buf := make([]byte, 32<<10)
				url := srv.URL + "/bucket/key?X-Amz-SignedHeaders=host&X-Amz-Signature=abc"

				var fetchDur, rawDur time.Duration
				b.SetBytes(int64(size))
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					t0 := time.Now()
					resp, err := c.Fetch(b.Context(), &Request{URL: url})
					if err != nil {
						b.Fatal(err)
					}
					n, err := io.CopyBuffer(io.Discard, resp.Body, buf)
					if err != nil || n != int64(size) {
						b.Fatal(n, err)
					}
					resp.Body.Close()
					t1 := time.Now()
					fetchDur += t1.Sub(t0)

					b.StopTimer()
					t2 := time.Now()
					rr, err := raw.Get(url)
					if err != nil {
						b.Fatal(err)
					}
					n, err = io.CopyBuffer(io.Discard, rr.Body, buf)
					if err != nil || n != int64(size) {
						b.Fatal(n, err)
					}
					rr.Body.Close()
					rawDur += time.Since(t2)
					b.StartTimer()
				}
				b.ReportMetric(float64(fetchDur)/float64(rawDur), "fetch/raw")
				b.ReportMetric(float64(rawDur.Nanoseconds())/float64(b.N), "raw-ns/op")
			})
		}
	}
}
