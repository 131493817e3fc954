package objectlambda

// Client-side encryption (the Amazon S3 Encryption Client's formats) wired
// into the transform chain. The cryptography lives in package encryption;
// this file decides where in the chain it runs and how its failures reach the
// caller.
//
// Why transforms: decryption and encryption change the body and its length,
// exactly like any other transform, so the pipeline's rules (headers, lengths,
// Range after the transform, error reply before the first byte, aborted stream
// after it) apply to them without special cases.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/objectlambda/sdk-go/encryption"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
)

// KeyringFunc chooses the keyring for one request, for example the public
// key of the caller (r.Caller.ARN) so that each caller receives the object
// under their own key. Return an *s3err.Error to answer with it; any other
// error denies the request with 403 AccessDenied. Its text is not sent.
type KeyringFunc func(ctx context.Context, r *transform.Request) (encryption.Keyring, error)

// WithDecryption decrypts objects written by the Amazon S3 Encryption Client
// (formats V2 and V3, see package encryption) before any other transform
// sees them, and refuses objects that are not client-side encrypted. kr
// unwraps the data keys; opts are passed to encryption.RequireEnvelope and
// encryption.NewDecryptor (for example encryption.WithSpillLimit,
// encryption.WithUnencryptedObjects or, knowingly,
// encryption.WithDelayedAuthentication).
//
// For each object:
//
//   - metadata with an envelope (X-Amz-Meta-X-Amz-Key-V2, X-Amz-Meta-X-Amz-3,
//     ...): the body is decrypted and authenticated before the first byte is
//     sent (the ciphertext waits in memory, then in an unlinked temporary
//     file whose chunks are authenticated again when read back; see
//     encryption.DefaultMemoryLimit and DefaultSpillLimit), the envelope
//     metadata is removed from the response, and Content-Length is the
//     plaintext length, taken from the stored length or counted, never from
//     the unauthenticated x-amz-unencrypted-content-length;
//   - no envelope: refused with 403 AccessDenied ("the object is not
//     client-side encrypted"), GET and HEAD alike. Whoever can write to the
//     bucket (PutObject, or CopyObject replacing the metadata) could
//     otherwise strip the envelope or put plaintext in place of a
//     ciphertext, and the caller would take it for decrypted, authenticated
//     data. For buckets that mix plain and encrypted objects, opt in with
//     encryption.WithUnencryptedObjects: such objects then pass through
//     with their bytes unchanged;
//   - an instruction file (key ending in ".instruction", or metadata
//     x-amz-crypto-instr-file): refused with 404 NoSuchKey, so key material
//     is never served as data. An S3 Encryption Client reading through the
//     access point then finds no instruction file, as it should;
//   - envelope stored in an instruction file: 500 InternalError. The
//     instruction file is another object, which the presigned URL cannot read,
//     and reading it with the function's own credentials would bypass the
//     caller's authorization; write such objects with metadata envelopes.
//
// Errors, all sent before the first byte in the default authenticated mode:
//
//	no envelope (without WithUnencryptedObjects)        403 AccessDenied
//	no keyring can unwrap the data key (wrong key)      403 AccessDenied
//	altered object, tag or commitment mismatch          500 InternalError
//	object larger than the authentication buffer        500 InternalError
//	legacy format or commitment policy not allowed      500 InternalError
//	malformed envelope, envelope in instruction file    500 InternalError
//
// A wrong key is 403, like S3 answers for an SSE-KMS object whose key the
// reader may not use: the function is not allowed to read this object. An
// altered object is 500: nobody can read it, and the caller did nothing wrong.
// One exception: a legacy RSA (PKCS#1 v1.5) wrapped key, readable only with
// encryption.WithLegacyWrapping, that does not unwrap answers 500 like an
// altered object, whatever the reason, so that the function is no padding
// oracle (see encryption.RSAKeyring). Messages name the failure, never keys
// or bytes.
//
// Decryption is neither length-preserving nor range-safe: a Range request
// fetches the whole object and the plaintext is sliced (206 with a
// Content-Range over the plaintext). HEAD answers can report the plaintext
// length without fetching the body (transform.LengthStater).
//
// Plain objects served under encryption.WithUnencryptedObjects lose their
// ETag and checksums, because the chain as a whole declares that it may
// change the body.
//
// Instruction files (keys ending in [encryption.InstructionFileSuffix]) are
// refused with 404 NoSuchKey and hidden from listings: they hold wrapped data
// keys, not objects.
func WithDecryption(kr encryption.Keyring, opts ...encryption.Option) Option {
	return func(c *config) error {
		if kr == nil {
			return errors.New("objectlambda: WithDecryption: nil keyring")
		}
		if err := cseConflict(c, cseDecrypt); err != nil {
			return err
		}
		c.preTransforms = append(c.preTransforms, &cseDecryptor{kr: kr, opts: slices.Clone(opts)})
		return WithListFilter(hideInstructionFiles)(c)
	}
}

