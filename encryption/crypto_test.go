package encryption

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixedKeyring returns a known data key, like the mocked KMS of the Go S3EC
// test vectors.
type fixedKeyring struct{ dk []byte }

func (f fixedKeyring) UnwrapKey(context.Context, *Envelope) (DataKey, error) {
	return append([]byte(nil), f.dk...), nil
}
func (f fixedKeyring) WrapKey(context.Context, *WrapRequest) (*WrappedKey, error) {
	return nil, errors.New("not implemented")
}

func mustB64(t testing.TB, s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}

func mustHex(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func seq(from, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(from + i)
	}
	return b
}

func decryptAll(t testing.TB, body []byte, e *Envelope, kr Keyring, opts ...Option) ([]byte, error) {
	t.Helper()
	d, err := NewDecryptor(context.Background(), bytes.NewReader(body), e, kr, opts...)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return io.ReadAll(d)
}

func TestDecryptKnownAnswers(t *testing.T) {
	v2 := MetadataFromHeader(v2KMSHeader())
	v3 := v3KMSMeta()
	badKC := v3KMSMeta()
	badKC["x-amz-d"] = "FiQepGw+/O+3MuYrmQU5mAkotUnxB+W+EwYDHw=="
	badKC["x-amz-i"] = "cPwtbK08jrpe3x+QElyG+vGtkk9jDn6KmOta2Q=="
	cbc := Metadata{
		"x-amz-key-v2": "/nJlgMtxMNk2ErKLLrLp3H7A7aQyJcJOClE2ldAIIFNZU4OhUMc1mMCHdIEC8fby",
		"x-amz-iv":     "adO9U7pcEHxUTaguIkho9g==", "x-amz-matdesc": `{"kms_cmk_id":"test-key-id"}`,
		"x-amz-wrap-alg": "kms", "x-amz-cek-alg": "AES/CBC/PKCS5Padding",
	}
	gcmKMS := Metadata{
		"x-amz-key-v2": "/7tu/RFXZU1UFwRzzf11IdF3b1wBxBZhnUMjVYHKKr5DjAHS602GvXt4zYcx/MJo",
		"x-amz-iv":     "8Rlvyy8AoYj8v579", "x-amz-matdesc": `{"kms_cmk_id":"test-key-id"}`,
		"x-amz-wrap-alg": "kms", "x-amz-cek-alg": "AES/GCM/NoPadding",
	}
	legacy := []Option{WithLegacyWrapping(), WithLegacyUnauthenticatedModes()}
	tests := []struct {
		name    string
		md      Metadata
		dk      string
		body    string
		want    string
		opts    []Option
		wantErr error
	}{
		{"V2 GCM kms+context", v2, "hJUv7S6K2cHF64boS9ixHX0TZAjBZLT4ZpEO4XxkGnY=",
			"6b134eb7a353131de92faff64f594b2794e3544e31776cca26fe3bbeeffc68742d1007234f11c6670522602326868e29f37e9d2678f1614ec1a2418009b9772100929aadbed9a21a",
			"af150d7156bf5b3f5c461e5c6ac820acc5a33aab7085d920666c250ff251209d5a4029b3bd78250fab6e11aed52fae948d407056a9519b68", nil, nil},
		{"V3 suite 115", v3, "lP6AbIQTmptyb/+WQq+ubDw+w7na0T1LGSByZGuaono=",
			"2d4ff4dafe27f69f628872d82b5a1002ed1a21b8485d532bd8159f6487945b3641af5865fc0a029a3650053600c6d213625b9a0cc9c239577c09f3423dedc5641e88b6835824417c",
			"8f2c59c6dbfcacf356f3da40788cbde67ca38161a4702cbcf757af663e1c24a600001b2f500417dbf5a050f57db6737422b2ed6a44c75e0d", nil, nil},
		{"V3 suite 115 delayed auth", v3, "lP6AbIQTmptyb/+WQq+ubDw+w7na0T1LGSByZGuaono=",
			"2d4ff4dafe27f69f628872d82b5a1002ed1a21b8485d532bd8159f6487945b3641af5865fc0a029a3650053600c6d213625b9a0cc9c239577c09f3423dedc5641e88b6835824417c",
			"8f2c59c6dbfcacf356f3da40788cbde67ca38161a4702cbcf757af663e1c24a600001b2f500417dbf5a050f57db6737422b2ed6a44c75e0d", []Option{WithDelayedAuthentication()}, nil},
		{"V3 wrong key commitment", badKC, "lP6AbIQTmptyb/+WQq+ubDw+w7na0T1LGSByZGuaono=",
			"e403a8f941e43bdf0ca3ef0bcf6701acd739b2de0a8ee524fa89497210fb0213dfc856376a9ff7753db6ee549dc4040861bc7080a66f902441904bf4a003e028e982de8ea6958c30",
			"", nil, ErrAuthentication},
		{"V2 CBC legacy kms", cbc, "7ItX9CTGNWWegC62RlaNu6EJ3+J9yGO7yAqDNU4CdeA=",
			"6f4f413a357a3c3a12289442fb835c5e4ecc8db1d86d3d1eab906ce07e1ad772180b2e9ec49c3fc667d8aceea8c46da6bb9738251a8e36241a473ad820f99c701906bac1f48578d5392e928889bbb1d9",
			"a716e018ffecf4bb94d4352082af4662612d9c225efed6f389bf1f6f0447a9bce80cc712d7e66ee5e1c086af38e607ead351fd2c1a0247878e693ada73bd580b", legacy, nil},
		{"V2 CBC without opt-in", cbc, "7ItX9CTGNWWegC62RlaNu6EJ3+J9yGO7yAqDNU4CdeA=", "00", "", []Option{WithLegacyWrapping()}, ErrLegacyNotAllowed},
		{"V2 GCM legacy kms", gcmKMS, "Hrjrkkt/vQwMYtqvK6+MiXh3xiMvviL1Ks7w2mgsJgU=",
			"6370a90b9a118301c2160c23a90d96146761276acdcfa92e6cbcb783abdc2e1813891506d6850754ef87ed2ac3bf570dd5c9da9492b7769ae1e639d073d688bd284815404ce2648a",
			"75f6805afa7d7be4f56c5906adc27a5959158bf4af6e7c7e12bda3458300f6b1c8daaf9a5949f7a6bdbb8a9c072de05bf0541633421f42f8", legacy, nil},
		{"kms wrap without opt-in", gcmKMS, "Hrjrkkt/vQwMYtqvK6+MiXh3xiMvviL1Ks7w2mgsJgU=", "00", "", nil, ErrLegacyNotAllowed},
		{"V2 refused when commitment required", v2, "hJUv7S6K2cHF64boS9ixHX0TZAjBZLT4ZpEO4XxkGnY=", "00", "", []Option{WithRequireCommitment()}, ErrCommitmentRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := parseEnvelope(tt.md)
			require.NoError(t, err)
			got, err := decryptAll(t, mustHex(t, tt.body), e, fixedKeyring{mustB64(t, tt.dk)}, tt.opts...)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, hex.EncodeToString(got))
		})
	}
}

