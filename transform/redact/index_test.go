package redact

import (
	"encoding/binary"
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
