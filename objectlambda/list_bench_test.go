package objectlambda

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/objectlambda/sdk-go/internal/listing"
)

// page1000 is an S3-like ListObjectsV2 page of 1,000 keys, a tenth of them
// instruction files.
func page1000(tb testing.TB) []byte {
	tb.Helper()
	fl := &fakeLister{}
	for i := range 1000 {
		k := fmt.Sprintf("tenants/alice/photos/2024/%04d/IMG_%06d.jpg", i/100, i)
		if i%10 == 9 {
			k = fmt.Sprintf("tenants/alice/photos/2024/%04d/IMG_%06d.jpg.instruction", i/100, i-1)
		}
		fl.keys = append(fl.keys, k)
	}
	rec := &bufferResponse{header: http.Header{}}
	fl.ServeHTTP(rec, &http.Request{URL: &url.URL{RawQuery: "list-type=2"}})
	return rec.buf.Bytes()
}

type bufferResponse struct {
	header http.Header
	buf    bytes.Buffer
}

func (b *bufferResponse) Header() http.Header         { return b.header }
func (b *bufferResponse) Write(p []byte) (int, error) { return b.buf.Write(p) }
func (b *bufferResponse) WriteHeader(int)             {}

// BenchmarkListPage1000 measures the LIST work of one 1,000-key page
// without the network: parse, filter (instruction files and a tenant
// prefix), write the XML and encode the reply JSON. The baseline is what
// the lead's first version did: read the XML and JSON-encode it unchanged.
func BenchmarkListPage1000(b *testing.B) {
	page := page1000(b)
	h := &Handler{}
	for _, o := range []Option{
		WithListFilter(hideInstructionFiles),
		WithTenantPrefix(func(context.Context, *Request) (string, error) { return "tenants/alice/", nil }),
	} {
		if err := o(&h.cfg); err != nil {
			b.Fatal(err)
		}
	}
	req := &Request{}
	ctx := context.Background()

	run := func(b *testing.B) time.Duration {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		start := time.Now()
		for b.Loop() {
			l, err := listing.Parse(page)
			if err != nil {
				b.Fatal(err)
			}
			l.V2 = true
			if err := h.filterList(ctx, req, l); err != nil {
				b.Fatal(err)
			}
			out, err := l.AppendXML(make([]byte, 0, len(page)))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(&listReply{StatusCode: 200, ListResultXML: string(out)}); err != nil {
				b.Fatal(err)
			}
			if len(l.Contents) != 900 {
				b.Fatalf("kept %d entries", len(l.Contents))
			}
		}
		return time.Since(start) / time.Duration(b.N)
	}
	baseline := func(b *testing.B) time.Duration {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		start := time.Now()
		for b.Loop() {
			if _, err := json.Marshal(&listReply{StatusCode: 200, ListResultXML: string(page)}); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start) / time.Duration(b.N)
	}
	var base time.Duration
	b.Run("passthrough-baseline", func(b *testing.B) { base = baseline(b) })
	b.Run("parse-filter-emit", func(b *testing.B) {
		per := run(b)
		b.ReportMetric(1000, "keys/op")
		b.ReportMetric(float64(per.Nanoseconds())/1000, "ns/key")
		if base > 0 {
			b.ReportMetric(float64(per)/float64(base), "x-baseline")
		}
	})
}
