// Command decompress serves gzip and zstd objects decompressed, for clients
// that cannot decode them: "logs/2026-11-28.csv.gz" is read as CSV. Range
// requests address the decompressed bytes.
//
// The access point's payload is a compress.Config: the decompression-bomb
// limits and whether uncompressed objects pass through.
//
//	{"maxOutputBytes": 1073741824, "maxRatio": 200, "passthrough": true}
package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/compress"
)

func options() ([]objectlambda.Option, error) {
	return []objectlambda.Option{
		objectlambda.WithPayloadType[compress.Config](),
		objectlambda.WithTransform(transform.Func(func(ctx context.Context, obj *transform.Object) (*transform.Object, error) {
			cfg, err := objectlambda.DecodePayload[compress.Config](obj.Request)
			if err == nil && cfg.Mode != "" && cfg.Mode != compress.ModeDecompress {
				err = s3err.New(http.StatusInternalServerError, "InvalidPayload", `this function only decompresses: mode must be "decompress"`)
			}
			if err != nil {
				return nil, err
			}
			d, err := compress.New(cfg)
			if err != nil {
				return nil, s3err.Wrap(err, http.StatusInternalServerError, "InvalidPayload", err.Error())
			}
			return transform.Run(ctx, d, obj)
		})),
	}, nil
}

func main() {
	opts, err := options()
	if err != nil {
		slog.Error("decompress: configuration", "error", err)
		os.Exit(1)
	}
	objectlambda.Start(opts...)
}