func TestHKDFKnownAnswers(t *testing.T) {
	tests := []struct{ dk, id, dek, ck string }{
		{"80d90dc4cc7e77d8a6332efa44eba56230a7fe7b89af37d1e501ab2e07c0a163", "b8ea76bed24c7b85382a148cb9dcd1cfdfb765f55ded4dfa6e0c4c79",
			"6dd14f546cc006e639126e83f5d4d1b118576bb5df97f38c6fb3a1db87bbc338", "f89818bc0a346d3a3426b68e9509b6b2ae5fe1f904aa329fb73625db"},
		{"501afb8227d22e75e68010414b8abdaf3064c081e8e922dafef4992036394d60", "61a00b4981a5aacfd136c55cb726e32d2a547dc7600a7d4675c69127",
			"e14786a714748d1d2c3a4a6816dec56ddf1881bbeabb4f39420ffb9f63700b2f", "5c1e73e47f6fe3a70d6d094283aceaa76d2975feb829212d88f0afc1"},
	}
	for _, tt := range tests {
		dek, err := deriveV3(mustHex(t, tt.dk), mustHex(t, tt.id), mustHex(t, tt.ck))
		require.NoError(t, err)
		assert.Equal(t, tt.dek, hex.EncodeToString(dek))
		_, err = deriveV3(mustHex(t, tt.dk), mustHex(t, tt.id), make([]byte, 28))
		require.ErrorIs(t, err, ErrAuthentication)
	}
	_, _, err := deriveV3Keys(make([]byte, 16), make([]byte, 28))
	require.ErrorIs(t, err, ErrInvalidKey)
}

