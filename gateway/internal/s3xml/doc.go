// Package s3xml writes the gateway's S3 answers that are not a function's:
// the one S3 error document writer of the repository (status, Code,
// Message, the code-specific elements such as Region, and RequestId; no
// body for HEAD) and the small documents the access point answers itself
// (ListAllMyBucketsResult, LocationConstraint).
package s3xml
