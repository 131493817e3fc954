// Command csv-by-role serves one CSV export differently to each caller: the
// access point's payload maps callers — role names, principal ARNs, session
// issuer ARNs — to the columns they may see. Callers it does not name get
// 403 AccessDenied before anything is read.
//
//	{"access": {"allow": {"analyst": ["*"], "support": ["id", "name", "country"]}}}
//
// The payload is a csvfilter.Config (see package csvfilter): besides access,
// it can drop columns for everyone and filter rows. A caller may narrow the
// columns further with ?columns=id,name, never widen them.
package main

import (
	"errors"
	"log/slog"
	"os"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/csvfilter"
)

func options() ([]objectlambda.Option, error) {
	return []objectlambda.Option{
		objectlambda.WithPayloadType[csvfilter.Config](), // a payload typo fails every request with 500
		objectlambda.WithTransform(transform.Configure("", func(cfg csvfilter.Config) (transform.Transform, error) {
			if cfg.Access == nil {
				return nil, errors.New("the payload must say who may see which columns (access)")
			}
			return csvfilter.FromConfig(cfg)
		})),
	}, nil
}

func main() {
	opts, err := options()
	if err != nil {
		slog.Error("csv-by-role: configuration", "error", err)
		os.Exit(1)
	}
	objectlambda.Start(opts...)
}
