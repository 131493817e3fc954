package encryption

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Headers of the Go S3EC v3 decrypt KAT (format V2, kms+context).
func v2KMSHeader() http.Header {
	h := http.Header{}
	h.Set("X-Amz-Meta-X-Amz-Key-V2", "PsuclPnlo2O0MQoov6kL1TBlaZG6oyNwWuAqmAgq7g8b9ZeeORi3VTMg624FU9jx")
	h.Set("X-Amz-Meta-X-Amz-Iv", "dqqlq2dRVSQ5hFRb")
	h.Set("X-Amz-Meta-X-Amz-Matdesc", `{"aws:x-amz-cek-alg":"AES/GCM/NoPadding"}`)
	h.Set("X-Amz-Meta-X-Amz-Wrap-Alg", "kms+context")
	h.Set("X-Amz-Meta-X-Amz-Cek-Alg", "AES/GCM/NoPadding")
	h.Set("Content-Type", "application/octet-stream")
	h.Set("X-Amz-Meta-Owner", "ana")
	return h
}

func v3KMSMeta() Metadata {
	return Metadata{
		"x-amz-3": "8gSzlk7giyfFbLPUVgoVjvQebI1827jp8lDkO+n2chsiSoegx1sjm8NdPk0Bl70I",
		"x-amz-c": "115",
		"x-amz-d": "6JOSx47RkdyfciJkNauuC4RpkMcWZY4a+i1RzQ==",
		"x-amz-i": "sE9zLb4tsEBJkvEhLMZFxMj9oZJBbQ6ZOgOqHA==",
		"x-amz-t": `{"aws:x-amz-cek-alg":"115"}`,
		"x-amz-w": "12",
	}
}

func TestParseEnvelopeV2FromHeader(t *testing.T) {
	h := v2KMSHeader()
	md := MetadataFromHeader(h)
	require.True(t, IsEncrypted(md))
	e, err := parseEnvelope(md)
	require.NoError(t, err)
	assert.Equal(t, FormatV2, e.Format)
	assert.Equal(t, ContentAESGCM, e.Content)
	assert.Equal(t, WrapKMSContext, e.Wrap)
	assert.Len(t, e.IV, gcmIVSize)
	assert.Len(t, e.EncryptedKey, 48)
	assert.Equal(t, map[string]string{ReservedContextKey: "AES/GCM/NoPadding"}, e.EncryptionContext())
	assert.Equal(t, 128, e.TagLenBits)
	assert.EqualValues(t, -1, e.PlaintextLen)
	assert.NotContains(t, e.String(), "Psuc")
}

func TestParseEnvelopeV3(t *testing.T) {
	// Prefixed, mixed-case names are accepted too.
	raw := map[string]string{}
	for k, v := range v3KMSMeta() {
		raw["X-Amz-Meta-"+k] = v
	}
	e, err := parseEnvelope(raw)
	require.NoError(t, err)
	assert.Equal(t, FormatV3, e.Format)
	assert.Equal(t, ContentCommitting, e.Content)
	assert.Equal(t, WrapKMSContext, e.Wrap)
	assert.Len(t, e.MessageID, messageIDSize)
	assert.Len(t, e.KeyCommitment, commitmentSize)
	assert.Equal(t, map[string]string{ReservedContextKey: "115"}, e.EncryptionContext())
}

func TestParseEnvelopeLegacy(t *testing.T) {
	tests := []struct {
		name    string
		md      Metadata
		format  Format
		content ContentAlg
		wrap    WrapAlg
	}{
		{"V2 CBC kms", Metadata{
			"x-amz-key-v2": "/nJlgMtxMNk2ErKLLrLp3H7A7aQyJcJOClE2ldAIIFNZU4OhUMc1mMCHdIEC8fby",
			"x-amz-iv":     "adO9U7pcEHxUTaguIkho9g==", "x-amz-matdesc": `{"kms_cmk_id":"test-key-id"}`,
			"x-amz-wrap-alg": "kms", "x-amz-cek-alg": "AES/CBC/PKCS5Padding",
		}, FormatV2, ContentAESCBC, WrapKMS},
		{"V1 short key guesses AES-ECB", Metadata{
			"x-amz-key": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v",
			"x-amz-iv":  "AAECAwQFBgcICQoLDA0ODw==", "x-amz-matdesc": "{}",
		}, FormatV1, ContentAESCBC, WrapAESECB},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := parseEnvelope(tt.md)
			require.NoError(t, err)
			assert.Equal(t, tt.format, e.Format)
			assert.Equal(t, tt.content, e.Content)
			assert.Equal(t, tt.wrap, e.Wrap)
			assert.True(t, e.Wrap.isLegacy())
		})
	}
}

