package encryption

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // RSA-OAEP-SHA1 is the S3EC wrap algorithm
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"maps"
)

// Keyring unwraps the data key of an object and wraps data keys for new
// objects. Implementations look at Envelope.Wrap and the material
// description or encryption context to decide whether the key is theirs; if
// it is not, they return an error wrapping ErrKeyNotFound so that a
// MultiKeyring can try the next one.
//
// Returned data keys belong to the caller, who overwrites them after use. A
// [DataKey] prints redacted, so a key that reaches a log by mistake does not
// leak.
type Keyring interface {
	UnwrapKey(ctx context.Context, e *Envelope) (DataKey, error)
	WrapKey(ctx context.Context, req *WrapRequest) (*WrappedKey, error)
}

// WrapRequest asks a keyring to wrap a data key for a new envelope.
type WrapRequest struct {
	// Content is the content algorithm the key will be used with; wraps bind
	// it (AES/GCM AAD, RSA pseudo-key, KMS encryption context).
	Content ContentAlg
	// DataKey is the key to wrap. If nil, the keyring generates a fresh one
	// (KMS: GenerateDataKey). Its printed forms are redacted.
	DataKey DataKey
	// EncryptionContext is the caller's KMS encryption context; raw keyrings
	// ignore it. It must not contain ReservedContextKey.
	EncryptionContext map[string]string
	// Rand is the randomness source; nil means crypto/rand.
	Rand io.Reader
}

func (r *WrapRequest) rand() io.Reader {
	if r.Rand != nil {
		return r.Rand
	}
	return rand.Reader
}

// WrappedKey is a keyring's answer to WrapRequest. Its printed forms (and
// those of its DataKey) never show the plaintext data key.
type WrappedKey struct {
	DataKey      DataKey // plaintext data key: overwrite after use
	EncryptedKey []byte
	Wrap         WrapAlg
	// MatDesc is the raw-keyring material description (x-amz-matdesc / x-amz-m).
	MatDesc map[string]string
	// EncryptionContext is the complete KMS encryption context to store
	// (x-amz-matdesc / x-amz-t), reserved key included.
	EncryptionContext map[string]string
}

// newDataKey reads a fresh 32-byte data key from r (crypto/rand if nil).
func newDataKey(r io.Reader) ([]byte, error) {
	if r == nil {
		r = rand.Reader
	}
	dk := make([]byte, DataKeySize)
	if _, err := io.ReadFull(r, dk); err != nil {
		return nil, fmt.Errorf("encryption: generating data key: %w", err)
	}
	return dk, nil
}

func notMine(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrKeyNotFound, fmt.Sprintf(format, args...))
}

// --- raw AES keyring -------------------------------------------------------

// AESKeyring wraps data keys with a 256-bit AES key (wrap algorithm AES/GCM,
// as the Java S3 Encryption Client's AesKeyring). It can also unwrap the
// legacy AESWrap (RFC 3394) and AES (ECB) wraps; the decryptor refuses those
// unless WithLegacyWrapping is given.
type AESKeyring struct {
	key     []byte
	matDesc map[string]string
	extra   []aesEntry
}

type aesEntry struct {
	matDesc map[string]string
	key     []byte
}

// AESOption configures an AESKeyring.
type AESOption func(*AESKeyring) error

// WithAdditionalAESKey adds a decryption-only key, chosen when an object's
// material description equals matDesc exactly (key rotation).
func WithAdditionalAESKey(matDesc map[string]string, key []byte) AESOption {
	return func(k *AESKeyring) error {
		if len(key) != 32 {
			return fmt.Errorf("%w: AES wrapping key must be 32 bytes, got %d", ErrInvalidKey, len(key))
		}
		k.extra = append(k.extra, aesEntry{maps.Clone(matDesc), append([]byte(nil), key...)})
		return nil
	}
}

// NewAESKeyring returns a keyring for a 32-byte wrapping key. matDesc is the
// material description stored with new objects (it is not secret and not
// authenticated; use it to name the key, e.g. {"kid":"2025-01"}). The key is
// copied; the caller may overwrite its slice.
func NewAESKeyring(key []byte, matDesc map[string]string, opts ...AESOption) (*AESKeyring, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("%w: AES wrapping key must be 32 bytes, got %d", ErrInvalidKey, len(key))
	}
	k := &AESKeyring{key: append([]byte(nil), key...), matDesc: maps.Clone(matDesc)}
	if k.matDesc == nil {
		k.matDesc = map[string]string{}
	}
	for _, o := range opts {
		if err := o(k); err != nil {
			return nil, err
		}
	}
	return k, nil
}

func (k *AESKeyring) keyFor(md map[string]string) []byte {
	for _, e := range k.extra {
		if maps.Equal(e.matDesc, md) {
			return e.key
		}
	}
	return k.key
}

