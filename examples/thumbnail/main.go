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
	"context"
	"log/slog"
	"net/http"
	"os"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/image"
)

func options() ([]objectlambda.Option, error) {
	return []objectlambda.Option{
		objectlambda.WithPayloadType[image.Config](),
		objectlambda.WithTransform(transform.Func(func(ctx context.Context, obj *transform.Object) (*transform.Object, error) {
			cfg, err := objectlambda.DecodePayload[image.Config](obj.Request)
			if err != nil {
				return nil, err
			}
			t, err := image.New(cfg)
			if err != nil {
				return nil, s3err.Wrap(err, http.StatusInternalServerError, "InvalidPayload", err.Error())
			}
			return transform.Run(ctx, t, obj)
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
