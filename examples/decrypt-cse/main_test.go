package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/encryption"
	"github.com/objectlambda/sdk-go/encryption/kmskeyring"
	"github.com/objectlambda/sdk-go/encryption/kmskeyring/kmstest"
	"github.com/objectlambda/sdk-go/examples/internal/extest"
	"github.com/objectlambda/sdk-go/examples/internal/samtemplate"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	account   = "111122223333"
	plaintext = "Q3 results: revenue 4.2M, margin 31%. Not for distribution.\n"
)

func session(role, name string) objectlambdatest.Caller {
	return objectlambdatest.Caller{
		Type: "AssumedRole", UserName: name,
		ARN: "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + name,
		SessionIssuer: &objectlambdatest.SessionIssuer{
			Type: "Role", AccountID: account, UserName: role, ARN: "arn:aws:iam::" + account + ":role/" + role,
		},
	}
}

// encrypt writes what the S3 Encryption Client writes: ciphertext, and the
// envelope as user metadata.
func encrypt(t *testing.T, kr encryption.Keyring, plain string) ([]byte, map[string]string) {
	x, err := encryption.NewEncryptor(context.Background(), strings.NewReader(plain), kr)
	require.NoError(t, err)
	ct, err := io.ReadAll(x)
	require.NoError(t, err)
	return ct, x.Metadata()
}

func TestDecryptCSE(t *testing.T) {
	kmsSrv := kmstest.New()
	t.Cleanup(kmsSrv.Close)
	keyARN, otherKey := kmsSrv.CreateKey(), kmsSrv.CreateKey()
	opts, err := options(kmsSrv.Client(), keyARN)
	require.NoError(t, err)
	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", objectlambdatest.WithHandler(opts...))...)

	kr, err := kmskeyring.New(kmsSrv.Client(), keyARN)
	require.NoError(t, err)
	ct, md := encrypt(t, kr, plaintext)
	md["department"] = "finance"
	ap.PutObjectBytes(t, "reports/q3.txt", ct, func(in *s3.PutObjectInput) {
		in.Metadata = md
		in.ContentType = aws.String("text/plain")
	})
	other, err := kmskeyring.New(kmsSrv.Client(), otherKey)
	require.NoError(t, err)
	ct2, md2 := encrypt(t, other, plaintext)
	ap.PutObjectBytes(t, "reports/other-key.txt", ct2, func(in *s3.PutObjectInput) { in.Metadata = md2 })
	tampered := bytes.Clone(ct)
	tampered[3] ^= 1
	ap.PutObjectBytes(t, "reports/tampered.txt", tampered, func(in *s3.PutObjectInput) { in.Metadata = md })
	ap.PutObject(t, "reports/plain.txt", "public notice")
	ap.PutObject(t, "reports/q3.txt.instruction", `{"x-amz-key-v2":"..."}`)

	ctx := context.Background()
	reader := ap.ClientAs(session("reader", "ana"))

	tests := []struct {
		name, key, rng, want, contentRange string
	}{
		{name: "decrypted", key: "reports/q3.txt", want: plaintext},
		{name: "range over the plaintext", key: "reports/q3.txt", rng: "bytes=0-10", want: "Q3 results:",
			contentRange: fmt.Sprintf("bytes 0-10/%d", len(plaintext))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(tt.key)}
			if tt.rng != "" {
				in.Range = aws.String(tt.rng)
			}
			out, err := reader.GetObject(ctx, in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, extest.Body(t, out.Body))
			assert.Equal(t, tt.contentRange, aws.ToString(out.ContentRange))
			for name := range out.Metadata {
				assert.NotContains(t, name, "x-amz-", "the envelope is not served with the plaintext")
			}
		})
	}
	t.Run("head reports the plaintext length", func(t *testing.T) {
		out, err := reader.HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("reports/q3.txt")})
		require.NoError(t, err)
		assert.Equal(t, int64(len(plaintext)), aws.ToInt64(out.ContentLength))
	})

	t.Run("metadata and length", func(t *testing.T) {
		out, err := reader.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("reports/q3.txt")})
		require.NoError(t, err)
		extest.Body(t, out.Body)
		assert.Equal(t, "finance", out.Metadata["department"])
		assert.Equal(t, "text/plain", aws.ToString(out.ContentType))
		assert.Equal(t, int64(len(plaintext)), aws.ToInt64(out.ContentLength))
	})
	decryptsBefore := kmsSrv.Calls("Decrypt")
	failures := []struct {
		name   string
		caller objectlambdatest.Caller
		key    string
		status int
		code   string
	}{
		{name: "not a reader", caller: session("analyst", "bo"), key: "reports/q3.txt", status: http.StatusForbidden, code: "AccessDenied"},
		{name: "session named like the role", caller: session("analyst", "reader"), key: "reports/q3.txt", status: http.StatusForbidden, code: "AccessDenied"},
		{name: "IAM user", caller: objectlambdatest.Caller{UserName: "reader"}, key: "reports/plain.txt", status: http.StatusForbidden, code: "AccessDenied"},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ap.ClientAs(tt.caller).GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(tt.key)})
			status, code := extest.ErrorOf(t, err)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.code, code)
			_, err = ap.ClientAs(tt.caller).HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String(tt.key)})
			status, _ = extest.ErrorOf(t, err)
			assert.Equal(t, tt.status, status)
		})
	}
	assert.Equal(t, decryptsBefore, kmsSrv.Calls("Decrypt"), "denied callers cost no KMS call")

	objectFailures := []struct {
		name, key string
		status    int
		code      string
	}{
		{name: "wrapped under another key", key: "reports/other-key.txt", status: http.StatusForbidden, code: "AccessDenied"},
		{name: "altered ciphertext", key: "reports/tampered.txt", status: http.StatusInternalServerError, code: "InternalError"},
		{name: "instruction file", key: "reports/q3.txt.instruction", status: http.StatusNotFound, code: "NoSuchKey"},
		{name: "not encrypted", key: "reports/plain.txt", status: http.StatusForbidden, code: "AccessDenied"},
	}
	for _, tt := range objectFailures {
		t.Run(tt.name, func(t *testing.T) {
			_, err := reader.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(tt.key)})
			status, code := extest.ErrorOf(t, err)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.code, code)
		})
	}
}

