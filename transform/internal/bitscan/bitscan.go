package bitscan

import "encoding/binary"

// Words returns how many words a map of n bytes has.
func Words(n int) int { return (n + 63) / 64 }

// Eq writes to dst the map of the bytes of src equal to c. dst must hold
// Words(len(src)) words; bits past the end of src are zero.
func Eq(dst []uint64, src []byte, c byte) {
	w := len(src) / 64
	if w > 0 {
		eqWords(dst[:w], src[:w*64], c)
	}
	tail(dst, src, w, func(x uint64) uint64 { return eqMask(x, c) })
}

// Eq4 writes to dst the map of the bytes of src equal to a, b, c or d
// (repeat one to match fewer). dst must hold Words(len(src)) words.
func Eq4(dst []uint64, src []byte, a, b, c, d byte) {
	w := len(src) / 64
	if w > 0 {
		eq4Words(dst[:w], src[:w*64], a, b, c, d)
	}
	tail(dst, src, w, func(x uint64) uint64 {
		return eqMask(x, a) | eqMask(x, b) | eqMask(x, c) | eqMask(x, d)
	})
}

// Eq2NonText writes to dst the map of the bytes of src equal to a or b or
// outside 0x20..0x7f (control bytes and bytes >= 0x80): for a '"' and a
// '\\', the bytes that end or interrupt a plain JSON string. dst must hold
// Words(len(src)) words.
func Eq2NonText(dst []uint64, src []byte, a, b byte) {
	w := len(src) / 64
	if w > 0 {
		eq2NonTextWords(dst[:w], src[:w*64], a, b)
	}
	tail(dst, src, w, func(x uint64) uint64 { return eqMask(x, a) | eqMask(x, b) | nonTextMask(x) })
}

// Range writes to dst the map of the bytes of src from lo to hi
// (inclusive). dst must hold Words(len(src)) words.
func Range(dst []uint64, src []byte, lo, hi byte) {
	w := len(src) / 64
	if w > 0 {
		rangeWords(dst[:w], src[:w*64], lo, hi)
	}
	tail(dst, src, w, func(x uint64) uint64 { return rangeMask(x, lo, hi) })
}

// Pair writes to dst the map of the positions i of src where src[i] == a
// and src[i+1] == b (the last byte has no pair). dst must hold
// Words(len(src)) words.
func Pair(dst []uint64, src []byte, a, b byte) {
	// The kernel reads one byte past each word: it takes the words that
	// have one after them.
	w := (len(src) - 1) / 64
	if w > 0 {
		pairWords(dst[:w], src[:w*64+1], a, b)
	}
	for ; w < Words(len(src)); w++ {
		var m uint64
		for k := w * 64; k < min(len(src)-1, w*64+64); k++ {
			if src[k] == a && src[k+1] == b {
				m |= 1 << (k - w*64)
			}
		}
		dst[w] = m
	}
}

// PairFold is Pair with 0x20 set in every byte of src before the
// comparison: for lower-case ASCII letters a and b, the positions of the
// two letters in a row in either case ("cr", "Cr", "cR", "CR").
func PairFold(dst []uint64, src []byte, a, b byte) {
	w := (len(src) - 1) / 64
	if w > 0 {
		pairFoldWords(dst[:w], src[:w*64+1], a, b)
	}
	for ; w < Words(len(src)); w++ {
		var m uint64
		for k := w * 64; k < min(len(src)-1, w*64+64); k++ {
			if src[k]|0x20 == a && src[k+1]|0x20 == b {
				m |= 1 << (k - w*64)
			}
		}
		dst[w] = m
	}
}

// LinesPrefix writes to nl the map of the line feeds of src and to dst the
// map of the positions i where src[i:] starts with the first four bytes of
// p (all of p when it is shorter; p is not empty), in one pass over src.
// Both must hold Words(len(src)) words. A caller with a longer p checks
// the rest of it at the positions found.
func LinesPrefix(dst, nl []uint64, src, p []byte) {
	var q [4]byte
	n := copy(q[:], p)
	if n == 0 {
		panic("bitscan: LinesPrefix with an empty prefix")
	}
	w := 0
	if len(src) >= 3 { // the kernels read three bytes past their words
		w = (len(src) - 3) / 64
	}
	if w > 0 {
		linesPrefixWords(dst[:w], nl[:w], src, &q, n)
	}
	for ; w < Words(len(src)); w++ {
		var l, m uint64
		for k := w * 64; k < min(len(src), w*64+64); k++ {
			if src[k] == '\n' {
				l |= 1 << (k - w*64)
			}
			if k+n <= len(src) && string(src[k:k+n]) == string(q[:n]) {
				m |= 1 << (k - w*64)
			}
		}
		nl[w], dst[w] = l, m
	}
}

// tail writes the words of dst from w on, for the bytes of src from 64*w,
// with mask applied eight bytes at a time.
func tail(dst []uint64, src []byte, w int, mask func(uint64) uint64) {
	for ; w*64 < len(src); w++ {
		var pad [64]byte
		n := copy(pad[:], src[w*64:])
		var m uint64
		for k := 0; k < 64; k += 8 {
			m |= gather(mask(binary.LittleEndian.Uint64(pad[k:])), uint(k))
		}
		if n < 64 {
			m &= 1<<uint(n) - 1
		}
		dst[w] = m
	}
}

const (
	lsbs = 0x0101010101010101
	msbs = 0x8080808080808080
	// gatherMSB moves the top bit of each byte of x&msbs into the top
	// byte, in order: bit k of the result's top byte is the top bit of
	// byte k.
	gatherMSB = 0x0002040810204081
)

// gather packs the top bits of the bytes of m (a mask with only those bits
// set) into eight bits, shifted left by shift.
func gather(m uint64, shift uint) uint64 { return (m * gatherMSB >> 56) << shift }

// eqMask sets the top bit of every byte of x (eight bytes, little-endian)
// equal to c, and clears every other bit.
func eqMask(x uint64, c byte) uint64 {
	z := x ^ uint64(c)*lsbs // bytes equal to c become 0
	// (z&0x7f) + 0x7f sets the top bit of every byte but zero ones (no
	// carry crosses bytes); z's own top bit covers bytes >= 0x80.
	return ^((z&^msbs + 0x7f*lsbs) | z) & msbs
}

// nonTextMask sets the top bit of every byte of x below 0x20 or from 0x80.
func nonTextMask(x uint64) uint64 {
	// With its top bit set, a byte minus 0x20 keeps the top bit unless
	// its low seven bits are below 0x20 (and borrows from no other byte).
	return (^((x | msbs) - 0x20*lsbs) | x) & msbs
}

// rangeMask sets the top bit of every byte of x from lo to hi.
func rangeMask(x uint64, lo, hi byte) uint64 {
	// Compare the low seven bits with every top bit set, so that no byte
	// borrows from the next; then sort out bytes >= 0x80 by their top bit.
	y := x | msbs
	low7 := (y - uint64(lo&0x7f)*lsbs) &^ (y - uint64(hi&0x7f+1)*lsbs) & msbs
	switch {
	case hi < 0x80: // an ASCII range: no byte >= 0x80
		return low7 &^ x
	case lo >= 0x80: // bytes >= 0x80 only
		return low7 & x
	}
	var m uint64 // a range across 0x80: two ranges
	for k := 0; k < 64; k += 8 {
		if c := byte(x >> k); c >= lo && c <= hi {
			m |= 0x80 << k
		}
	}
	return m
}