// WithEncryption encrypts every object after all other transforms, under a
// fresh data key wrapped by kr, in the S3 Encryption Client's format V2
// (readable by every current client) or, with encryption.WithFormat, V3. The
// envelope goes into the response metadata (X-Amz-Meta-X-Amz-Key-V2, ...),
// so the caller's S3 Encryption Client decrypts it as if it had been stored
// that way. opts are passed to encryption.NewEncryptor (WithFormat,
// WithEncryptionContext).
//
// Combined with WithDecryption this serves stored ciphertext re-encrypted
// under another key, with any transforms applied to the plaintext in between.
// An object that still carries an envelope when it reaches the encryption
// (WithEncryption without WithDecryption) is refused with 500 InternalError
// rather than encrypted twice. Use WithEncryptionFor to pick the key per
// caller, and WithRewrap when the body needs no change.
//
// The encryption always runs last, after every WithTransform, whatever the
// order of the options.
func WithEncryption(kr encryption.Keyring, opts ...encryption.Option) Option {
	if kr == nil {
		return func(*config) error { return errors.New("objectlambda: WithEncryption: nil keyring") }
	}
	return WithEncryptionFor(cseStatic(kr), opts...)
}

// WithEncryptionFor is WithEncryption with the keyring chosen per request.
func WithEncryptionFor(f KeyringFunc, opts ...encryption.Option) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("objectlambda: WithEncryptionFor: nil KeyringFunc")
		}
		if err := cseConflict(c, cseEncrypt); err != nil {
			return err
		}
		c.postTransforms = append(c.postTransforms, &cseEncryptor{keyring: f, opts: slices.Clone(opts)})
		return nil
	}
}

// WithRewrap serves client-side encrypted objects with their data key
// re-wrapped from the keyring from to the keyring to: only the envelope
// metadata changes, the body passes through untouched (so ETag, Range
// pushdown and Content-Length stay as stored). It is the cheap way to serve a
// stored object under the caller's key, but the caller then holds the data
// key of the stored object; use WithDecryption and WithEncryption to give
// them a fresh one.
//
// Objects without an envelope are refused with 403 AccessDenied (a rewrapping
// access point never serves plaintext), instruction files with 404
// NoSuchKey (and hidden from listings), and a data key that from cannot unwrap with 403 AccessDenied.
// opts are passed to encryption.Rewrap (WithEncryptionContext for a
// KMS target). WithRewrap cannot be combined with WithDecryption or
// WithEncryption, and body transforms must not be added: they would change
// ciphertext.
func WithRewrap(from, to encryption.Keyring, opts ...encryption.Option) Option {
	if to == nil {
		return func(*config) error { return errors.New("objectlambda: WithRewrap: nil target keyring") }
	}
	return WithRewrapFor(from, cseStatic(to), opts...)
}

// WithRewrapFor is WithRewrap with the target keyring chosen per request.
func WithRewrapFor(from encryption.Keyring, to KeyringFunc, opts ...encryption.Option) Option {
	return func(c *config) error {
		if from == nil || to == nil {
			return errors.New("objectlambda: WithRewrap: nil keyring")
		}
		if err := cseConflict(c, cseRewrap); err != nil {
			return err
		}
		c.preTransforms = append(c.preTransforms, &cseRewrapper{from: from, to: to, opts: slices.Clone(opts)})
		return WithListFilter(hideInstructionFiles)(c)
	}
}

