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

// A static filter: warnings and errors, without health checks, at most two
// lines.
func ExampleMustNew() {
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

// New returns configuration errors instead of panicking: here a line limit
// beyond the maximum, then long lines cut to 8 bytes.
func ExampleNew() {
	if _, err := lines.New(lines.WithMaxLineLength(1 << 30)); err != nil {
		fmt.Println(err)
	}
	f, err := lines.New(lines.WithMaxLineLength(8), lines.TruncateLongLines())
	if err != nil {
		fmt.Println(err)
		return
	}
	obj := &transform.Object{
		Body:    strings.NewReader("short\na rather long line\n"),
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
	// lines: invalid configuration: max line length 1073741824 out of range 1..67108864
	// short
	// a rather
}

// Configured by the access point payload, with query overrides: a request
// narrows the output with ?head= and ?grep=.
func ExampleFromConfig() {
	f := transform.Configure("", func(cfg lines.Config) (transform.Transform, error) {
		return lines.FromConfig(cfg)
	})
	// GET /app.log?head=1&grep=ERROR through the access point:
	req := &transform.Request{
		Operation: "GetObject",
		URL:       &url.URL{Path: "/app.log", RawQuery: "head=1&grep=ERROR"},
		Payload:   []byte(`{"head": 100, "queryOverrides": true}`),
	}
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
