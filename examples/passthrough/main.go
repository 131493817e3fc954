// Command passthrough is the smallest safe S3 Object Lambda function: it
// serves every object unchanged, with all of the library's guarantees —
// the original is read only through the presigned URL, Range and partNumber
// are answered, errors reach the caller as S3 errors, and exactly one
// WriteGetObjectResponse is sent before the deadline.
//
// Build it as a provided.al2023 bootstrap:
//
//	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -trimpath -o bootstrap .
//
// Locally it runs against any endpoint given by AWS_ENDPOINT_URL_S3, with
// AWS_REGION and credentials in the environment.
package main

import "github.com/objectlambda/sdk-go/objectlambda"

func main() {
	objectlambda.Start()
}
