package redact

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

// nearMisses writes about n bytes made of the pieces every detector looks
// for, valid and almost valid, glued at random: digit runs of every length
// with every separator, card numbers, SSNs, phone numbers and IBANs that
// pass their checks, keywords of secret keys in every case with base64
// runs around 40 bytes, key ids, tokens around 32 bytes, e-mail parts,
// non-ASCII bytes. Random text rarely holds these; fuzzing finds them
// slowly. The differential tests run the new matchers and the legacy ones
// over it.
func nearMisses(rng *rand.Rand, n int) []byte {
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
	const upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	fixed := []string{
		"4111 1111 1111 1111", "4111111111111111", "3782-822463-10005", "5500-0000-0000-0004", "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
		"078-05-1120", "123-45-6789", "000-12-3456", "(212) 555-0100", "415-555-2671", "415.555.2671", "1 415 555 2671",
		"1-800-555-0199", "1 (415) 555-2671", "+44 20 7946 0958", "+14155552671", "DE89370400440532013000",
		"DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32", "FR14 2004 1010 0505 0001 3M02 606",
		"AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A", "ana@example.com", "a.b@c.d.io", "x@localhost",
		"secret", "SECRET", "Secret", "sEcReT", "access", "ACCESS", "key", "KEY", "Key", "_", "-", "aws_",
		`"`, "'", " ", "  ", "\t", ":", "=", "\n", ".", ",", "(", ")", "+", "@", "/", "2024", "the ", "\xff", "é", "日本",
	}
	var b bytes.Buffer
	for b.Len() < n {
		switch rng.IntN(12) {
		case 0, 1, 2:
			b.WriteString(fixed[rng.IntN(len(fixed))])
		case 3: // a digit run
			for k := 1 + rng.IntN(20); k > 0; k-- {
				b.WriteByte('0' + byte(rng.IntN(10)))
			}
		case 4: // a base64 run around the secret key length
			for k := 36 + rng.IntN(9); k > 0; k-- {
				b.WriteByte(b64[rng.IntN(len(b64))])
			}
		case 5: // a token run around the entropy detector's minimum
			for k := 28 + rng.IntN(9); k > 0; k-- {
				b.WriteByte(b64[rng.IntN(len(b64)-3)])
			}
		case 6: // key-id-like
			b.WriteString([]string{"AKIA", "ASIA", "ABIA", "ACCA", "AKIB"}[rng.IntN(5)])
			for k := 14 + rng.IntN(4); k > 0; k-- {
				b.WriteByte(upperDigits[rng.IntN(len(upperDigits))])
			}
		case 7: // two upper-case letters and check digits
			b.WriteString(ibanCountries[2*rng.IntN(len(ibanCountries)/2):][:2])
			b.WriteByte('0' + byte(rng.IntN(10)))
			b.WriteByte('0' + byte(rng.IntN(10)))
		case 8, 9, 10, 11: // a secret key assignment, or almost one
			// Each part is valid most of the time, so that whole
			// assignments are common and every almost-valid one too.
			pick := func(valid []string, invalid string) string {
				if rng.IntN(8) == 0 {
					return invalid
				}
				return valid[rng.IntN(len(valid))]
			}
			b.WriteString(pick([]string{" ", "/", "aws_", "\n"}, "x"))
			b.WriteString(pick([]string{"secret", "SECRET", "sEcReT"}, "secre"))
			b.WriteString(pick([]string{"", "_", "-"}, "__"))
			b.WriteString(pick([]string{"", "", "access", "Access_", "access-"}, "acess"))
			b.WriteString(pick([]string{"key", "KEY", "Key"}, "ke"))
			b.WriteString(pick([]string{"", `"`, "'"}, `""`))
			b.WriteString(pick([]string{"", "", " ", "    ", "\t"}, "     "))
			b.WriteString(pick([]string{":", "="}, ""))
			b.WriteString(pick([]string{"", "", " ", "\t   "}, "     "))
			b.WriteString(pick([]string{"", `"`, "'"}, "\n"))
			k := 40
			if rng.IntN(4) == 0 {
				k = 38 + rng.IntN(5)
			}
			for ; k > 0; k-- {
				b.WriteByte(b64[rng.IntN(len(b64))])
			}
			b.WriteString(pick([]string{`"`, " ", "\n", "'"}, "+"))
		}
	}
	return b.Bytes()
}

// TestLegacyOnNearMisses is the deterministic complement of FuzzLegacy:
// every configuration FuzzLegacy can pick, over inputs dense in near
// misses, with small blocks and uneven reads.
func TestLegacyOnNearMisses(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 17))
	docs := 40
	if testing.Short() {
		docs = 8
	}
	for d := range docs {
		data := nearMisses(rng, 1<<12)
		for _, sel := range []uint16{0x00ff, 0x007f, 0x0040, 0x0080, 0x0001, 0x0002, 0x0004, 0x0008, 0x0010, 0x0020, 0x02ff, 0x04ff, 0x01c0} {
			opts := legacyOptions(sel)
			r := MustNew(opts...)
			in := transformtest.Input{Body: data}
			want := transformtest.Apply(legacyRedactor{r}, in, nil, nil)
			require.NoError(t, want.Err)
			block := 1 + rng.IntN(300)
			small := MustNew(append(opts, withBlock(block))...)
			got := transformtest.Apply(small, in, transformtest.Chunky(uint64(d)), nil)
			require.NoError(t, got.Err)
			if !bytes.Equal(want.Body, got.Body) {
				require.Equal(t, strings.Split(string(want.Body), "\n"), strings.Split(string(got.Body), "\n"),
					"doc %d, detectors %#x, block %d", d, sel, block)
			}
		}
	}
}
