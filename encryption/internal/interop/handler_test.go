package interop

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/encryption"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
)

// End to end: an object their client stored under KMS key A is read through
// a local Object Lambda access point whose function (an
// objectlambda.Handler) decrypts it and re-encrypts it under key B; their
// client, holding only key B and wrapping the access point's S3 client,
// decrypts the WriteGetObjectResponse output.
func TestHandlerReencryptTheyDecrypt(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, f := range []encryption.Format{encryption.FormatV2, encryption.FormatV3} {
		t.Run(f.String(), func(t *testing.T) {
			ap := objectlambdatest.New(t, objectlambdatest.WithMemoryStore(), objectlambdatest.WithHandler(
				objectlambda.WithLogger(slog.New(slog.DiscardHandler)),
				objectlambda.WithDecryption(e.ours(t, e.keyA)),
				objectlambda.WithEncryption(e.ours(t, e.keyB), encryption.WithFormat(f),
					encryption.WithEncryptionContext(map[string]string{"caller": "tester", "city": "Zürich"})),
			))
			for _, n := range []int{0, 17, 100_003} {
				key := "stored-" + itoa(n)
				plain := payload(n)
				_, err := e.official(t, e.keyA).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(plain)})
				require.NoError(t, err, key)
				body, meta := e.s3.get(t, key)
				ap.PutObjectBytes(t, key, body, func(in *s3.PutObjectInput) { in.Metadata = map[string]string(encryption.MetadataFromHeader(meta)) })

				caller := e.officialOver(t, ap.Client(), e.keyB)
				out, err := caller.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(key)})
				require.NoError(t, err, key)
				got, err := io.ReadAll(out.Body)
				out.Body.Close()
				require.NoError(t, err, key)
				assert.True(t, bytes.Equal(plain, got), "%s: plaintext differs", key)
				if n > 0 {
					_, err = e.officialOver(t, ap.Client(), e.keyA).GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(key)})
					assert.Error(t, err, "%s: the stored key does not open the reply", key)
				}
			}
		})
	}
}