// UnwrapKey implements Keyring.
func (k *AESKeyring) UnwrapKey(_ context.Context, e *Envelope) (DataKey, error) {
	wk := k.keyFor(e.MatDesc)
	block, err := aes.NewCipher(wk)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	switch e.Wrap {
	case WrapAESGCM:
		edk := e.EncryptedKey
		if len(edk) != gcmIVSize+DataKeySize+TagSize {
			return nil, fmt.Errorf("%w: AES/GCM wrapped key has %d bytes, want %d", ErrMalformedEnvelope, len(edk), gcmIVSize+DataKeySize+TagSize)
		}
		aead, _ := cipher.NewGCM(block) // cannot fail for AES
		dk, err := aead.Open(nil, edk[:gcmIVSize], edk[gcmIVSize:], []byte(e.Content))
		if err != nil {
			return nil, notMine("AES/GCM unwrap failed (wrong key or altered envelope)")
		}
		return dk, nil
	case WrapAESWrap:
		dk, err := aesKeyUnwrap(block, e.EncryptedKey)
		if err != nil {
			return nil, notMine("AESWrap unwrap failed (wrong key or altered envelope)")
		}
		return checkDK(dk)
	case WrapAESECB:
		dk, err := ecbUnwrap(block, e.EncryptedKey)
		if err != nil {
			return nil, notMine("AES unwrap failed (wrong key or altered envelope)")
		}
		return checkDK(dk)
	}
	return nil, notMine("AES keyring cannot unwrap %q", e.Wrap)
}

// WrapKey implements Keyring (wrap algorithm AES/GCM).
func (k *AESKeyring) WrapKey(_ context.Context, req *WrapRequest) (*WrappedKey, error) {
	dk, err := dataKeyFor(req)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k.key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	aead, _ := cipher.NewGCM(block)
	edk := make([]byte, gcmIVSize, gcmIVSize+DataKeySize+TagSize)
	if _, err := io.ReadFull(req.rand(), edk); err != nil {
		return nil, fmt.Errorf("encryption: wrap IV: %w", err)
	}
	edk = aead.Seal(edk, edk[:gcmIVSize], dk, []byte(req.Content))
	return &WrappedKey{DataKey: dk, EncryptedKey: edk, Wrap: WrapAESGCM, MatDesc: maps.Clone(k.matDesc)}, nil
}

func dataKeyFor(req *WrapRequest) ([]byte, error) {
	if req.DataKey != nil {
		if len(req.DataKey) != DataKeySize {
			return nil, fmt.Errorf("%w: data key must be %d bytes", ErrInvalidKey, DataKeySize)
		}
		return append([]byte(nil), req.DataKey...), nil
	}
	return newDataKey(req.rand())
}

func checkDK(dk []byte) ([]byte, error) {
	if len(dk) != DataKeySize {
		clear(dk)
		return nil, fmt.Errorf("%w: unwrapped data key has %d bytes", ErrInvalidKey, len(dk))
	}
	return dk, nil
}

// --- RSA keyring -------------------------------------------------------------

// RSAKeyring wraps data keys with RSA-OAEP-SHA1 (the S3EC RSA keyring). The
// wrapped value binds the content algorithm: it is the OAEP encryption of
// len(DK) || DK || content-algorithm. It can also unwrap the legacy
// RSA/ECB/OAEPWithSHA-256AndMGF1Padding and RSA (PKCS#1 v1.5) wraps.
//
// For the legacy RSA (PKCS#1 v1.5) wrap UnwrapKey never fails: a wrapped key
// that does not unwrap yields a random data key, as
// rsa.DecryptPKCS1v15SessionKey intends, and the object then fails
// authentication (ErrAuthentication) exactly like an altered one. Telling
// the two apart would make the function a padding oracle that decrypts
// wrapped keys for whoever can write objects (Bleichenbacher's attack). The
// cost: a wrong RSA key is reported as an altered object, and a MultiKeyring
// does not move past an RSA keyring for such objects, so give it only one.
type RSAKeyring struct {
	priv    *rsa.PrivateKey
	pub     *rsa.PublicKey
	matDesc map[string]string
}

// NewRSAKeyring returns a keyring that unwraps with priv and wraps with its
// public key.
func NewRSAKeyring(priv *rsa.PrivateKey, matDesc map[string]string) (*RSAKeyring, error) {
	if priv == nil {
		return nil, fmt.Errorf("%w: nil RSA private key", ErrInvalidKey)
	}
	return &RSAKeyring{priv: priv, pub: &priv.PublicKey, matDesc: cloneOrEmpty(matDesc)}, nil
}

// NewRSAPublicKeyring returns a wrap-only keyring: it encrypts data keys for
// the holder of pub's private key (e.g. to serve each caller their object
// under their own key) and cannot unwrap.
func NewRSAPublicKeyring(pub *rsa.PublicKey, matDesc map[string]string) (*RSAKeyring, error) {
	if pub == nil {
		return nil, fmt.Errorf("%w: nil RSA public key", ErrInvalidKey)
	}
	return &RSAKeyring{pub: pub, matDesc: cloneOrEmpty(matDesc)}, nil
}

func cloneOrEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return maps.Clone(m)
}

