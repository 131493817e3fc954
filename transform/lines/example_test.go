package lines_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/lines"
)

func Example() {
	f := lines.MustNew(lines.Keep(`^(WARN|ERROR)`), lines.Drop(`healthcheck`), lines.Head(2))
	obj := &transform.Object{
		Body:    strings.NewReader("INFO up\nWARN slow\nERROR healthcheck\nERROR disk full\nERROR more\n"),
		Header:  http.Header{},
		Length:  -1,
		Request: &transform.Request{Operation: "GetObject"},
	}
	out, err := transform.Run(context.Background(), f, obj)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := io.ReadAll(out.Body)
	fmt.Print(string(b))
	// Output:
	// WARN slow
	// ERROR disk full
}

func ExampleFromPayload() {
	f, err := lines.FromPayload([]byte(`{"head":100,"query_overrides":true}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	// GET /app.log?head=1&grep=ERROR through the access point:
	req := &transform.Request{Operation: "GetObject", URL: &url.URL{Path: "/app.log", RawQuery: "head=1&grep=ERROR"}}
	obj := &transform.Object{Body: strings.NewReader("INFO a\nERROR b\nERROR c\n"), Header: http.Header{}, Length: -1, Request: req}
	out, err := transform.Run(context.Background(), f, obj)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := io.ReadAll(out.Body)
	fmt.Print(string(b))
	// Output: ERROR b
}
