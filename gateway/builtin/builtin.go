// Package builtin registers the example functions as in-process functions
// of a gateway, configured by the access point's FunctionPayload as their
// deployed counterparts in examples/ are:
//
//	passthrough  objects unchanged
//	redact       personal data masked; the payload is a redact.Config
//	decompress   gzip and zstd objects decompressed; the payload is a compress.Config
//
// cmd/objectlambda-gateway registers them all ([Functions]; [Names] lists
// them). A gateway binary of your own adds its functions with
// [gateway.WithHandler] or [gateway.WithFunction].
package builtin

import (
	"errors"

	"github.com/objectlambda/sdk-go/gateway"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/compress"
	"github.com/objectlambda/sdk-go/transform/redact"
)

// Names returns the names Functions registers.
func Names() []string { return []string{"passthrough", "redact", "decompress"} }

// Functions returns the options that register the built-in functions.
func Functions() []gateway.Option {
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
				return compress.FromConfig(cfg)
			}))),
	}
}
