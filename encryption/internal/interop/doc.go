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
// stand-ins: an in-memory S3 server (PUT and GET with user metadata, non-ASCII
// values answered as S3 does, RFC 2047 encoded and doubly UTF-8 encoded) and
// the kmstest KMS double, so they need no network and no credentials.
//
// Cases: objects each side writes (V2, V3) and the other reads; rewrapped and
// tampered objects; encryption contexts with non-ASCII keys and values;
// envelopes in instruction files, written by us (V2, V3) and by the
// s3crypto client of the AWS SDK for Go v1; legacy AES/CBC objects under the
// legacy kms wrap, written by that s3crypto client (the writer of such
// objects; the v3 client only reads them); and, end to end, an
// objectlambda.Handler behind a local access point (objectlambdatest, in-
// memory store) that decrypts a stored object and re-encrypts it for the
// caller, whose official client decrypts the WriteGetObjectResponse output.
package interop