func TestOptionsNeedAKey(t *testing.T) {
	kmsSrv := kmstest.New()
	t.Cleanup(kmsSrv.Close)
	_, err := options(kmsSrv.Client(), "")
	require.Error(t, err)
}

// TestBootstrapUnderRIE runs the program itself, built as a provided.al2023
// bootstrap, under AWS's Lambda Runtime Interface Emulator, configured only
// through its environment as when deployed: KMS_KEY_ARN, and the KMS test
// double as AWS_ENDPOINT_URL_KMS. Without KMS_KEY_ARN a deployment fails
// visibly instead of serving anything.
func TestBootstrapUnderRIE(t *testing.T) {
	kmsSrv := kmstest.New()
	t.Cleanup(kmsSrv.Close)
	keyARN := kmsSrv.CreateKey()
	kr, err := kmskeyring.New(kmsSrv.Client(), keyARN)
	require.NoError(t, err)
	plaintext := "Q3 results: confidential"
	ct, md := encrypt(t, kr, plaintext)
	bootstrap := objectlambdatest.BuildBootstrap(t, ".")

	t.Run("configured", func(t *testing.T) {
		ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", objectlambdatest.WithBootstrap(bootstrap),
			objectlambdatest.WithFunctionEnv("KMS_KEY_ARN="+keyARN, "AWS_ENDPOINT_URL_KMS="+kmsSrv.URL))...)
		ap.PutObjectBytes(t, "reports/q3.txt", ct, func(in *s3.PutObjectInput) { in.Metadata = md })
		out, err := ap.ClientAs(session("reader", "ana")).GetObject(context.Background(),
			&s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("reports/q3.txt")})
		require.NoError(t, err)
		assert.Equal(t, plaintext, extest.Body(t, out.Body))
		assert.Positive(t, kmsSrv.Calls("Decrypt"), "the bootstrap unwrapped the data key through KMS")
	})
	t.Run("no key configured", func(t *testing.T) {
		ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", objectlambdatest.WithBootstrap(bootstrap))...)
		ap.PutObject(t, "reports/plain.txt", "public notice")
		_, err := ap.ClientAs(session("reader", "ana")).GetObject(context.Background(),
			&s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("reports/plain.txt")})
		status, code := extest.ErrorOf(t, err)
		assert.Equal(t, http.StatusInternalServerError, status)
		assert.Equal(t, "LambdaRuntimeError", code)
		assert.Empty(t, ap.WGORCalls())
	})
}