// Research note §5.D: raw AES keyring vectors (wrapping key 00..1F, DK
// 20..3F, wrap IV A0..AB).
func TestRawAESVectors(t *testing.T) {
	kr, err := NewAESKeyring(seq(0, 32), nil)
	require.NoError(t, err)
	pt := []byte("Hello, S3 Object Lambda!")
	tests := []struct {
		format         Format
		third          []byte // content IV or message ID
		edk, body, key string
	}{
		{FormatV2, seq(0xC0, 12), "oKGio6SlpqeoqaqrxjleDmHuJJhKTK34K1fu8UCdayOmgnRbpDccvUOWSz4T+cKRPJIQ/CZ9G7UzXe1p",
			"22f6559dec436bb8490511d943b8a078a100e3bd7ec3374c9e9e33c3232e25f23f08980c3f663a94", ""},
		{FormatV3, seq(0xD0, 28), "oKGio6SlpqeoqaqrxjleDmHuJJhKTK34K1fu8UCdayOmgnRbpDccvUOWSz5slVcmFhwm/Jyebd4RVQkp",
			"ac25034564bca22721dcae8b3d2af64c90b94382b70ac9162972281a16923c665ad90191c9127604", "kuEbpq9KRjGQmArXO4s+Sd/y2tWj4nO5h7ujng=="},
	}
	for _, tt := range tests {
		t.Run(tt.format.String(), func(t *testing.T) {
			rnd := io.MultiReader(bytes.NewReader(seq(0x20, 32)), bytes.NewReader(seq(0xA0, 12)), bytes.NewReader(tt.third))
			x, err := NewEncryptor(context.Background(), bytes.NewReader(pt), kr, WithFormat(tt.format), withRandom(rnd), WithPlaintextLength(int64(len(pt))))
			require.NoError(t, err)
			body, err := io.ReadAll(x)
			require.NoError(t, err)
			assert.Equal(t, tt.body, hex.EncodeToString(body))
			md := x.Metadata()
			n, ok := x.Length()
			assert.True(t, ok)
			assert.EqualValues(t, len(body), n)
			if tt.format == FormatV2 {
				assert.Equal(t, tt.edk, md[keyV2Key])
				assert.Equal(t, "wMHCw8TFxsfIycrL", md[keyIV])
				assert.Equal(t, "24", md[keyPlaintextLen])
			} else {
				assert.Equal(t, tt.edk, md[keyV3Key])
				assert.Equal(t, tt.key, md[keyV3Commitment])
				assert.Equal(t, "0NHS09TV1tfY2drb3N3e3+Dh4uPk5ebn6Onq6w==", md[keyV3MessageID])
				assert.Equal(t, "02", md[keyV3Wrap])
			}
			e, err := parseEnvelope(md)
			require.NoError(t, err)
			got, err := decryptAll(t, body, e, kr)
			require.NoError(t, err)
			assert.Equal(t, pt, got)
		})
	}
}

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

func testRSAKey(t testing.TB) *rsa.PrivateKey {
	rsaOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		rsaKey = k
	})
	return rsaKey
}

func testKeyrings(t testing.TB) map[string]Keyring {
	aesKR, err := NewAESKeyring(seq(1, 32), map[string]string{"kid": "a"})
	require.NoError(t, err)
	rsaKR, err := NewRSAKeyring(testRSAKey(t), map[string]string{"kid": "r"})
	require.NoError(t, err)
	return map[string]Keyring{"AES/GCM": aesKR, "RSA-OAEP-SHA1": rsaKR, "multi": NewMultiKeyring(rsaKR, aesKR)}
}

func encryptAll(t testing.TB, pt []byte, kr Keyring, opts ...Option) ([]byte, *Envelope) {
	t.Helper()
	x, err := NewEncryptor(context.Background(), bytes.NewReader(pt), kr, opts...)
	require.NoError(t, err)
	body, err := io.ReadAll(x)
	require.NoError(t, err)
	e, err := parseEnvelope(x.Metadata())
	require.NoError(t, err)
	return body, e
}