// UnwrapKey implements Keyring.
func (k *RSAKeyring) UnwrapKey(_ context.Context, e *Envelope) (DataKey, error) {
	if k.priv == nil {
		return nil, notMine("RSA keyring has no private key")
	}
	switch e.Wrap {
	case WrapRSAOAEPSHA1:
		pt, err := rsa.DecryptOAEP(sha1.New(), nil, k.priv, e.EncryptedKey, nil)
		if err != nil {
			return nil, notMine("RSA-OAEP-SHA1 unwrap failed (wrong key or altered envelope)")
		}
		defer clear(pt)
		alg := string(e.Content)
		if len(pt) != 1+DataKeySize+len(alg) || pt[0] != DataKeySize || string(pt[1+DataKeySize:]) != alg {
			return nil, fmt.Errorf("%w: RSA pseudo-key does not bind content algorithm %s", ErrAuthentication, e.Content)
		}
		return append([]byte(nil), pt[1:1+DataKeySize]...), nil
	case WrapRSAOAEPSHA256:
		pt, err := k.priv.Decrypt(nil, e.EncryptedKey, &rsa.OAEPOptions{Hash: cryptoSHA256, MGFHash: cryptoSHA1})
		if err != nil {
			pt, err = rsa.DecryptOAEP(sha256.New(), nil, k.priv, e.EncryptedKey, nil)
		}
		if err != nil {
			return nil, notMine("RSA-OAEP-SHA256 unwrap failed (wrong key or altered envelope)")
		}
		return checkDK(pt)
	case WrapRSAPKCS1:
		return k.unwrapPKCS1(e.EncryptedKey)
	}
	return nil, notMine("RSA keyring cannot unwrap %q", e.Wrap)
}

// unwrapPKCS1 unwraps the legacy RSA (PKCS#1 v1.5) wrap without becoming a
// Bleichenbacher padding oracle: whatever is wrong with the wrapped key (its
// padding, its length, the key inside), the answer is a 32-byte data key,
// random when unwrapping failed, chosen in constant time. The content then
// fails authentication like any altered object, so no caller can tell a
// conforming padding from a broken one.
func (k *RSAKeyring) unwrapPKCS1(edk []byte) ([]byte, error) {
	dk, err := newDataKey(nil)
	if err != nil {
		return nil, err
	}
	//lint:ignore SA1019 legacy V1 objects only, behind WithLegacyWrapping.
	_ = rsa.DecryptPKCS1v15SessionKey(nil, k.priv, edk, dk) //nolint:staticcheck // errors only on public facts (sizes); dk stays random
	return dk, nil
}

// WrapKey implements Keyring (wrap algorithm RSA-OAEP-SHA1).
func (k *RSAKeyring) WrapKey(_ context.Context, req *WrapRequest) (*WrappedKey, error) {
	dk, err := dataKeyFor(req)
	if err != nil {
		return nil, err
	}
	pseudo := make([]byte, 0, 1+DataKeySize+len(req.Content))
	pseudo = append(pseudo, DataKeySize)
	pseudo = append(pseudo, dk...)
	pseudo = append(pseudo, req.Content...)
	defer clear(pseudo)
	edk, err := rsa.EncryptOAEP(sha1.New(), req.rand(), k.pub, pseudo, nil)
	if err != nil {
		clear(dk)
		return nil, fmt.Errorf("%w: RSA-OAEP wrap: %v", ErrInvalidKey, err)
	}
	return &WrappedKey{DataKey: dk, EncryptedKey: edk, Wrap: WrapRSAOAEPSHA1, MatDesc: maps.Clone(k.matDesc)}, nil
}

// --- multi-keyring -----------------------------------------------------------

// MultiKeyring wraps with its first keyring and unwraps with the first of
// its keyrings that succeeds.
type MultiKeyring struct{ rings []Keyring }

// NewMultiKeyring returns a keyring that wraps new data keys with primary and
// tries primary then others, in order, to unwrap.
func NewMultiKeyring(primary Keyring, others ...Keyring) *MultiKeyring {
	return &MultiKeyring{rings: append([]Keyring{primary}, others...)}
}

// UnwrapKey implements Keyring.
func (m *MultiKeyring) UnwrapKey(ctx context.Context, e *Envelope) (DataKey, error) {
	var errs []error
	for _, r := range m.rings {
		if r == nil {
			continue
		}
		dk, err := r.UnwrapKey(ctx, e)
		if err == nil {
			return dk, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	if len(errs) == 0 {
		return nil, ErrNoKeyring
	}
	return nil, fmt.Errorf("%w: no keyring could unwrap the data key: %w", ErrKeyNotFound, errors.Join(errs...))
}

// WrapKey implements Keyring using the primary keyring.
func (m *MultiKeyring) WrapKey(ctx context.Context, req *WrapRequest) (*WrappedKey, error) {
	if len(m.rings) == 0 || m.rings[0] == nil {
		return nil, ErrNoKeyring
	}
	return m.rings[0].WrapKey(ctx, req)
}
