package objectlambda

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/objectlambda/sdk-go/encryption"
	"github.com/objectlambda/sdk-go/encryption/kmskeyring"
	"github.com/objectlambda/sdk-go/encryption/kmskeyring/kmstest"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plainMarker is a string that must never show up in logs.
const plainMarker = "PLAINTEXT-MARKER-7f3a"

func csePlaintext(n int) []byte {
	b := bytes.Repeat([]byte("0123456789abcdef"), n/16+1)[:n]
	copy(b, plainMarker)
	return b
}

func aesKeyring(t testing.TB, fill byte, kid string) *encryption.AESKeyring {
	t.Helper()
	kr, err := encryption.NewAESKeyring(bytes.Repeat([]byte{fill}, 32), map[string]string{"kid": kid})
	require.NoError(t, err)
	return kr
}

var cseRSAKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

func rsaKeyring(t testing.TB) *encryption.RSAKeyring {
	t.Helper()
	priv, err := cseRSAKey()
	require.NoError(t, err)
	kr, err := encryption.NewRSAKeyring(priv, map[string]string{"kid": "rsa-1"})
	require.NoError(t, err)
	return kr
}

func kmsKeyring(t testing.TB) *kmskeyring.Keyring {
	t.Helper()
	srv := kmstest.New()
	t.Cleanup(srv.Close)
	kr, err := kmskeyring.New(srv.Client(), srv.CreateKey())
	require.NoError(t, err)
	return kr
}

// seal encrypts plain the way the S3 Encryption Client stores it: the
// ciphertext body and the envelope as x-amz-meta-* headers.
func seal(t testing.TB, kr encryption.Keyring, plain []byte, opts ...encryption.Option) (string, map[string]string) {
	t.Helper()
	x, err := encryption.NewEncryptor(context.Background(), bytes.NewReader(plain), kr, opts...)
	require.NoError(t, err)
	body, err := io.ReadAll(x)
	require.NoError(t, err)
	hdr := map[string]string{"x-amz-meta-color": "blue", "Content-Type": "text/plain"}
	for k, v := range x.Metadata() {
		hdr["x-amz-meta-"+k] = v
	}
	return string(body), hdr
}

// envelopeHeaders lists the X-Amz-Meta-X-Amz-* headers of a WGOR call.
func envelopeHeaders(h http.Header) []string {
	var out []string
	for k := range h {
		if strings.HasPrefix(http.CanonicalHeaderKey(k), "X-Amz-Meta-X-Amz-") {
			out = append(out, k)
		}
	}
	return out
}

// spyKeyring records the data keys it hands out, so tests can look for them
// in the logs.
type spyKeyring struct {
	encryption.Keyring
	mu   sync.Mutex
	keys [][]byte
}

func (s *spyKeyring) record(dk []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = append(s.keys, bytes.Clone(dk))
}

func (s *spyKeyring) UnwrapKey(ctx context.Context, e *encryption.Envelope) (encryption.DataKey, error) {
	dk, err := s.Keyring.UnwrapKey(ctx, e)
	if err == nil {
		s.record(dk)
	}
	return dk, err
}

func (s *spyKeyring) WrapKey(ctx context.Context, req *encryption.WrapRequest) (*encryption.WrappedKey, error) {
	w, err := s.Keyring.WrapKey(ctx, req)
	if err == nil {
		s.record(w.DataKey)
	}
	return w, err
}

func TestCSEDecrypt(t *testing.T) {
	rsaKR := rsaKeyring(t)
	kmsKR := kmsKeyring(t)
	tests := []struct {
		name  string
		kr    encryption.Keyring
		size  int
		opts  []encryption.Option
		plain bool
	}{
		{name: "V2 AES", kr: aesKeyring(t, 1, "a"), size: 1000},
		{name: "V3 AES", kr: aesKeyring(t, 1, "a"), size: 1000, opts: []encryption.Option{encryption.WithFormat(encryption.FormatV3)}},
		{name: "V2 RSA", kr: rsaKR, size: 70_000},
		{name: "V3 RSA", kr: rsaKR, size: 70_000, opts: []encryption.Option{encryption.WithFormat(encryption.FormatV3)}},
		{name: "V2 KMS", kr: kmsKR, size: 4097, opts: []encryption.Option{encryption.WithEncryptionContext(map[string]string{"tenant": "t1"})}},
		{name: "V3 KMS", kr: kmsKR, size: 4097, opts: []encryption.Option{encryption.WithFormat(encryption.FormatV3)}},
		{name: "V2 with plaintext length stored", kr: aesKeyring(t, 1, "a"), size: 33, opts: []encryption.Option{encryption.WithPlaintextLength(33)}},
		{name: "V2 empty object", kr: aesKeyring(t, 1, "a"), size: 0},
		{name: "V2 larger than the prime buffer", kr: aesKeyring(t, 1, "a"), size: 200_000},
		{name: "plain object passes through when opted in", kr: aesKeyring(t, 1, "a"), size: 500, plain: true,
			opts: []encryption.Option{encryption.WithUnencryptedObjects()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var decOpts []encryption.Option
			if tt.plain {
				decOpts = tt.opts
			}
			hs, h := newHarness(t, WithDecryption(tt.kr, decOpts...))
			plain := csePlaintext(tt.size)
			if tt.plain {
				hs.put("doc.txt", string(plain), map[string]string{"x-amz-meta-color": "blue"})
			} else {
				body, hdr := seal(t, tt.kr, plain, tt.opts...)
				hs.put("doc.txt", body, hdr)
			}
			res, err := invoke(t, h, hs.event("doc.txt"))
			require.NoError(t, err)
			call := hs.onlyCall(t)
			assert.Equal(t, "200", call.Header.Get("X-Amz-Fwd-Status"))
			assert.Equal(t, http.StatusOK, res.StatusCode)
			require.NoError(t, call.BodyErr)
			assert.True(t, bytes.Equal(plain, call.Body), "plaintext differs (%d bytes, want %d)", len(call.Body), len(plain))
			assert.Empty(t, envelopeHeaders(call.Header), "envelope metadata must be stripped from plaintext")
			assert.Equal(t, "blue", call.Header.Get("X-Amz-Meta-Color"), "other user metadata is kept")
			if !tt.plain {
				assert.Equal(t, int64(tt.size), call.ContentLn, "Content-Length is the plaintext length")
				assert.False(t, call.Chunked)
			}
		})
	}
}

