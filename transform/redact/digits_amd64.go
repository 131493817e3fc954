package redact

// digitWords writes the digit bits of the 64-byte words at src to dst, one
// uint64 per word (digits_amd64.s: sixteen bytes per instruction).
//
//go:noescape
func digitWords(dst *uint64, src *byte, words int)

// digitBits sets dst[w] to the digit bits of src[64*w:64*w+64] for every
// whole 64-byte word of src; dst must have room for them.
func digitBits(dst []uint64, src []byte) {
	if words := len(src) / 64; words > 0 {
		_ = dst[words-1]
		digitWords(&dst[0], &src[0], words)
	}
}
