package encryption

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/objectlambda/sdk-go/encryption/ssec"
	"github.com/stretchr/testify/require"
)

// secretForms lists the ways a byte string can show up in text.
func secretForms(secret []byte) []string {
	return []string{
		hex.EncodeToString(secret),
		strings.ToUpper(hex.EncodeToString(secret)),
		base64.StdEncoding.EncodeToString(secret),
		base64.RawStdEncoding.EncodeToString(secret),
		base64.URLEncoding.EncodeToString(secret),
		strings.Trim(fmt.Sprint(secret), "[]"), // "1 2 3"
		strings.Trim(fmt.Sprintf("%#v", secret), "[]uint8{}"),
		string(secret),
		strings.Trim(fmt.Sprintf("%q", secret), `"`),
	}
}

// formatted renders v along every path a key can take to a log or an
// error: fmt verbs, slog's JSON and text handlers (alone and nested in a
// struct), and encoding/json.
func formatted(t *testing.T, v any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		out["fmt "+verb] = fmt.Sprintf(verb, v)
	}
	nested := struct{ Field any }{v}
	out["fmt %+v nested"] = fmt.Sprintf("%+v", nested)
	out["fmt %#v nested"] = fmt.Sprintf("%#v", nested)
	for name, mk := range map[string]func(io.Writer) slog.Handler{
		"slog JSON": func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
		"slog text": func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
	} {
		var buf bytes.Buffer
		slog.New(mk(&buf)).Info("m", "value", v, "nested", nested, slog.Group("g", "value", v))
		out[name] = buf.String()
	}
	b, err := json.Marshal(v)
	if err == nil {
		out["json"] = string(b)
	}
	b, err = json.Marshal(nested)
	if err == nil {
		out["json nested"] = string(b)
	}
	return out
}

// TestNoKeyMaterialInAnyFormat covers every type of this package that holds
// key material (or plaintext) and every formatting path.
func TestNoKeyMaterialInAnyFormat(t *testing.T) {
	dataKey := seq(0xa0, 32)
	wrapKey := seq(0x31, 32)
	aesKR, err := NewAESKeyring(wrapKey, map[string]string{"kid": "k"}, WithAdditionalAESKey(map[string]string{"kid": "old"}, seq(0x51, 32)))
	require.NoError(t, err)
	priv := testRSAKey(t)
	rsaKR, err := NewRSAKeyring(priv, nil)
	require.NoError(t, err)
	ssecKey, err := ssec.NewKey(seq(0x71, 32))
	require.NoError(t, err)

	plain := []byte("PLAINTEXT-MARKER-0123456789abcdef-PLAINTEXT-MARKER")
	iv := seq(0x40, 16)
	cbc := sealCBC(t, dataKey, iv, bytes.Repeat(plain, 4))
	dec, err := NewDecryptor(context.Background(), bytes.NewReader(cbc), &Envelope{Format: FormatV2, Content: ContentAESCBC, Wrap: WrapAESGCM,
		EncryptedKey: []byte{1}, IV: iv, MatDesc: map[string]string{}, PlaintextLen: -1}, fixedKeyring{dataKey}, WithLegacyUnauthenticatedModes())
	require.NoError(t, err)
	defer dec.Close()
	_, err = dec.Read(make([]byte, 1)) // plaintext now waits inside
	require.NoError(t, err)
	enc, err := NewEncryptor(context.Background(), bytes.NewReader(plain), aesKR)
	require.NoError(t, err)

	secrets := map[string][]byte{
		"data key":       dataKey,
		"wrapping key":   wrapKey,
		"extra key":      seq(0x51, 32),
		"RSA exponent D": priv.D.Bytes(),
		"SSE-C key":      seq(0x71, 32),
		"plaintext":      plain[:24],
	}
	values := map[string]any{
		"WrappedKey":          WrappedKey{DataKey: dataKey, EncryptedKey: []byte{1, 2}, Wrap: WrapAESGCM},
		"*WrappedKey":         &WrappedKey{DataKey: dataKey, EncryptedKey: []byte{1, 2}, Wrap: WrapAESGCM},
		"WrapRequest":         WrapRequest{Content: ContentAESGCM, DataKey: dataKey},
		"*WrapRequest":        &WrapRequest{Content: ContentAESGCM, DataKey: dataKey},
		"AESKeyring":          *aesKR,
		"*AESKeyring":         aesKR,
		"RSAKeyring":          *rsaKR,
		"*RSAKeyring":         rsaKR,
		"*Decryptor":          dec,
		"*Encryptor":          enc,
		"ssec.Key":            ssecKey,
		"ssec.GetObjectInput": ssec.GetObjectInput{Bucket: "b", Key: "k", Customer: ssecKey},
	}
	for name, v := range values {
		t.Run(name, func(t *testing.T) {
			for path, text := range formatted(t, v) {
				for what, secret := range secrets {
					for _, form := range secretForms(secret) {
						if len(form) >= 8 && strings.Contains(text, form) {
							t.Errorf("%s via %s shows the %s (%q)", name, path, what, form)
						}
					}
				}
			}
		})
	}
}
