package redact

import (
	"bytes"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

// FuzzRedact checks that block size and read sizes never change the output,
// and that the same-length style keeps the length.
func FuzzRedact(f *testing.F) {
	f.Add([]byte("mail ana@example.com card 4111 1111 1111 1111 ssn 078-05-1120"), uint8(3))
	f.Add([]byte("AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), uint8(1))
	f.Add([]byte("GB82 WEST 1234 5698 7654 32 +44 20 7946 0958 (212) 555-0100 cat\xff\xfe日本"), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, block uint8) {
		rules := []Option{WithDetectors("default", DetectorHighEntropyToken), WithPattern(`\bcat\b`, `(?m)^x[0-9]{1,3}`, `日本`)}
		ref := MustNew(append(rules, withBlock(len(data)+1))...)
		want := transformtest.Apply(ref, transformtest.Input{Body: data}, nil, nil)
		require.NoError(t, want.Err)

		r := MustNew(append(rules, withBlock(1+int(block)%64))...)
		got := transformtest.Apply(r, transformtest.Input{Body: data}, iotest.OneByteReader, nil)
		require.NoError(t, got.Err)
		require.True(t, bytes.Equal(want.Body, got.Body), "streamed output differs from one-shot output")

		same := MustNew(append(rules, withBlock(1+int(block)%64), WithSameLength('*'))...)
		got = transformtest.Apply(same, transformtest.Input{Body: data}, transformtest.Chunky(uint64(block)), nil)
		require.NoError(t, got.Err)
		require.Len(t, got.Body, len(data))
	})
}

// FuzzPattern checks pattern validation: an accepted pattern never matches
// more than its computed bound, and streams exactly.
func FuzzPattern(f *testing.F) {
	f.Add(`[a-z]{2,5}@x`, []byte("ab@x abcdef@x"))
	f.Add(`\b(?i)k[0-9]{1,3}\b`, []byte("k1 K22 xk3 k4444"))
	f.Add(`(?m)^#.{1,10}$`, []byte("#one\n #two\n#three"))
	f.Add(`é|ü{1,2}`, []byte("café über üü"))
	f.Fuzz(func(t *testing.T, pattern string, text []byte) {
		m, err := compileRegex(pattern, 256)
		if err != nil {
			return
		}
		for _, loc := range m.re.FindAllIndex(text, -1) {
			require.LessOrEqual(t, loc[1]-loc[0], m.maxLen, "match longer than the computed bound")
		}
		ref := MustNew(WithPattern(pattern), WithMaxMatch(256), withBlock(len(text)+1))
		want := transformtest.Apply(ref, transformtest.Input{Body: text}, nil, nil)
		require.NoError(t, want.Err)
		r := MustNew(WithPattern(pattern), WithMaxMatch(256), withBlock(5))
		got := transformtest.Apply(r, transformtest.Input{Body: text}, iotest.OneByteReader, nil)
		require.NoError(t, got.Err)
		require.True(t, bytes.Equal(want.Body, got.Body), "streamed output differs from one-shot output")
	})
}
