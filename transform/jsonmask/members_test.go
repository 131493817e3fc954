package jsonmask

import (
	"testing"

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
