package redact

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

// benchCorpora are the inputs of the benchmarks: English-like prose with a
// sensitive value every 2 KiB or so, and application logs (digits
// everywhere) where one line in 16 carries one.
func benchCorpora() []struct {
	name string
	data []byte
} {
	return []struct {
		name string
		data []byte
	}{
		{"text", transformtest.Text(4<<20, true)},
		{"logs", transformtest.Logs(4<<20, 16)},
	}
}

func benchCases() []struct {
	name string
	opts []Option
} {
	return []struct {
		name string
		opts []Option
	}{
		{"email", []Option{Emails()}},
		{"email+card", []Option{Emails(), CardNumbers()}},
		{"default", []Option{withDetectors("default")}},
		{"example", []Option{withDetectors(DetectorEmail, DetectorCard, DetectorPhone, DetectorSSN)}}, // examples/redact-pii
		{"default+entropy", []Option{withDetectors("default", DetectorHighEntropyToken)}},
		{"regex", []Option{WithPattern(`EMP-[0-9]{6}`, `(?i)password=[^ ]{1,32}`)}},
		{"default/same-length", []Option{withDetectors("default"), WithSameLength('*')}},
	}
}

// BenchmarkRedact reports input MB/s and x-copy, the time relative to an
// io.Copy of the same bytes measured in the same run.
func BenchmarkRedact(b *testing.B) {
	for _, corpus := range benchCorpora() {
		data := corpus.data
		base := transformtest.CopyBaseline(data)
		b.Run(corpus.name+"/io.Copy", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := io.Copy(io.Discard, transformtest.OnlyReader{Reader: bytes.NewReader(data)}); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, c := range benchCases() {
			r := MustNew(c.opts...)
			b.Run(corpus.name+"/"+c.name, func(b *testing.B) { benchTransform(b, r, data, base) })
		}
	}
}

// BenchmarkLegacyRedact runs the byte-at-a-time matchers this package used
// before (legacy_test.go) on the same cases, for comparison in one run.
func BenchmarkLegacyRedact(b *testing.B) {
	for _, corpus := range benchCorpora() {
		data := corpus.data
		base := transformtest.CopyBaseline(data)
		for _, c := range benchCases() {
			r := legacyRedactor{MustNew(c.opts...)}
			b.Run(corpus.name+"/"+c.name, func(b *testing.B) { benchTransform(b, r, data, base) })
		}
	}
}

func benchTransform(b *testing.B, t transform.Transform, data []byte, base time.Duration) {
	transformtest.Measure(b, len(data), base, func() error {
		out, err := transform.Run(b.Context(), t, transformtest.Input{Body: data}.Object(nil))
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, out.Body)
		return err
	})
}

// BenchmarkRedactVsLegacy alternates the matchers and the legacy ones on the
// same input: x-legacy is the speed-up, steady on a shared machine.
func BenchmarkRedactVsLegacy(b *testing.B) {
	for _, corpus := range benchCorpora() {
		data := corpus.data[:1<<20]
		for _, c := range benchCases() {
			switch c.name {
			case "default", "example", "default/same-length":
			default:
				continue // the others show the same
			}
			r := MustNew(c.opts...)
			run := func(t transform.Transform) func() error {
				return func() error {
					out, err := transform.Run(b.Context(), t, transformtest.Input{Body: data}.Object(nil))
					if err != nil {
						return err
					}
					_, err = io.Copy(io.Discard, out.Body)
					return err
				}
			}
			b.Run(corpus.name+"/"+c.name, func(b *testing.B) {
				transformtest.Paired(b, len(data), "legacy", run(r), run(legacyRedactor{r}))
			})
		}
	}
}
