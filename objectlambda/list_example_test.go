package objectlambda_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/transform"
)

// A listing that hides temporary objects from every caller. The filter sees
// real keys, whatever encoding-type the caller asked for.
func ExampleWithListFilter() {
	h, err := objectlambda.New(
		objectlambda.WithListFilter(func(_ context.Context, _ *objectlambda.Request, e *objectlambda.ListEntry) (bool, error) {
			return !strings.HasSuffix(e.Key, ".tmp"), nil
		}),
		objectlambda.WithS3Client(noWGOR{}),
	)
	fmt.Println(h != nil, err)
	// Output: true <nil>
}

// A multi-tenant access point: every caller sees only tenants/<user>/,
// in listings, HEAD and GET.
func ExampleWithTenantPrefix() {
	h, err := objectlambda.New(
		objectlambda.WithTenantPrefix(objectlambda.TenantFromCaller("tenants/%s/")),
		objectlambda.WithS3Client(noWGOR{}),
	)
	fmt.Println(h != nil, err)
	// Output: true <nil>
}

// A transform that changes the length answers HEAD without reading the
// object when it states its output length.
type trailer string

func (t trailer) Apply(_ context.Context, in *transform.Object) (*transform.Object, error) {
	in.Body = io.MultiReader(in.Body, strings.NewReader(string(t)))
	return in, nil
}

func (t trailer) OutputLength(_ http.Header, n int64) (int64, bool) {
	return n + int64(len(t)), true
}

func Example_lengthStater() {
	var t transform.Transform = trailer("\n-- end --\n")
	// HEAD runs the chain over headers only and serves the stated length.
	out, err := transform.Run(context.Background(), t, &transform.Object{Body: transform.HeadersOnly(), Header: http.Header{}, Length: 100})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Length)
	// Output: 111
}

type noWGOR struct{ objectlambda.WGORAPI }
