package objectlambdatest_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
)

// A function's test reads like an httptest test: start an access point with
// the handler, put an object underneath, GET it through the access point with
// the real SDK client.
func ExampleNewAccessPoint() {
	testUpper := func(t *testing.T) {
		ap := objectlambdatest.NewAccessPoint(t, objectlambda.WithTransform(upper()))
		ap.PutObject(t, "notes.txt", "write to ana@example.com")
		out, err := ap.Client().GetObject(t.Context(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("notes.txt")})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(out.Body)
		if string(b) != "WRITE TO ANA@EXAMPLE.COM" {
			t.Errorf("got %q", b)
		}
	}
	_ = testUpper // func TestUpper(t *testing.T) in a _test.go file
}

// Start runs an access point outside a test, here over the in-process store.
func ExampleStart() {
	ap, err := objectlambdatest.Start(objectlambdatest.WithMemoryStore(),
		objectlambdatest.WithHandler(objectlambda.WithTransform(upper())))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ap.Close()
	ctx := context.Background()
	_, err = ap.Store().PutObject(ctx, &s3.PutObjectInput{Bucket: ap.Bucket(), Key: aws.String("notes.txt"),
		Body: strings.NewReader("write to ana@example.com")})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := ap.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("notes.txt")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer out.Body.Close()
	b, _ := io.ReadAll(out.Body)
	fmt.Println(string(b))
	fmt.Println(len(ap.WGORCalls()), "WriteGetObjectResponse call")
	// Output:
	// WRITE TO ANA@EXAMPLE.COM
	// 1 WriteGetObjectResponse call
}
