package jsonmask_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/jsonmask"
)

func run(t transform.Transform, contentType, body string) string {
	obj := &transform.Object{
		Body:    strings.NewReader(body),
		Header:  http.Header{"Content-Type": {contentType}},
		Length:  int64(len(body)),
		Request: &transform.Request{Operation: "GetObject"},
	}
	out, err := transform.Run(context.Background(), t, obj)
	if err != nil {
		return "error: " + err.Error()
	}
	b, err := io.ReadAll(out.Body)
	if err != nil {
		return "error: " + err.Error()
	}
	return string(b)
}

func Example() {
	m := jsonmask.MustNew(jsonmask.Remove("user.email", "**.password"), jsonmask.Mask("items[*].card"))
	fmt.Println(run(m, "application/json", `{
		"user": {"name": "Ana", "email": "ana@example.com", "password": "hunter2"},
		"items": [{"sku": "A1", "card": "4111111111111111"}]
	}`))
	// Output: {"user":{"name":"Ana"},"items":[{"sku":"A1","card":"[REDACTED]"}]}
}

func ExampleFromPayload() {
	m, err := jsonmask.FromPayload([]byte(`{"remove":["ip"],"mask":["user"],"mask_value":null}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(run(m, "application/x-ndjson", "{\"user\":\"ana\",\"ip\":\"10.0.0.1\",\"path\":\"/\"}\n{\"user\":\"bob\",\"path\":\"/a\"}\n"))
	// Output:
	// {"user":null,"path":"/"}
	// {"user":null,"path":"/a"}
}
