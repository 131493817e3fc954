package encryption

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// metaFromLines turns "name: value" lines into metadata, so the fuzzer can
// mutate names and values alike.
func metaFromLines(s string) Metadata {
	md := Metadata{}
	for _, line := range strings.Split(s, "\n") {
		k, v, _ := strings.Cut(line, ":")
		md[k] = strings.TrimPrefix(v, " ")
	}
	return md
}

func linesFromMeta(md Metadata) string {
	var sb strings.Builder
	for k, v := range md {
		sb.WriteString(k + ": " + v + "\n")
	}
	return strings.TrimSuffix(sb.String(), "\n")
}

func FuzzParseEnvelope(f *testing.F) {
	f.Add(linesFromMeta(MetadataFromHeader(v2KMSHeader())))
	f.Add(linesFromMeta(v3KMSMeta()))
	f.Add("x-amz-key: AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v\nx-amz-iv: AAECAwQFBgcICQoLDA0ODw==")
	f.Add("x-amz-c: 115\nx-amz-d: 6JOSx47RkdyfciJkNauuC4RpkMcWZY4a+i1RzQ==\nx-amz-i: sE9zLb4tsEBJkvEhLMZFxMj9oZJBbQ6ZOgOqHA==")
	f.Add("x-amz-key-v2: AAAA\nx-amz-iv: dqqlq2dRVSQ5hFRb\nx-amz-wrap-alg: AES/GCM\nx-amz-cek-alg: AES/GCM/NoPadding\nx-amz-matdesc: =?UTF-8?B?eyJuYW1lIjoiY2Fmw4PCqSJ9?=")
	f.Fuzz(func(t *testing.T, s string) {
		md := metaFromLines(s)
		enc := IsEncrypted(md)
		e, err := parseEnvelope(md)
		if err != nil {
			require.Nil(t, e)
			return
		}
		require.True(t, enc, "parsed envelope from metadata IsEncrypted rejects")
		// What we parse, we can write back and read again identically.
		e2, err := parseEnvelope(e.Metadata())
		require.NoError(t, err)
		require.Equal(t, e, e2)
		stripped := stripEnvelopeMetadata(md)
		require.False(t, IsEncrypted(stripped))
	})
}

func FuzzParseInstructionFile(f *testing.F) {
	f.Add("", `{"x-amz-key-v2":"PsuclPnlo2O0MQoov6kL1TBlaZG6oyNwWuAqmAgq7g8b9ZeeORi3VTMg624FU9jx","x-amz-iv":"dqqlq2dRVSQ5hFRb","x-amz-matdesc":"{}","x-amz-wrap-alg":"kms+context","x-amz-cek-alg":"AES/GCM/NoPadding","x-amz-tag-len":128}`)
	f.Add(linesFromMeta(Metadata{"x-amz-c": "115", "x-amz-d": "6JOSx47RkdyfciJkNauuC4RpkMcWZY4a+i1RzQ==", "x-amz-i": "sE9zLb4tsEBJkvEhLMZFxMj9oZJBbQ6ZOgOqHA=="}),
		`{"x-amz-3":"AAAA","x-amz-w":"02","x-amz-m":"{\"kid\":\"1\"}"}`)
	f.Fuzz(func(t *testing.T, obj, body string) {
		e, err := ParseInstructionFile(metaFromLines(obj), []byte(body))
		if err != nil {
			require.Nil(t, e)
			return
		}
		require.True(t, e.FromInstructionFile)
		e2, err := parseEnvelope(e.Metadata())
		require.NoError(t, err)
		e2.FromInstructionFile = true
		require.Equal(t, e, e2)
	})
}
