//go:build !amd64 || purego

package bitscan

// Without assembly, the word functions are the SWAR ones.

func eqWords(dst []uint64, src []byte, c byte) { eqWordsSWAR(dst, src, c) }

func eq4Words(dst []uint64, src []byte, a, b, c, d byte) { eq4WordsSWAR(dst, src, a, b, c, d) }

func eq2NonTextWords(dst []uint64, src []byte, a, b byte) { eq2NonTextWordsSWAR(dst, src, a, b) }

func rangeWords(dst []uint64, src []byte, lo, hi byte) { rangeWordsSWAR(dst, src, lo, hi) }

func pairWords(dst []uint64, src []byte, a, b byte) { pairWordsSWAR(dst, src, a, b) }

func pairFoldWords(dst []uint64, src []byte, a, b byte) { pairFoldWordsSWAR(dst, src, a, b) }

func linesPrefixWords(dst, nl []uint64, src []byte, p *[4]byte, n int) {
	linesPrefixWordsSWAR(dst, nl, src, p, n)
}

func linesPrefixWordsUsing(_ bool, dst, nl []uint64, src []byte, p *[4]byte, n int) {
	linesPrefixWordsSWAR(dst, nl, src, p, n)
}

func hasAVX2() bool { return false }
