package main

import (
	"errors"

	"github.com/objectlambda/sdk-go/gateway"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/compress"
	"github.com/objectlambda/sdk-go/transform/redact"
)

// builtins are the in-process functions of this binary, for InProcess in
// the configuration: the example functions, configured by the access
// point's FunctionPayload as their deployed counterparts are. Build your
// own binary with gateway.WithHandler for others.
func builtins() []gateway.Option {
	return []gateway.Option{
		// passthrough serves objects unchanged.
		gateway.WithHandler("passthrough"),
		// redact masks personal data; its payload is a redact.Config
		// (examples/redact-pii).
		gateway.WithHandler("redact",
			objectlambda.WithPayloadType[redact.Config](),
			objectlambda.WithTransform(transform.Configure("", func(cfg redact.Config) (transform.Transform, error) {
				if len(cfg.ContentTypes) == 0 {
					cfg.ContentTypes = []string{"text/*", "application/json", "+json", "application/x-ndjson", "application/csv"}
				}
				return redact.FromConfig(cfg)
			}))),
		// decompress serves gzip and zstd objects decompressed; its payload
		// is a compress.Config (examples/decompress).
		gateway.WithHandler("decompress",
			objectlambda.WithPayloadType[compress.Config](),
			objectlambda.WithTransform(transform.Configure("", func(cfg compress.Config) (transform.Transform, error) {
				if cfg.Mode != "" && cfg.Mode != compress.ModeDecompress {
					return nil, errors.New(`this function only decompresses: mode must be "decompress"`)
				}
				return compress.New(cfg)
			}))),
	}
}
