// Package encryption lets an S3 Object Lambda function serve objects written
// by the Amazon S3 Encryption Client (client-side encryption, "CSE"): it
// reads their envelope, decrypts them as a stream, and re-encrypts or
// rewraps them for the caller. The core uses only the standard library; the
// AWS KMS keyring is package [github.com/objectlambda/sdk-go/encryption/kmskeyring].
// Most functions need none of this directly: objectlambda.WithDecryption,
// WithEncryption and WithRewrap take a [Keyring] and the [Option] values of
// this package. Objects stored with SSE-C (server-side encryption with a
// customer key) are another matter, for package
// [github.com/objectlambda/sdk-go/encryption/ssec].
//
// Why a package of our own: the official Go client decrypts only as
// middleware on its own GetObject and reads whole objects into memory, while
// a function gets the object as a presigned-URL response stream. Everything
// here works from the response headers and body alone.
//
// # Reading
//
//	md := encryption.MetadataFromHeader(resp.Header) // or encryption.Metadata(out.Metadata)
//	env, err := encryption.RequireEnvelope(md)       // no envelope: ErrEncryptionRequired
//	d, err := encryption.NewDecryptor(ctx, resp.Body, env, keyring,
//		encryption.WithCiphertextLength(resp.ContentLength))
//	defer d.Close()                                  // also closes resp.Body
//	n, _ := d.PlaintextLength()                      // Content-Length to announce
//	encryption.StripEnvelope(outHeader)              // plaintext must not carry the envelope
//
// Objects without an envelope are refused by default. Whoever can write to
// the bucket can strip an envelope or put plaintext in place of a
// ciphertext, and a reader that served such objects as they are would hand
// out forged data as if it had been decrypted and authenticated.
// [RequireEnvelope] (and objectlambda.WithDecryption) therefore answer
// [ErrEncryptionRequired]; only with the opt-in [WithUnencryptedObjects], for
// buckets that mix plain and encrypted objects, do they answer
// [ErrNotEncrypted], which means "serve it as stored".
//
// The [Decryptor] never releases plaintext that is not authenticated: AES-GCM
// objects are buffered ([DefaultMemoryLimit] in memory, then up to
// [DefaultSpillLimit] of ciphertext in a temporary file under os.TempDir,
// Lambda's /tmp) and released only after the tag verified. The file is
// unlinked as soon as it is created, so nothing is left behind on any path,
// and each 64 KiB chunk of it carries a GMAC tag under a one-off key, kept in
// memory: what is read back is exactly what was authenticated, or the read
// fails with [ErrAuthentication]. The plaintext length announced
// ([Decryptor.PlaintextLength]) comes from the stored length or is counted;
// x-amz-unencrypted-content-length is not authenticated and is only a hint.
// Larger objects fail with [ErrTooLarge], unless the caller raises the limits
// ([WithMemoryLimit], [WithSpillLimit]) or opts in to
// [WithDelayedAuthentication], which streams and reports ErrAuthentication
// instead of io.EOF at the end; the caller must then abort the response.
//
// Formats ([Format]): [FormatV2] (AES/GCM/NoPadding, written by the Go and
// Java v3 clients) and [FormatV3] (suite 115: HKDF-SHA512 key derivation
// with key commitment, written by the v4 clients) are read by default;
// [WithRequireCommitment] refuses everything but V3. Legacy formats are read
// only with opt-ins: [WithLegacyUnauthenticatedModes] for AES/CBC content,
// [WithLegacyWrapping] for V1 and the kms, AESWrap, AES and RSA key wraps
// (which bind no content algorithm; see WithLegacyWrapping for what that
// allows and what is checked anyway). Instruction files ("<key>.instruction")
// are parsed by [ParseInstructionFile], which refuses an instruction file of
// another format generation than the object (no V3-to-V2 downgrade);
// fetching them needs the function's own credentials and is the caller's
// job. [IsInstructionFile] tells the caller not to serve one as data.
//
// # Writing
//
// [NewEncryptor] encrypts a plaintext stream under a fresh data key (format V2
// by default, [WithFormat](FormatV3) for key commitment) and returns the
// ciphertext reader and the metadata to set ([Encryptor.Metadata]).
// [Rewrap] swaps only the wrapped data key, leaving the body
// untouched.
//
// # Keys
//
// A [Keyring] unwraps and wraps data keys: [NewAESKeyring] (AES/GCM wrap),
// [NewRSAKeyring] (RSA-OAEP-SHA1; [NewRSAPublicKeyring] to wrap only),
// kmskeyring.New (kms+context), and [NewMultiKeyring] to combine them. Key
// material comes from the user. Load it once per Lambda container, outside
// the handler, and reuse the keyring across invocations (the cached provider
// pattern):
//
//	// main: runs once per cold start.
//	secret, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
//	kr, err := encryption.NewAESKeyring(secret.SecretBinary, map[string]string{"kid": "2025-01"})
//	clear(secret.SecretBinary)
//	// handler: uses kr for every request; nothing is fetched per request.
//
// For rotation, refresh the keyring behind a sync.RWMutex or an
// atomic.Pointer after a TTL instead of fetching per request, or keep old
// keys for decryption with [WithAdditionalAESKey]. Environment variables are
// acceptable only for tests: anyone allowed to read the function
// configuration can read them.
//
// A Keyring of your own receives the parsed [Envelope] to unwrap and a
// [WrapRequest] to wrap, answers with a [WrappedKey], and returns an error
// wrapping [ErrKeyNotFound] for keys that are not its own, so that a
// [MultiKeyring] tries the next one.
//
// # Secrets hygiene
//
// Keys, data keys and plaintext never appear in error messages. Every type
// that holds key material or plaintext ([DataKey], [WrappedKey],
// [WrapRequest], [AESKeyring], [RSAKeyring], [Decryptor], [Encryptor])
// prints a redacted form through fmt (every verb, also as a struct field),
// log/slog (JSON and text) and encoding/json; envelopes hold only wrapped
// keys. Data-key slices are overwritten as soon as the AES key schedule is
// built. Go cannot guarantee more: the schedule inside crypto/aes and copies
// the garbage collector made while moving memory cannot be wiped. Raw
// wrapping keys live as long as their keyring.
package encryption