func TestParseEnvelopeErrors(t *testing.T) {
	v2 := func(mod func(Metadata)) Metadata {
		md := MetadataFromHeader(v2KMSHeader())
		mod(md)
		return md
	}
	v3 := func(mod func(Metadata)) Metadata {
		md := v3KMSMeta()
		mod(md)
		return md
	}
	tests := []struct {
		name string
		md   Metadata
		want error
	}{
		{"no envelope", Metadata{"owner": "ana"}, ErrNotEncrypted},
		{"empty", nil, ErrNotEncrypted},
		{"V1 and V2 keys", v2(func(m Metadata) { m["x-amz-key"] = "AAAA" }), ErrMalformedEnvelope},
		{"V2 and V3 keys", v2(func(m Metadata) { m["x-amz-3"] = "AAAA" }), ErrMalformedEnvelope},
		{"V2 with V3 field", v2(func(m Metadata) { m["x-amz-d"] = "AAAA" }), ErrMalformedEnvelope},
		{"V3 with V2 field", v3(func(m Metadata) { m["x-amz-iv"] = "AAAA" }), ErrMalformedEnvelope},
		{"V2 IV 16 bytes for GCM", v2(func(m Metadata) { m["x-amz-iv"] = "AAECAwQFBgcICQoLDA0ODw==" }), ErrMalformedEnvelope},
		{"V2 IV 11 bytes", v2(func(m Metadata) { m["x-amz-iv"] = "AAECAwQFBgcICQo=" }), ErrMalformedEnvelope},
		{"V2 zero IV", v2(func(m Metadata) { m["x-amz-iv"] = "AAAAAAAAAAAAAAAA" }), ErrMalformedEnvelope},
		{"V2 bad base64 key", v2(func(m Metadata) { m["x-amz-key-v2"] = "not base64!" }), ErrMalformedEnvelope},
		{"V2 matdesc not JSON", v2(func(m Metadata) { m["x-amz-matdesc"] = "kms_cmk_id=1" }), ErrMalformedEnvelope},
		{"V2 matdesc JSON array", v2(func(m Metadata) { m["x-amz-matdesc"] = `["a"]` }), ErrMalformedEnvelope},
		{"V2 matdesc non-string value", v2(func(m Metadata) { m["x-amz-matdesc"] = `{"a":1}` }), ErrMalformedEnvelope},
		{"V2 missing IV", v2(func(m Metadata) { delete(m, "x-amz-iv") }), ErrMalformedEnvelope},
		{"V2 missing wrap", v2(func(m Metadata) { delete(m, "x-amz-wrap-alg") }), ErrMalformedEnvelope},
		{"V2 unknown wrap", v2(func(m Metadata) { m["x-amz-wrap-alg"] = "ROT13" }), ErrUnsupportedFormat},
		{"V2 unknown cek", v2(func(m Metadata) { m["x-amz-cek-alg"] = "AES/CTR/NoPadding" }), ErrUnsupportedFormat},
		{"V2 tag 96", v2(func(m Metadata) { m["x-amz-tag-len"] = "96" }), ErrUnsupportedFormat},
		{"V2 bad plaintext length", v2(func(m Metadata) { m["x-amz-unencrypted-content-length"] = "-5" }), ErrMalformedEnvelope},
		{"V3 suite 114", v3(func(m Metadata) { m["x-amz-c"] = "114" }), ErrUnsupportedFormat},
		{"V3 wrap code", v3(func(m Metadata) { m["x-amz-w"] = "99" }), ErrUnsupportedFormat},
		{"V3 short message id", v3(func(m Metadata) { m["x-amz-i"] = "AAECAwQFBgcICQoL" }), ErrMalformedEnvelope},
		{"V3 commitment not base64", v3(func(m Metadata) { m["x-amz-d"] = "notvalidbase64" }), ErrMalformedEnvelope},
		{"V3 missing commitment", v3(func(m Metadata) { delete(m, "x-amz-d") }), ErrMalformedEnvelope},
		{"V3 context not JSON", v3(func(m Metadata) { m["x-amz-t"] = "{" }), ErrMalformedEnvelope},
		{"V3 via instruction file", v3(func(m Metadata) { delete(m, "x-amz-3"); delete(m, "x-amz-w"); delete(m, "x-amz-t") }), ErrNeedInstructionFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := parseEnvelope(tt.md)
			require.ErrorIs(t, err, tt.want)
			assert.Nil(t, e)
		})
	}
}

