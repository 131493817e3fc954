// Command decrypt-cse serves objects written by the Amazon S3 Encryption
// Client (client-side encrypted under a KMS key) decrypted, to the callers the
// access point's payload names, so readers need neither the encryption client
// nor kms:Decrypt on the key. Everyone else gets 403 before anything is read.
//
//	{"readers": ["arn:aws:iam::123456789012:role/reader", "arn:aws:iam::123456789012:user/*"]}
//
// The key is KMS_KEY_ARN; the function's role needs kms:Decrypt on it and
// nothing else but s3-object-lambda:WriteGetObjectResponse. Every object is
// authenticated before its first byte is sent; objects that are not
// client-side encrypted are refused (403); Range requests are answered over
// the plaintext.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/objectlambda/sdk-go/encryption/kmskeyring"
	"github.com/objectlambda/sdk-go/objectlambda"
)

// Payload is the access point's configuration.
type Payload struct {
	// Readers are the principal ARNs (IAM users, roles as session issuers,
	// role sessions) allowed to read, with IAM-style '*' and '?' wildcards.
	Readers []string `json:"readers"`
}

func options(kmsAPI kmskeyring.API, keyARN string) ([]objectlambda.Option, error) {
	kr, err := kmskeyring.New(kmsAPI, keyARN)
	if err != nil {
		return nil, err
	}
	return []objectlambda.Option{
		objectlambda.WithPayloadType[Payload](),
		objectlambda.WithAuthorizer(func(ctx context.Context, r *objectlambda.Request) error {
			p, err := objectlambda.DecodePayload[Payload](&r.Request)
			if err != nil {
				return err
			}
			if r.Caller.Matches(p.Readers...) {
				return nil
			}
			return errors.New("not a reader of this access point") // 403 AccessDenied
		}),
		objectlambda.WithDecryption(kr),
	}, nil
}

func main() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		slog.Error("decrypt-cse: AWS configuration", "error", err)
		os.Exit(1)
	}
	opts, err := options(kms.NewFromConfig(cfg), os.Getenv("KMS_KEY_ARN"))
	if err != nil {
		slog.Error("decrypt-cse: configuration (is KMS_KEY_ARN set?)", "error", err)
		os.Exit(1)
	}
	objectlambda.Start(opts...)
}
