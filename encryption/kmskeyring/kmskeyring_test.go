package kmskeyring_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/encryption"
	"github.com/objectlambda/sdk-go/encryption/kmskeyring"
	"github.com/objectlambda/sdk-go/encryption/kmskeyring/kmstest"
)

// recordingAPI answers Decrypt with a fixed data key, as the Go S3EC test
// vectors' mocked KMS does, and records the input.
type recordingAPI struct {
	kmskeyring.API
	dk []byte
	in *kms.DecryptInput
}

func (r *recordingAPI) Decrypt(_ context.Context, in *kms.DecryptInput, _ ...func(*kms.Options)) (*kms.DecryptOutput, error) {
	r.in = in
	return &kms.DecryptOutput{Plaintext: bytes.Clone(r.dk)}, nil
}

func decrypt(t *testing.T, body []byte, md encryption.Metadata, kr encryption.Keyring, opts ...encryption.Option) ([]byte, error) {
	t.Helper()
	e, err := encryption.RequireEnvelope(md)
	require.NoError(t, err)
	d, err := encryption.NewDecryptor(context.Background(), bytes.NewReader(body), e, kr, opts...)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return io.ReadAll(d)
}

func TestKnownAnswerV2(t *testing.T) {
	dk, _ := base64.StdEncoding.DecodeString("hJUv7S6K2cHF64boS9ixHX0TZAjBZLT4ZpEO4XxkGnY=")
	api := &recordingAPI{dk: dk}
	kr, err := kmskeyring.New(api, "arn:aws:kms:us-east-1:111122223333:key/test")
	require.NoError(t, err)
	md := encryption.Metadata{
		"x-amz-key-v2":   "PsuclPnlo2O0MQoov6kL1TBlaZG6oyNwWuAqmAgq7g8b9ZeeORi3VTMg624FU9jx",
		"x-amz-iv":       "dqqlq2dRVSQ5hFRb",
		"x-amz-matdesc":  `{"aws:x-amz-cek-alg":"AES/GCM/NoPadding","tenant":"t1"}`,
		"x-amz-wrap-alg": "kms+context",
		"x-amz-cek-alg":  "AES/GCM/NoPadding",
	}
	body, _ := hex.DecodeString("6b134eb7a353131de92faff64f594b2794e3544e31776cca26fe3bbeeffc68742d1007234f11c6670522602326868e29f37e9d2678f1614ec1a2418009b9772100929aadbed9a21a")
	got, err := decrypt(t, body, md, kr)
	require.NoError(t, err)
	assert.Equal(t, "af150d7156bf5b3f5c461e5c6ac820acc5a33aab7085d920666c250ff251209d5a4029b3bd78250fab6e11aed52fae948d407056a9519b68", hex.EncodeToString(got))
	// The stored context goes to KMS exactly, reserved key included, with the key ID.
	assert.Equal(t, map[string]string{"aws:x-amz-cek-alg": "AES/GCM/NoPadding", "tenant": "t1"}, api.in.EncryptionContext)
	assert.Equal(t, "arn:aws:kms:us-east-1:111122223333:key/test", *api.in.KeyId)

	t.Run("swapped aws:x-amz-cek-alg", func(t *testing.T) {
		bad := encryption.Metadata{}
		for k, v := range md {
			bad[k] = v
		}
		bad["x-amz-matdesc"] = `{"aws:x-amz-cek-alg":"115"}`
		_, err := decrypt(t, body, bad, kr)
		require.ErrorIs(t, err, kmskeyring.ErrContextMismatch)
		require.ErrorIs(t, err, encryption.ErrAuthentication)
		bad["x-amz-matdesc"] = `{"tenant":"t1"}`
		_, err = decrypt(t, body, bad, kr)
		require.ErrorIs(t, err, kmskeyring.ErrContextMismatch)
	})
	t.Run("expected context", func(t *testing.T) {
		strict, err := kmskeyring.New(api, "k", kmskeyring.WithExpectedContext(map[string]string{"tenant": "t2"}))
		require.NoError(t, err)
		_, err = decrypt(t, body, md, strict)
		require.ErrorIs(t, err, kmskeyring.ErrContextMismatch)
		ok, err := kmskeyring.New(api, "k", kmskeyring.WithExpectedContext(map[string]string{"tenant": "t1"}))
		require.NoError(t, err)
		_, err = decrypt(t, body, md, ok)
		require.NoError(t, err)
	})
}