func TestCSEDecryptErrors(t *testing.T) {
	kr := aesKeyring(t, 1, "a")
	plain := csePlaintext(3000)
	good, goodHdr := seal(t, kr, plain)
	goodV3, goodV3Hdr := seal(t, kr, plain, encryption.WithFormat(encryption.FormatV3))

	flip := func(s string, i int) string { b := []byte(s); b[i] ^= 1; return string(b) }
	with := func(h map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range h {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(out, kv[i])
				continue
			}
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	tests := []struct {
		name       string
		key        string
		body       string
		hdr        map[string]string
		kr         encryption.Keyring
		wantStatus string
		wantCode   string
	}{
		{name: "tampered body", key: "doc", body: flip(good, 10), hdr: goodHdr, wantStatus: "500", wantCode: "InternalError"},
		{name: "tampered tag", key: "doc", body: flip(good, len(good)-1), hdr: goodHdr, wantStatus: "500", wantCode: "InternalError"},
		{name: "truncated body", key: "doc", body: good[:len(good)-20], hdr: goodHdr, wantStatus: "500", wantCode: "InternalError"},
		{name: "tampered V3 commitment", key: "doc", body: goodV3,
			hdr: with(goodV3Hdr, "x-amz-meta-x-amz-d", base64.StdEncoding.EncodeToString(make([]byte, 28))), wantStatus: "500", wantCode: "InternalError"},
		{name: "wrong key V2", key: "doc", body: good, hdr: goodHdr, kr: aesKeyring(t, 2, "a"), wantStatus: "403", wantCode: "AccessDenied"},
		{name: "wrong key V3", key: "doc", body: goodV3, hdr: goodV3Hdr, kr: aesKeyring(t, 2, "a"), wantStatus: "403", wantCode: "AccessDenied"},
		{name: "RSA keyring for AES object", key: "doc", body: good, hdr: goodHdr, kr: rsaKeyring(t), wantStatus: "403", wantCode: "AccessDenied"},
		{name: "instruction file by key", key: "doc.instruction", body: `{"x-amz-key-v2":"AAAA"}`, hdr: map[string]string{}, wantStatus: "404", wantCode: "NoSuchKey"},
		{name: "instruction file by marker", key: "doc.keys", body: `{"x-amz-key-v2":"AAAA"}`, hdr: map[string]string{"x-amz-meta-x-amz-crypto-instr-file": ""}, wantStatus: "404", wantCode: "NoSuchKey"},
		{name: "envelope in instruction file", key: "doc", body: goodV3,
			hdr: with(goodV3Hdr, "x-amz-meta-x-amz-3", "", "x-amz-meta-x-amz-w", "", "x-amz-meta-x-amz-m", ""), wantStatus: "500", wantCode: "InternalError"},
		{name: "malformed envelope", key: "doc", body: good, hdr: with(goodHdr, "x-amz-meta-x-amz-iv", "!!notbase64"), wantStatus: "500", wantCode: "InternalError"},
		{name: "conflicting formats", key: "doc", body: good, hdr: with(goodHdr, "x-amz-meta-x-amz-3", "AAAA"), wantStatus: "500", wantCode: "InternalError"},
		{name: "legacy CBC not enabled", key: "doc", body: good, hdr: with(goodHdr, "x-amz-meta-x-amz-cek-alg", "AES/CBC/PKCS5Padding",
			"x-amz-meta-x-amz-iv", base64.StdEncoding.EncodeToString(make([]byte, 16)), "x-amz-meta-x-amz-tag-len", ""), wantStatus: "500", wantCode: "InternalError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			use := tt.kr
			if use == nil {
				use = kr
			}
			hs, h := newHarness(t, WithDecryption(use))
			hs.put(tt.key, tt.body, tt.hdr)
			res, err := invoke(t, h, hs.event(tt.key))
			require.NoError(t, err)
			call := hs.onlyCall(t)
			assert.Equal(t, tt.wantStatus, call.Header.Get("X-Amz-Fwd-Status"))
			assert.Equal(t, tt.wantCode, call.Header.Get("X-Amz-Fwd-Error-Code"))
			assert.Equal(t, tt.wantStatus, strconv.Itoa(res.StatusCode))
			assert.Empty(t, call.Body, "an error reply carries no bytes")
			msg := call.Header.Get("X-Amz-Fwd-Error-Message")
			assert.NotEmpty(t, msg)
			assert.NotContains(t, msg, plainMarker)
		})
	}
}

