package compress_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/compress"
)

// readerOnly hides WriterTo so io.Copy really moves the bytes through Read,
// as it does for a transform's body.
type readerOnly struct{ io.Reader }

// benchInput is 8 MiB of log-like text (compresses ~5-10x).
func benchInput() []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < 8<<20; i++ {
		fmt.Fprintf(&b, "2025-01-01T00:00:%02d.%06dZ INFO request id=%d path=/api/v1/items/%d status=200 bytes=%d\n", i%60, i, i, i*7%1000, i*13%65536)
	}
	return b.Bytes()
}

// BenchmarkTransforms reports MB/s of output and allocations for each
// transform next to a plain io.Copy of the same output bytes; the metric
// "x-copy" is the time ratio to that baseline measured in the same run.
func BenchmarkTransforms(b *testing.B) {
	plain := benchInput()
	gzData, zsData := gz(b, plain), zst(b, plain)
	var baseline float64 // ns per output byte of io.Copy
	b.Run("baseline-io.Copy", func(b *testing.B) {
		b.SetBytes(int64(len(plain)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := io.Copy(io.Discard, readerOnly{bytes.NewReader(plain)}); err != nil {
				b.Fatal(err)
			}
		}
		baseline = float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(len(plain))
	})
	cases := []struct {
		name  string
		input []byte
		key   string
		cfg   compress.Config
	}{
		{"decompress-gzip", gzData, "a.gz", compress.Config{}},
		{"decompress-zstd", zsData, "a.zst", compress.Config{}},
		{"compress-gzip-1", plain, "a", compress.Config{Mode: "compress", Encoding: "gzip", Level: 1}},
		{"compress-gzip-default", plain, "a", compress.Config{Mode: "compress", Encoding: "gzip"}},
		{"compress-zstd-default", plain, "a", compress.Config{Mode: "compress", Encoding: "zstd"}},
	}
	for _, c := range cases {
		tr, err := compress.FromConfig(c.cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(plain))) // throughput in uncompressed bytes
			b.ReportAllocs()
			for b.Loop() {
				out, err := transform.Run(context.Background(), tr, object(c.input, c.key, nil))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, out.Body); err != nil {
					b.Fatal(err)
				}
			}
			if baseline > 0 {
				perByte := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(len(plain))
				b.ReportMetric(perByte/baseline, "x-copy")
			}
		})
	}
}
