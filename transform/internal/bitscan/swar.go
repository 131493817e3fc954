package bitscan

import "encoding/binary"

// The word functions eight bytes at a time in a 64-bit register (SWAR):
// the kernels where there is no assembly version, and the reference the
// tests compare the assembly with.

func eqWordsSWAR(dst []uint64, src []byte, c byte) {
	for w := range dst {
		s := src[w*64 : w*64+64]
		var m uint64
		for k := 0; k < 64; k += 8 {
			m |= gather(eqMask(binary.LittleEndian.Uint64(s[k:]), c), uint(k))
		}
		dst[w] = m
	}
}

func eq4WordsSWAR(dst []uint64, src []byte, a, b, c, d byte) {
	for w := range dst {
		s := src[w*64 : w*64+64]
		var m uint64
		for k := 0; k < 64; k += 8 {
			x := binary.LittleEndian.Uint64(s[k:])
			m |= gather(eqMask(x, a)|eqMask(x, b)|eqMask(x, c)|eqMask(x, d), uint(k))
		}
		dst[w] = m
	}
}

func eq2NonTextWordsSWAR(dst []uint64, src []byte, a, b byte) {
	for w := range dst {
		s := src[w*64 : w*64+64]
		var m uint64
		for k := 0; k < 64; k += 8 {
			x := binary.LittleEndian.Uint64(s[k:])
			m |= gather(eqMask(x, a)|eqMask(x, b)|nonTextMask(x), uint(k))
		}
		dst[w] = m
	}
}

func rangeWordsSWAR(dst []uint64, src []byte, lo, hi byte) {
	if hi < 0x80 {
		asciiRangeWordsSWAR(dst, src, lo, hi)
		return
	}
	for w := range dst {
		s := src[w*64 : w*64+64]
		var m uint64
		for k := 0; k < 64; k += 8 {
			m |= gather(rangeMask(binary.LittleEndian.Uint64(s[k:]), lo, hi), uint(k))
		}
		dst[w] = m
	}
}

func pairWordsSWAR(dst []uint64, src []byte, a, b byte) {
	for w := range dst {
		s := src[w*64 : w*64+65]
		var m uint64
		for k := 0; k < 64; k += 8 {
			x := binary.LittleEndian.Uint64(s[k:])
			// The byte after each: x shifted down, and the next word's
			// first byte on top.
			y := x>>8 | uint64(s[k+8])<<56
			m |= gather(eqMask(x, a)&eqMask(y, b), uint(k))
		}
		dst[w] = m
	}
}

func pairFoldWordsSWAR(dst []uint64, src []byte, a, b byte) {
	const fold = 0x20 * lsbs
	for w := range dst {
		s := src[w*64 : w*64+65]
		var m uint64
		for k := 0; k < 64; k += 8 {
			x := binary.LittleEndian.Uint64(s[k:])
			y := x>>8 | uint64(s[k+8])<<56
			m |= gather(eqMask(x|fold, a)&eqMask(y|fold, b), uint(k))
		}
		dst[w] = m
	}
}

func asciiRangeWordsSWAR(dst []uint64, src []byte, lo, hi byte) {
	geLo, gtHi := uint64(lo)*lsbs, uint64(hi+1)*lsbs
	for w := range dst {
		s := src[w*64 : w*64+64]
		var m uint64
		for k := 0; k < 64; k += 8 {
			x := binary.LittleEndian.Uint64(s[k:])
			y := x | msbs
			m |= gather((y-geLo)&^(y-gtHi)&^x&msbs, uint(k))
		}
		dst[w] = m
	}
}

func linesPrefixWordsSWAR(dst, nl []uint64, src []byte, p *[4]byte, n int) {
	for w := range dst {
		s := src[w*64 : w*64+67]
		var l, m uint64
		for k := 0; k < 64; k += 8 {
			x := binary.LittleEndian.Uint64(s[k:])
			l |= gather(eqMask(x, '\n'), uint(k))
			// The bytes 1, 2 and 3 after each: x shifted down, with the
			// next bytes on top.
			next := uint64(s[k+8]) | uint64(s[k+9])<<8 | uint64(s[k+10])<<16
			c := eqMask(x, p[0])
			for j := 1; j < n; j++ {
				c &= eqMask(x>>(8*uint(j))|next<<(64-8*uint(j)), p[j])
			}
			m |= gather(c, uint(k))
		}
		nl[w], dst[w] = l, m
	}
}