func TestCSEDelayedAuthenticationAbortsStream(t *testing.T) {
	kr := aesKeyring(t, 1, "a")
	body, hdr := seal(t, kr, csePlaintext(300_000))
	b := []byte(body)
	b[len(b)-1] ^= 1 // bad tag: noticed only at the end
	hs, h := newHarness(t, WithDecryption(kr, encryption.WithDelayedAuthentication()))
	hs.put("big", string(b), hdr)
	_, err := invoke(t, h, hs.event("big"))
	require.Error(t, err, "the invocation fails when the stream is aborted")
	calls := hs.waitCalls(t, 1)
	assert.Equal(t, "200", calls[0].Header.Get("X-Amz-Fwd-Status"), "the reply had started")
	assert.Error(t, calls[0].BodyErr, "the caller sees a broken transfer, never a complete body")
}

func TestCSEDecryptRange(t *testing.T) {
	kr := aesKeyring(t, 1, "a")
	plain := csePlaintext(1000)
	body, hdr := seal(t, kr, plain, encryption.WithFormat(encryption.FormatV3))
	tests := []struct {
		name       string
		rng        string
		wantStatus string
		wantRange  string
		wantBody   string
		wantCode   string
	}{
		{name: "middle", rng: "bytes=100-199", wantStatus: "206", wantRange: "bytes 100-199/1000", wantBody: string(plain[100:200])},
		{name: "suffix", rng: "bytes=-10", wantStatus: "206", wantRange: "bytes 990-999/1000", wantBody: string(plain[990:])},
		{name: "open, across the end", rng: "bytes=995-", wantStatus: "206", wantRange: "bytes 995-999/1000", wantBody: string(plain[995:])},
		{name: "clamped past the plaintext end", rng: "bytes=998-1015", wantStatus: "206", wantRange: "bytes 998-999/1000", wantBody: string(plain[998:])},
		{name: "beyond the plaintext (inside the tag)", rng: "bytes=1000-", wantStatus: "416", wantCode: "InvalidRange", wantRange: "bytes */1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, WithDecryption(kr))
			hs.put("doc", body, hdr)
			_, err := invoke(t, h, hs.event("doc", withHeaders("Range", tt.rng)))
			require.NoError(t, err)
			call := hs.onlyCall(t)
			assert.Equal(t, tt.wantStatus, call.Header.Get("X-Amz-Fwd-Status"))
			assert.Equal(t, tt.wantCode, call.Header.Get("X-Amz-Fwd-Error-Code"))
			assert.Equal(t, tt.wantRange, call.Header.Get("X-Amz-Fwd-Header-Content-Range"))
			assert.Equal(t, tt.wantBody, string(call.Body))
			hs.mu.Lock()
			assert.Empty(t, hs.upstreamHit[0].Get("Range"), "decryption is not range-safe: the whole object is fetched")
			hs.mu.Unlock()
		})
	}
}

// openReply decrypts a WGOR reply with the encryption package, as the caller's
// S3 Encryption Client would.
func openReply(t *testing.T, call wgorCall, kr encryption.Keyring) []byte {
	t.Helper()
	env, err := encryption.RequireEnvelope(encryption.MetadataFromHeader(call.Header))
	require.NoError(t, err)
	d, err := encryption.NewDecryptor(context.Background(), bytes.NewReader(call.Body), env, kr,
		encryption.WithCiphertextLength(int64(len(call.Body))))
	require.NoError(t, err)
	defer d.Close()
	out, err := io.ReadAll(d)
	require.NoError(t, err)
	return out
}

func TestCSEReencrypt(t *testing.T) {
	stored := aesKeyring(t, 1, "stored")
	rsaKR := rsaKeyring(t)
	kmsKR := kmsKeyring(t)
	plain := csePlaintext(5000)
	tests := []struct {
		name    string
		out     encryption.Keyring
		opts    []encryption.Option
		plainIn bool
		extra   []transform.Transform
		want    []byte
		format  encryption.Format
	}{
		{name: "AES to AES V2", out: aesKeyring(t, 9, "caller"), want: plain, format: encryption.FormatV2},
		{name: "AES to RSA V3", out: rsaKR, opts: []encryption.Option{encryption.WithFormat(encryption.FormatV3)}, want: plain, format: encryption.FormatV3},
		{name: "AES to KMS", out: kmsKR, opts: []encryption.Option{encryption.WithEncryptionContext(map[string]string{"caller": "alice"})}, want: plain, format: encryption.FormatV2},
		{name: "plain object encrypted when opted in", out: aesKeyring(t, 9, "caller"), plainIn: true, want: plain, format: encryption.FormatV2},
		{name: "transform between decrypt and encrypt", out: aesKeyring(t, 9, "caller"), extra: []transform.Transform{appendSuffix("!!")},
			want: append(bytes.Clone(plain), "!!"...), format: encryption.FormatV2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []Option{WithDecryption(stored)}
			if tt.plainIn {
				opts = []Option{WithDecryption(stored, encryption.WithUnencryptedObjects())}
			}
			if tt.extra != nil {
				opts = append(opts, WithTransform(tt.extra...)) // WithEncryption comes after every WithTransform
			}
			opts = append(opts, WithEncryption(tt.out, tt.opts...))
			hs, h := newHarness(t, opts...)
			if tt.plainIn {
				hs.put("doc", string(plain), nil)
			} else {
				body, hdr := seal(t, stored, plain)
				hs.put("doc", body, hdr)
			}
			_, err := invoke(t, h, hs.event("doc"))
			require.NoError(t, err)
			call := hs.onlyCall(t)
			require.Equal(t, "200", call.Header.Get("X-Amz-Fwd-Status"), call.Header.Get("X-Amz-Fwd-Error-Message"))
			assert.NotContains(t, string(call.Body), plainMarker, "the reply is ciphertext")
			env, err := encryption.RequireEnvelope(encryption.MetadataFromHeader(call.Header))
			require.NoError(t, err)
			assert.Equal(t, tt.format, env.Format)
			assert.Equal(t, tt.want, openReply(t, call, tt.out))
			_, err = encryption.NewDecryptor(context.Background(), bytes.NewReader(call.Body), env, stored)
			assert.ErrorIs(t, err, encryption.ErrKeyNotFound, "the stored key does not open the reply")
		})
	}
}

