package objectlambda_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/objectlambda/sdk-go/encryption"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/transform"
)

// Serve client-side encrypted objects decrypted: the function holds the
// key, the caller receives plaintext. Objects that are not client-side
// encrypted are refused with 403 AccessDenied.
func ExampleWithDecryption() {
	// In production: read the key from Secrets Manager once per cold start.
	key := bytes.Repeat([]byte{0x42}, 32)
	kr, err := encryption.NewAESKeyring(key, map[string]string{"kid": "2025-01"})
	clear(key)
	if err != nil {
		panic(err)
	}
	h, err := objectlambda.New(
		objectlambda.WithDecryption(kr), // authenticated before the first byte is sent
		objectlambda.WithAWSConfig(aws.Config{Region: "us-east-1"}),
	)
	fmt.Println(h != nil, err)
	// Output: true <nil>
}

// Serve each caller the object encrypted under the caller's own key: decrypt
// with the function's key, transform the plaintext, encrypt for the caller.
func ExampleWithEncryptionFor() {
	stored, _ := encryption.NewAESKeyring(bytes.Repeat([]byte{1}, 32), nil)
	aliceKey, _ := encryption.NewAESKeyring(bytes.Repeat([]byte{2}, 32), map[string]string{"owner": "alice"})
	callerKeys := map[string]encryption.Keyring{
		"arn:aws:sts::111122223333:assumed-role/analyst/alice": aliceKey,
	}
	forCaller := func(_ context.Context, r *transform.Request) (encryption.Keyring, error) {
		if kr, ok := callerKeys[r.Caller.ARN]; ok {
			return kr, nil
		}
		return nil, errors.New("no key for this caller") // 403 AccessDenied
	}
	h, err := objectlambda.New(
		objectlambda.WithDecryption(stored),
		objectlambda.WithTransform(transform.Identity()), // your transforms see plaintext
		objectlambda.WithEncryptionFor(forCaller, encryption.WithFormat(encryption.FormatV3)),
		objectlambda.WithAWSConfig(aws.Config{Region: "us-east-1"}),
	)
	fmt.Println(h != nil, err)
	// Output: true <nil>
}

// Hand out stored ciphertext unchanged, with its data key re-wrapped for the
// caller: no decryption, Range requests still go straight to S3.
func ExampleWithRewrap() {
	stored, _ := encryption.NewAESKeyring(bytes.Repeat([]byte{1}, 32), nil)
	partner, _ := encryption.NewAESKeyring(bytes.Repeat([]byte{3}, 32), map[string]string{"partner": "p1"})
	_, err := objectlambda.New(
		objectlambda.WithRewrap(stored, partner),
		objectlambda.WithAWSConfig(aws.Config{Region: "us-east-1"}),
	)
	fmt.Println(err)

	_, err = objectlambda.New(objectlambda.WithRewrap(stored, partner), objectlambda.WithDecryption(stored))
	fmt.Println(err)
	// Output:
	// <nil>
	// objectlambda: WithDecryption cannot be combined with WithRewrap
}

// A bucket that mixes plain and client-side encrypted objects: plain
// objects pass through as stored. Whoever can write to the bucket can then
// replace a ciphertext with plaintext of their choosing.
func ExampleWithDecryption_mixedBucket() {
	kr, err := encryption.NewAESKeyring(bytes.Repeat([]byte{0x42}, 32), nil)
	if err != nil {
		panic(err)
	}
	h, err := objectlambda.New(
		objectlambda.WithDecryption(kr, encryption.WithUnencryptedObjects()),
		objectlambda.WithAWSConfig(aws.Config{Region: "us-east-1"}),
	)
	fmt.Println(h != nil, err)
	// Output: true <nil>
}
