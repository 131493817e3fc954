package redact

import (
	"bytes"
	"io"
	"testing"

	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

func BenchmarkRedact(b *testing.B) {
	data := transformtest.Text(4<<20, true)
	base := transformtest.CopyBaseline(data)
	cases := []struct {
		name string
		opts []Option
	}{
		{"email", []Option{Emails()}},
		{"email+card", []Option{Emails(), CardNumbers()}},
		{"default", []Option{WithDetectors("default")}},
		{"default+entropy", []Option{WithDetectors("default", DetectorHighEntropyToken)}},
		{"regex", []Option{WithPattern(`EMP-[0-9]{6}`, `(?i)password=[^ ]{1,32}`)}},
		{"default/same-length", []Option{WithDetectors("default"), WithSameLength('*')}},
	}
	b.Run("io.Copy", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := io.Copy(io.Discard, transformtest.OnlyReader{Reader: bytes.NewReader(data)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range cases {
		r := MustNew(c.opts...)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				rd := newReader(bytes.NewReader(data), r.matchers, newMasker(r.style, r.replacement, r.maskChar, r.key, r.hashLen), r.block)
				if _, err := io.Copy(io.Discard, rd); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(base), "x-copy")
		})
	}
}
