package encryption

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
)

// Every type of this package that holds key material (or plaintext) prints
// a redacted form along every path a value takes to a log or an error: fmt
// (all verbs, %#v included, also as a field of another struct), log/slog
// (JSON and text handlers) and encoding/json. Each implements String,
// GoString, Format, LogValue and MarshalJSON with value receivers, so that
// values and pointers alike are covered.

// DataKey is a plaintext data key. Its printed forms never show the bytes;
// code that needs them uses the slice itself. Overwrite it (clear) after use.
type DataKey []byte

const redactedDataKey = "encryption.DataKey(redacted)"

// String never reveals the key.
func (DataKey) String() string { return redactedDataKey }

// GoString never reveals the key.
func (DataKey) GoString() string { return redactedDataKey }

// Format never reveals the key, whatever the verb.
func (DataKey) Format(f fmt.State, _ rune) { writeRedacted(f, redactedDataKey) }

// LogValue never reveals the key.
func (DataKey) LogValue() slog.Value { return slog.StringValue(redactedDataKey) }

// MarshalJSON never reveals the key.
func (DataKey) MarshalJSON() ([]byte, error) { return json.Marshal(redactedDataKey) }

func writeRedacted(w io.Writer, s string) { _, _ = io.WriteString(w, s) }

// String describes the wrapped key without the data key.
func (w WrappedKey) String() string {
	return fmt.Sprintf("encryption.WrappedKey{Wrap:%s DataKey:redacted}", w.Wrap)
}

// GoString is String.
func (w WrappedKey) GoString() string { return w.String() }

// Format prints String, whatever the verb.
func (w WrappedKey) Format(f fmt.State, _ rune) { writeRedacted(f, w.String()) }

// LogValue is String.
func (w WrappedKey) LogValue() slog.Value { return slog.StringValue(w.String()) }

// MarshalJSON encodes String.
func (w WrappedKey) MarshalJSON() ([]byte, error) { return json.Marshal(w.String()) }

// String describes the request without the data key.
func (r WrapRequest) String() string {
	return fmt.Sprintf("encryption.WrapRequest{Content:%s DataKey:redacted}", r.Content)
}

// GoString is String.
func (r WrapRequest) GoString() string { return r.String() }

// Format prints String, whatever the verb.
func (r WrapRequest) Format(f fmt.State, _ rune) { writeRedacted(f, r.String()) }

// LogValue is String.
func (r WrapRequest) LogValue() slog.Value { return slog.StringValue(r.String()) }

// MarshalJSON encodes String.
func (r WrapRequest) MarshalJSON() ([]byte, error) { return json.Marshal(r.String()) }

const redactedAESKeyring = "encryption.AESKeyring{key:redacted}"

// String hides the keys.
func (AESKeyring) String() string { return redactedAESKeyring }

// GoString hides the keys.
func (AESKeyring) GoString() string { return redactedAESKeyring }

// Format hides the keys, whatever the verb.
func (AESKeyring) Format(f fmt.State, _ rune) { writeRedacted(f, redactedAESKeyring) }

// LogValue hides the keys.
func (AESKeyring) LogValue() slog.Value { return slog.StringValue(redactedAESKeyring) }

// MarshalJSON hides the keys.
func (AESKeyring) MarshalJSON() ([]byte, error) { return json.Marshal(redactedAESKeyring) }

const redactedRSAKeyring = "encryption.RSAKeyring{key:redacted}"

// String hides the key.
func (RSAKeyring) String() string { return redactedRSAKeyring }

// GoString hides the key.
func (RSAKeyring) GoString() string { return redactedRSAKeyring }

// Format hides the key, whatever the verb.
func (RSAKeyring) Format(f fmt.State, _ rune) { writeRedacted(f, redactedRSAKeyring) }

// LogValue hides the key.
func (RSAKeyring) LogValue() slog.Value { return slog.StringValue(redactedRSAKeyring) }

// MarshalJSON hides the key.
func (RSAKeyring) MarshalJSON() ([]byte, error) { return json.Marshal(redactedRSAKeyring) }

const redactedDecryptor = "encryption.Decryptor{redacted}"

// String hides the key schedule and the plaintext the decryptor holds.
func (Decryptor) String() string { return redactedDecryptor }

// GoString is String.
func (Decryptor) GoString() string { return redactedDecryptor }

// Format prints String, whatever the verb.
func (Decryptor) Format(f fmt.State, _ rune) { writeRedacted(f, redactedDecryptor) }

// LogValue is String.
func (Decryptor) LogValue() slog.Value { return slog.StringValue(redactedDecryptor) }

// MarshalJSON encodes String.
func (Decryptor) MarshalJSON() ([]byte, error) { return json.Marshal(redactedDecryptor) }

const redactedEncryptor = "encryption.Encryptor{redacted}"

// String hides the key schedule and the plaintext source.
func (Encryptor) String() string { return redactedEncryptor }

// GoString is String.
func (Encryptor) GoString() string { return redactedEncryptor }

// Format prints String, whatever the verb.
func (Encryptor) Format(f fmt.State, _ rune) { writeRedacted(f, redactedEncryptor) }

// LogValue is String.
func (Encryptor) LogValue() slog.Value { return slog.StringValue(redactedEncryptor) }

// MarshalJSON encodes String.
func (Encryptor) MarshalJSON() ([]byte, error) { return json.Marshal(redactedEncryptor) }
