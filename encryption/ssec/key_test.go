package ssec

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSSECKey(t *testing.T) {
	raw := seq(0x30, 32)
	b64 := base64.StdEncoding.EncodeToString(raw)
	sum := md5.Sum(raw)
	k1, err := NewKey(raw)
	require.NoError(t, err)
	k2, err := ParseKey(b64)
	require.NoError(t, err)
	for _, k := range []Key{k1, k2} {
		alg, key, md := k.Headers()
		assert.Equal(t, "AES256", alg)
		assert.Equal(t, b64, key)
		assert.Equal(t, base64.StdEncoding.EncodeToString(sum[:]), md)
		h := http.Header{}
		k.Apply(h)
		assert.Equal(t, b64, h.Get("x-amz-server-side-encryption-customer-key"))
		assert.Equal(t, md, h.Get("x-amz-server-side-encryption-customer-key-MD5"))
	}
	raw[0] ^= 0xFF // the key was copied
	_, key, _ := k1.Headers()
	assert.Equal(t, b64, key)

	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "key", k1)
	js, err := json.Marshal(struct{ K Key }{k1})
	require.NoError(t, err)
	outputs := []string{
		k1.String(), k1.GoString(), fmt.Sprintf("%v %+v %#v %s %x %d %q", k1, k1, k1, k1, k1, k1, k1),
		fmt.Sprint(k1), fmt.Sprintf("%v", []Key{k1}), fmt.Sprintf("%+v", struct{ K Key }{k1}),
		logs.String(), string(js),
	}
	hexKey := fmt.Sprintf("%x", seq(0x30, 32))
	for _, out := range outputs {
		assert.NotContains(t, out, b64)
		assert.NotContains(t, out, hexKey)
		assert.NotContains(t, out, "48 49 50") // decimal bytes
		assert.Contains(t, out, "redacted")
	}

	bad := []string{"", "AAAA", "not base64!!", base64.StdEncoding.EncodeToString(make([]byte, 31))}
	for _, b := range bad {
		_, err := ParseKey(b)
		require.ErrorIs(t, err, ErrInvalidKey)
		assert.NotContains(t, err.Error(), b[:min(len(b), 4)]+"x")
	}
	k1.Destroy()
	_, key, _ = k1.Headers()
	assert.Equal(t, base64.StdEncoding.EncodeToString(make([]byte, 32)), key)
	assert.True(t, Key{}.IsZero())
}

func seq(from, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(from + i)
	}
	return b
}
