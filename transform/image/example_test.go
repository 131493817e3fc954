package image_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	stdimage "image"
	"image/png"
	"net/http"
	"net/url"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	imagex "github.com/objectlambda/sdk-go/transform/image"
)

// A 640×480 PNG requested as ?width=160&format=jpeg becomes a 160×120 JPEG
// thumbnail with a known Content-Length.
func ExampleNew() {
	var src bytes.Buffer
	png.Encode(&src, stdimage.NewGray(stdimage.Rect(0, 0, 640, 480)))

	tr, err := imagex.New(imagex.WithQuality(75), imagex.WithLimits(8<<20, 20_000_000, 1024, 1024))
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

// The access point payload sets the default width and the limits; a
// request may choose another size within them, and one beyond them is
// refused with 400 InvalidArgument before the image is read.
func ExampleFromConfig() {
	tr := transform.Configure("", func(cfg imagex.Config) (transform.Transform, error) {
		return imagex.FromConfig(cfg)
	})
	payload := []byte(`{"width": 320, "maxWidth": 1024, "maxHeight": 1024}`)
	for _, query := range []string{"", "width=4000"} {
		var src bytes.Buffer
		png.Encode(&src, stdimage.NewGray(stdimage.Rect(0, 0, 640, 480)))
		obj := &transform.Object{
			Body:    &src,
			Header:  http.Header{"Content-Type": {"image/png"}},
			Length:  int64(src.Len()),
			Request: &transform.Request{URL: &url.URL{Path: "/photo.png", RawQuery: query}, Payload: payload},
		}
		out, err := transform.Run(context.Background(), tr, obj)
		var s3e *s3err.Error
		if errors.As(err, &s3e) {
			fmt.Println(s3e.StatusCode, s3e.Code)
			continue
		}
		cfg, format, _ := stdimage.DecodeConfig(out.Body)
		fmt.Println(format, cfg.Width, cfg.Height)
	}
	// Output:
	// png 320 240
	// 400 InvalidArgument
}
