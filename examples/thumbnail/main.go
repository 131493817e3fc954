// Command thumbnail serves resized images: ?width= (and ?height=) choose the
// size, ?format=png|jpeg or the Accept header the format, so a bucket keeps
// one original and callers get the rendition they need.
//
// The access point's payload is an image.Config (see package transform/image):
// the default size and quality and the limits that keep a hostile image from
// exhausting the function's memory.
//
//	{"width": 256, "quality": 80, "maxWidth": 1024, "maxHeight": 1024}
package main

import (
	"log/slog"
	"os"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/image"
)

func options() ([]objectlambda.Option, error) {
	return []objectlambda.Option{
		objectlambda.WithPayloadType[image.Config](), // a payload typo fails every request with 500
		objectlambda.WithTransform(transform.Configure("", func(cfg image.Config) (transform.Transform, error) {
			return image.FromConfig(cfg)
		})),
	}, nil
}

func main() {
	opts, err := options()
	if err != nil {
		slog.Error("thumbnail: configuration", "error", err)
		os.Exit(1)
	}
	objectlambda.Start(opts...)
}
