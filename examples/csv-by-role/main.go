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
	"context"
	"log/slog"
	"net/http"
	"os"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/csvfilter"
)

func options() ([]objectlambda.Option, error) {
	return []objectlambda.Option{
		objectlambda.WithPayloadType[csvfilter.Config](),
		objectlambda.WithTransform(transform.Func(func(ctx context.Context, obj *transform.Object) (*transform.Object, error) {
			cfg, err := objectlambda.DecodePayload[csvfilter.Config](obj.Request)
			if err == nil && cfg.Access == nil {
				err = s3err.New(http.StatusInternalServerError, "InvalidPayload", "the payload must say who may see which columns (access)")
			}
			if err != nil {
				return nil, err
			}
			f, err := csvfilter.New(cfg)
			if err != nil {
				return nil, s3err.Wrap(err, http.StatusInternalServerError, "InvalidPayload", err.Error())
			}
			return transform.Run(ctx, f, obj)
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
