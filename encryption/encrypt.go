package encryption

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
)

// Encryptor is an io.ReadCloser of ciphertext: it encrypts a plaintext
// stream with AES-GCM under a fresh data key, as it is read, and appends the
// tag. Memory use is constant. Set Metadata() on the outgoing object.
type Encryptor struct {
	src    io.Reader
	env    *Envelope
	ctr    cipher.Stream
	gh     *ghashStream
	ptLen  int64
	n      int64
	tag    []byte
	done   bool
	closed bool
	err    error
}

// NewEncryptor wraps a fresh data key with kr and returns the encrypting
// reader. Options read: WithFormat, WithEncryptionContext,
// WithPlaintextLength.
func NewEncryptor(ctx context.Context, plaintext io.Reader, kr Keyring, opts ...Option) (*Encryptor, error) {
	c := newConfig(opts)
	if kr == nil {
		return nil, ErrNoKeyring
	}
	if c.ptLen > maxGCMPlaintext {
		return nil, fmt.Errorf("%w: larger than the GCM limit", ErrTooLarge)
	}
	content := ContentAESGCM
	switch c.format {
	case FormatV2:
	case FormatV3:
		content = ContentCommitting
	default:
		return nil, fmt.Errorf("%w: cannot write format %s", ErrUnsupportedFormat, c.format)
	}
	if err := checkUserContext(c.encCtx); err != nil {
		return nil, err
	}
	rnd := c.rand
	if rnd == nil {
		rnd = rand.Reader
	}
	wk, err := kr.WrapKey(ctx, &WrapRequest{Content: content, EncryptionContext: maps.Clone(c.encCtx), Rand: rnd})
	if err != nil {
		return nil, err
	}
	defer clear(wk.DataKey)
	e := &Envelope{Format: c.format, Content: content, PlaintextLen: c.ptLen, TagLenBits: 128}
	if err := e.setWrapped(wk); err != nil {
		return nil, err
	}
	key, nonce, aad := wk.DataKey, []byte(nil), []byte(nil)
	if c.format == FormatV3 {
		e.MessageID = make([]byte, messageIDSize)
		if err := randNonZero(rnd, e.MessageID); err != nil {
			return nil, err
		}
		ck, dek, err := deriveV3Keys(wk.DataKey, e.MessageID)
		if err != nil {
			return nil, err
		}
		defer clear(dek)
		e.KeyCommitment = ck
		key = dek
		nonce = bytes.Repeat([]byte{0x01}, gcmIVSize)
		aad = []byte{0x00, 0x73}
	} else {
		e.IV = make([]byte, gcmIVSize)
		if err := randNonZero(rnd, e.IV); err != nil {
			return nil, err
		}
		nonce = e.IV
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	return &Encryptor{
		src: plaintext, env: e, ptLen: c.ptLen,
		ctr: cipher.NewCTR(block, ctrIV(nonce, 0)),
		gh:  newGHASHStream(block, nonce, aad),
	}, nil
}

func randNonZero(r io.Reader, b []byte) error {
	for range 4 {
		if _, err := io.ReadFull(r, b); err != nil {
			return fmt.Errorf("encryption: reading randomness: %w", err)
		}
		if !allZero(b) {
			return nil
		}
	}
	return fmt.Errorf("encryption: randomness source returns zeros")
}

func checkUserContext(ec map[string]string) error {
	for k := range ec {
		if strings.EqualFold(k, ReservedContextKey) {
			return fmt.Errorf("%w: encryption context must not contain the reserved key %s", ErrInvalidKey, ReservedContextKey)
		}
	}
	return nil
}

// setWrapped stores a keyring's answer in the envelope.
func (e *Envelope) setWrapped(wk *WrappedKey) error {
	if wk == nil || len(wk.EncryptedKey) == 0 {
		return fmt.Errorf("%w: keyring returned no wrapped key", ErrInvalidKey)
	}
	if e.Format == FormatV3 {
		if _, ok := v3WrapCode(wk.Wrap); !ok {
			return fmt.Errorf("%w: wrap %s cannot be stored in format V3", ErrUnsupportedFormat, wk.Wrap)
		}
	}
	e.Wrap = wk.Wrap
	e.EncryptedKey = append([]byte(nil), wk.EncryptedKey...)
	e.MatDesc = cloneOrEmpty(wk.MatDesc)
	e.KMSContext = map[string]string{}
	if wk.Wrap == WrapKMSContext || wk.Wrap == WrapKMS {
		if e.Format == FormatV3 {
			e.KMSContext = cloneOrEmpty(wk.EncryptionContext)
		} else {
			e.MatDesc = cloneOrEmpty(wk.EncryptionContext)
		}
	}
	return nil
}

// Metadata returns the user metadata to store with the ciphertext (names
// without the "x-amz-meta-" prefix).
func (x *Encryptor) Metadata() map[string]string { return x.env.Metadata() }

// Length returns the ciphertext length (plaintext + 16) when
// WithPlaintextLength was given.
func (x *Encryptor) Length() (int64, bool) {
	if x.ptLen < 0 {
		return -1, false
	}
	return x.ptLen + TagSize, true
}

// Close closes the plaintext reader if it is an io.Closer (only the first
// Close does). Further Reads fail.
func (x *Encryptor) Close() error {
	if x.err == nil {
		x.err = errors.New("encryption: read after Close")
	}
	return closeOnce(&x.closed, x.src)
}

// Read implements io.Reader.
func (x *Encryptor) Read(p []byte) (int, error) {
	if x.err != nil {
		return 0, x.err
	}
	if len(x.tag) > 0 || x.done {
		n := copy(p, x.tag)
		x.tag = x.tag[n:]
		if len(x.tag) == 0 {
			x.err = io.EOF
		}
		return n, nil
	}
	n, err := x.src.Read(p)
	if n > 0 {
		x.n += int64(n)
		if x.n > maxGCMPlaintext || x.ptLen >= 0 && x.n > x.ptLen {
			x.err = fmt.Errorf("%w: plaintext longer than declared", ErrTooLarge)
			return 0, x.err
		}
		x.ctr.XORKeyStream(p[:n], p[:n])
		x.gh.Write(p[:n])
	}
	if err == io.EOF {
		if x.ptLen >= 0 && x.n != x.ptLen {
			x.err = fmt.Errorf("encryption: plaintext has %d bytes, declared %d", x.n, x.ptLen)
			return n, x.err
		}
		t := x.gh.Sum()
		x.tag = t[:]
		x.done = true
		if n == 0 {
			return x.Read(p)
		}
		return n, nil
	}
	if err != nil {
		x.err = fmt.Errorf("encryption: reading plaintext: %w", err)
		return n, x.err
	}
	return n, nil
}

// rewrapEnvelope replaces only the wrapped data key: it unwraps with from
// and wraps the same data key with to. The body stays valid and untouched; the content
// algorithm, IV or message ID and commitment are kept. The recipient then
// holds the data key of the stored object; re-encrypt with NewEncryptor to
// give them a fresh one.
//
// Options read: WithEncryptionContext (for a KMS target),
// WithLegacyWrapping, WithRequireCommitment.
func rewrapEnvelope(ctx context.Context, e *Envelope, from, to Keyring, opts ...Option) (*Envelope, error) {
	c := newConfig(opts)
	c.legacyContent = true // the body is not touched, so CBC objects can be rewrapped
	if err := checkPolicy(e, c); err != nil {
		return nil, err
	}
	if from == nil || to == nil {
		return nil, ErrNoKeyring
	}
	if err := checkUserContext(c.encCtx); err != nil {
		return nil, err
	}
	dk, err := from.UnwrapKey(ctx, e)
	if err != nil {
		return nil, err
	}
	defer clear(dk)
	if e.Format == FormatV3 {
		dek, err := deriveV3(dk, e.MessageID, e.KeyCommitment)
		if err != nil {
			return nil, err
		}
		clear(dek)
	}
	wk, err := to.WrapKey(ctx, &WrapRequest{Content: e.Content, DataKey: dk, EncryptionContext: maps.Clone(c.encCtx), Rand: c.rand})
	if err != nil {
		return nil, err
	}
	defer clear(wk.DataKey)
	out := *e
	out.FromInstructionFile = false
	if out.Format == FormatV1 {
		out.Format = FormatV2 // V1 cannot name modern wraps
	}
	if err := out.setWrapped(wk); err != nil {
		return nil, err
	}
	return &out, nil
}

// Rewrap replaces only the wrapped data key of the object whose metadata is
// md: it unwraps the data key with from and wraps the same key with to. It returns md with the envelope entries replaced (names
// normalised, without prefix); the body stays valid and untouched, and the
// content algorithm, IV or message ID and commitment are kept. The recipient
// then holds the data key of the stored object; re-encrypt with
// [NewEncryptor] to give them a fresh one.
//
// Options read: [WithEncryptionContext] (for a KMS target),
// [WithLegacyWrapping], [WithRequireCommitment].
func Rewrap(ctx context.Context, md Metadata, from, to Keyring, opts ...Option) (map[string]string, error) {
	e, err := parseEnvelope(md)
	if err != nil {
		return nil, err
	}
	ne, err := rewrapEnvelope(ctx, e, from, to, opts...)
	if err != nil {
		return nil, err
	}
	out := stripEnvelopeMetadata(md.normalized())
	maps.Copy(out, ne.Metadata())
	return out, nil
}