func cseStatic(kr encryption.Keyring) KeyringFunc {
	return func(context.Context, *transform.Request) (encryption.Keyring, error) { return kr, nil }
}

type cseKind int

const (
	cseDecrypt cseKind = iota + 1
	cseEncrypt
	cseRewrap
)

func (k cseKind) String() string {
	return [...]string{"", "WithDecryption", "WithEncryption", "WithRewrap"}[k]
}

type cseTransform interface{ cseKind() cseKind }

func (*cseDecryptor) cseKind() cseKind { return cseDecrypt }
func (*cseEncryptor) cseKind() cseKind { return cseEncrypt }
func (*cseRewrapper) cseKind() cseKind { return cseRewrap }

// cseConflict refuses combinations that cannot work, whatever the order of
// the options: each encryption option at most once, and rewrap alone.
func cseConflict(c *config, k cseKind) error {
	for _, t := range slices.Concat(c.preTransforms, c.transforms, c.postTransforms) {
		ct, ok := t.(cseTransform)
		if !ok {
			continue
		}
		other := ct.cseKind()
		if other == k || other == cseRewrap || k == cseRewrap {
			return fmt.Errorf("objectlambda: %s cannot be combined with %s", k, other)
		}
	}
	return nil
}

// cseIsInstruction reports whether the object is an S3 Encryption Client
// instruction file: key material that must never be served as data.
func cseIsInstruction(r *transform.Request, md encryption.Metadata) bool {
	if encryption.IsInstructionFile(md) {
		return true
	}
	return r != nil && strings.HasSuffix(r.Key, encryption.InstructionFileSuffix)
}

// cseNotEncrypted is the answer for an object without an envelope where
// only client-side encrypted objects may be served.
func cseNotEncrypted(cause error) error {
	const msg = "Access Denied: the object is not client-side encrypted, and this access point serves client-side encrypted objects only"
	if cause == nil {
		return s3err.New(http.StatusForbidden, s3err.CodeAccessDenied, msg)
	}
	return s3err.Wrap(cause, http.StatusForbidden, s3err.CodeAccessDenied, msg)
}

func cseNoSuchKey() error {
	return s3err.New(http.StatusNotFound, s3err.CodeNoSuchKey, "The specified key does not exist.")
}

// cseError maps an error of package encryption onto the reply the caller
// gets. Errors that are not about encryption (upstream, deadline) pass
// through unchanged. The encryption package's messages carry no secrets; they
// stay in the cause (logs) anyway and the caller sees fixed texts.
func cseError(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*s3err.Error](err); ok {
		return err
	}
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, s3err.ErrDeadline):
		return err
	case errors.Is(err, encryption.ErrEncryptionRequired):
		return cseNotEncrypted(err)
	case errors.Is(err, encryption.ErrKeyNotFound), errors.Is(err, encryption.ErrNoKeyring), errors.Is(err, encryption.ErrInvalidKey):
		return s3err.Wrap(err, http.StatusForbidden, s3err.CodeAccessDenied,
			"Access Denied: the function holds no key for this client-side encrypted object")
	case errors.Is(err, encryption.ErrAuthentication):
		return s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError,
			"the client-side encrypted object failed authentication (altered, truncated or encrypted under another key)")
	case errors.Is(err, encryption.ErrTooLarge):
		return s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError,
			"the client-side encrypted object is too large to authenticate before it is sent")
	case errors.Is(err, encryption.ErrNeedInstructionFile):
		return s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError,
			"the object's encryption envelope is in an instruction file, which the function cannot read through the access point")
	case errors.Is(err, encryption.ErrLegacyNotAllowed), errors.Is(err, encryption.ErrCommitmentRequired),
		errors.Is(err, encryption.ErrUnsupportedFormat):
		return s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError,
			"the object's client-side encryption format is not allowed by this function")
	case errors.Is(err, encryption.ErrMalformedEnvelope):
		return s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError,
			"the object's client-side encryption metadata is malformed")
	}
	return err
}

