package compress_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/klauspost/compress/gzip"

	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/compress"
)

// Serve "report.csv.gz" to clients that cannot gunzip: the body is decoded
// as it streams and the Content-Type is derived from the inner extension.
func ExampleNewDecompressor() {
	var stored bytes.Buffer
	zw := gzip.NewWriter(&stored)
	fmt.Fprint(zw, "id,name\n1,ana\n")
	zw.Close()

	d, err := compress.NewDecompressor(compress.WithMaxOutputBytes(100 << 20))
	if err != nil {
		panic(err)
	}
	obj := &transform.Object{
		Body:    &stored,
		Header:  http.Header{"Content-Type": {"application/gzip"}},
		Length:  int64(stored.Len()),
		Request: &transform.Request{Key: "reports/report.csv.gz"},
	}
	out, err := transform.Run(context.Background(), d, obj)
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Header.Get("Content-Type"), out.Length)
	io.Copy(os.Stdout, out.Body)
	// Output:
	// text/csv -1
	// id,name
	// 1,ana
}

// Shrink text on its way out with zstd, whatever the client asked for; the
// response says so in Content-Encoding.
func ExampleNewCompressor() {
	c, err := compress.NewCompressor(compress.WithEncoding(compress.Zstd), compress.WithLevel(3))
	if err != nil {
		panic(err)
	}
	obj := &transform.Object{
		Body:    bytes.NewReader(bytes.Repeat([]byte("GET /index.html 200\n"), 500)),
		Header:  http.Header{"Content-Type": {"text/plain"}},
		Length:  10000,
		Request: &transform.Request{Key: "logs/access.log"},
	}
	out, err := transform.Run(context.Background(), c, obj)
	if err != nil {
		panic(err)
	}
	n, _ := io.Copy(io.Discard, out.Body)
	fmt.Println(out.Header.Get("Content-Encoding"), out.Length, n < 10000)
	// Output: zstd -1 true
}

// Configure from the access point payload: this one compresses with
// whatever the client's Accept-Encoding allows, and says so in Vary.
func ExampleFromConfig() {
	tr := transform.Configure("", func(cfg compress.Config) (transform.Transform, error) {
		return compress.FromConfig(cfg)
	})
	obj := &transform.Object{
		Body:   bytes.NewReader(bytes.Repeat([]byte("hello "), 1000)),
		Header: http.Header{"Content-Type": {"text/plain"}},
		Length: 6000,
		Request: &transform.Request{
			Header:  http.Header{"Accept-Encoding": {"gzip;q=1.0, zstd;q=0.5"}},
			Payload: []byte(`{"mode": "compress", "encoding": "auto", "level": 3}`),
		},
	}
	out, err := transform.Run(context.Background(), tr, obj)
	if err != nil {
		panic(err)
	}
	n, _ := io.Copy(io.Discard, out.Body)
	fmt.Println(out.Header.Get("Content-Encoding"), out.Header.Get("Vary"), n < 6000)
	// Output: gzip Accept-Encoding true
}
