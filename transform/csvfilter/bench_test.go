package csvfilter

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

func benchInput() []byte {
	var sb strings.Builder
	sb.WriteString("id,name,email,ssn,amount,country\n")
	for i := 0; sb.Len() < 8<<20; i++ {
		fmt.Fprintf(&sb, "%d,\"Name %d, Jr.\",user%d@example.com,%03d-%02d-%04d,%d.%02d,%s\n",
			i, i, i, i%1000, i%100, i%10000, i%5000, i%100, []string{"PT", "US", "DE"}[i%3])
	}
	return []byte(sb.String())
}

func benchCases() []struct {
	name string
	cfg  Config
} {
	return []struct {
		name string
		cfg  Config
	}{
		{"passthrough", Config{}},
		{"drop-columns", Config{Drop: []string{"ssn", "email"}}},
		{"filter-rows", Config{Where: []Predicate{{Column: "country", Op: "eq", Value: "PT"}, {Column: "amount", Op: "gt", Value: "100"}}}},
		{"regex", Config{Where: []Predicate{{Column: "email", Op: "regex", Value: `^user\d*7@`}}}},
	}
}

func runFilter(t transform.Transform, input []byte) error {
	obj := transformtest.Input{Body: input, ContentType: "text/csv"}.Object(nil)
	out, err := transform.Run(context.Background(), t, obj)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, out.Body)
	return err
}

// BenchmarkFilter reports input MB/s, cpu-MB/s and x-copy (the time
// relative to an io.Copy of the same bytes in the same run), and
// allocations: per object, not per row.
func BenchmarkFilter(b *testing.B) {
	input := benchInput()
	base := transformtest.CopyBaseline(input)
	b.Run("baseline-io.Copy", func(b *testing.B) {
		b.SetBytes(int64(len(input)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := io.Copy(io.Discard, transformtest.OnlyReader{Reader: bytes.NewReader(input)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range benchCases() {
		flt, err := FromConfig(c.cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			transformtest.Measure(b, len(input), base, func() error { return runFilter(flt, input) })
		})
	}
}

// BenchmarkFilterVsLegacy alternates the scanner and the encoding/csv
// version it replaced (legacy_test.go) on the same input: x-legacy is the
// speed-up, steady on a shared machine.
func BenchmarkFilterVsLegacy(b *testing.B) {
	input := benchInput()[:1<<20]
	input = input[:bytes.LastIndexByte(input, '\n')+1]
	for _, c := range benchCases() {
		flt, err := FromConfig(c.cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			transformtest.Paired(b, len(input), "legacy",
				func() error { return runFilter(flt, input) },
				func() error { return runFilter(legacyFilter{flt}, input) })
		})
	}
}
