package csvfilter_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/csvfilter"
)

type readerOnly struct{ io.Reader }

// BenchmarkFilter reports input MB/s and allocations next to a plain
// io.Copy of the same bytes in the same run ("x-copy" is the time ratio).
func BenchmarkFilter(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("id,name,email,ssn,amount,country\n")
	for i := 0; sb.Len() < 8<<20; i++ {
		fmt.Fprintf(&sb, "%d,\"Name %d, Jr.\",user%d@example.com,%03d-%02d-%04d,%d.%02d,%s\n",
			i, i, i, i%1000, i%100, i%10000, i%5000, i%100, []string{"PT", "US", "DE"}[i%3])
	}
	input := []byte(sb.String())
	var baseline float64
	b.Run("baseline-io.Copy", func(b *testing.B) {
		b.SetBytes(int64(len(input)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := io.Copy(io.Discard, readerOnly{bytes.NewReader(input)}); err != nil {
				b.Fatal(err)
			}
		}
		baseline = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	cases := []struct {
		name string
		cfg  csvfilter.Config
	}{
		{"passthrough", csvfilter.Config{}},
		{"drop-columns", csvfilter.Config{Drop: []string{"ssn", "email"}}},
		{"filter-rows", csvfilter.Config{Where: []csvfilter.Predicate{{Column: "country", Op: "eq", Value: "PT"}, {Column: "amount", Op: "gt", Value: "100"}}}},
		{"regex", csvfilter.Config{Where: []csvfilter.Predicate{{Column: "email", Op: "regex", Value: `^user\d*7@`}}}},
	}
	for _, c := range cases {
		flt, err := csvfilter.New(c.cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(input)))
			b.ReportAllocs()
			for b.Loop() {
				obj := object("", "", transform.Caller{})
				obj.Body = bytes.NewReader(input)
				out, err := transform.Run(context.Background(), flt, obj)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, out.Body); err != nil {
					b.Fatal(err)
				}
			}
			if baseline > 0 {
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/baseline, "x-copy")
			}
		})
	}
}
