package transform_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/objectlambda/sdk-go/transform"
)

// A range-safe transform: each output byte depends only on the input byte at
// the same position, so the pipeline may fetch just the requested range.
func ExampleDeclare() {
	upper := transform.Declare(transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		src := o.Body
		o.Body = readerFunc(func(p []byte) (int, error) {
			n, err := src.Read(p)
			copy(p, bytes.ToUpper(p[:n]))
			return n, err
		})
		return o, nil
	}), transform.Properties{RangeSafe: true})

	h := http.Header{"Etag": {`"abc"`}, "Content-Type": {"text/plain"}}
	out, _ := transform.Run(context.Background(), upper, &transform.Object{Body: strings.NewReader("hello"), Header: h, Length: 5})
	b, _ := io.ReadAll(out.Body)
	fmt.Println(string(b), out.Length, out.Header.Get("ETag") == "")
	// Output: HELLO 5 true
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// Chain composes transforms; its properties are what every member shares.
func ExampleChain() {
	c := transform.Chain(transform.Identity(), transform.Declare(transform.Identity(), transform.Properties{LengthPreserving: true}))
	fmt.Printf("%+v\n", transform.Describe(c))
	// Output: {BodyUnchanged:false LengthPreserving:true RangeSafe:false}
}
