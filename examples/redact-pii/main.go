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
	"log/slog"
	"os"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/redact"
)

func options() ([]objectlambda.Option, error) {
	return []objectlambda.Option{
		objectlambda.WithPayloadType[redact.Config](), // a payload typo fails every request with 500
		objectlambda.WithTransform(transform.Configure("", func(cfg redact.Config) (transform.Transform, error) {
			if len(cfg.ContentTypes) == 0 {
				cfg.ContentTypes = []string{"text/*", "application/json", "+json", "application/x-ndjson", "application/csv"}
			}
			return redact.FromConfig(cfg)
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