func TestKnownAnswerV3(t *testing.T) {
	dk, _ := base64.StdEncoding.DecodeString("lP6AbIQTmptyb/+WQq+ubDw+w7na0T1LGSByZGuaono=")
	kr, err := kmskeyring.New(&recordingAPI{dk: dk}, "", kmskeyring.WithDiscovery())
	require.NoError(t, err)
	md := encryption.Metadata{
		"x-amz-3": "8gSzlk7giyfFbLPUVgoVjvQebI1827jp8lDkO+n2chsiSoegx1sjm8NdPk0Bl70I",
		"x-amz-c": "115", "x-amz-w": "12", "x-amz-t": `{"aws:x-amz-cek-alg":"115"}`,
		"x-amz-d": "6JOSx47RkdyfciJkNauuC4RpkMcWZY4a+i1RzQ==",
		"x-amz-i": "sE9zLb4tsEBJkvEhLMZFxMj9oZJBbQ6ZOgOqHA==",
	}
	body, _ := hex.DecodeString("2d4ff4dafe27f69f628872d82b5a1002ed1a21b8485d532bd8159f6487945b3641af5865fc0a029a3650053600c6d213625b9a0cc9c239577c09f3423dedc5641e88b6835824417c")
	got, err := decrypt(t, body, md, kr)
	require.NoError(t, err)
	assert.Equal(t, "8f2c59c6dbfcacf356f3da40788cbde67ca38161a4702cbcf757af663e1c24a600001b2f500417dbf5a050f57db6737422b2ed6a44c75e0d", hex.EncodeToString(got))
	md["x-amz-t"] = `{"aws:x-amz-cek-alg":"AES/GCM/NoPadding"}`
	_, err = decrypt(t, body, md, kr)
	require.ErrorIs(t, err, kmskeyring.ErrContextMismatch)
}

// Round trips through the real aws-sdk-go-v2 KMS client against the local
// KMS double (JSON 1.1 protocol over HTTP).
func TestRoundTripLocalKMS(t *testing.T) {
	srv := kmstest.New()
	defer srv.Close()
	keyA, keyB := srv.CreateKey(), srv.CreateKey()
	client := srv.Client()
	krA, err := kmskeyring.New(client, keyA)
	require.NoError(t, err)
	krB, err := kmskeyring.New(client, keyB)
	require.NoError(t, err)
	pt := make([]byte, 100_000)
	_, _ = rand.Read(pt)
	ctx := context.Background()
	for _, f := range []encryption.Format{encryption.FormatV2, encryption.FormatV3} {
		t.Run(f.String(), func(t *testing.T) {
			x, err := encryption.NewEncryptor(ctx, bytes.NewReader(pt), krA, encryption.WithFormat(f),
				encryption.WithEncryptionContext(map[string]string{"tenant": "t1"}))
			require.NoError(t, err)
			body, err := io.ReadAll(x)
			require.NoError(t, err)
			md := encryption.Metadata(x.Metadata())

			got, err := decrypt(t, body, md, krA)
			require.NoError(t, err)
			assert.Equal(t, pt, got)

			_, err = decrypt(t, body, md, krB)
			require.ErrorIs(t, err, encryption.ErrKeyNotFound, "KMS refuses another key's blob in strict mode")

			disc, err := kmskeyring.New(client, "", kmskeyring.WithDiscovery())
			require.NoError(t, err)
			got, err = decrypt(t, body, md, disc)
			require.NoError(t, err)
			assert.Equal(t, pt, got)

			// Altering the stored context (not the reserved key) makes KMS refuse.
			e, err := encryption.RequireEnvelope(md)
			require.NoError(t, err)
			e.EncryptionContext()["tenant"] = "t2"
			_, err = decrypt(t, body, e.Metadata(), krA)
			require.ErrorIs(t, err, encryption.ErrKeyNotFound)

			// Rewrap to key B via KMS Encrypt; the body is untouched.
			out, err := encryption.Rewrap(ctx, md, krA, krB)
			require.NoError(t, err)
			got, err = decrypt(t, body, out, krB)
			require.NoError(t, err)
			assert.Equal(t, pt, got)
		})
	}
	assert.Positive(t, srv.Calls("GenerateDataKey"))
	assert.Positive(t, srv.Calls("Decrypt"))
	assert.Positive(t, srv.Calls("Encrypt"))

	_, err = encryption.NewEncryptor(ctx, bytes.NewReader(pt), krA,
		encryption.WithEncryptionContext(map[string]string{"aws:x-amz-cek-alg": "AES/GCM/NoPadding"}))
	require.ErrorIs(t, err, encryption.ErrInvalidKey)
	_, err = kmskeyring.New(client, "")
	require.ErrorIs(t, err, encryption.ErrInvalidKey)
	_, err = kmskeyring.New(nil, "k")
	require.ErrorIs(t, err, encryption.ErrNoKeyring)
}

