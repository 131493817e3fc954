package ssec

import (
	"crypto/md5" //nolint:gosec // S3 defines the SSE-C key checksum as MD5
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// SSE-C request headers.
const (
	headerAlgorithm = "X-Amz-Server-Side-Encryption-Customer-Algorithm"
	headerKey       = "X-Amz-Server-Side-Encryption-Customer-Key"
	headerKeyMD5    = "X-Amz-Server-Side-Encryption-Customer-Key-Md5"
)

// Key is a customer-provided key for S3 server-side encryption (SSE-C).
// Its printed forms (String, GoString, Format, LogValue, MarshalJSON) never
// show the key. S3 refuses SSE-C objects through an Object Lambda access
// point, and no header can be added to the presigned inputS3Url, so an
// SSE-C object can only be read with the function's own credentials.
type Key struct{ k *[32]byte }

// NewKey copies 32 raw key bytes.
func NewKey(raw []byte) (Key, error) {
	if len(raw) != 32 {
		return Key{}, fmt.Errorf("%w: SSE-C key must be 32 bytes, got %d", ErrInvalidKey, len(raw))
	}
	k := new([32]byte)
	copy(k[:], raw)
	return Key{k}, nil
}

// ParseKey decodes a base64 (standard alphabet) 32-byte key.
func ParseKey(b64 string) (Key, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return Key{}, fmt.Errorf("%w: SSE-C key is not valid base64", ErrInvalidKey)
	}
	defer clear(raw)
	return NewKey(raw)
}

// IsZero reports whether the key is unset.
func (k Key) IsZero() bool { return k.k == nil }

// Headers returns the three SSE-C request values: algorithm ("AES256"), the
// base64 key, and the base64 MD5 of the raw key. For aws-sdk-go-v2 set
// SSECustomerAlgorithm, SSECustomerKey and SSECustomerKeyMD5 from them (the
// SDK v2 does not encode the key or compute the MD5 for you).
func (k Key) Headers() (algorithm, keyB64, keyMD5B64 string) {
	if k.k == nil {
		return "", "", ""
	}
	sum := md5.Sum(k.k[:]) //nolint:gosec
	return "AES256", base64.StdEncoding.EncodeToString(k.k[:]), base64.StdEncoding.EncodeToString(sum[:])
}

// Apply sets the three SSE-C headers on h (HTTPS requests only: a key sent
// in clear must be considered compromised).
func (k Key) Apply(h http.Header) {
	alg, key, sum := k.Headers()
	h.Set(headerAlgorithm, alg)
	h.Set(headerKey, key)
	h.Set(headerKeyMD5, sum)
}

// Destroy overwrites the key bytes (best effort: copies made by Headers are
// strings and cannot be wiped).
func (k Key) Destroy() {
	if k.k != nil {
		clear(k.k[:])
	}
}

const redactedKey = "ssec.Key(redacted)"

// String never reveals the key.
func (k Key) String() string { return redactedKey }

// GoString never reveals the key.
func (k Key) GoString() string { return redactedKey }

// Format never reveals the key, whatever the verb.
func (k Key) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redactedKey)) }

// LogValue never reveals the key.
func (k Key) LogValue() slog.Value { return slog.StringValue(redactedKey) }

// MarshalJSON never reveals the key.
func (k Key) MarshalJSON() ([]byte, error) { return []byte(`"` + redactedKey + `"`), nil }
