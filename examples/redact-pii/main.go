// Command redact-pii serves text, CSV and JSON objects with personal data
// masked: e-mail addresses, card numbers, phone numbers and whatever else the
// access point's payload names. One deployed function can serve several
// access points, each with its own detectors:
//
//	{"detectors": ["email", "card", "phone"], "mask": "fixed"}
//
// The payload is a redact.Config (see package redact): detectors, custom
// patterns, the mask style, content types, exempt principals. Objects of
// other content types are refused with 415 rather than served unredacted.
package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/redact"
)

func options() ([]objectlambda.Option, error) {
	return []objectlambda.Option{
		objectlambda.WithPayloadType[redact.Config](), // a payload typo fails every request with 500
		objectlambda.WithTransform(transform.Func(func(ctx context.Context, obj *transform.Object) (*transform.Object, error) {
			cfg, err := objectlambda.DecodePayload[redact.Config](obj.Request)
			if err != nil {
				return nil, err
			}
			if len(cfg.ContentTypes) == 0 {
				cfg.ContentTypes = []string{"text/*", "application/json", "+json", "application/x-ndjson", "application/csv"}
			}
			r, err := redact.FromConfig(cfg)
			if err != nil {
				return nil, s3err.Wrap(err, http.StatusInternalServerError, "InvalidPayload", err.Error())
			}
			return transform.Run(ctx, r, obj)
		})),
	}, nil
}

func main() {
	opts, err := options()
	if err != nil {
		slog.Error("redact-pii: configuration", "error", err)
		os.Exit(1)
	}
	objectlambda.Start(opts...)
}
