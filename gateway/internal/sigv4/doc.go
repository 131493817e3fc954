// Package sigv4 verifies AWS Signature Version 4 authentication on incoming
// requests, in the Authorization header or in the query string (presigned
// URLs), the way S3 and the S3 Object Lambda endpoint do.
//
// It recomputes the signature with aws-sdk-go-v2's own signer over exactly the
// headers the client declared as signed, so a request passes only if a real
// SDK, holding the same secret, would have produced the same Authorization
// header.
//
// The gateway verifies three kinds of request with it: callers of the
// access points (header and presigned), functions' WriteGetObjectResponse
// calls when the gateway knows the function's key, and the presigned
// inputS3Url it issued itself.
package sigv4
