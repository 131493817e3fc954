//go:build !amd64

package redact

// digitBits sets dst[w] to the digit bits of src[64*w:64*w+64] for every
// whole 64-byte word of src; dst must have room for them.
func digitBits(dst []uint64, src []byte) {
	for w := range len(src) / 64 {
		dst[w] = digitWord(src[w*64:])
	}
}
