// Package interop checks that package encryption and the official Amazon S3
// Encryption Client for Go (github.com/aws/amazon-s3-encryption-client-go/v3,
// pinned at v3.2.0) read each other's objects.
//
// It is a separate module so that the official client never enters the
// library's dependency graph: nothing outside this directory imports it.
// Run it with:
//
//	cd encryption/internal/interop && go test ./...
//
// The tests use the real aws-sdk-go-v2 S3 and KMS clients against two local
// stand-ins: an in-memory S3 server (PUT and GET with user metadata) and the
// kmstest KMS double, so they need no network and no credentials.
package interop
