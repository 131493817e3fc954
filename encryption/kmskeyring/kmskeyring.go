// Package kmskeyring is the AWS KMS keyring for package
// [github.com/objectlambda/sdk-go/encryption]: [New] returns a [*Keyring]
// (an [encryption.Keyring]) that unwraps and wraps S3 Encryption Client data
// keys with the kms+context algorithm, and reads the legacy kms one. It is a
// separate package so that the core encryption package stays free of the AWS
// SDK; [API] is the part of *kms.Client it calls, so tests can pass the
// local KMS of package kmstest.
//
//	kr, err := kmskeyring.New(kms.NewFromConfig(cfg), keyARN)
//	objectlambda.Start(objectlambda.WithDecryption(kr))
//
// Decryption passes the encryption context stored with the object to KMS
// exactly as stored, after checking that its reserved entry
// "aws:x-amz-cek-alg" ([encryption.ReservedContextKey]) names the object's
// content algorithm (this stops an attacker from swapping a V3 object's key
// into a V2 envelope or the other way round), also when the envelope
// relabels such a key as legacy kms; a mismatch is [ErrContextMismatch]. The
// legacy kms wrap itself binds no content algorithm (its context is
// {"kms_cmk_id": ...}; see [encryption.WithLegacyWrapping]).
// [WithExpectedContext] also requires the rest of the context to be what the
// operator expects.
//
// The configured key ID is sent with every Decrypt, so KMS refuses data keys
// wrapped under other keys; [WithDiscovery], in which the object chooses the
// key, is an explicit opt-in. [WithGrantTokens] passes grant tokens along.
//
// The function role needs kms:Decrypt (and kms:GenerateDataKey to encrypt,
// kms:Encrypt to rewrap) on the configured key.
package kmskeyring

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/objectlambda/sdk-go/encryption"
)

// API is the subset of *kms.Client the keyring uses.
type API interface {
	Decrypt(ctx context.Context, in *kms.DecryptInput, opts ...func(*kms.Options)) (*kms.DecryptOutput, error)
	GenerateDataKey(ctx context.Context, in *kms.GenerateDataKeyInput, opts ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error)
	Encrypt(ctx context.Context, in *kms.EncryptInput, opts ...func(*kms.Options)) (*kms.EncryptOutput, error)
}

// ErrContextMismatch: the stored encryption context is not the one the
// keyring was told to expect, or its aws:x-amz-cek-alg entry does not match
// the content algorithm. It wraps encryption.ErrAuthentication.
var ErrContextMismatch = fmt.Errorf("%w: KMS encryption context mismatch", encryption.ErrAuthentication)

// Keyring implements encryption.Keyring with AWS KMS.
type Keyring struct {
	api         API
	keyID       string
	discovery   bool
	grantTokens []string
	expected    map[string]string
}

// Option configures a Keyring.
type Option func(*Keyring)

// WithDiscovery lets Decrypt use whatever KMS key wrapped the data key (no
// KeyId is sent). Only use it when every key the function can access is
// acceptable for every object it serves.
func WithDiscovery() Option { return func(k *Keyring) { k.discovery = true } }

// WithGrantTokens passes KMS grant tokens with every call.
func WithGrantTokens(tokens ...string) Option {
	return func(k *Keyring) { k.grantTokens = append([]string(nil), tokens...) }
}

// WithExpectedContext requires the stored encryption context, without the
// reserved keys aws:x-amz-cek-alg and kms_cmk_id, to equal ec (the Java
// client's rule). Without it, any stored context is accepted and passed to
// KMS, which authenticates it.
func WithExpectedContext(ec map[string]string) Option {
	return func(k *Keyring) {
		k.expected = maps.Clone(ec)
		if k.expected == nil {
			k.expected = map[string]string{}
		}
	}
}

// New returns a KMS keyring for keyID (key ID, ARN or alias ARN; an ARN is
// needed to decrypt in strict mode). keyID may be empty only with
// WithDiscovery, and such a keyring cannot wrap.
func New(api API, keyID string, opts ...Option) (*Keyring, error) {
	if api == nil {
		return nil, fmt.Errorf("%w: nil KMS client", encryption.ErrNoKeyring)
	}
	k := &Keyring{api: api, keyID: keyID}
	for _, o := range opts {
		o(k)
	}
	if keyID == "" && !k.discovery {
		return nil, fmt.Errorf("%w: KMS key ID required (or WithDiscovery)", encryption.ErrInvalidKey)
	}
	return k, nil
}