func TestCSEEncryptionForCaller(t *testing.T) {
	alice := aesKeyring(t, 7, "alice")
	keys := map[string]encryption.Keyring{"arn:aws:sts::111122223333:assumed-role/analyst/alice": alice}
	perCaller := func(_ context.Context, r *transform.Request) (encryption.Keyring, error) {
		if kr, ok := keys[r.Caller.ARN]; ok {
			return kr, nil
		}
		return nil, errors.New("no key registered for caller")
	}
	t.Run("known caller", func(t *testing.T) {
		hs, h := newHarness(t, WithEncryptionFor(perCaller))
		hs.put("doc", "hello alice", nil)
		_, err := invoke(t, h, hs.event("doc"))
		require.NoError(t, err)
		call := hs.onlyCall(t)
		assert.Equal(t, "hello alice", string(openReply(t, call, alice)))
	})
	t.Run("unknown caller", func(t *testing.T) {
		delete(keys, "arn:aws:sts::111122223333:assumed-role/analyst/alice")
		hs, h := newHarness(t, WithEncryptionFor(perCaller))
		hs.put("doc", "hello alice", nil)
		_, err := invoke(t, h, hs.event("doc"))
		require.NoError(t, err)
		call := hs.onlyCall(t)
		assert.Equal(t, "403", call.Header.Get("X-Amz-Fwd-Status"))
		assert.Equal(t, "AccessDenied", call.Header.Get("X-Amz-Fwd-Error-Code"))
		assert.NotContains(t, call.Header.Get("X-Amz-Fwd-Error-Message"), "registered", "the KeyringFunc's error text is not sent")
	})
	t.Run("already encrypted without decryption", func(t *testing.T) {
		hs, h := newHarness(t, WithEncryption(alice))
		body, hdr := seal(t, alice, []byte("x"))
		hs.put("doc", body, hdr)
		_, err := invoke(t, h, hs.event("doc"))
		require.NoError(t, err)
		call := hs.onlyCall(t)
		assert.Equal(t, "500", call.Header.Get("X-Amz-Fwd-Status"))
		assert.Empty(t, call.Body)
	})
}

func TestCSERewrap(t *testing.T) {
	stored := aesKeyring(t, 1, "stored")
	caller := aesKeyring(t, 5, "caller")
	plain := csePlaintext(2000)
	body, hdr := seal(t, stored, plain, encryption.WithFormat(encryption.FormatV3))
	hdr["ETag"] = `"stored-etag"`

	t.Run("body untouched, key rewrapped", func(t *testing.T) {
		hs, h := newHarness(t, WithRewrap(stored, caller))
		hs.put("doc", body, hdr)
		_, err := invoke(t, h, hs.event("doc"))
		require.NoError(t, err)
		call := hs.onlyCall(t)
		require.Equal(t, "200", call.Header.Get("X-Amz-Fwd-Status"), call.Header.Get("X-Amz-Fwd-Error-Message"))
		assert.Equal(t, body, string(call.Body), "ciphertext passes through")
		assert.Equal(t, `"stored-etag"`, call.Header.Get("X-Amz-Fwd-Header-Etag"), "the body is unchanged, so is its ETag")
		assert.Equal(t, "blue", call.Header.Get("X-Amz-Meta-Color"))
		assert.Equal(t, plain, openReply(t, call, caller))
		assert.NotEqual(t, hdr["x-amz-meta-x-amz-3"], call.Header.Get("X-Amz-Meta-X-Amz-3"), "wrapped key replaced")
	})
	t.Run("range pushed down", func(t *testing.T) {
		hs, h := newHarness(t, WithRewrap(stored, caller))
		hs.put("doc", body, hdr)
		_, err := invoke(t, h, hs.event("doc", withHeaders("Range", "bytes=0-15")))
		require.NoError(t, err)
		call := hs.onlyCall(t)
		assert.Equal(t, "206", call.Header.Get("X-Amz-Fwd-Status"))
		assert.Equal(t, body[:16], string(call.Body))
		hs.mu.Lock()
		assert.Equal(t, "bytes=0-15", hs.upstreamHit[0].Get("Range"))
		hs.mu.Unlock()
	})
	for _, tt := range []struct {
		name, key, wantStatus, wantCode string
		hdr                             map[string]string
		from                            encryption.Keyring
	}{
		{name: "plain object refused", key: "doc", hdr: map[string]string{}, wantStatus: "403", wantCode: "AccessDenied"},
		{name: "instruction file", key: "doc.instruction", hdr: map[string]string{}, wantStatus: "404", wantCode: "NoSuchKey"},
		{name: "wrong source key", key: "doc", hdr: hdr, from: aesKeyring(t, 3, "stored"), wantStatus: "403", wantCode: "AccessDenied"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			from := tt.from
			if from == nil {
				from = stored
			}
			hs, h := newHarness(t, WithRewrap(from, caller))
			hs.put(tt.key, body, tt.hdr)
			_, err := invoke(t, h, hs.event(tt.key))
			require.NoError(t, err)
			call := hs.onlyCall(t)
			assert.Equal(t, tt.wantStatus, call.Header.Get("X-Amz-Fwd-Status"))
			assert.Equal(t, tt.wantCode, call.Header.Get("X-Amz-Fwd-Error-Code"))
			assert.Empty(t, call.Body)
		})
	}
}

