package lines

import (
	"bytes"
	"io"
	"testing"

	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

func BenchmarkLines(b *testing.B) {
	data := transformtest.Text(4<<20, true)
	base := transformtest.CopyBaseline(data)
	b.Run("io.Copy", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := io.Copy(io.Discard, transformtest.OnlyReader{Reader: bytes.NewReader(data)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range []struct {
		name string
		f    *Filter
	}{
		{"guard-only", MustNew()},
		{"drop-literal", MustNew(Drop(`2024`))},
		{"keep-regex", MustNew(Keep(`^[A-Z][a-z]+ (the|of)\b`))},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				r := &reader{f: c.f, src: bytes.NewReader(data), chunk: make([]byte, readChunk)}
				if _, err := io.Copy(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(base), "x-copy")
		})
	}
}
