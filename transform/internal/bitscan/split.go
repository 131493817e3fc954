package bitscan

import "encoding/binary"

// Eq4Split writes to first the map of the bytes of src equal to a, and to
// rest the map of those equal to b, c or d (repeat one to match fewer), in
// one pass over src: for CSV, the delimiters apart from the quotes and
// line ends. Both must hold Words(len(src)) words. On amd64 it uses AVX2
// where LinesPrefix does (32 bytes per instruction; making both maps
// costs about half an instruction per byte), SSE2 otherwise.
func Eq4Split(first, rest []uint64, src []byte, a, b, c, d byte) {
	w := len(src) / 64
	if w > 0 {
		eq4SplitWords(first[:w], rest[:w], src[:w*64], a, b, c, d)
	}
	tail(first, src, w, func(x uint64) uint64 { return eqMask(x, a) })
	tail(rest, src, w, func(x uint64) uint64 { return eqMask(x, b) | eqMask(x, c) | eqMask(x, d) })
}

// eq4SplitWordsSWAR is the SWAR kernel of Eq4Split.
func eq4SplitWordsSWAR(first, rest []uint64, src []byte, a, b, c, d byte) {
	_ = rest[len(first)-1]
	for w := range first {
		s := src[w*64 : w*64+64]
		var m, r uint64
		for k := 0; k < 64; k += 8 {
			x := binary.LittleEndian.Uint64(s[k:])
			m |= gather(eqMask(x, a), uint(k))
			r |= gather(eqMask(x, b)|eqMask(x, c)|eqMask(x, d), uint(k))
		}
		first[w], rest[w] = m, r
	}
}