func TestNotKMSWrap(t *testing.T) {
	kr, err := kmskeyring.New(&recordingAPI{}, "k")
	require.NoError(t, err)
	_, err = kr.UnwrapKey(context.Background(), &encryption.Envelope{Wrap: encryption.WrapAESGCM})
	require.ErrorIs(t, err, encryption.ErrKeyNotFound)
}

// TestNoRelabellingAsLegacyKMS: the legacy kms wrap binds no content
// algorithm, but a kms+context data key carries aws:x-amz-cek-alg in its
// (KMS-authenticated) encryption context. Relabelling such a key as a legacy
// kms key for another content algorithm (GCM as unauthenticated CBC, V3 as
// V2) is refused before KMS is called.
func TestNoRelabellingAsLegacyKMS(t *testing.T) {
	srv := kmstest.New()
	defer srv.Close()
	kr, err := kmskeyring.New(srv.Client(), srv.CreateKey())
	require.NoError(t, err)
	ctx := context.Background()
	pt := bytes.Repeat([]byte("relabel "), 100)
	seal := func(f encryption.Format) *encryption.Envelope {
		x, err := encryption.NewEncryptor(ctx, bytes.NewReader(pt), kr, encryption.WithFormat(f))
		require.NoError(t, err)
		_, err = io.ReadAll(x)
		require.NoError(t, err)
		e, err := encryption.RequireEnvelope(x.Metadata())
		require.NoError(t, err)
		return e
	}
	v2, v3 := seal(encryption.FormatV2), seal(encryption.FormatV3)
	tests := []struct {
		name    string
		env     *encryption.Envelope
		wantErr error
	}{
		{name: "V2 GCM key as legacy kms CBC", wantErr: kmskeyring.ErrContextMismatch, env: &encryption.Envelope{
			Format: encryption.FormatV2, Content: encryption.ContentAESCBC, Wrap: encryption.WrapKMS,
			EncryptedKey: v2.EncryptedKey, IV: bytes.Repeat([]byte{1}, 16), MatDesc: v2.MatDesc, PlaintextLen: -1}},
		{name: "V3 key as legacy kms V2 GCM", wantErr: kmskeyring.ErrContextMismatch, env: &encryption.Envelope{
			Format: encryption.FormatV2, Content: encryption.ContentAESGCM, Wrap: encryption.WrapKMS,
			EncryptedKey: v3.EncryptedKey, IV: bytes.Repeat([]byte{1}, 12), MatDesc: v3.KMSContext, PlaintextLen: -1}},
		{name: "V2 GCM key as legacy kms GCM (same algorithm)", env: &encryption.Envelope{
			Format: encryption.FormatV2, Content: encryption.ContentAESGCM, Wrap: encryption.WrapKMS,
			EncryptedKey: v2.EncryptedKey, IV: v2.IV, MatDesc: v2.MatDesc, PlaintextLen: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := srv.Calls("Decrypt")
			dk, err := kr.UnwrapKey(ctx, tt.env)
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Len(t, dk, encryption.DataKeySize)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, before, srv.Calls("Decrypt"), "refused before any KMS call")
		})
	}
}
