package redact_test

import (
	"context"
	"errors"
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

// A static configuration: MustNew panics on a configuration error, which
// a test of the function catches before it ships.
func ExampleMustNew() {
	r := redact.MustNew(redact.Emails(), redact.CardNumbers())
	fmt.Println(run(r, "write to ana@example.com, card 4111 1111 1111 1111"))
	// Output: write to [REDACTED], card [REDACTED]
}

// New returns configuration errors: a pattern whose match has no bounded
// length cannot be streamed. The same-length mask keeps the object's
// length, which the Redactor declares.
func ExampleNew() {
	_, err := redact.New(redact.WithPattern(`EMP-[0-9]+`))
	fmt.Println(errors.Is(err, redact.ErrInvalidPattern))

	r, err := redact.New(redact.SSNs(), redact.WithPattern(`EMP-[0-9]{6}`), redact.WithSameLength('#'))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(run(r, "EMP-123456 ssn 078-05-1120"))
	fmt.Println(transform.Describe(r).LengthPreserving)
	// Output:
	// true
	// ########## ssn ###########
	// true
}

// Configured by the access point payload: transform.Configure decodes it
// into a Config and builds the Redactor with FromConfig, once per distinct
// payload. Callers with the auditor role see the object unredacted.
func ExampleFromConfig() {
	r := transform.Configure("", func(cfg redact.Config) (transform.Transform, error) {
		return redact.FromConfig(cfg)
	})
	payload := []byte(`{"detectors": ["ssn", "aws_access_key_id"], "patterns": ["EMP-[0-9]{6}"],
		"contentTypes": ["text/*"], "exemptPrincipals": ["arn:aws:iam::111122223333:role/auditor"]}`)
	const body = "id EMP-123456 ssn 078-05-1120 key AKIAIOSFODNN7EXAMPLE"
	for _, issuer := range []string{"arn:aws:iam::111122223333:role/analyst", "arn:aws:iam::111122223333:role/auditor"} {
		obj := &transform.Object{
			Body:    strings.NewReader(body),
			Header:  http.Header{"Content-Type": {"text/plain"}},
			Length:  int64(len(body)),
			Request: &transform.Request{Operation: "GetObject", Caller: transform.Caller{SessionIssuerARN: issuer}, Payload: payload},
		}
		out, err := transform.Run(context.Background(), r, obj)
		if err != nil {
			fmt.Println(err)
			return
		}
		b, _ := io.ReadAll(out.Body)
		fmt.Println(string(b))
	}
	// Output:
	// id [REDACTED] ssn [REDACTED] key [REDACTED]
	// id EMP-123456 ssn 078-05-1120 key AKIAIOSFODNN7EXAMPLE
}

func ExampleWithHash() {
	key := []byte("a key of at least sixteen bytes")
	r := redact.MustNew(redact.Emails(), redact.WithHash(key, "user-", 8))
	fmt.Println(run(r, "from ana@example.com to bob@example.com cc ana@example.com"))
	// Output: from user-34a03cc3 to user-cc6e40d2 cc user-34a03cc3
}
