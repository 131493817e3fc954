//lint:file-ignore SA1019 the deprecated AWS SDK for Go v1 is the writer of the legacy objects these tests read.

package interop

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	awsv1 "github.com/aws/aws-sdk-go/aws"
	credv1 "github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
	kmsv1 "github.com/aws/aws-sdk-go/service/kms"
	s3v1 "github.com/aws/aws-sdk-go/service/s3"
	"github.com/aws/aws-sdk-go/service/s3/s3crypto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/encryption"
)

// The legacy objects of these tests are written by the S3 Encryption Client
// of the AWS SDK for Go v1 (service/s3/s3crypto), the official Go client
// before the standalone module: it is the one that wrote AES/CBC content
// under the legacy kms wrap, and it can store the envelope in an
// instruction file, which the standalone v3 client only reads.

// v1Session is an AWS SDK for Go v1 session against the S3 stand-in.
func (e *env) v1Session(t *testing.T) *session.Session {
	t.Helper()
	sess, err := session.NewSession(&awsv1.Config{
		Region:           awsv1.String("us-east-1"),
		Endpoint:         awsv1.String(e.url),
		S3ForcePathStyle: awsv1.Bool(true),
		Credentials:      credv1.NewStaticCredentials("AKIDINTEROP", "secret", ""),
	})
	require.NoError(t, err)
	return sess
}

// v1KMS is an AWS SDK for Go v1 KMS client against the KMS double.
func (e *env) v1KMS(t *testing.T) *kmsv1.KMS {
	t.Helper()
	return kmsv1.New(e.v1Session(t), &awsv1.Config{Endpoint: awsv1.String(e.kmsURL)})
}

// Legacy AES/CBC objects under the legacy kms wrap, written by the SDK v1
// client, are read only with both legacy opt-ins.
func TestLegacyCBCTheyWroteWeDecrypt(t *testing.T) {
	e := newEnv(t)
	builder := s3crypto.AESCBCContentCipherBuilder(s3crypto.NewKMSKeyGenerator(e.v1KMS(t), e.keyA), s3crypto.AESCBCPadder)
	theirs := s3crypto.NewEncryptionClient(e.v1Session(t), builder)
	for _, n := range sizes {
		key := "cbc-" + itoa(n)
		plain := payload(n)
		_, err := theirs.PutObject(&s3v1.PutObjectInput{Bucket: awsv1.String(bucket), Key: awsv1.String(key), Body: bytes.NewReader(plain)})
		require.NoError(t, err, key)
		body, meta := e.s3.get(t, key)
		md := encryption.MetadataFromHeader(meta)
		envl, err := encryption.RequireEnvelope(md)
		require.NoError(t, err, key)
		assert.Equal(t, encryption.ContentAESCBC, envl.Content)
		assert.Equal(t, encryption.WrapKMS, envl.Wrap)

		_, err = e.decryptWith(t, e.keyA, md, nil, body)
		require.ErrorIs(t, err, encryption.ErrLegacyNotAllowed, "%s: refused without the opt-ins", key)
		_, err = e.decryptWith(t, e.keyA, md, nil, body, encryption.WithLegacyWrapping())
		require.ErrorIs(t, err, encryption.ErrLegacyNotAllowed, "%s: CBC needs its own opt-in", key)
		got, err := e.decryptWith(t, e.keyA, md, nil, body, encryption.WithLegacyWrapping(), encryption.WithLegacyUnauthenticatedModes())
		require.NoError(t, err, key)
		assert.True(t, bytes.Equal(plain, got), "%s: plaintext differs", key)
	}
}

// Instruction files written by the SDK v1 client (format V2, kms+context):
// we read them with ParseInstructionFile, and so does the v3 client.
func TestInstructionFileTheyWroteWeDecrypt(t *testing.T) {
	e := newEnv(t)
	e.instructionFileEnv(t)
	sess := e.v1Session(t)
	gen := s3crypto.NewKMSContextKeyGenerator(e.v1KMS(t), e.keyA, s3crypto.MaterialDescription{"tenant": awsv1.String("t1")})
	theirs, err := s3crypto.NewEncryptionClientV2(sess, s3crypto.AESGCMContentCipherBuilderV2(gen),
		func(o *s3crypto.EncryptionClientOptions) {
			o.SaveStrategy = s3crypto.S3SaveStrategy{Client: s3v1.New(sess)}
		})
	require.NoError(t, err)
	for _, n := range []int{0, 17, 100_003} {
		key := "instr-" + itoa(n)
		plain := payload(n)
		_, err := theirs.PutObject(&s3v1.PutObjectInput{Bucket: awsv1.String(bucket), Key: awsv1.String(key), Body: bytes.NewReader(plain)})
		require.NoError(t, err, key)
		body, meta := e.s3.get(t, key)
		instr, _ := e.s3.get(t, key+encryption.InstructionFileSuffix)
		md := encryption.MetadataFromHeader(meta)
		_, err = encryption.RequireEnvelope(md)
		require.ErrorIs(t, err, encryption.ErrEncryptionRequired, "%s: a V2 object's metadata says nothing", key)

		got, err := e.decryptWith(t, e.keyA, md, instr, body)
		require.NoError(t, err, key)
		assert.True(t, bytes.Equal(plain, got), "%s: plaintext differs", key)

		out, err := e.official(t, e.keyA).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		require.NoError(t, err, key)
		got, err = io.ReadAll(out.Body)
		out.Body.Close()
		require.NoError(t, err)
		assert.True(t, bytes.Equal(plain, got), "%s: their v3 client agrees", key)
	}
}
