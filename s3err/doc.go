// Package s3err defines the S3-style error that every layer of the SDK speaks.
//
// An Object Lambda function answers its caller in S3's vocabulary: an HTTP
// status, an error code such as NoSuchKey, and a human-readable message. The
// presigned fetch, the transforms, the encryption layer and user code all
// produce such errors; the objectlambda package turns them into exactly one
// WriteGetObjectResponse (GET) or one reply document (HEAD, LIST).
//
// Use [New] or [Errorf] to build one, [As] to recover one from a wrapped error
// chain, and [From] to map an arbitrary error (timeouts, cancellations,
// unknown failures) onto the documented fallback codes.
//
// The error message travels to the S3 client. Never put secrets, object bytes
// or presigned URLs into it.
package s3err
