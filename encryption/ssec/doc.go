// Package ssec reads S3 objects stored with server-side encryption under a
// customer-provided key (SSE-C) from an S3 Object Lambda function, for the
// operators who accept what that costs.
//
// S3 refuses SSE-C objects through an Object Lambda access point, and the
// presigned inputS3Url cannot carry the three SSE-C headers (they would be
// unsigned), so the objectlambda package answers such requests with 400
// InvalidRequest. The only way to serve them is for the function to call
// GetObject itself, with its own credentials and the customer key from its own
// key store: a confused deputy, since the function's role can read more than
// the caller may. [Fetch] narrows that gap: it fetches only after the caller's
// own presigned request for the same key (the [Probe]) was authorized, and
// pins the version and ETag that request saw. Its documentation lists what
// remains, and what the operator accepts by calling it.
//
//   - [Key] holds the 32-byte customer key ([NewKey], [ParseKey]); it never
//     prints, logs or marshals the key, and [Key.Headers] gives the three
//     values aws-sdk-go-v2 wants (the SDK neither encodes the key nor computes
//     its MD5).
//   - [GetObjectAPI] is the one call Fetch makes; adapt an *s3.Client to it in
//     a few lines (see the Fetch example). This package does not import the
//     SDK.
//   - A probe that does not authorize the fetch is a [*ProbeError] wrapping
//     [ErrCallerNotAuthorized]; nothing is fetched.
//
// This package has nothing to do with client-side encryption (the S3
// Encryption Client's formats), which is package
// github.com/objectlambda/sdk-go/encryption.
package ssec

import "errors"

// ErrInvalidKey: the customer key is missing, not 32 bytes, or not valid
// base64.
var ErrInvalidKey = errors.New("ssec: invalid SSE-C key")
