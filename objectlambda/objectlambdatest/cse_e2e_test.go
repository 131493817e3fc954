package objectlambdatest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/objectlambda/sdk-go/encryption"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// End-to-end: client-side encrypted objects stored in versitygw, read by a
// real S3 client through the local Object Lambda access point, decrypted
// (and optionally re-encrypted) by an in-process objectlambda.Handler.

func cseKeyring(t *testing.T, fill byte) *encryption.AESKeyring {
	t.Helper()
	kr, err := encryption.NewAESKeyring(bytes.Repeat([]byte{fill}, 32), map[string]string{"kid": string('a' + rune(fill))})
	require.NoError(t, err)
	return kr
}

// putEncrypted stores plain encrypted under kr, the envelope in the object
// metadata, as the S3 Encryption Client does.
func putEncrypted(t *testing.T, ap *objectlambdatest.AccessPoint, key string, kr encryption.Keyring, plain []byte, opts ...encryption.Option) []byte {
	t.Helper()
	x, err := encryption.NewEncryptor(context.Background(), bytes.NewReader(plain), kr, opts...)
	require.NoError(t, err)
	body, err := io.ReadAll(x)
	require.NoError(t, err)
	ap.PutObjectBytes(t, key, body, func(in *s3.PutObjectInput) {
		in.ContentType = aws.String("text/plain")
		in.Metadata = map[string]string{"color": "blue"}
		for k, v := range x.Metadata() {
			in.Metadata[k] = v
		}
	})
	return body
}

func e2ePlaintext(n int) []byte {
	return bytes.Repeat([]byte("client-side encrypted line\n"), n/27+1)[:n]
}

func apiError(t *testing.T, err error) (int, string) {
	t.Helper()
	require.Error(t, err)
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "an S3 API error, got %v", err)
	var re *smithyhttp.ResponseError
	status := 0
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return status, ae.ErrorCode()
}

func TestCSEEndToEndDecrypt(t *testing.T) {
	stored := cseKeyring(t, 1)
	ap := objectlambdatest.New(t,
		objectlambdatest.WithHandler(objectlambda.WithDecryption(stored)),
		objectlambdatest.WithAllowedFeatures("GetObject-Range"))
	plain := e2ePlaintext(100_000)
	putEncrypted(t, ap, "v2.txt", stored, plain)
	putEncrypted(t, ap, "v3.txt", stored, plain, encryption.WithFormat(encryption.FormatV3))
	ctx := context.Background()
	client := ap.Client()

	tests := []struct {
		key       string
		rng       string
		want      string
		wantRange string
	}{
		{key: "v2.txt", want: string(plain)},
		{key: "v3.txt", want: string(plain)},
		{key: "v3.txt", rng: "bytes=99990-", want: string(plain[99990:]), wantRange: "bytes 99990-99999/100000"},
	}
	for _, tt := range tests {
		t.Run(tt.key+tt.rng, func(t *testing.T) {
			in := &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(tt.key)}
			if tt.rng != "" {
				in.Range = aws.String(tt.rng)
			}
			out, err := client.GetObject(ctx, in)
			require.NoError(t, err)
			defer out.Body.Close()
			got, err := io.ReadAll(out.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
			assert.Equal(t, int64(len(tt.want)), aws.ToInt64(out.ContentLength), "the plaintext length is announced")
			assert.Equal(t, tt.wantRange, aws.ToString(out.ContentRange))
			for k := range out.Metadata {
				assert.False(t, strings.HasPrefix(strings.ToLower(k), "x-amz-"), "envelope entry %q reached the caller", k)
			}
			assert.Equal(t, "blue", out.Metadata["color"])
		})
	}

}

func TestCSEEndToEndErrors(t *testing.T) {
	stored := cseKeyring(t, 1)
	ap := objectlambdatest.NewAccessPoint(t, objectlambda.WithDecryption(stored))
	plain := e2ePlaintext(5000)

	x, err := encryption.NewEncryptor(context.Background(), bytes.NewReader(plain), stored)
	require.NoError(t, err)
	body, err := io.ReadAll(x)
	require.NoError(t, err)
	body[10] ^= 1
	ap.PutObjectBytes(t, "tampered.txt", body, func(in *s3.PutObjectInput) { in.Metadata = x.Metadata() })
	putEncrypted(t, ap, "other-key.txt", cseKeyring(t, 2), plain)
	ap.PutObject(t, "doc.txt.instruction", `{"x-amz-key-v2":"AAAA"}`)
	ap.PutObject(t, "plain.txt", "plaintext put in place of a ciphertext")

	tests := []struct {
		key        string
		wantStatus int
		wantCode   string
	}{
		{key: "tampered.txt", wantStatus: http.StatusInternalServerError, wantCode: "InternalError"},
		{key: "other-key.txt", wantStatus: http.StatusForbidden, wantCode: "AccessDenied"},
		{key: "doc.txt.instruction", wantStatus: http.StatusNotFound, wantCode: "NoSuchKey"},
		{key: "plain.txt", wantStatus: http.StatusForbidden, wantCode: "AccessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			_, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(tt.key)})
			status, code := apiError(t, err)
			assert.Equal(t, tt.wantStatus, status)
			assert.Equal(t, tt.wantCode, code)
		})
	}
}

func TestCSEEndToEndReencrypt(t *testing.T) {
	stored := cseKeyring(t, 1)
	callerKey := cseKeyring(t, 9)
	ap := objectlambdatest.NewAccessPoint(t, objectlambda.WithDecryption(stored), objectlambda.WithEncryption(callerKey))
	plain := e2ePlaintext(70_000)
	putEncrypted(t, ap, "doc.txt", stored, plain)

	ctx := context.Background()
	out, err := ap.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("doc.txt")})
	require.NoError(t, err)
	defer out.Body.Close()
	env, err := encryption.RequireEnvelope(encryption.Metadata(out.Metadata))
	require.NoError(t, err, "the caller receives an envelope in the metadata")
	var opts []encryption.Option
	if n := aws.ToInt64(out.ContentLength); n > 0 {
		opts = append(opts, encryption.WithCiphertextLength(n))
	}
	d, err := encryption.NewDecryptor(ctx, out.Body, env, callerKey, opts...)
	require.NoError(t, err)
	defer d.Close()
	got, err := io.ReadAll(d)
	require.NoError(t, err)
	assert.Equal(t, plain, got)
}
