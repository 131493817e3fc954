package encryption

import "errors"

// Sentinel errors. Every error returned by this package wraps one of them, so
// callers can branch with errors.Is. None of the error messages contain key
// material, data keys or plaintext.
var (
	// ErrNotEncrypted: the metadata holds no S3 Encryption Client envelope.
	// Whoever can write to the bucket can produce such an object, so serve it
	// as it is only where plain objects are expected (see RequireEnvelope).
	ErrNotEncrypted = errors.New("encryption: object is not client-side encrypted")

	// ErrEncryptionRequired: the metadata holds no envelope and the reader
	// requires one (RequireEnvelope and objectlambda.WithDecryption, unless
	// WithUnencryptedObjects is given). It does not wrap ErrNotEncrypted, so
	// code that serves ErrNotEncrypted objects as they are refuses these.
	ErrEncryptionRequired = errors.New("encryption: object is not client-side encrypted and encryption is required")

	// ErrNeedInstructionFile: the object metadata says the envelope (or part of
	// it) lives in an instruction file ("<key>.instruction"). Fetch it with the
	// function's own credentials and call ParseInstructionFile.
	ErrNeedInstructionFile = errors.New("encryption: envelope is stored in an instruction file")

	// ErrMalformedEnvelope: the envelope is present but cannot be parsed
	// (bad base64, wrong IV length, non-JSON material description,
	// conflicting format keys, ...).
	ErrMalformedEnvelope = errors.New("encryption: malformed envelope")

	// ErrUnsupportedFormat: the envelope names an algorithm this package does
	// not implement.
	ErrUnsupportedFormat = errors.New("encryption: unsupported format")

	// ErrLegacyNotAllowed: the object uses a legacy format, content algorithm
	// or key wrap (V1, AES/CBC, kms, AESWrap, AES, RSA) and the matching
	// opt-in was not given.
	ErrLegacyNotAllowed = errors.New("encryption: legacy algorithm not enabled")

	// ErrCommitmentRequired: key commitment is required but the object was
	// written without it (format V1 or V2).
	ErrCommitmentRequired = errors.New("encryption: key commitment required")

	// ErrAuthentication: the GCM tag, the key commitment or a wrapped key did
	// not verify. The object was tampered with or the wrong key was used.
	ErrAuthentication = errors.New("encryption: authentication failed")

	// ErrKeyNotFound: no keyring could unwrap the data key (wrong wrapping
	// algorithm, unknown material description, wrong key).
	ErrKeyNotFound = errors.New("encryption: no matching key")

	// ErrNoKeyring: a nil keyring was given.
	ErrNoKeyring = errors.New("encryption: no keyring configured")

	// ErrTooLarge: authenticating the object would need more buffer space
	// (memory plus spill file) than allowed, or the object exceeds the GCM
	// size limit.
	ErrTooLarge = errors.New("encryption: object too large to authenticate before release")

	// ErrInvalidKey: key material has the wrong size or shape.
	ErrInvalidKey = errors.New("encryption: invalid key")
)
