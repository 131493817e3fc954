package jsonmask

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// TestIntEnd holds intEnd, where it answers, to fastNumber: every run of
// up to eleven digits, with a byte after it that ends, continues or
// breaks a number, at the end of the window or not.
func TestIntEnd(t *testing.T) {
	answered := 0
	for n := 1; n <= 11; n++ {
		digits := "123456789012"[:n]
		for _, next := range []string{",", "}", "]", " ", ".5", "e1", "E1", "x", "0", ""} {
			for _, pad := range []string{"", ",1234567890"} {
				s := digits + next + pad
				sc := scanner{buf: []byte(s), maxTok: 64}
				got, want := sc.intEnd(0), sc.fastNumber(0)
				if got >= 0 {
					answered++
					require.Equal(t, want, got, "%q", s)
				}
			}
		}
	}
	require.Positive(t, answered)
}

// TestNonDigit checks the byte-parallel digit test against the plain one
// for every byte value in every position.
func TestNonDigit(t *testing.T) {
	for pos := range 8 {
		for c := range 256 {
			b := []byte("00000000")
			b[pos] = byte(c)
			x := uint64(0)
			for k := 7; k >= 0; k-- {
				x = x<<8 | uint64(b[k])
			}
			want := 8
			if c < '0' || c > '9' {
				want = pos
			}
			require.Equal(t, want, nonDigit(x), "byte %#x at %d", c, pos)
		}
	}
}

// TestTextRune holds textRune to utf8.DecodeRune for every lead byte
// from 0x80 and every two bytes after it: where it answers, the sequence
// is valid (U+FFFD itself too), of that length, and not one that
// appendString escapes; where it does not, it is not a valid two- or
// three-byte sequence that is written as it is.
func TestTextRune(t *testing.T) {
	buf := make([]byte, 4)
	for c := 0x80; c < 0x100; c++ {
		for b := range 1 << 16 {
			buf[0], buf[1], buf[2], buf[3] = byte(c), byte(b), byte(b>>8), 0x80
			r, n := utf8.DecodeRune(buf)
			plain := (n == 2 || n == 3) && r != '\u2028' && r != '\u2029'
			if got := textRune(buf, 0); plain {
				require.Equal(t, n, got, "% x", buf)
			} else if got != 0 {
				t.Fatalf("% x: textRune %d, DecodeRune %U %d", buf, got, r, n)
			}
		}
	}
}