func TestRoundTrips(t *testing.T) {
	sizes := []int{0, 1, 15, 16, 17, 1000, 3*ghashChunk + 5}
	modes := map[string][]Option{
		"buffered": nil,
		"delayed":  {WithDelayedAuthentication()},
		"spill":    {WithMemoryLimit(100), WithSpillDir(t.TempDir())},
	}
	for krName, kr := range testKeyrings(t) {
		for _, f := range []Format{FormatV2, FormatV3} {
			for _, n := range sizes {
				pt := make([]byte, n)
				_, _ = rand.Read(pt)
				body, e := encryptAll(t, pt, kr, WithFormat(f))
				require.Len(t, body, n+TagSize)
				for modeName, opts := range modes {
					t.Run(krName+"/"+f.String()+"/"+modeName, func(t *testing.T) {
						opts := append([]Option{WithCiphertextLength(int64(len(body)))}, opts...)
						d, err := NewDecryptor(context.Background(), bytes.NewReader(body), e, kr, opts...)
						require.NoError(t, err)
						l, ok := d.PlaintextLength()
						require.True(t, ok)
						assert.EqualValues(t, n, l)
						got, err := io.ReadAll(d)
						require.NoError(t, err)
						require.NoError(t, d.Close())
						assert.Equal(t, pt, got)
					})
				}
			}
		}
	}
}

func TestOneByteReaderEquivalence(t *testing.T) {
	kr := testKeyrings(t)["AES/GCM"]
	pt := make([]byte, 70000)
	_, _ = rand.Read(pt)
	for _, f := range []Format{FormatV2, FormatV3} {
		body, e := encryptAll(t, pt, kr, WithFormat(f))
		// One-byte encryptor output equals big reads (same randomness).
		for _, opts := range [][]Option{nil, {WithDelayedAuthentication()}, {WithMemoryLimit(1000)}} {
			d, err := NewDecryptor(context.Background(), iotest.OneByteReader(bytes.NewReader(body)), e, kr, opts...)
			require.NoError(t, err)
			got, err := io.ReadAll(iotest.OneByteReader(d))
			require.NoError(t, err)
			assert.Equal(t, pt, got)
		}
		rnd := bytes.Repeat([]byte{7}, 200)
		x1, err := NewEncryptor(context.Background(), bytes.NewReader(pt), kr, WithFormat(f), withRandom(bytes.NewReader(rnd)))
		require.NoError(t, err)
		big, err := io.ReadAll(x1)
		require.NoError(t, err)
		x2, err := NewEncryptor(context.Background(), iotest.OneByteReader(bytes.NewReader(pt)), kr, WithFormat(f), withRandom(bytes.NewReader(rnd)))
		require.NoError(t, err)
		small, err := io.ReadAll(iotest.OneByteReader(x2))
		require.NoError(t, err)
		assert.Equal(t, big, small)
	}
}

func TestDecryptNegative(t *testing.T) {
	rings := testKeyrings(t)
	kr := rings["AES/GCM"]
	pt := bytes.Repeat([]byte("secret plaintext "), 1000)
	otherAES, err := NewAESKeyring(seq(9, 32), nil)
	require.NoError(t, err)
	for _, f := range []Format{FormatV2, FormatV3} {
		body, e := encryptAll(t, pt, kr, WithFormat(f))
		flip := func(i int) []byte {
			b := bytes.Clone(body)
			b[i] ^= 1
			return b
		}
		tests := []struct {
			name string
			body []byte
			kr   Keyring
			opts []Option
			want error
		}{
			{"tampered tag", flip(len(body) - 1), kr, nil, ErrAuthentication},
			{"tampered body", flip(3), kr, nil, ErrAuthentication},
			{"tampered body delayed", flip(3), kr, []Option{WithDelayedAuthentication()}, ErrAuthentication},
			{"truncated", body[:len(body)-1], kr, nil, ErrAuthentication},
			{"shorter than tag", body[:5], kr, nil, ErrAuthentication},
			{"length mismatch", body, kr, []Option{WithCiphertextLength(int64(len(body) + 1))}, ErrAuthentication},
			{"wrong key", body, otherAES, nil, ErrKeyNotFound},
			{"wrong keyring type", body, rings["RSA-OAEP-SHA1"], nil, ErrKeyNotFound},
			{"nil keyring", body, nil, nil, ErrNoKeyring},
			{"spill cap exceeded", body, kr, []Option{WithMemoryLimit(1000), WithSpillLimit(2000), WithSpillDir(t.TempDir())}, ErrTooLarge},
			{"cap exceeded up front", body, kr, []Option{WithMemoryLimit(1000), WithSpillLimit(0), WithCiphertextLength(int64(len(body)))}, ErrTooLarge},
		}
		for _, tt := range tests {
			t.Run(f.String()+"/"+tt.name, func(t *testing.T) {
				got, err := decryptAll(t, tt.body, e, tt.kr, tt.opts...)
				require.ErrorIs(t, err, tt.want)
				if len(got) > 0 {
					// Only delayed authentication may have released bytes.
					require.NotNil(t, tt.opts)
				}
				assert.NotContains(t, err.Error(), "secret plaintext")
			})
		}
	}
	t.Run("swapped content algorithm in RSA pseudo-key", func(t *testing.T) {
		body, e := encryptAll(t, pt, rings["RSA-OAEP-SHA1"], WithFormat(FormatV2))
		e.Content = ContentAESCBC
		e.IV = seq(1, 16)
		_, err := decryptAll(t, body, e, rings["RSA-OAEP-SHA1"], WithLegacyUnauthenticatedModes())
		require.ErrorIs(t, err, ErrAuthentication)
	})
	t.Run("wrong IV length from caller-built envelope", func(t *testing.T) {
		body, e := encryptAll(t, pt, kr)
		e.IV = e.IV[:8]
		_, err := decryptAll(t, body, e, kr)
		require.ErrorIs(t, err, ErrMalformedEnvelope)
	})
}

