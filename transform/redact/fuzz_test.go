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
		rules := []Option{withDetectors("default", DetectorHighEntropyToken), WithPattern(`\bcat\b`, `(?m)^x[0-9]{1,3}`, `日本`)}
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

// legacyOptions picks the configuration FuzzLegacy runs: bits 0-7 of sel
// choose detectors, bit 8 a pattern with left context, bits 9-10 the mask
// style.
func legacyOptions(sel uint16) []Option {
	names := []string{DetectorEmail, DetectorCard, DetectorSSN, DetectorPhone, DetectorIBAN,
		DetectorAWSAccessKeyID, DetectorAWSSecretKey, DetectorHighEntropyToken}
	var opts []Option
	for i, n := range names {
		if sel&(1<<i) != 0 {
			opts = append(opts, withDetectors(n))
		}
	}
	if sel&(1<<8) != 0 || sel&0xff == 0 {
		opts = append(opts, WithPattern(`\b[a-z]{2,4}[0-9]\b`))
	}
	switch sel >> 9 & 3 {
	case 1:
		opts = append(opts, WithSameLength('#'))
	case 2:
		opts = append(opts, WithHash([]byte("fuzz-key-0123456789"), "h:", 12))
	}
	return opts
}

// FuzzLegacy runs the matchers and the byte-at-a-time ones they replaced
// (legacy_test.go) on the same input and configuration and requires the
// same output bytes: the old reader reading the whole input, the new one
// with a small search block and uneven reads, and with the default block.
func FuzzLegacy(f *testing.F) {
	f.Add([]byte("mail ana@example.com card 4111 1111 1111 1111 ssn 078-05-1120"), uint16(0x00ff), uint8(3), uint8(1))
	f.Add([]byte("AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY SecretKEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), uint16(0x0060), uint8(1), uint8(2))
	f.Add([]byte("GB82 WEST 1234 5698 7654 32 +44 20 7946 0958 (212) 555-0100 1 (415) 555-2671 1-800-555-0199 cat\xff\xfe日本"), uint16(0x02ff), uint8(7), uint8(3))
	f.Add(transformtest.Logs(4<<10, 4), uint16(0x007f), uint8(200), uint8(4))
	f.Add(transformtest.Text(4<<10, true), uint16(0x047f), uint8(90), uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, sel uint16, block, seed uint8) {
		opts := legacyOptions(sel)
		r := MustNew(opts...)
		in := transformtest.Input{Body: data}
		want := transformtest.Apply(legacyRedactor{r}, in, nil, nil)
		require.NoError(t, want.Err)

		got := transformtest.Apply(r, in, transformtest.Chunky(uint64(seed)), nil)
		require.NoError(t, got.Err)
		require.Equal(t, string(want.Body), string(got.Body), "default block")

		small := MustNew(append(opts, withBlock(1+int(block)))...)
		got = transformtest.Apply(small, in, transformtest.Chunky(uint64(seed)), nil)
		require.NoError(t, got.Err)
		require.Equal(t, string(want.Body), string(got.Body), "block of %d bytes", 1+int(block))
	})
}