func TestCSEOptionConflicts(t *testing.T) {
	kr := aesKeyring(t, 1, "a")
	tests := []struct {
		name    string
		opts    []Option
		wantErr string
	}{
		{name: "decrypt and encrypt", opts: []Option{WithDecryption(kr), WithEncryption(kr)}},
		{name: "encrypt then decrypt", opts: []Option{WithEncryption(kr), WithDecryption(kr)}},
		{name: "decrypt twice", opts: []Option{WithDecryption(kr), WithDecryption(kr)}, wantErr: "WithDecryption cannot be combined with WithDecryption"},
		{name: "encrypt twice", opts: []Option{WithEncryption(kr), WithEncryptionFor(cseStatic(kr))}, wantErr: "WithEncryption cannot be combined"},
		{name: "rewrap after decrypt", opts: []Option{WithDecryption(kr), WithRewrap(kr, kr)}, wantErr: "WithRewrap cannot be combined with WithDecryption"},
		{name: "decrypt after rewrap", opts: []Option{WithRewrap(kr, kr), WithDecryption(kr)}, wantErr: "WithDecryption cannot be combined with WithRewrap"},
		{name: "encrypt after rewrap", opts: []Option{WithRewrap(kr, kr), WithEncryption(kr)}, wantErr: "cannot be combined with WithRewrap"},
		{name: "nil decryption keyring", opts: []Option{WithDecryption(nil)}, wantErr: "nil keyring"},
		{name: "nil encryption keyring", opts: []Option{WithEncryption(nil)}, wantErr: "nil keyring"},
		{name: "nil KeyringFunc", opts: []Option{WithEncryptionFor(nil)}, wantErr: "nil KeyringFunc"},
		{name: "nil rewrap target", opts: []Option{WithRewrap(kr, nil)}, wantErr: "nil target keyring"},
		{name: "nil rewrap source", opts: []Option{WithRewrap(nil, kr)}, wantErr: "nil keyring"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c config
			var err error
			for _, o := range tt.opts {
				if err = o(&c); err != nil {
					break
				}
			}
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestCSEOutputLengthForHead(t *testing.T) {
	kr := aesKeyring(t, 1, "a")
	_, v2 := seal(t, kr, []byte("abc"))
	_, v3 := seal(t, kr, []byte("abc"), encryption.WithFormat(encryption.FormatV3))
	header := func(m map[string]string) http.Header {
		h := http.Header{}
		for k, v := range m {
			h.Set(k, v)
		}
		return h
	}
	cbcHeader := func(hint string) http.Header {
		h := header(v2)
		h.Set("X-Amz-Meta-X-Amz-Cek-Alg", string(encryption.ContentAESCBC))
		h.Set("X-Amz-Meta-X-Amz-Iv", base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 16)))
		h.Del("X-Amz-Meta-X-Amz-Tag-Len")
		h.Del("X-Amz-Meta-X-Amz-Unencrypted-Content-Length")
		if hint != "" {
			h.Set("X-Amz-Meta-X-Amz-Unencrypted-Content-Length", hint)
		}
		return h
	}
	dec := &cseDecryptor{kr: kr}
	toB := aesKeyring(t, 2, "b")
	rewrap := &cseRewrapper{from: kr, to: func(context.Context, *transform.Request) (encryption.Keyring, error) { return toB, nil }}
	mixed := &cseDecryptor{kr: kr, opts: []encryption.Option{encryption.WithUnencryptedObjects()}}
	tests := []struct {
		name   string
		t      transform.Transform
		hdr    http.Header
		in     int64
		want   int64
		wantOK bool
	}{
		{name: "V2 minus tag", t: dec, hdr: header(v2), in: 19, want: 3, wantOK: true},
		{name: "V3 minus tag", t: dec, hdr: header(v3), in: 19, want: 3, wantOK: true},
		{name: "plain is refused", t: dec, hdr: http.Header{}, in: 42, want: -1},
		{name: "plain keeps length when opted in", t: mixed, hdr: http.Header{}, in: 42, want: 42, wantOK: true},
		{name: "shorter than a tag", t: dec, hdr: header(v2), in: 5, want: -1},
		{name: "instruction file", t: dec, hdr: http.Header{"X-Amz-Meta-X-Amz-Crypto-Instr-File": {""}}, in: 5, want: -1},
		{name: "malformed", t: dec, hdr: http.Header{"X-Amz-Meta-X-Amz-Key-V2": {"!"}, "X-Amz-Meta-X-Amz-Iv": {"!"}}, in: 40, want: -1},
		{name: "unknown input", t: dec, hdr: header(v2), in: -1, want: -1},
		{name: "CBC hint agreeing with the stored length", t: dec, hdr: cbcHeader("20"), in: 32, want: 20, wantOK: true},
		{name: "CBC hint disagreeing with the stored length", t: dec, hdr: cbcHeader("100"), in: 32, want: -1},
		{name: "CBC without hint", t: dec, hdr: cbcHeader(""), in: 32, want: -1},
		{name: "encrypt adds tag", t: &cseEncryptor{}, hdr: http.Header{}, in: 3, want: 19, wantOK: true},
		{name: "decrypt then encrypt", t: transform.Chain(dec, &cseEncryptor{}), hdr: header(v2), in: 19, want: 19, wantOK: true},
		{name: "rewrap keeps length", t: rewrap, hdr: header(v2), in: 19, want: 19, wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// As HEAD does: the chain over headers only.
			out, err := transform.Run(t.Context(), tt.t, &transform.Object{Body: transform.HeadersOnly(), Header: tt.hdr, Length: tt.in, Request: &transform.Request{Operation: "HeadObject"}})
			ok := err == nil && out.Length >= 0
			assert.Equal(t, tt.wantOK, ok, "err: %v", err)
			if ok {
				assert.Equal(t, tt.want, out.Length)
			}
		})
	}
}

