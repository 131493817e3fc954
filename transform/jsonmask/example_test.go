package jsonmask_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
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

// A static configuration: MustNew panics on a bad path, which a test of
// the function catches before it ships.
func ExampleMustNew() {
	m := jsonmask.MustNew(jsonmask.Remove("user.email", "**.password"), jsonmask.Mask("items[*].card"))
	fmt.Println(run(m, "application/json", `{
		"user": {"name": "Ana", "email": "ana@example.com", "password": "hunter2"},
		"items": [{"sku": "A1", "card": "4111111111111111"}]
	}`))
	// Output: {"user":{"name":"Ana"},"items":[{"sku":"A1","card":"[REDACTED]"}]}
}

// New returns configuration errors: here a path that does not parse, then
// a masker that writes 0 in place of every salary.
func ExampleNew() {
	if _, err := jsonmask.New(jsonmask.Remove("a..b")); err != nil {
		fmt.Println(errors.Is(err, jsonmask.ErrConfig), errors.Is(err, jsonmask.ErrInvalidPath))
	}
	m, err := jsonmask.New(jsonmask.Mask("[*].salary"), jsonmask.WithMaskValue(json.RawMessage("0")))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(run(m, "application/json", `[{"name": "Ana", "salary": 5000}, {"name": "Rui", "salary": 4200}]`))
	// Output:
	// true true
	// [{"name":"Ana","salary":0},{"name":"Rui","salary":0}]
}

// Configured by the access point payload: NDJSON lines lose their ip, the
// user becomes null, and callers with the auditor role see everything.
func ExampleFromConfig() {
	m := transform.Configure("", func(cfg jsonmask.Config) (transform.Transform, error) {
		return jsonmask.FromConfig(cfg)
	})
	payload := []byte(`{"remove": ["ip"], "mask": ["user"], "maskValue": null,
		"exemptPrincipals": ["arn:aws:iam::111122223333:role/auditor"]}`)
	body := "{\"user\":\"ana\",\"ip\":\"10.0.0.1\",\"path\":\"/\"}\n{\"user\":\"bob\",\"path\":\"/a\"}\n"
	for _, issuer := range []string{"arn:aws:iam::111122223333:role/analyst", "arn:aws:iam::111122223333:role/auditor"} {
		obj := &transform.Object{
			Body:    strings.NewReader(body),
			Header:  http.Header{"Content-Type": {"application/x-ndjson"}},
			Length:  int64(len(body)),
			Request: &transform.Request{Operation: "GetObject", Caller: transform.Caller{SessionIssuerARN: issuer}, Payload: payload},
		}
		out, err := transform.Run(context.Background(), m, obj)
		if err != nil {
			fmt.Println(err)
			return
		}
		io.Copy(os.Stdout, out.Body)
	}
	// Output:
	// {"user":null,"path":"/"}
	// {"user":null,"path":"/a"}
	// {"user":"ana","ip":"10.0.0.1","path":"/"}
	// {"user":"bob","path":"/a"}
}