func TestEnvelopeMetadataRoundTrip(t *testing.T) {
	for _, md := range []Metadata{MetadataFromHeader(v2KMSHeader()), v3KMSMeta()} {
		e, err := parseEnvelope(md)
		require.NoError(t, err)
		e2, err := parseEnvelope(e.Metadata())
		require.NoError(t, err)
		assert.Equal(t, e, e2)
	}
}

func TestNonASCIIMatDesc(t *testing.T) {
	md := MetadataFromHeader(v2KMSHeader())
	md["x-amz-wrap-alg"] = "AES/GCM"
	// "café" double-encoded by S3: UTF-8 bytes read as Latin-1, then RFC 2047.
	md["x-amz-matdesc"] = "=?UTF-8?B?eyJuYW1lIjoiY2Fmw4PCqSJ9?="
	e, err := parseEnvelope(md)
	require.NoError(t, err)
	assert.Equal(t, "café", e.MatDesc["name"])

	out := e.Metadata()
	assert.Equal(t, `{"name":"caf\u00e9"}`, out[keyMatDesc])
	e2, err := parseEnvelope(out)
	require.NoError(t, err)
	assert.Equal(t, e.MatDesc, e2.MatDesc)
	assert.Equal(t, `{"e":"\ud83d\ude00"}`, asciiJSON(map[string]string{"e": "😀"}))
}

func TestInstructionFile(t *testing.T) {
	t.Run("V2 all in file, tag-len as number", func(t *testing.T) {
		body := `{"x-amz-key-v2":"PsuclPnlo2O0MQoov6kL1TBlaZG6oyNwWuAqmAgq7g8b9ZeeORi3VTMg624FU9jx",
			"x-amz-iv":"dqqlq2dRVSQ5hFRb","x-amz-matdesc":"{\"aws:x-amz-cek-alg\":\"AES/GCM/NoPadding\"}",
			"x-amz-wrap-alg":"kms+context","x-amz-cek-alg":"AES/GCM/NoPadding","x-amz-tag-len":128}`
		e, err := ParseInstructionFile(nil, []byte(body))
		require.NoError(t, err)
		assert.Equal(t, FormatV2, e.Format)
		assert.True(t, e.FromInstructionFile)
	})
	t.Run("V3 split", func(t *testing.T) {
		obj := v3KMSMeta()
		body := `{"x-amz-3":"` + obj["x-amz-3"] + `","x-amz-w":"12","x-amz-t":"{\"aws:x-amz-cek-alg\":\"115\"}"}`
		delete(obj, "x-amz-3")
		delete(obj, "x-amz-w")
		delete(obj, "x-amz-t")
		_, err := parseEnvelope(obj)
		require.ErrorIs(t, err, ErrNeedInstructionFile)
		e, err := ParseInstructionFile(obj, []byte(body))
		require.NoError(t, err)
		assert.Equal(t, FormatV3, e.Format)
		assert.Equal(t, WrapKMSContext, e.Wrap)
	})
	bad := []struct{ name, obj, body string }{
		{"not JSON", "", "x-amz-key-v2=1"},
		{"array", "", "[]"},
		{"nested object", "", `{"x-amz-key-v2":{"a":1}}`},
		{"no key", "", `{"x-amz-iv":"dqqlq2dRVSQ5hFRb"}`},
		{"V3 with commitment inside (tampering)", "v3", `{"x-amz-3":"AAAA","x-amz-w":"12","x-amz-d":"6JOSx47RkdyfciJkNauuC4RpkMcWZY4a+i1RzQ=="}`},
		{"V3 object lacks c/d/i", "", `{"x-amz-3":"AAAA","x-amz-w":"12"}`},
		{"trailing data", "", `{"x-amz-key-v2":"AAAA"} {}`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			var obj Metadata
			if tt.obj == "v3" {
				obj = v3KMSMeta()
			}
			_, err := ParseInstructionFile(obj, []byte(tt.body))
			require.ErrorIs(t, err, ErrMalformedEnvelope)
		})
	}
	_, err := ParseInstructionFile(nil, make([]byte, maxInstructionFile+1))
	require.ErrorIs(t, err, ErrMalformedEnvelope)
}

func TestStripEnvelope(t *testing.T) {
	h := v2KMSHeader()
	h.Set("x-amz-meta-x-amz-unencrypted-content-length", "5")
	StripEnvelope(h)
	assert.Equal(t, http.Header{
		"Content-Type":     {"application/octet-stream"},
		"X-Amz-Meta-Owner": {"ana"},
	}, h)

	md := map[string]string{"x-amz-key-v2": "a", "X-Amz-Meta-X-Amz-Iv": "b", "owner": "ana", "x-amz-crypto-instr-file": ""}
	assert.Equal(t, map[string]string{"owner": "ana"}, stripEnvelopeMetadata(md))
	assert.Len(t, md, 4, "input must not be modified")
	assert.True(t, isEnvelopeKey(keyV3Context))
	assert.True(t, IsInstructionFile(Metadata{"X-Amz-Meta-X-Amz-Crypto-Instr-File": ""}))
	assert.False(t, IsInstructionFile(Metadata{"owner": "ana"}))
	assert.False(t, IsEncrypted(Metadata{"owner": "ana"}))
}

