package objectlambda_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/objectlambda/sdk-go/encryption"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/transform"
)

func ExampleParseListBucketResult() {
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>photos</Name><Prefix></Prefix><KeyCount>3</KeyCount><MaxKeys>3</MaxKeys>
  <EncodingType>url</EncodingType><IsTruncated>true</IsTruncated><NextContinuationToken>opaque</NextContinuationToken>
  <Contents><Key>2024/a+b.jpg</Key><Size>1024</Size></Contents>
  <Contents><Key>2024/a+b.jpg.instruction</Key><Size>300</Size></Contents>
  <Contents><Key>2024/%C3%BC.jpg</Key><Size>2048</Size></Contents>
</ListBucketResult>`
	l, err := objectlambda.ParseListBucketResult([]byte(doc))
	if err != nil {
		fmt.Println(err)
		return
	}
	kept := l.Contents[:0]
	for _, e := range l.Contents {
		if !strings.HasSuffix(e.Key, encryption.InstructionFileSuffix) {
			kept = append(kept, e)
		}
	}
	l.Contents = kept
	out, err := l.AppendXML(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range l.Contents {
		fmt.Printf("%q %d\n", e.Key, e.Size)
	}
	fmt.Println(strings.Contains(string(out), "<KeyCount>2</KeyCount>"), strings.Contains(string(out), "<Key>2024%2Fa%20b.jpg</Key>"))
	// Output:
	// "2024/a b.jpg" 1024
	// "2024/ü.jpg" 2048
	// true true
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
