package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"testing"

	s3ec "github.com/aws/amazon-s3-encryption-client-go/v3/client"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/encryption"
)

// instructionFileEnv points the default AWS configuration at the S3
// stand-in: the v3.2.0 client fetches instruction files with a client of its
// own, built by config.LoadDefaultConfig, not with the client it wraps.
func (e *env) instructionFileEnv(t *testing.T) {
	t.Helper()
	for k, v := range map[string]string{
		"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": e.url, "AWS_ENDPOINT_URL": "",
		"AWS_ACCESS_KEY_ID": "AKIDINTEROP", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_REQUEST_CHECKSUM_CALCULATION": "when_required", "AWS_RESPONSE_CHECKSUM_VALIDATION": "when_required",
	} {
		t.Setenv(k, v)
	}
}

// decryptWith parses md (and an instruction file body, if given) and
// decrypts body with our KMS keyring for keyID.
func (e *env) decryptWith(t *testing.T, keyID string, md encryption.Metadata, instr []byte, body []byte, opts ...encryption.Option) ([]byte, error) {
	t.Helper()
	var envl *encryption.Envelope
	var err error
	if instr != nil {
		envl, err = encryption.ParseInstructionFile(md, instr)
	} else {
		envl, err = encryption.RequireEnvelope(md)
	}
	if err != nil {
		return nil, err
	}
	d, err := encryption.NewDecryptor(context.Background(), bytes.NewReader(body), envl, e.ours(t, keyID),
		append(opts, encryption.WithCiphertextLength(int64(len(body))))...)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return io.ReadAll(d)
}

// instructionSplit moves an envelope into an instruction file the way the
// format prescribes: all of it for V2; for V3 only x-amz-3, x-amz-w, x-amz-m
// and x-amz-t, while x-amz-c, x-amz-d and x-amz-i stay with the object.
func instructionSplit(t *testing.T, f encryption.Format, md map[string]string) (objectMD map[string]string, instr []byte) {
	t.Helper()
	objectMD, file := map[string]string{}, map[string]string{}
	for k, v := range md {
		switch {
		case f == encryption.FormatV3 && (k == "x-amz-c" || k == "x-amz-d" || k == "x-amz-i"):
			objectMD[k] = v
		default:
			file[k] = v
		}
	}
	b, err := json.Marshal(file)
	require.NoError(t, err)
	return objectMD, b
}

// Objects we write with the envelope in an instruction file (V2 and V3):
// their v3 client reads them.
func TestInstructionFileWeWroteTheyDecrypt(t *testing.T) {
	e := newEnv(t)
	e.instructionFileEnv(t)
	ctx := context.Background()
	for _, f := range []encryption.Format{encryption.FormatV2, encryption.FormatV3} {
		key := "our-instr-" + f.String()
		plain := payload(70_000)
		x, err := encryption.NewEncryptor(ctx, bytes.NewReader(plain), e.ours(t, e.keyA), encryption.WithFormat(f),
			encryption.WithEncryptionContext(map[string]string{"tenant": "t3"}))
		require.NoError(t, err)
		body, err := io.ReadAll(x)
		require.NoError(t, err)
		objectMD, instr := instructionSplit(t, f, x.Metadata())
		e.s3.put(key, body, objectMD)
		e.s3.put(key+encryption.InstructionFileSuffix, instr, map[string]string{"x-amz-crypto-instr-file": ""})

		out, err := e.official(t, e.keyA).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		require.NoError(t, err, key)
		got, err := io.ReadAll(out.Body)
		out.Body.Close()
		require.NoError(t, err, key)
		assert.True(t, bytes.Equal(plain, got), "%s: plaintext differs", key)

		got, err = e.decryptWith(t, e.keyA, objectMD, instr, body)
		require.NoError(t, err, key)
		assert.True(t, bytes.Equal(plain, got), "%s: we read it back", key)
	}
}

// S3 returns non-ASCII metadata as RFC 2047 encoded-words of doubly
// UTF-8-encoded text. An encryption context with non-ASCII keys and values
// must reach KMS exactly as it was written, in both directions.
func TestNonASCIIEncryptionContext(t *testing.T) {
	e := newEnv(t)
	ec := map[string]string{"city": "Zürich", "名前": "値-ß-😀", "plain": "ascii"}
	plain := payload(5000)
	ctx := context.Background()

	t.Run("they write, we read", func(t *testing.T) {
		//lint:ignore SA1029 the official client defines this context key.
		_, err := e.official(t, e.keyA).PutObject(context.WithValue(ctx, s3ec.EncryptionContext, ec),
			&s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("their-ec"), Body: bytes.NewReader(plain)})
		require.NoError(t, err)
		out, err := e.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("their-ec")})
		require.NoError(t, err)
		body, err := io.ReadAll(out.Body)
		out.Body.Close()
		require.NoError(t, err)
		md := encryption.Metadata(out.Metadata)
		require.Contains(t, md["x-amz-matdesc"], "=?UTF-8?", "the stand-in encodes as S3 does")
		envl, err := encryption.RequireEnvelope(md)
		require.NoError(t, err)
		for k, v := range ec {
			assert.Equal(t, v, envl.EncryptionContext()[k])
		}
		got, err := e.decryptWith(t, e.keyA, md, nil, body)
		require.NoError(t, err, "KMS accepts the decoded context")
		assert.Equal(t, plain, got)

		theirs, err := e.official(t, e.keyA).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("their-ec")})
		require.NoError(t, err)
		got, err = io.ReadAll(theirs.Body)
		theirs.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, plain, got, "their client decodes the stand-in's answer too")
	})
	for _, f := range []encryption.Format{encryption.FormatV2, encryption.FormatV3} {
		t.Run("we write "+f.String()+", they read", func(t *testing.T) {
			key := "our-ec-" + f.String()
			x, err := encryption.NewEncryptor(ctx, bytes.NewReader(plain), e.ours(t, e.keyA), encryption.WithFormat(f), encryption.WithEncryptionContext(ec))
			require.NoError(t, err)
			body, err := io.ReadAll(x)
			require.NoError(t, err)
			e.s3.put(key, body, x.Metadata())
			out, err := e.official(t, e.keyA).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
			require.NoError(t, err)
			got, err := io.ReadAll(out.Body)
			out.Body.Close()
			require.NoError(t, err)
			assert.Equal(t, plain, got)
		})
	}
}
