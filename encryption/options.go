package encryption

import (
	"io"
	"maps"
)

// Defaults for authenticated decryption.
const (
	// DefaultMemoryLimit is how much ciphertext NewDecryptor keeps in memory
	// while it waits for the GCM tag.
	DefaultMemoryLimit = 8 << 20
	// DefaultSpillLimit is how much more it may write to a temporary file.
	// Lambda's /tmp is 512 MB unless more ephemeral storage is configured.
	DefaultSpillLimit = 256 << 20
	// maxGCMPlaintext is the GCM limit: 2^32-2 blocks.
	maxGCMPlaintext = (1<<32 - 2) * 16
)

// Option configures [NewDecryptor], [NewEncryptor], [RequireEnvelope] and
// [Rewrap], and through them objectlambda.WithDecryption,
// WithEncryption and WithRewrap. Each function documents the options it
// reads; others are ignored.
type Option func(*config)

type config struct {
	memLimit       int64
	spillLimit     int64
	spillDir       string
	delayedAuth    bool
	legacyContent  bool
	legacyWrapping bool
	requireCommit  bool
	unauthRange    bool
	allowPlain     bool
	ctLen          int64
	ptLen          int64
	format         Format
	encCtx         map[string]string
	rand           io.Reader
}

func newConfig(opts []Option) *config {
	c := &config{memLimit: DefaultMemoryLimit, spillLimit: DefaultSpillLimit, ctLen: -1, ptLen: -1, format: FormatV2}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	return c
}

// WithMemoryLimit sets how many ciphertext bytes the decryptor buffers in
// memory before spilling to a temporary file (default 8 MiB).
func WithMemoryLimit(n int64) Option { return func(c *config) { c.memLimit = max(n, 0) } }

// WithSpillLimit caps the bytes written to the temporary spill file (default
// 256 MiB); above memory plus this cap decryption fails with ErrTooLarge.
// Zero disables spilling. The spill file holds ciphertext only.
func WithSpillLimit(n int64) Option { return func(c *config) { c.spillLimit = max(n, 0) } }

// WithSpillDir sets the directory of the spill file (default os.TempDir(),
// which is /tmp on Lambda).
func WithSpillDir(dir string) Option { return func(c *config) { c.spillDir = dir } }

// WithDelayedAuthentication streams plaintext before the GCM tag is checked
// and reports ErrAuthentication at the end instead of io.EOF if it fails.
// The caller must then abort the response (never complete it), because the
// bytes already sent may be forged. Memory stays constant.
func WithDelayedAuthentication() Option { return func(c *config) { c.delayedAuth = true } }

// WithLegacyUnauthenticatedModes allows AES/CBC content (formats V1 and
// V2), which has no integrity protection.
func WithLegacyUnauthenticatedModes() Option { return func(c *config) { c.legacyContent = true } }

// WithLegacyWrapping allows the legacy key wraps (kms, AESWrap, AES, RSA,
// RSA/ECB/OAEPWithSHA-256AndMGF1Padding) and format V1.
//
// None of these wraps binds the data key to the content algorithm, unlike
// the current ones (the AES/GCM wrap's additional data, the RSA-OAEP
// pseudo-key, kms+context's aws:x-amz-cek-alg). In particular the legacy
// kms wrap's encryption context, {"kms_cmk_id": ...}, names no algorithm,
// and this package, like the official clients, cannot check one: whoever
// can write an object's metadata can label a data key that encrypted
// AES-GCM content as AES-CBC (with WithLegacyUnauthenticatedModes) or the
// reverse, and KMS still unwraps it. Where the format does allow the check
// it is made: a kms-wrapped key whose context carries aws:x-amz-cek-alg
// (written by kms+context) must match the content algorithm, and RSA-OAEP
// pseudo-keys must name it. The legacy RSA (PKCS#1 v1.5) wrap answers every
// unwrap failure as an authentication failure (see RSAKeyring).
func WithLegacyWrapping() Option { return func(c *config) { c.legacyWrapping = true } }

// WithRequireCommitment refuses objects without key commitment (formats V1
// and V2), like the v4 clients' REQUIRE_ENCRYPT_REQUIRE_DECRYPT policy.
func WithRequireCommitment() Option { return func(c *config) { c.requireCommit = true } }

// WithUnencryptedObjects makes RequireEnvelope (and so
// objectlambda.WithDecryption) pass objects without an envelope through
// unchanged instead of refusing them with ErrEncryptionRequired. It is for
// buckets that mix plain and client-side encrypted objects, and it gives up
// a guarantee: whoever can write to the bucket (PutObject, or CopyObject
// replacing the metadata) can then strip the envelope or put plaintext of
// their choosing in place of a ciphertext, and readers receive it as if it
// had been decrypted and authenticated.
func WithUnencryptedObjects() Option { return func(c *config) { c.allowPlain = true } }

// withUnauthenticatedRange allows newRangeDecryptor. Ranged reads decrypt
// with AES-CTR and never see the GCM tag, so they are not authenticated.
func withUnauthenticatedRange() Option { return func(c *config) { c.unauthRange = true } }

// WithCiphertextLength tells the decryptor the body length (Content-Length
// of the stored object), so that it can report the plaintext length up front
// and detect truncation.
func WithCiphertextLength(n int64) Option { return func(c *config) { c.ctLen = n } }

// WithPlaintextLength tells the encryptor the plaintext length, so that it
// can report the ciphertext length and store x-amz-unencrypted-content-length.
// A body of a different length then fails.
func WithPlaintextLength(n int64) Option { return func(c *config) { c.ptLen = n } }

// WithFormat selects the format NewEncryptor writes: FormatV2 (default,
// readable by every current client) or FormatV3 (key commitment, needs Go
// S3EC >= 3.2.0 or Java >= 3.6.0 to read).
func WithFormat(f Format) Option { return func(c *config) { c.format = f } }

// WithEncryptionContext sets the KMS encryption context for new or rewrapped
// data keys (kms+context adds the reserved aws:x-amz-cek-alg entry itself).
func WithEncryptionContext(ec map[string]string) Option {
	return func(c *config) { c.encCtx = maps.Clone(ec) }
}

// withRandom replaces crypto/rand for IVs, message IDs and data keys
// (tests only).
func withRandom(r io.Reader) Option { return func(c *config) { c.rand = r } }
