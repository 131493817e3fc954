package redact_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/redact"
)

func run(t transform.Transform, body string) string {
	obj := &transform.Object{
		Body:    strings.NewReader(body),
		Header:  http.Header{"Content-Type": {"text/plain"}},
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
	r := redact.MustNew(redact.Emails(), redact.CardNumbers())
	fmt.Println(run(r, "write to ana@example.com, card 4111 1111 1111 1111"))
	// Output: write to [REDACTED], card [REDACTED]
}

func ExampleFromPayload() {
	// The access point's payload configures the transform.
	payload := []byte(`{"detectors":["ssn","aws_access_key_id"],"patterns":["EMP-[0-9]{6}"],"mask":"same_length"}`)
	r, err := redact.FromPayload(payload)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(run(r, "id EMP-123456 ssn 078-05-1120 key AKIAIOSFODNN7EXAMPLE"))
	fmt.Println(transform.Describe(r).LengthPreserving)
	// Output:
	// id ********** ssn *********** key ********************
	// true
}

func ExampleWithHash() {
	key := []byte("a key of at least sixteen bytes")
	r := redact.MustNew(redact.Emails(), redact.WithHash(key, "user-", 8))
	fmt.Println(run(r, "from ana@example.com to bob@example.com cc ana@example.com"))
	// Output: from user-34a03cc3 to user-cc6e40d2 cc user-34a03cc3
}
