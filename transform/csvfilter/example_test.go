package csvfilter_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/csvfilter"
)

// Configured by the access point payload: hide the ssn column from
// everyone, show support staff only three columns, keep only Portuguese
// rows. transform.Configure decodes the payload into a Config and builds the
// Filter with FromConfig, once per distinct payload.
func ExampleFromConfig() {
	f := transform.Configure("", func(cfg csvfilter.Config) (transform.Transform, error) {
		return csvfilter.FromConfig(cfg)
	})
	payload := []byte(`{
		"drop": ["ssn"],
		"where": [{"column": "country", "op": "eq", "value": "PT"}],
		"access": {"allow": {
			"analyst": ["*"],
			"arn:aws:iam::*:role/support-*": ["id", "name", "country"]
		}}
	}`)
	body := "id,name,ssn,country\n1,Ana,123-45-6789,PT\n2,\"Smith, Bob\",987-65-4321,US\n3,Rui,555-12-3456,PT\n"
	obj := &transform.Object{
		Body:   strings.NewReader(body),
		Header: http.Header{"Content-Type": {"text/csv"}},
		Length: int64(len(body)),
		Request: &transform.Request{
			URL:     &url.URL{Path: "/people.csv"},
			Caller:  transform.Caller{SessionIssuerARN: "arn:aws:iam::111122223333:role/support-eu"},
			Payload: payload,
		},
	}
	out, err := transform.Run(context.Background(), f, obj)
	if err != nil {
		panic(err)
	}
	io.Copy(os.Stdout, out.Body)
	// Output:
	// id,name,country
	// 1,Ana,PT
	// 3,Rui,PT
}

// Configured in Go with options; the request narrows the columns further
// with ?columns=.
func ExampleNew() {
	f, err := csvfilter.New(csvfilter.Where("amount", csvfilter.OpGt, "100"))
	if err != nil {
		panic(err)
	}
	body := "id,amount,note\n1,250,\"big, really\"\n2,50,small\n"
	obj := &transform.Object{
		Body:    strings.NewReader(body),
		Header:  http.Header{},
		Request: &transform.Request{URL: &url.URL{Path: "/orders.csv", RawQuery: "columns=id,note"}},
	}
	out, err := transform.Run(context.Background(), f, obj)
	if err != nil {
		panic(err)
	}
	io.Copy(os.Stdout, out.Body)
	fmt.Println(out.Header.Get("Content-Type"))
	// Output:
	// id,note
	// 1,"big, really"
	// text/csv
}
