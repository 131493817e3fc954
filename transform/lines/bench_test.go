package lines

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

func benchCases() []struct {
	name string
	f    *Filter
} {
	return []struct {
		name string
		f    *Filter
	}{
		{"guard-only", MustNew()},
		{"drop-literal", MustNew(Drop(`2024`))},
		{"keep-literal", MustNew(Keep(`2024`))},
		{"keep-regex", MustNew(Keep(`^[A-Z][a-z]+ (the|of)\b`))},
	}
}

func runLines(t transform.Transform, data []byte) error {
	out, err := transform.Run(context.Background(), t, transformtest.Input{Body: data}.Object(nil))
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, out.Body)
	return err
}

// BenchmarkLines reports input MB/s, cpu-MB/s and x-copy (the time
// relative to an io.Copy of the same bytes measured in the same run).
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
	for _, c := range benchCases() {
		b.Run(c.name, func(b *testing.B) {
			transformtest.Measure(b, len(data), base, func() error { return runLines(c.f, data) })
		})
	}
}

// BenchmarkLinesVsLegacy alternates the filter and the line-at-a-time
// version it replaced (legacy_test.go): x-legacy is the speed-up, steady on
// a shared machine.
func BenchmarkLinesVsLegacy(b *testing.B) {
	data := transformtest.Text(1<<20, true)
	for _, c := range benchCases() {
		b.Run(c.name, func(b *testing.B) {
			transformtest.Paired(b, len(data), "legacy",
				func() error { return runLines(c.f, data) },
				func() error { return runLines(legacyFilter{c.f}, data) })
		})
	}
}