// cseKeyring calls a KeyringFunc with the Authorizer's error rule.
func cseKeyring(ctx context.Context, f KeyringFunc, r *transform.Request) (encryption.Keyring, error) {
	kr, err := f(ctx, r)
	if err != nil {
		if _, ok := errors.AsType[*s3err.Error](err); ok {
			return nil, err
		}
		return nil, s3err.Wrap(err, http.StatusForbidden, s3err.CodeAccessDenied, "Access Denied")
	}
	if kr == nil {
		return nil, s3err.New(http.StatusInternalServerError, s3err.CodeInternalError, "no keyring for this request")
	}
	return kr, nil
}

func cseSetEnvelope(h http.Header, md map[string]string) {
	encryption.StripEnvelope(h)
	for k, v := range md {
		h.Set("x-amz-meta-"+k, v)
	}
}

// --- decryption -------------------------------------------------------------

type cseDecryptor struct {
	kr   encryption.Keyring
	opts []encryption.Option
}

// Name names the transform in traces.
func (*cseDecryptor) Name() string { return "encryption.decrypt" }

// Properties: the body and its length change; byte i of the plaintext cannot
// be fetched as byte i of the stored object.
func (*cseDecryptor) Properties() transform.Properties { return transform.Properties{} }

// OutputLength implements transform.LengthStater: the plaintext length of an
// AES-GCM object is the stored length minus the 16-byte tag; plain objects
// (with encryption.WithUnencryptedObjects) keep their length.
func (d *cseDecryptor) OutputLength(h http.Header, n int64) (int64, bool) {
	md := encryption.MetadataFromHeader(h)
	if encryption.IsInstructionFile(md) {
		return -1, false
	}
	env, err := encryption.RequireEnvelope(md, d.opts...)
	switch {
	case errors.Is(err, encryption.ErrNotEncrypted):
		return n, n >= 0
	case err != nil:
		return -1, false
	case env.Content == encryption.ContentAESGCM || env.Content == encryption.ContentCommitting:
		if n >= encryption.TagSize {
			return n - encryption.TagSize, true
		}
		return -1, false
	case env.PlaintextLen >= 0 && n >= 0 && env.PlaintextLen/16*16+16 == n:
		// Legacy CBC: the unauthenticated hint only where it agrees with the
		// stored length, as the decryptor would announce it for a GET.
		return env.PlaintextLen, true
	}
	return -1, false
}

func (d *cseDecryptor) Apply(ctx context.Context, in *transform.Object) (*transform.Object, error) {
	md := encryption.MetadataFromHeader(in.Header)
	if cseIsInstruction(in.Request, md) {
		return nil, cseNoSuchKey()
	}
	env, err := encryption.RequireEnvelope(md, d.opts...)
	if errors.Is(err, encryption.ErrNotEncrypted) {
		return in, nil // only with encryption.WithUnencryptedObjects
	}
	if err != nil {
		return nil, cseError(err)
	}
	encryption.StripEnvelope(in.Header)
	if transform.IsHeadersOnly(in.Body) {
		// A HEAD answer: only the headers matter.
		in.Length = -1
		return in, nil
	}
	opts := d.opts
	if in.Length >= 0 {
		opts = append(slices.Clone(opts), encryption.WithCiphertextLength(in.Length))
	}
	dec, err := encryption.NewDecryptor(ctx, in.Body, env, d.kr, opts...)
	if err != nil {
		return nil, cseError(err)
	}
	body := &csePlainBody{dec: dec}
	// Read the first bytes now. In the authenticated mode this consumes and
	// checks the whole object, so a wrong key or an altered object becomes an
	// error reply, and the plaintext length is known (counted and
	// authenticated) even when the stored length was not passed down.
	if err := body.prime(); err != nil {
		_ = body.Close()
		return nil, err
	}
	in.Body = body
	in.Length = -1
	if n, known := dec.PlaintextLength(); known {
		in.Length = n
	}
	return in, nil
}

// csePlainBody is the plaintext stream: the bytes read by prime, then the
// rest of the decryptor. Close releases the decryptor's spill file and
// closes the ciphertext body (the decryptor does both).
type csePlainBody struct {
	dec     *encryption.Decryptor
	pending []byte
	err     error // sticky error from prime (io.EOF for an empty object)
}

const csePrimeSize = 32 << 10

