package emf_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/emf"
	"github.com/objectlambda/sdk-go/transform"
)

// One option turns metrics on: each request then writes one EMF line to
// standard output, which Lambda sends to CloudWatch Logs, where it becomes
// metrics in the "ObjectLambda" namespace.
func Example() {
	objectlambda.Start(
		objectlambda.WithTransform(transform.Identity()),
		objectlambda.WithObserver(emf.MustNew()),
	)
}

// The line of one GET: dimensions AccessPoint × Operation, figures with
// units, and the status, error code and request id as searchable properties.
func ExampleObserver_ObserveRequest() {
	o := emf.MustNew(
		emf.WithWriter(os.Stdout),
		emf.WithClock(func() time.Time { return time.UnixMilli(1767225600000) }),
	)
	o.ObserveRequest(context.Background(), &objectlambda.Metrics{
		RequestID:         "1a2b3c4d",
		AccessPoint:       "arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/reports-olap",
		Operation:         objectlambda.OpGetObject,
		StatusCode:        404,
		ErrorCode:         "NoSuchKey",
		UpstreamStatus:    404,
		UpstreamFirstByte: 18250 * time.Microsecond,
		FirstResponseByte: 19 * time.Millisecond,
		Duration:          31500 * time.Microsecond,
		DeadlineLeft:      58968500 * time.Microsecond,
	})
	// Output:
	// {"_aws":{"Timestamp":1767225600000,"CloudWatchMetrics":[{"Namespace":"ObjectLambda","Dimensions":[["AccessPoint","Operation"]],"Metrics":[{"Name":"Requests","Unit":"Count"},{"Name":"Errors4xx","Unit":"Count"},{"Name":"Errors5xx","Unit":"Count"},{"Name":"BytesIn","Unit":"Bytes"},{"Name":"BytesOut","Unit":"Bytes"},{"Name":"UpstreamFirstByte","Unit":"Milliseconds"},{"Name":"FirstResponseByte","Unit":"Milliseconds"},{"Name":"Duration","Unit":"Milliseconds"},{"Name":"DeadlineMarginLeft","Unit":"Milliseconds"},{"Name":"Retries","Unit":"Count"}]}]},"AccessPoint":"reports-olap","AccessPointArn":"arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/reports-olap","Operation":"GetObject","Requests":1,"Errors4xx":1,"Errors5xx":0,"BytesIn":0,"BytesOut":0,"UpstreamFirstByte":18.25,"FirstResponseByte":19,"Duration":31.5,"DeadlineMarginLeft":58968.5,"Retries":0,"StatusCode":404,"ErrorCode":"NoSuchKey","UpstreamStatus":404,"RequestId":"1a2b3c4d"}
}

// Operators choose the dimension sets; every distinct combination is a
// CloudWatch metric. Here: per access point and operation, per operation
// across access points, and per service (a static dimension).
func ExampleWithDimensions() {
	o, err := emf.New(
		emf.WithNamespace("Acme/ObjectLambda"),
		emf.WithStaticDimension("Service", "thumbnails"),
		emf.WithDimensions(emf.DimensionAccessPoint, emf.DimensionOperation),
		emf.WithDimensions(emf.DimensionOperation),
		emf.WithDimensions("Service"),
	)
	fmt.Println(o != nil, err)
	// Output: true <nil>
}
