package encryption

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
	HeaderSSECAlgorithm = "X-Amz-Server-Side-Encryption-Customer-Algorithm"
	HeaderSSECKey       = "X-Amz-Server-Side-Encryption-Customer-Key"
	HeaderSSECKeyMD5    = "X-Amz-Server-Side-Encryption-Customer-Key-Md5"
)

// SSECKey is a customer-provided key for S3 server-side encryption (SSE-C).
// Its printed forms (String, GoString, Format, LogValue, MarshalJSON) never
// show the key. S3 refuses SSE-C objects through an Object Lambda access
// point, and no header can be added to the presigned inputS3Url, so an
// SSE-C object can only be read with the function's own credentials.
type SSECKey struct{ k *[32]byte }

// NewSSECKey copies 32 raw key bytes.
func NewSSECKey(raw []byte) (SSECKey, error) {
	if len(raw) != 32 {
		return SSECKey{}, fmt.Errorf("%w: SSE-C key must be 32 bytes, got %d", ErrInvalidKey, len(raw))
	}
	k := new([32]byte)
	copy(k[:], raw)
	return SSECKey{k}, nil
}

// ParseSSECKey decodes a base64 (standard alphabet) 32-byte key.
func ParseSSECKey(b64 string) (SSECKey, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return SSECKey{}, fmt.Errorf("%w: SSE-C key is not valid base64", ErrInvalidKey)
	}
	defer clear(raw)
	return NewSSECKey(raw)
}

// IsZero reports whether the key is unset.
func (k SSECKey) IsZero() bool { return k.k == nil }

// Headers returns the three SSE-C request values: algorithm ("AES256"), the
// base64 key, and the base64 MD5 of the raw key. For aws-sdk-go-v2 set
// SSECustomerAlgorithm, SSECustomerKey and SSECustomerKeyMD5 from them (the
// SDK v2 does not encode the key or compute the MD5 for you).
func (k SSECKey) Headers() (algorithm, keyB64, keyMD5B64 string) {
	if k.k == nil {
		return "", "", ""
	}
	sum := md5.Sum(k.k[:]) //nolint:gosec
	return "AES256", base64.StdEncoding.EncodeToString(k.k[:]), base64.StdEncoding.EncodeToString(sum[:])
}

// Apply sets the three SSE-C headers on h (HTTPS requests only: a key sent
// in clear must be considered compromised).
func (k SSECKey) Apply(h http.Header) {
	alg, key, sum := k.Headers()
	h.Set(HeaderSSECAlgorithm, alg)
	h.Set(HeaderSSECKey, key)
	h.Set(HeaderSSECKeyMD5, sum)
}

// Destroy overwrites the key bytes (best effort: copies made by Headers are
// strings and cannot be wiped).
func (k SSECKey) Destroy() {
	if k.k != nil {
		clear(k.k[:])
	}
}

const redactedSSEC = "SSECKey(redacted)"

// String never reveals the key.
func (k SSECKey) String() string { return redactedSSEC }

// GoString never reveals the key.
func (k SSECKey) GoString() string { return redactedSSEC }

// Format never reveals the key, whatever the verb.
func (k SSECKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redactedSSEC)) }

// LogValue never reveals the key.
func (k SSECKey) LogValue() slog.Value { return slog.StringValue(redactedSSEC) }

// MarshalJSON never reveals the key.
func (k SSECKey) MarshalJSON() ([]byte, error) { return []byte(`"` + redactedSSEC + `"`), nil }