func TestSpillToFile(t *testing.T) {
	kr := testKeyrings(t)["AES/GCM"]
	pt := make([]byte, 300_000)
	_, _ = rand.Read(pt)
	body, e := encryptAll(t, pt, kr)
	dir := t.TempDir()
	d, err := NewDecryptor(context.Background(), bytes.NewReader(body), e, kr, WithMemoryLimit(4096), WithSpillDir(dir))
	require.NoError(t, err)
	buf := make([]byte, 10)
	_, err = io.ReadFull(d, buf)
	require.NoError(t, err)
	assert.Len(t, d.mem, 4096)
	assert.EqualValues(t, len(pt)-4096, d.spilled)
	f := openSpillFile(t, dir)
	spilled, err := io.ReadAll(f)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	assert.Len(t, spilled, len(pt)-4096)
	assert.NotContains(t, string(spilled), string(pt[5000:5100]), "spill file must hold ciphertext")
	rest, err := io.ReadAll(d)
	require.NoError(t, err)
	assert.Equal(t, pt, append(buf, rest...))
	require.NoError(t, d.Close())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func TestRangeDecrypt(t *testing.T) {
	kr := testKeyrings(t)["AES/GCM"]
	pt := make([]byte, 1000)
	_, _ = rand.Read(pt)
	for _, f := range []Format{FormatV2, FormatV3} {
		body, e := encryptAll(t, pt, kr, WithFormat(f))
		_, err := newRangeDecryptor(context.Background(), bytes.NewReader(body), e, kr, rangePlan{})
		require.ErrorIs(t, err, errUnauthenticatedRange)
		for _, r := range [][2]int64{{0, 0}, {0, 15}, {1, 16}, {15, 17}, {32, 63}, {33, 999}, {500, 5000}, {999, 999}} {
			plan, err := planRange(e, int64(len(body)), r[0], r[1])
			require.NoError(t, err)
			assert.Zero(t, plan.FetchFirst%16)
			fetched := body[plan.FetchFirst : plan.FetchLast+1]
			rd, err := newRangeDecryptor(context.Background(), bytes.NewReader(fetched), e, kr, plan, withUnauthenticatedRange())
			require.NoError(t, err)
			got, err := io.ReadAll(iotest.OneByteReader(rd))
			require.NoError(t, err)
			last := min(r[1], int64(len(pt)-1))
			assert.Equal(t, pt[r[0]:last+1], got, "range %v", r)
			assert.EqualValues(t, len(got), plan.Length())
		}
		plan, err := planRange(e, int64(len(body)), 100, 300)
		require.NoError(t, err)
		rd, err := newRangeDecryptor(context.Background(), bytes.NewReader(body[96:200]), e, kr, plan, withUnauthenticatedRange())
		require.NoError(t, err)
		_, err = io.ReadAll(rd)
		require.ErrorIs(t, err, io.ErrUnexpectedEOF)
		_, err = planRange(e, int64(len(body)), 1000, 1001)
		require.ErrorIs(t, err, errInvalidRange)
	}
	plan, err := planRange(&Envelope{Content: ContentAESGCM}, 116, 20, 40)
	require.NoError(t, err)
	assert.Equal(t, "bytes=16-40", plan.FetchRange())
	assert.Equal(t, "bytes 20-40/100", plan.ContentRange())
}

func TestRewrap(t *testing.T) {
	rings := testKeyrings(t)
	pt := []byte("rewrap me")
	for _, f := range []Format{FormatV2, FormatV3} {
		body, e := encryptAll(t, pt, rings["AES/GCM"], WithFormat(f))
		md := fromMap(e.Metadata())
		md["owner"] = "ana"
		out, err := Rewrap(context.Background(), md, rings["AES/GCM"], rings["RSA-OAEP-SHA1"])
		require.NoError(t, err)
		assert.Equal(t, "ana", out["owner"])
		ne, err := parseEnvelope(out)
		require.NoError(t, err)
		assert.Equal(t, WrapRSAOAEPSHA1, ne.Wrap)
		got, err := decryptAll(t, body, ne, rings["RSA-OAEP-SHA1"])
		require.NoError(t, err)
		assert.Equal(t, pt, got)
		_, err = decryptAll(t, body, ne, rings["AES/GCM"])
		require.ErrorIs(t, err, ErrKeyNotFound)
	}
	_, err := rewrapEnvelope(context.Background(), &Envelope{Format: FormatV2, Content: ContentAESGCM, Wrap: WrapAESGCM, EncryptedKey: []byte{1}, IV: seq(1, 12)}, nil, nil)
	require.ErrorIs(t, err, ErrNoKeyring)
}

func TestLegacyWraps(t *testing.T) {
	wrapKey := seq(0, 32)
	dk := seq(0x20, 32)
	block, err := aes.NewCipher(wrapKey)
	require.NoError(t, err)
	// RFC 3394 §4.6 vector: 256-bit KEK, 256-bit key data.
	kd := mustHex(t, "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F")
	assert.Equal(t, "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21",
		hex.EncodeToString(aesKeyWrap(block, kd)))
	unwrapped, err := aesKeyUnwrap(block, aesKeyWrap(block, kd))
	require.NoError(t, err)
	assert.Equal(t, kd, unwrapped)

	ecb := make([]byte, 48)
	padded := append(bytes.Clone(dk), bytes.Repeat([]byte{16}, 16)...)
	for i := 0; i < 48; i += 16 {
		block.Encrypt(ecb[i:i+16], padded[i:i+16])
	}
	priv := testRSAKey(t)
	oaep256, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, &priv.PublicKey, dk, nil)
	require.NoError(t, err)
	//lint:ignore SA1019 builds a legacy V1-style wrapped key for the read path.
	pkcs1, err := rsa.EncryptPKCS1v15(rand.Reader, &priv.PublicKey, dk) //nolint:staticcheck
	require.NoError(t, err)
	aesKR, err := NewAESKeyring(wrapKey, nil)
	require.NoError(t, err)
	rsaKR, err := NewRSAKeyring(priv, nil)
	require.NoError(t, err)

	pt := []byte("legacy content")
	cases := []struct {
		name string
		wrap WrapAlg
		edk  []byte
		kr   Keyring
	}{
		{"AESWrap", WrapAESWrap, aesKeyWrap(block, dk), aesKR},
		{"AES ECB", WrapAESECB, ecb, aesKR},
		{"RSA OAEP SHA-256", WrapRSAOAEPSHA256, oaep256, rsaKR},
		{"RSA PKCS1", WrapRSAPKCS1, pkcs1, rsaKR},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			iv := seq(0x40, 12)
			gb, _ := aes.NewCipher(dk)
			body := sealGCM(t, gb, iv, pt)
			e := &Envelope{Format: FormatV2, Content: ContentAESGCM, Wrap: tt.wrap, EncryptedKey: tt.edk, IV: iv, MatDesc: map[string]string{}, TagLenBits: 128, PlaintextLen: -1}
			_, err := decryptAll(t, body, e, tt.kr)
			require.ErrorIs(t, err, ErrLegacyNotAllowed)
			got, err := decryptAll(t, body, e, tt.kr, WithLegacyWrapping())
			require.NoError(t, err)
			assert.Equal(t, pt, got)
			// The other keyring type reports ErrKeyNotFound, so a multi-keyring moves on.
			got, err = decryptAll(t, body, e, NewMultiKeyring(rsaKR, aesKR), WithLegacyWrapping())
			require.NoError(t, err)
			assert.Equal(t, pt, got)
		})
	}
}

func sealGCM(t testing.TB, b cipher.Block, iv, pt []byte) []byte {
	aead, err := cipher.NewGCM(b)
	require.NoError(t, err)
	return aead.Seal(nil, iv, pt, nil)
}