func (b *csePlainBody) prime() error {
	buf := make([]byte, csePrimeSize)
	n, err := io.ReadFull(b.dec, buf)
	b.pending = buf[:n]
	switch err {
	case nil:
	case io.EOF, io.ErrUnexpectedEOF:
		b.err = io.EOF // the whole plaintext is pending
	default:
		return cseError(err)
	}
	return nil
}

func (b *csePlainBody) Read(p []byte) (int, error) {
	if len(b.pending) > 0 {
		n := copy(p, b.pending)
		b.pending = b.pending[n:]
		return n, nil
	}
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.dec.Read(p)
	if err != nil && err != io.EOF {
		err = cseError(err)
	}
	return n, err
}

func (b *csePlainBody) Close() error {
	b.pending = nil
	return b.dec.Close()
}

// --- encryption -------------------------------------------------------------

type cseEncryptor struct {
	keyring KeyringFunc
	opts    []encryption.Option
}

// Name names the transform in traces.
func (*cseEncryptor) Name() string { return "encryption.encrypt" }

func (*cseEncryptor) Properties() transform.Properties { return transform.Properties{} }

// OutputLength implements transform.LengthStater: ciphertext is the
// plaintext plus the 16-byte GCM tag.
func (*cseEncryptor) OutputLength(_ http.Header, n int64) (int64, bool) {
	if n < 0 {
		return -1, false
	}
	return n + encryption.TagSize, true
}

func (e *cseEncryptor) Apply(ctx context.Context, in *transform.Object) (*transform.Object, error) {
	md := encryption.MetadataFromHeader(in.Header)
	if cseIsInstruction(in.Request, md) {
		return nil, cseNoSuchKey()
	}
	if encryption.IsEncrypted(md) {
		return nil, s3err.New(http.StatusInternalServerError, s3err.CodeInternalError,
			"the object is already client-side encrypted and the function does not decrypt it")
	}
	if transform.IsHeadersOnly(in.Body) {
		// A HEAD answer: the envelope of a GET is made per request and
		// cannot be announced in advance.
		in.Length = -1
		return in, nil
	}
	kr, err := cseKeyring(ctx, e.keyring, in.Request)
	if err != nil {
		return nil, err
	}
	opts := e.opts
	if in.Length >= 0 {
		opts = append(slices.Clone(opts), encryption.WithPlaintextLength(in.Length))
	}
	x, err := encryption.NewEncryptor(ctx, in.Body, kr, opts...)
	if err != nil {
		return nil, cseError(err)
	}
	cseSetEnvelope(in.Header, x.Metadata())
	in.Body = &cseCipherBody{x: x}
	in.Length = -1
	if n, ok := x.Length(); ok {
		in.Length = n
	}
	return in, nil
}

// cseCipherBody maps encryption errors mid-stream (they abort the reply).
// Close closes the plaintext body it encrypts.
type cseCipherBody struct{ x *encryption.Encryptor }

func (b *cseCipherBody) Close() error { return b.x.Close() }

func (b *cseCipherBody) Read(p []byte) (int, error) {
	n, err := b.x.Read(p)
	if err != nil && err != io.EOF {
		err = cseError(err)
	}
	return n, err
}

// --- rewrap -----------------------------------------------------------------

type cseRewrapper struct {
	from encryption.Keyring
	to   KeyringFunc
	opts []encryption.Option
}

// Name names the transform in traces.
func (*cseRewrapper) Name() string { return "encryption.rewrap" }

// Properties: the body is untouched; only metadata changes.
func (*cseRewrapper) Properties() transform.Properties {
	return transform.Properties{BodyUnchanged: true}
}

func (r *cseRewrapper) Apply(ctx context.Context, in *transform.Object) (*transform.Object, error) {
	md := encryption.MetadataFromHeader(in.Header)
	if cseIsInstruction(in.Request, md) {
		return nil, cseNoSuchKey()
	}
	if !encryption.IsEncrypted(md) {
		return nil, cseNotEncrypted(nil)
	}
	to, err := cseKeyring(ctx, r.to, in.Request)
	if err != nil {
		return nil, err
	}
	out, err := encryption.Rewrap(ctx, md, r.from, to, r.opts...)
	if err != nil {
		return nil, cseError(err)
	}
	cseSetEnvelope(in.Header, out) // out is the whole user metadata, envelope replaced
	return in, nil
}
