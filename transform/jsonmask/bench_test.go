package jsonmask

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/objectlambda/sdk-go/transform"

	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

func benchData(ndjson bool) []byte {
	var b bytes.Buffer
	if !ndjson {
		b.WriteByte('[')
	}
	for i := 0; b.Len() < 4<<20; i++ {
		if i > 0 && !ndjson {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"user":{"name":"User %d","email":"u%d@example.com","password":"p%d"},"items":[{"sku":"A%d","card":"4111111111111111","qty":3}],"note":"lorem ipsum dolor sit amet"}`, i, i, i, i, i)
		if ndjson {
			b.WriteByte('\n')
		}
	}
	if !ndjson {
		b.WriteByte(']')
	}
	return b.Bytes()
}

// benchSmallLines is NDJSON made of many short lines: the per-line cost
// (line split, scanner and machine reset) dominates.
func benchSmallLines() []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < 4<<20; i++ {
		fmt.Fprintf(&b, "{\"id\":%d,\"password\":\"p%d\"}\n", i, i)
	}
	return b.Bytes()
}

// benchEscapes is a JSON array of long strings full of escapes and
// non-ASCII text: the decode and re-escape path of strings.
func benchEscapes() []byte {
	const piece = `line \"one\"\n\ttab \u00e9t\u00e9 caf\u00e9 \ud83d\ude00 \\ back\/slash 日本語 ü \u2028 `
	var b bytes.Buffer
	b.WriteByte('[')
	for i := 0; b.Len() < 4<<20; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"text":"%s","password":"%s"}`, i, strings.Repeat(piece, 12), piece)
	}
	b.WriteByte(']')
	return b.Bytes()
}

type benchCase struct {
	name   string
	data   []byte
	format Format
	paths  []Option
}

func benchCases() []benchCase {
	return []benchCase{
		{"json", benchData(false), FormatJSON, []Option{Remove("[*].user.email", "**.password"), Mask("[*].items[*].card")}},
		{"ndjson", benchData(true), FormatNDJSON, []Option{Remove("user.email", "**.password"), Mask("items[*].card")}},
		{"ndjson-small-lines", benchSmallLines(), FormatNDJSON, []Option{Remove("password")}},
		{"json-escapes", benchEscapes(), FormatJSON, []Option{Remove("[*].password")}},
	}
}

func BenchmarkMask(b *testing.B) {
	for _, c := range benchCases() {
		data := c.data
		base := transformtest.CopyBaseline(data)
		b.Run(c.name+"/io.Copy", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := io.Copy(io.Discard, transformtest.OnlyReader{Reader: bytes.NewReader(data)}); err != nil {
					b.Fatal(err)
				}
			}
		})
		m := MustNew(append(c.paths, WithFormat(c.format))...)
		b.Run(c.name+"/mask", func(b *testing.B) {
			transformtest.Measure(b, len(data), base, func() error {
				out, err := transform.Run(b.Context(), m, transformtest.Input{Body: data}.Object(nil))
				if err != nil {
					return err
				}
				_, err = io.Copy(io.Discard, out.Body)
				return err
			})
		})
	}
}

// BenchmarkLegacyMask runs the encoding/json version this package used
// before its scanner (legacy_test.go) on the same cases, for comparison.
func BenchmarkLegacyMask(b *testing.B) {
	for _, c := range benchCases() {
		data := c.data
		base := transformtest.CopyBaseline(data)
		m := legacyMasker{MustNew(append(c.paths, WithFormat(c.format))...)}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				out, err := transform.Run(b.Context(), m, transformtest.Input{Body: data}.Object(nil))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, out.Body); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(base), "x-copy")
		})
	}
}
