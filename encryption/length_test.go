package encryption

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sealCBC builds a legacy AES/CBC/PKCS5Padding object under dk.
func sealCBC(t testing.TB, dk, iv, pt []byte) []byte {
	t.Helper()
	b, err := aes.NewCipher(dk)
	require.NoError(t, err)
	pad := 16 - len(pt)%16
	out := append(bytes.Clone(pt), bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(b, iv).CryptBlocks(out, out)
	return out
}

// x-amz-unencrypted-content-length is not authenticated: anyone who can
// change the object's metadata can change it. It must neither break a valid
// object nor become the announced length.
func TestPlaintextLengthIgnoresMetadataHint(t *testing.T) {
	kr := testKeyrings(t)["AES/GCM"]
	pt := bytes.Repeat([]byte("0123456789"), 100) // 1000 bytes
	body, e := encryptAll(t, pt, kr)
	tests := []struct {
		name      string
		hint      int64
		opts      []Option
		wantUp    bool // length known before the first Read
		wantAfter bool // length known after the first Read
	}{
		{name: "stored length given, hint too small", hint: 5, opts: []Option{WithCiphertextLength(int64(len(body)))}, wantUp: true, wantAfter: true},
		{name: "stored length given, hint too large", hint: 1 << 40, opts: []Option{WithCiphertextLength(int64(len(body)))}, wantUp: true, wantAfter: true},
		{name: "no stored length, hint too small", hint: 5, wantAfter: true},
		{name: "no stored length, hint above the buffer limits", hint: 1 << 40, wantAfter: true},
		{name: "no stored length, delayed authentication", hint: 5, opts: []Option{WithDelayedAuthentication()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forged := *e
			forged.PlaintextLen = tt.hint
			d, err := NewDecryptor(context.Background(), bytes.NewReader(body), &forged, kr, tt.opts...)
			require.NoError(t, err, "an edited hint must not break a valid object")
			defer d.Close()
			n, ok := d.PlaintextLength()
			assert.Equal(t, tt.wantUp, ok)
			if ok {
				assert.EqualValues(t, len(pt), n)
			}
			first := make([]byte, 1)
			_, err = io.ReadFull(d, first)
			require.NoError(t, err)
			n, ok = d.PlaintextLength()
			assert.Equal(t, tt.wantAfter, ok)
			if ok {
				assert.EqualValues(t, len(pt), n, "the announced length comes from authenticated or counted data")
			}
			rest, err := io.ReadAll(d)
			require.NoError(t, err)
			assert.Equal(t, pt, append(first, rest...))
		})
	}
}

// Legacy CBC: the padding decides the length, at the very end. A hint that
// agrees with the stored length may be announced up front, and then a
// plaintext of another length fails at EOF instead of ending the reply short
// or long.
func TestPlaintextLengthCBC(t *testing.T) {
	dk := seq(0x20, 32)
	iv := seq(0x40, 16)
	pt := []byte("twenty-five bytes of text") // 25 bytes: 32 stored
	require.Len(t, pt, 25)
	body := sealCBC(t, dk, iv, pt)
	env := func(hint int64) *Envelope {
		return &Envelope{Format: FormatV2, Content: ContentAESCBC, Wrap: WrapAESGCM, EncryptedKey: []byte{1}, IV: iv, MatDesc: map[string]string{}, PlaintextLen: hint}
	}
	tests := []struct {
		name     string
		hint     int64
		ctLen    int64
		wantUp   bool
		wantErr  error
		wantBody []byte
	}{
		{name: "true hint, stored length known", hint: 25, ctLen: 32, wantUp: true, wantBody: pt},
		{name: "hint in the last block but wrong", hint: 20, ctLen: 32, wantUp: true, wantErr: ErrAuthentication},
		{name: "hint outside the stored length", hint: 40, ctLen: 32, wantBody: pt},
		{name: "hint without a stored length", hint: 25, ctLen: -1, wantBody: pt},
		{name: "no hint", hint: -1, ctLen: 32, wantBody: pt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []Option{WithLegacyUnauthenticatedModes()}
			if tt.ctLen >= 0 {
				opts = append(opts, WithCiphertextLength(tt.ctLen))
			}
			d, err := NewDecryptor(context.Background(), bytes.NewReader(body), env(tt.hint), fixedKeyring{dk}, opts...)
			require.NoError(t, err)
			defer d.Close()
			n, ok := d.PlaintextLength()
			assert.Equal(t, tt.wantUp, ok)
			if ok {
				assert.Equal(t, tt.hint, n)
			}
			got, err := io.ReadAll(d)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantBody, got)
			n, ok = d.PlaintextLength()
			assert.True(t, ok, "known once counted to the end")
			assert.EqualValues(t, len(pt), n)
		})
	}
}
