// Command handlerfn is an objectlambda function configured only by its
// environment, as when deployed: AWS_REGION, AWS_ENDPOINT_URL_S3 and the
// credentials come from the RIE. It upper-cases objects.
package main

import (
	"context"
	"io"
	"strings"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/transform"
)

type upper struct{ r io.Reader }

func (u upper) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	copy(p[:n], strings.ToUpper(string(p[:n])))
	return n, err
}

func main() {
	objectlambda.Start(objectlambda.WithTransform(transform.Func(func(_ context.Context, in *transform.Object) (*transform.Object, error) {
		out := *in
		out.Body = upper{in.Body}
		return &out, nil
	})))
}
