package redact

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEqMask checks the SWAR equality test against byte comparisons for
// every byte value next to bytes that make naive versions borrow or carry.
func TestEqMask(t *testing.T) {
	for c := range 256 {
		for v := range 256 {
			for at := range 8 {
				b := []byte{1, 0, 0x80, 0xff, '-', ' ', 0x21, 0x7f}
				b[at] = byte(v)
				var want uint64
				for k := range 8 {
					if b[k] == byte(c) {
						want |= 0x80 << (8 * k)
					}
				}
				if m := eqMask(binary.LittleEndian.Uint64(b), byte(c)); m != want {
					require.Equal(t, want, m, "c %#x bytes %x", c, b)
				}
			}
		}
	}
}

// TestDigitWord checks the SWAR digit bits against isDigit for every byte
// value at every place.
func TestDigitWord(t *testing.T) {
	for v := range 256 {
		for at := range 64 {
			b := make([]byte, 64)
			for k := range b {
				b[k] = "09/:\x80\xb5a "[k%8]
			}
			b[at] = byte(v)
			var want uint64
			for k := range 64 {
				if isDigit(b[k]) {
					want |= 1 << k
				}
			}
			require.Equal(t, want, digitWord(b), "byte %#x at %d", v, at)
		}
	}
}

// TestDigitBits checks the digit bits of digitBits (assembly on amd64)
// against digitWord on random bytes, bytes around the digits' edges and
// lengths that end inside a word.
func TestDigitBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for n := range 700 {
		src := make([]byte, n)
		for i := range src {
			if rng.IntN(2) == 0 {
				src[i] = "/0123456789:\x00\xb0\xb9\xff"[rng.IntN(16)]
			} else {
				src[i] = byte(rng.UintN(256))
			}
		}
		got := make([]uint64, n/64+1)
		digitBits(got, src)
		for w := range n / 64 {
			require.Equal(t, digitWord(src[w*64:]), got[w], "length %d, word %d", n, w)
		}
		require.Zero(t, got[n/64], "length %d: past the whole words", n)
	}
}
