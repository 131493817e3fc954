package objectlambda_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/transform"
)

// A whole function: upper-case every object, for analysts only.
func Example() {
	upper := transform.Declare(transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Body = upperReader{o.Body}
		return o, nil
	}), transform.Properties{RangeSafe: true}) // byte i depends only on byte i: ranges can be fetched from S3

	onlyAnalysts := func(_ context.Context, r *objectlambda.Request) error {
		if strings.Contains(r.Caller.ARN, ":assumed-role/analyst/") {
			return nil
		}
		return errors.New("not an analyst") // the caller gets 403 AccessDenied
	}

	// In main(): objectlambda.Start(...) runs the function under Lambda.
	_ = []objectlambda.Option{
		objectlambda.WithTransform(upper),
		objectlambda.WithAuthorizer(onlyAnalysts),
	}
}

type upperReader struct{ r io.Reader }

func (u upperReader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	copy(p, strings.ToUpper(string(p[:n])))
	return n, err
}

// Decode the access point's payload into a typed configuration.
func ExampleDecodePayload() {
	type Config struct {
		Columns []string `json:"columns"`
	}
	req := &transform.Request{Payload: []byte(`{"columns":["name","city"]}`)}
	cfg, err := objectlambda.DecodePayload[Config](req)
	fmt.Println(cfg.Columns, err)

	_, err = objectlambda.DecodePayload[Config](&transform.Request{Payload: []byte(`{"colums":[]}`)})
	fmt.Println(err != nil)
	// Output:
	// [name city] <nil>
	// true
}

// Keep an existing aws-lambda-go handler, and give it the safety net.
func ExampleWrap() {
	legacy := func(ctx context.Context, ev events.S3ObjectLambdaEvent) (any, error) {
		// ... fetch ev.GetObjectContext.InputS3URL, call WriteGetObjectResponse
		// with a client built as s3.NewFromConfig(cfg, w.TrackResponses) ...
		return nil, nil
	}
	w, err := objectlambda.Wrap(legacy)
	if err != nil {
		return
	}
	_ = w // lambda.Start(w)
}
