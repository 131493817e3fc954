package jsonmask

import (
	"bytes"
	"fmt"
	"io"
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

func BenchmarkMask(b *testing.B) {
	for _, nd := range []bool{false, true} {
		data := benchData(nd)
		base := transformtest.CopyBaseline(data)
		name, format, prefix := "json", FormatJSON, "[*]."
		if nd {
			name, format, prefix = "ndjson", FormatNDJSON, ""
		}
		b.Run(name+"/io.Copy", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := io.Copy(io.Discard, transformtest.OnlyReader{Reader: bytes.NewReader(data)}); err != nil {
					b.Fatal(err)
				}
			}
		})
		m := MustNew(Remove(prefix+"user.email", "**.password"), Mask(prefix+"items[*].card"), WithFormat(format))
		b.Run(name+"/mask", func(b *testing.B) {
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