func TestCSEHeadHeaders(t *testing.T) {
	kr := aesKeyring(t, 1, "a")
	_, hdr := seal(t, kr, []byte("abc"))
	h := http.Header{}
	for k, v := range hdr {
		h.Set(k, v)
	}
	out, err := transform.Run(context.Background(), &cseDecryptor{kr: kr}, &transform.Object{
		Body: transform.HeadersOnly(), Header: h, Length: 19, Request: &transform.Request{Operation: "HeadObject", Key: "doc"},
	})
	require.NoError(t, err)
	assert.Empty(t, envelopeHeaders(out.Header), "HEAD answers carry no envelope either")
	assert.Equal(t, "blue", out.Header.Get("X-Amz-Meta-Color"))

	_, err = transform.Run(context.Background(), &cseDecryptor{kr: kr}, &transform.Object{
		Body: transform.HeadersOnly(), Header: http.Header{}, Length: 19, Request: &transform.Request{Operation: "HeadObject", Key: "doc.instruction"},
	})
	e, ok := errors.AsType[*s3err.Error](err)
	require.True(t, ok)
	assert.Equal(t, http.StatusNotFound, e.StatusCode)
}

func TestCSESSECRefused(t *testing.T) {
	kr := aesKeyring(t, 1, "a")
	tests := []struct {
		name   string
		evOpts []eventOpt
		objHdr map[string]string
	}{
		{name: "SSE-C headers in the request", evOpts: []eventOpt{withHeaders(
			"x-amz-server-side-encryption-customer-algorithm", "AES256",
			"x-amz-server-side-encryption-customer-key", base64.StdEncoding.EncodeToString(make([]byte, 32)),
			"x-amz-server-side-encryption-customer-key-MD5", "ignored")}},
		{name: "SSE-C object upstream", objHdr: map[string]string{"x-amz-server-side-encryption-customer-algorithm": "AES256"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, WithDecryption(kr))
			hs.put("doc", "secret", tt.objHdr)
			_, err := invoke(t, h, hs.event("doc", tt.evOpts...))
			require.NoError(t, err)
			call := hs.onlyCall(t)
			assert.Equal(t, "400", call.Header.Get("X-Amz-Fwd-Status"))
			assert.Equal(t, "InvalidRequest", call.Header.Get("X-Amz-Fwd-Error-Code"))
			assert.Contains(t, call.Header.Get("X-Amz-Fwd-Error-Message"), "SSE-C")
			assert.Empty(t, call.Body)
		})
	}
}

func TestCSENoSecretsInLogs(t *testing.T) {
	rawKey := bytes.Repeat([]byte{0x5a}, 32)
	inner, err := encryption.NewAESKeyring(rawKey, map[string]string{"kid": "k"})
	require.NoError(t, err)
	stored := &spyKeyring{Keyring: inner}
	outKR := &spyKeyring{Keyring: aesKeyring(t, 0x6b, "out")}

	plain := csePlaintext(2048)
	body, hdr := seal(t, inner, plain)
	tampered := []byte(body)
	tampered[3] ^= 1

	hs, h := newHarness(t, WithDecryption(stored), WithEncryption(outKR))
	hs.put("ok", body, hdr)
	hs.put("bad", string(tampered), hdr)
	hs.put("doc.instruction", plainMarker, nil)
	for _, key := range []string{"ok", "bad", "doc.instruction"} {
		_, err := invoke(t, h, hs.event(key))
		require.NoError(t, err)
	}
	hs.waitCalls(t, 3)
	logs := hs.logs.String()
	require.NotEmpty(t, logs)
	secrets := map[string][]byte{"wrapping key": rawKey}
	stored.mu.Lock()
	for i, k := range append(stored.keys, outKR.keys...) {
		secrets["data key "+strconv.Itoa(i)] = k
	}
	stored.mu.Unlock()
	require.GreaterOrEqual(t, len(secrets), 3, "data keys were recorded")
	for name, k := range secrets {
		for _, enc := range []string{hex.EncodeToString(k), base64.StdEncoding.EncodeToString(k), base64.RawStdEncoding.EncodeToString(k), string(k)} {
			assert.NotContains(t, logs, enc, "%s leaked into the logs", name)
		}
	}
	assert.NotContains(t, logs, plainMarker, "plaintext leaked into the logs")
	assert.NotContains(t, logs, testToken)
}

