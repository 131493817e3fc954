package image_test

import (
	"bytes"
	"context"
	"fmt"
	stdimage "image"
	"image/png"
	"net/http"
	"net/url"

	"github.com/objectlambda/sdk-go/transform"
	imagex "github.com/objectlambda/sdk-go/transform/image"
)

// A 640×480 PNG requested as ?width=160&format=jpeg becomes a 160×120 JPEG
// thumbnail with a known Content-Length.
func ExampleNew() {
	var src bytes.Buffer
	png.Encode(&src, stdimage.NewGray(stdimage.Rect(0, 0, 640, 480)))

	tr, err := imagex.New(imagex.Config{MaxPixels: 20_000_000, Quality: 75})
	if err != nil {
		panic(err)
	}
	obj := &transform.Object{
		Body:    &src,
		Header:  http.Header{"Content-Type": {"image/png"}},
		Length:  int64(src.Len()),
		Request: &transform.Request{URL: &url.URL{Path: "/photo.png", RawQuery: "width=160&format=jpeg"}},
	}
	out, err := transform.Run(context.Background(), tr, obj)
	if err != nil {
		panic(err)
	}
	var thumb bytes.Buffer
	thumb.ReadFrom(out.Body)
	cfg, format, _ := stdimage.DecodeConfig(&thumb)
	fmt.Println(out.Header.Get("Content-Type"), format, cfg.Width, cfg.Height, out.Length > 0)
	// Output: image/jpeg jpeg 160 120 true
}

// Request parameters are validated against the payload's limits.
func ExampleTransformer_Params() {
	tr, err := imagex.FromPayload([]byte(`{"width": 320, "maxWidth": 1024}`))
	if err != nil {
		panic(err)
	}
	p, _ := tr.Params(&transform.Request{URL: &url.URL{RawQuery: "height=100&format=jpg"}})
	fmt.Printf("%d %d %s %d\n", p.Width, p.Height, p.Format, p.Quality)
	_, err = tr.Params(&transform.Request{URL: &url.URL{RawQuery: "width=4000"}})
	fmt.Println(err)
	// Output:
	// 320 100 jpeg 85
	// image: invalid request parameter: width must be an integer in 1..1024
}
