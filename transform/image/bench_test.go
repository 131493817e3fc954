package image_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/objectlambda/sdk-go/transform"
	imagex "github.com/objectlambda/sdk-go/transform/image"
)

type readerOnly struct{ io.Reader }

// BenchmarkThumbnail reports input MB/s and allocations for typical
// requests next to a plain io.Copy of the same input bytes, in the same run
// ("x-copy" is the time ratio; decoding dominates).
func BenchmarkThumbnail(b *testing.B) {
	jpg := encJPEG(b, gradient(1600, 1200, false))
	pngData := encPNG(b, gradient(800, 600, true))
	var baseline float64 // ns per input byte
	b.Run("baseline-io.Copy", func(b *testing.B) {
		b.SetBytes(int64(len(jpg)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := io.Copy(io.Discard, readerOnly{bytes.NewReader(jpg)}); err != nil {
				b.Fatal(err)
			}
		}
		baseline = float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(len(jpg))
	})
	cases := []struct {
		name  string
		input []byte
		px    float64 // source pixels
		query string
		cfg   imagex.Config
	}{
		{"jpeg-1600x1200-to-w200-catmullrom", jpg, 1600 * 1200, "width=200", imagex.Config{}},
		{"jpeg-1600x1200-to-w200-bilinear", jpg, 1600 * 1200, "width=200", imagex.Config{Interpolation: "bilinear"}},
		{"png-800x600-to-jpeg-w400", pngData, 800 * 600, "width=400&format=jpeg", imagex.Config{}},
	}
	for _, c := range cases {
		tr, err := imagex.FromConfig(c.cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.input)))
			b.ReportAllocs()
			for b.Loop() {
				out, err := transform.Run(context.Background(), tr, object(c.input, c.query, ""))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, out.Body); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(c.px*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpx/s")
			if baseline > 0 {
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(c.input))/baseline, "x-copy")
			}
		})
	}
}
