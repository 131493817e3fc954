package encryption

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// legacyPKCS1Cases returns wrapped keys an attacker can submit in place of a
// legacy RSA (PKCS#1 v1.5) wrapped data key: the padding of some conforms,
// of others not. If the answers differ, the function is a Bleichenbacher
// padding oracle that decrypts any wrapped key for the attacker.
func legacyPKCS1Cases(t testing.TB, pub *rsa.PublicKey) map[string][]byte {
	t.Helper()
	enc := func(msg []byte) []byte {
		//lint:ignore SA1019 builds legacy wrapped keys for the read path.
		c, err := rsa.EncryptPKCS1v15(rand.Reader, pub, msg) //nolint:staticcheck
		require.NoError(t, err)
		return c
	}
	junk := make([]byte, pub.Size())
	_, _ = rand.Read(junk[1:]) // below the modulus, padding almost surely broken
	return map[string][]byte{
		"non-conforming padding":        junk,
		"conforming, wrong 32-byte key": enc(seq(0x70, 32)),
		"conforming, 16-byte key":       enc(seq(0x70, 16)),
		"conforming, empty key":         enc(nil),
		"wrong length":                  junk[:pub.Size()-1],
	}
}

func TestLegacyRSAUnwrapIsNoOracle(t *testing.T) {
	priv := testRSAKey(t)
	kr, err := NewRSAKeyring(priv, nil)
	require.NoError(t, err)
	dk := seq(0x20, 32)
	iv := seq(0x40, 12)
	block, err := aes.NewCipher(dk)
	require.NoError(t, err)
	body := sealGCM(t, block, iv, bytes.Repeat([]byte("legacy rsa "), 100))
	var msgs []string
	for name, edk := range legacyPKCS1Cases(t, &priv.PublicKey) {
		t.Run(name, func(t *testing.T) {
			e := &Envelope{Format: FormatV2, Content: ContentAESGCM, Wrap: WrapRSAPKCS1, EncryptedKey: edk, IV: iv, MatDesc: map[string]string{}, TagLenBits: 128, PlaintextLen: -1}
			d, err := NewDecryptor(context.Background(), bytes.NewReader(body), e, kr, WithLegacyWrapping())
			require.NoError(t, err, "an unwrap failure must not be told apart up front")
			defer d.Close()
			got, err := io.ReadAll(d)
			require.ErrorIs(t, err, ErrAuthentication)
			assert.Empty(t, got)
			msgs = append(msgs, err.Error())
		})
	}
	for _, m := range msgs {
		assert.Equal(t, msgs[0], m, "every failure reads the same")
	}
}
