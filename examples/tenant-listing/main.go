// Command tenant-listing confines every caller to their own key prefix,
// "tenants/<name>/": GetObject and HeadObject outside it are denied, and
// ListObjectsV2 from the bucket root (or "tenants/") shows only the caller's
// own objects. <name> is the IAM user name, or the session name of an assumed
// role — see the README for the trust policy that makes session names
// trustworthy.
//
// Objects are served unchanged, so Range and partNumber are pushed down to S3
// and ETags and checksums survive.
package main

import (
	"log/slog"
	"os"

	"github.com/objectlambda/sdk-go/objectlambda"
)

func options() ([]objectlambda.Option, error) {
	return []objectlambda.Option{
		objectlambda.WithTenantPrefix(objectlambda.TenantFromCaller("tenants/%s/")),
	}, nil
}

func main() {
	opts, err := options()
	if err != nil {
		slog.Error("tenant-listing: configuration", "error", err)
		os.Exit(1)
	}
	objectlambda.Start(opts...)
}