// TestCSESpans: decryption and encryption are traced like any transform,
// one span each, in chain order, under the request span, with their own
// share of the streaming time.
func TestCSESpans(t *testing.T) {
	stored := aesKeyring(t, 1, "stored")
	plain := csePlaintext(100 << 10)
	tests := []struct {
		name string
		opts []Option
		want []string
	}{
		{name: "decrypt", opts: []Option{WithDecryption(stored)}, want: []string{"encryption.decrypt"}},
		{name: "decrypt, transform, encrypt",
			opts: []Option{WithDecryption(stored), WithTransform(appendSuffix("!")), WithEncryption(aesKeyring(t, 9, "caller"))},
			want: []string{"encryption.decrypt", "transform.Func", "encryption.encrypt"}},
		{name: "rewrap", opts: []Option{WithRewrap(stored, aesKeyring(t, 9, "caller"))}, want: []string{"encryption.rewrap"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tracer := &recordingTracer{}
			hs, h := newHarness(t, append(tt.opts, WithTracer(tracer))...)
			body, hdr := seal(t, stored, plain)
			hs.put("doc", body, hdr)
			_, err := invoke(t, h, hs.event("doc"))
			require.NoError(t, err)
			require.Equal(t, "200", hs.onlyCall(t).Header.Get("X-Amz-Fwd-Status"))
			var names []string
			for _, s := range tracer.recorded() {
				if s.name != "objectlambda.transform" {
					continue
				}
				names = append(names, s.attrs["objectlambda.transform"].String())
				assert.Equal(t, "objectlambda.GetObject", s.parent)
				assert.True(t, s.ended)
				assert.NoError(t, s.err)
				assert.Equal(t, slog.KindDuration, s.attrs["objectlambda.stream_time"].Kind())
			}
			assert.Equal(t, tt.want, names)
		})
	}
}

// TestCSEDecryptRefusesUnencrypted: whoever can write to the bucket can
// replace a ciphertext with plaintext of their choosing (or strip the
// envelope), so under WithDecryption an object without an envelope is
// refused unless the function opted in to serving plain objects.
func TestCSEDecryptRefusesUnencrypted(t *testing.T) {
	kr := aesKeyring(t, 1, "a")
	hs, h := newHarness(t, WithDecryption(kr))
	hs.put("doc.txt", "forged plaintext", map[string]string{"x-amz-meta-color": "blue"})
	_, err := invoke(t, h, hs.event("doc.txt"))
	require.NoError(t, err)
	call := hs.onlyCall(t)
	assert.Equal(t, "403", call.Header.Get("X-Amz-Fwd-Status"))
	assert.Equal(t, "AccessDenied", call.Header.Get("X-Amz-Fwd-Error-Code"))
	assert.Contains(t, call.Header.Get("X-Amz-Fwd-Error-Message"), "not client-side encrypted")
	assert.Empty(t, call.Body)

	_, err = transform.Run(context.Background(), &cseDecryptor{kr: kr}, &transform.Object{
		Body: transform.HeadersOnly(), Header: http.Header{"X-Amz-Meta-Color": {"blue"}}, Length: 16,
		Request: &transform.Request{Operation: "HeadObject", Key: "doc.txt"},
	})
	e, ok := errors.AsType[*s3err.Error](err)
	require.True(t, ok, "HEAD is refused too: %v", err)
	assert.Equal(t, http.StatusForbidden, e.StatusCode)
}

// TestCSEPlaintextLengthNotFromMetadata: x-amz-unencrypted-content-length is
// not authenticated. An upstream answer without Content-Length (chunked)
// must announce the counted, authenticated plaintext length, whatever that
// metadata says, and an edited value must not break a valid object.
func TestCSEPlaintextLengthNotFromMetadata(t *testing.T) {
	kr := aesKeyring(t, 1, "a")
	plain := csePlaintext(70_000)
	body, hdr := seal(t, kr, plain, encryption.WithPlaintextLength(int64(len(plain))))
	for _, tt := range []struct {
		name    string
		hint    string
		chunked bool
	}{
		{name: "chunked, hint too small", hint: "10", chunked: true},
		{name: "chunked, hint too large", hint: "999999999999", chunked: true},
		{name: "stored length, hint too small", hint: "10"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, WithDecryption(kr))
			forged := maps.Clone(hdr)
			forged["x-amz-meta-x-amz-unencrypted-content-length"] = tt.hint
			hs.put("doc", body, forged)
			if tt.chunked {
				hs.upstreamFn = func(w http.ResponseWriter, _ *http.Request) {
					for k, v := range forged {
						w.Header().Set(k, v)
					}
					w.WriteHeader(http.StatusOK)
					for i := 0; i < len(body); i += 8192 {
						_, _ = io.WriteString(w, body[i:min(i+8192, len(body))])
						w.(http.Flusher).Flush()
					}
				}
			}
			_, err := invoke(t, h, hs.event("doc"))
			require.NoError(t, err)
			call := hs.onlyCall(t)
			require.Equal(t, "200", call.Header.Get("X-Amz-Fwd-Status"), call.Header.Get("X-Amz-Fwd-Error-Message"))
			require.NoError(t, call.BodyErr)
			assert.Equal(t, plain, call.Body)
			assert.Equal(t, int64(len(plain)), call.ContentLn, "Content-Length is the authenticated length")
		})
	}
}

