// Package s3op reads what an S3 request addresses and which S3 operation it
// is, the way S3 tells them apart (addressing style, method, sub-resource
// query parameters, x-amz-copy-source), and how an Object Lambda access
// point disposes of each operation: through the function, passed to the
// supporting store unchanged, answered by the access point, or refused.
package s3op