func TestRequireEnvelope(t *testing.T) {
	tests := []struct {
		name    string
		md      Metadata
		opts    []Option
		wantErr error
		notErr  error
	}{
		{name: "no envelope is refused by default", md: Metadata{"color": "blue"}, wantErr: ErrEncryptionRequired, notErr: ErrNotEncrypted},
		{name: "no envelope with the opt-in", md: Metadata{"color": "blue"}, opts: []Option{WithUnencryptedObjects()}, wantErr: ErrNotEncrypted},
		{name: "envelope", md: v3KMSMeta()},
		{name: "envelope with the opt-in", md: v3KMSMeta(), opts: []Option{WithUnencryptedObjects()}},
		{name: "malformed envelope stays malformed", md: Metadata{keyV2Key: "!"}, wantErr: ErrMalformedEnvelope},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := RequireEnvelope(tt.md, tt.opts...)
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, FormatV3, e.Format)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			if tt.notErr != nil {
				assert.NotErrorIs(t, err, tt.notErr, "must not look like a plain object to serve as is")
			}
		})
	}
}

// TestInstructionFileNoDowngrade: the instruction file is another object,
// written separately; it must not turn a V3 object (key commitment) into a
// V2 one, nor mix format generations.
func TestInstructionFileNoDowngrade(t *testing.T) {
	v2Body := `{"x-amz-key-v2":"PsuclPnlo2O0MQoov6kL1TBlaZG6oyNwWuAqmAgq7g8b9ZeeORi3VTMg624FU9jx",
		"x-amz-iv":"dqqlq2dRVSQ5hFRb","x-amz-matdesc":"{\"aws:x-amz-cek-alg\":\"AES/GCM/NoPadding\"}",
		"x-amz-wrap-alg":"kms+context","x-amz-cek-alg":"AES/GCM/NoPadding","x-amz-tag-len":"128"}`
	v3 := v3KMSMeta()
	v3Body := `{"x-amz-3":"` + v3["x-amz-3"] + `","x-amz-w":"12","x-amz-t":"{\"aws:x-amz-cek-alg\":\"115\"}"}`
	v3Object := Metadata{"x-amz-c": v3["x-amz-c"], "x-amz-d": v3["x-amz-d"], "x-amz-i": v3["x-amz-i"]}
	v2Header := MetadataFromHeader(v2KMSHeader())
	tests := []struct {
		name string
		obj  Metadata
		body string
	}{
		{name: "V3 object, V2 instruction file", obj: v3Object, body: v2Body},
		{name: "V3 commitment only, V2 instruction file", obj: Metadata{"x-amz-d": v3["x-amz-d"]}, body: v2Body},
		{name: "V2 and V3 keys in the instruction file", obj: v3Object,
			body: `{"x-amz-3":"` + v3["x-amz-3"] + `","x-amz-w":"12","x-amz-key-v2":"AAAA"}`},
		{name: "V1 and V3 keys in the instruction file", obj: v3Object,
			body: `{"x-amz-3":"` + v3["x-amz-3"] + `","x-amz-w":"12","x-amz-key":"AAAA"}`},
		{name: "V2 and V3 keys, V2 object", body: `{"x-amz-3":"AAAA","x-amz-w":"12","x-amz-key-v2":"AAAA","x-amz-iv":"dqqlq2dRVSQ5hFRb"}`},
		{name: "V2 object metadata, V3 instruction file", obj: mergeMD(v2Header, v3Object), body: v3Body},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ParseInstructionFile(tt.obj, []byte(tt.body))
			require.ErrorIs(t, err, ErrMalformedEnvelope, "got %v", e)
		})
	}
	t.Run("the matching generations still parse", func(t *testing.T) {
		e, err := ParseInstructionFile(v3Object, []byte(v3Body))
		require.NoError(t, err)
		assert.Equal(t, FormatV3, e.Format)
		e, err = ParseInstructionFile(Metadata{"color": "blue", keyPlaintextLen: "3"}, []byte(v2Body))
		require.NoError(t, err)
		assert.Equal(t, FormatV2, e.Format)
	})
}

func mergeMD(ms ...Metadata) Metadata {
	out := Metadata{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
