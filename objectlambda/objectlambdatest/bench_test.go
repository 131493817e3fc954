package objectlambdatest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// zeroReader yields n zero bytes without allocating.
type zeroReader struct{ n int64 }

func (z *zeroReader) Read(p []byte) (int, error) {
	if z.n == 0 {
		return 0, io.EOF
	}
	m := min(int64(len(p)), z.n)
	clear(p[:m])
	z.n -= m
	return int(m), nil
}

// BenchmarkRelay streams a 64 MiB WriteGetObjectResponse body through the
// access point to an SDK client (two loopback hops), against one plain HTTP
// hop of the same bytes.
// heap-MiB shows that the relay does not buffer the object.
func BenchmarkRelay(b *testing.B) {
	const size = 64 << 20
	fn, _ := wgorFunction(func(*events.S3ObjectLambdaEvent) []*s3.WriteGetObjectResponseInput {
		return []*s3.WriteGetObjectResponseInput{{StatusCode: aws.Int32(200), Body: &zeroReader{n: size}}}
	})
	ap := New(b, WithMemoryStore(), fn)
	ctx := context.Background()
	var base float64
	// Baseline: the same bytes over one plain loopback HTTP hop.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.Copy(w, &zeroReader{n: size})
	}))
	defer srv.Close()
	b.Run("baseline-http", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			resp, err := ap.hc.Get(srv.URL)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				b.Fatal(err)
			}
			_ = resp.Body.Close()
		}
		base = b.Elapsed().Seconds() / float64(b.N)
	})
	b.Run("access-point", func(b *testing.B) {
		b.SetBytes(size)
		var peak uint64
		for b.Loop() {
			out, err := ap.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("k")})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, out.Body); err != nil {
				b.Fatal(err)
			}
			_ = out.Body.Close()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		per := b.Elapsed().Seconds() / float64(b.N)
		if base > 0 {
			b.ReportMetric(per/base, "x-baseline")
		}
		b.ReportMetric(float64(peak)/(1<<20), "heap-MiB")
	})
}
