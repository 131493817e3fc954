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
	"errors"
	"log/slog"
	"os"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/compress"
)

func options() ([]objectlambda.Option, error) {
	return []objectlambda.Option{
		objectlambda.WithPayloadType[compress.Config](), // a payload typo fails every request with 500
		objectlambda.WithTransform(transform.Configure("", func(cfg compress.Config) (transform.Transform, error) {
			if cfg.Mode != "" && cfg.Mode != compress.ModeDecompress {
				return nil, errors.New(`this function only decompresses: mode must be "decompress"`)
			}
			return compress.FromConfig(cfg)
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