// String describes the keyring.
func (k *Keyring) String() string {
	return fmt.Sprintf("kmskeyring.Keyring{key:%q discovery:%t}", k.keyID, k.discovery)
}

// UnwrapKey implements encryption.Keyring.
func (k *Keyring) UnwrapKey(ctx context.Context, e *encryption.Envelope) (encryption.DataKey, error) {
	if e.Wrap != encryption.WrapKMSContext && e.Wrap != encryption.WrapKMS {
		return nil, fmt.Errorf("%w: KMS keyring cannot unwrap %q", encryption.ErrKeyNotFound, e.Wrap)
	}
	stored := e.EncryptionContext()
	alg, ok := stored[encryption.ReservedContextKey]
	// kms+context binds the content algorithm through the context. The legacy
	// kms wrap binds none (the official clients share this gap), but a
	// context that names one was written by kms+context: holding it to its
	// word refuses a key relabelled as legacy kms for another algorithm.
	if (ok || e.Wrap == encryption.WrapKMSContext) && alg != string(e.Content) {
		return nil, fmt.Errorf("%w: %s is %q, content algorithm is %q", ErrContextMismatch, encryption.ReservedContextKey, alg, e.Content)
	}
	if k.expected != nil {
		rest := maps.Clone(stored)
		delete(rest, encryption.ReservedContextKey)
		delete(rest, "kms_cmk_id")
		if !maps.Equal(rest, k.expected) {
			return nil, fmt.Errorf("%w: stored context differs from the expected one", ErrContextMismatch)
		}
	}
	in := &kms.DecryptInput{
		CiphertextBlob:    e.EncryptedKey,
		EncryptionContext: maps.Clone(stored),
		GrantTokens:       k.grantTokens,
	}
	if !k.discovery {
		in.KeyId = aws.String(k.keyID)
	}
	out, err := k.api.Decrypt(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("%w: KMS Decrypt: %w", encryption.ErrKeyNotFound, err)
	}
	if len(out.Plaintext) != encryption.DataKeySize {
		clear(out.Plaintext)
		return nil, fmt.Errorf("%w: KMS returned a %d-byte data key", encryption.ErrInvalidKey, len(out.Plaintext))
	}
	return out.Plaintext, nil
}

// WrapKey implements encryption.Keyring: GenerateDataKey for a new key,
// Encrypt for an existing one (rewrap). The stored context is the caller's
// plus aws:x-amz-cek-alg.
func (k *Keyring) WrapKey(ctx context.Context, req *encryption.WrapRequest) (*encryption.WrappedKey, error) {
	if k.keyID == "" {
		return nil, errors.New("kmskeyring: a discovery keyring without a key ID cannot wrap")
	}
	ec := maps.Clone(req.EncryptionContext)
	if ec == nil {
		ec = map[string]string{}
	}
	if _, ok := ec[encryption.ReservedContextKey]; ok {
		return nil, fmt.Errorf("%w: encryption context must not contain %s", encryption.ErrInvalidKey, encryption.ReservedContextKey)
	}
	ec[encryption.ReservedContextKey] = string(req.Content)
	wk := &encryption.WrappedKey{Wrap: encryption.WrapKMSContext, EncryptionContext: ec}
	if req.DataKey == nil {
		out, err := k.api.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{
			KeyId: aws.String(k.keyID), KeySpec: types.DataKeySpecAes256,
			EncryptionContext: maps.Clone(ec), GrantTokens: k.grantTokens,
		})
		if err != nil {
			return nil, fmt.Errorf("kmskeyring: KMS GenerateDataKey: %w", err)
		}
		if len(out.Plaintext) != encryption.DataKeySize || len(out.CiphertextBlob) == 0 {
			clear(out.Plaintext)
			return nil, fmt.Errorf("%w: unexpected GenerateDataKey answer", encryption.ErrInvalidKey)
		}
		wk.DataKey, wk.EncryptedKey = out.Plaintext, out.CiphertextBlob
		return wk, nil
	}
	out, err := k.api.Encrypt(ctx, &kms.EncryptInput{
		KeyId: aws.String(k.keyID), Plaintext: req.DataKey,
		EncryptionContext: maps.Clone(ec), GrantTokens: k.grantTokens,
	})
	if err != nil {
		return nil, fmt.Errorf("kmskeyring: KMS Encrypt: %w", err)
	}
	wk.DataKey, wk.EncryptedKey = append([]byte(nil), req.DataKey...), out.CiphertextBlob
	return wk, nil
}
