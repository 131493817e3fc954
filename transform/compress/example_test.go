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
func ExampleDecompress() {
	var stored bytes.Buffer
	zw := gzip.NewWriter(&stored)
	fmt.Fprint(zw, "id,name\n1,ana\n")
	zw.Close()

	d, err := compress.Decompress(compress.WithMaxOutputBytes(100 << 20))
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

// Configure from the access point payload: compress with whatever the
// client's Accept-Encoding allows.
func ExampleFromPayload() {
	tr, err := compress.FromPayload([]byte(`{"mode": "compress", "encoding": "auto", "level": 3}`))
	if err != nil {
		panic(err)
	}
	obj := &transform.Object{
		Body:    bytes.NewReader(bytes.Repeat([]byte("hello "), 1000)),
		Header:  http.Header{"Content-Type": {"text/plain"}},
		Length:  6000,
		Request: &transform.Request{Header: http.Header{"Accept-Encoding": {"gzip;q=1.0, zstd;q=0.5"}}},
	}
	out, err := transform.Run(context.Background(), tr, obj)
	if err != nil {
		panic(err)
	}
	n, _ := io.Copy(io.Discard, out.Body)
	fmt.Println(out.Header.Get("Content-Encoding"), out.Header.Get("Vary"), n < 6000)
	// Output: gzip Accept-Encoding true
}

func ExampleNegotiate() {
	fmt.Println(compress.Negotiate("gzip, deflate, br, zstd"))
	fmt.Println(compress.Negotiate("gzip;q=1, zstd;q=0.1"))
	fmt.Printf("%q\n", compress.Negotiate("br"))
	// Output:
	// zstd
	// gzip
	// ""
}