// TestCSELegacyRSAUnwrapIsNoOracle: with the legacy opt-ins on, every
// wrapped key an attacker substitutes into a legacy RSA (PKCS#1 v1.5) object
// gets the same answer, so the function cannot serve as a Bleichenbacher
// padding oracle.
func TestCSELegacyRSAUnwrapIsNoOracle(t *testing.T) {
	priv, err := cseRSAKey()
	require.NoError(t, err)
	kr := rsaKeyring(t)
	body, hdr := seal(t, aesKeyring(t, 1, "a"), csePlaintext(1000)) // a GCM body whose key we relabel
	enc := func(msg []byte) string {
		//lint:ignore SA1019 builds legacy wrapped keys for the read path.
		c, err := rsa.EncryptPKCS1v15(rand.Reader, &priv.PublicKey, msg) //nolint:staticcheck
		require.NoError(t, err)
		return base64.StdEncoding.EncodeToString(c)
	}
	junk := make([]byte, priv.Size())
	_, _ = rand.Read(junk[1:])
	type answer struct{ status, code, msg string }
	answers := map[string]answer{}
	for name, edk := range map[string]string{
		"non-conforming padding":        base64.StdEncoding.EncodeToString(junk),
		"conforming, wrong 32-byte key": enc(bytes.Repeat([]byte{7}, 32)),
		"conforming, 16-byte key":       enc(bytes.Repeat([]byte{7}, 16)),
	} {
		hs, h := newHarness(t, WithDecryption(kr, encryption.WithLegacyWrapping()))
		forged := maps.Clone(hdr)
		forged["x-amz-meta-x-amz-wrap-alg"] = "RSA"
		forged["x-amz-meta-x-amz-key-v2"] = edk
		hs.put("doc", body, forged)
		_, err := invoke(t, h, hs.event("doc"))
		require.NoError(t, err)
		call := hs.onlyCall(t)
		assert.Empty(t, call.Body, name)
		answers[name] = answer{call.Header.Get("X-Amz-Fwd-Status"), call.Header.Get("X-Amz-Fwd-Error-Code"), call.Header.Get("X-Amz-Fwd-Error-Message")}
	}
	want := answer{"500", "InternalError", answers["conforming, wrong 32-byte key"].msg}
	for name, got := range answers {
		assert.Equal(t, want, got, "%s answers like every other unwrap failure", name)
	}
}

// closeRecorder records whether the body it wraps was closed.
type closeRecorder struct {
	io.Reader
	closed int
}

func (c *closeRecorder) Close() error { c.closed++; return nil }

// TestCSEBodiesCloseWhatTheyWrap: the bodies of the decrypt and encrypt
// stages pass Close through to the body they wrap (in the end, the upstream
// response), whether they were read or not.
func TestCSEBodiesCloseWhatTheyWrap(t *testing.T) {
	kr := aesKeyring(t, 1, "a")
	plain := csePlaintext(100_000)
	sealed, hdr := seal(t, kr, plain)
	header := func(m map[string]string) http.Header {
		h := http.Header{}
		for k, v := range m {
			h.Set(k, v)
		}
		return h
	}
	tests := []struct {
		name   string
		stage  transform.Transform
		body   string
		header http.Header
	}{
		{name: "decrypt", stage: &cseDecryptor{kr: kr}, body: sealed, header: header(hdr)},
		{name: "decrypt, delayed", stage: &cseDecryptor{kr: kr, opts: []encryption.Option{encryption.WithDelayedAuthentication()}}, body: sealed, header: header(hdr)},
		{name: "encrypt", stage: &cseEncryptor{keyring: cseStatic(kr)}, body: string(plain), header: http.Header{}},
	}
	for _, tt := range tests {
		for _, readAll := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, read to the end %t", tt.name, readAll), func(t *testing.T) {
				src := &closeRecorder{Reader: strings.NewReader(tt.body)}
				out, err := tt.stage.Apply(context.Background(), &transform.Object{
					Body: src, Header: tt.header.Clone(), Length: int64(len(tt.body)),
					Request: &transform.Request{Operation: "GetObject", Key: "doc"},
				})
				require.NoError(t, err)
				if readAll {
					_, err = io.ReadAll(out.Body)
					require.NoError(t, err)
				}
				c, ok := out.Body.(io.Closer)
				require.True(t, ok, "%T passes Close through", out.Body)
				require.NoError(t, c.Close())
				assert.Equal(t, 1, src.closed, "the wrapped body was closed")
			})
		}
	}
}
