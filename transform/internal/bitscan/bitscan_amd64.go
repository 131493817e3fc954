//go:build amd64 && !purego

package bitscan

import "golang.org/x/sys/cpu"

// The kernels of bitscan_amd64.s: SSE2, sixteen bytes per instruction.
// Each fills len(dst) words from the first 64*len(dst) bytes of src
// (pairWords reads one byte more); they take their arguments as the Go
// declarations below say, through dispatch functions that check the
// lengths.

//go:noescape
func eqWordsSSE2(dst *uint64, src *byte, words int, c uint64)

//go:noescape
func eq4WordsSSE2(dst *uint64, src *byte, words int, a, b, c, d uint64)

//go:noescape
func eq2NonTextWordsSSE2(dst *uint64, src *byte, words int, a, b uint64)

//go:noescape
func rangeWordsSSE2(dst *uint64, src *byte, words int, lo, hi uint64)

//go:noescape
func pairWordsSSE2(dst *uint64, src *byte, words int, a, b uint64)

//go:noescape
func pairFoldWordsSSE2(dst *uint64, src *byte, words int, a, b uint64)

func eqWords(dst []uint64, src []byte, c byte) {
	_ = src[len(dst)*64-1]
	eqWordsSSE2(&dst[0], &src[0], len(dst), uint64(c)*lsbs)
}

func eq4Words(dst []uint64, src []byte, a, b, c, d byte) {
	_ = src[len(dst)*64-1]
	eq4WordsSSE2(&dst[0], &src[0], len(dst), uint64(a)*lsbs, uint64(b)*lsbs, uint64(c)*lsbs, uint64(d)*lsbs)
}

func eq2NonTextWords(dst []uint64, src []byte, a, b byte) {
	_ = src[len(dst)*64-1]
	eq2NonTextWordsSSE2(&dst[0], &src[0], len(dst), uint64(a)*lsbs, uint64(b)*lsbs)
}

func rangeWords(dst []uint64, src []byte, lo, hi byte) {
	_ = src[len(dst)*64-1]
	rangeWordsSSE2(&dst[0], &src[0], len(dst), uint64(lo)*lsbs, uint64(hi)*lsbs)
}

func pairWords(dst []uint64, src []byte, a, b byte) {
	_ = src[len(dst)*64] // the byte after the last word
	pairWordsSSE2(&dst[0], &src[0], len(dst), uint64(a)*lsbs, uint64(b)*lsbs)
}

func pairFoldWords(dst []uint64, src []byte, a, b byte) {
	_ = src[len(dst)*64] // the byte after the last word
	pairFoldWordsSSE2(&dst[0], &src[0], len(dst), uint64(a)*lsbs, uint64(b)*lsbs)
}

//go:noescape
func linesPrefixWordsSSE2(dst, nl *uint64, src *byte, words int, a, b, c, d, ign1, ign2, ign3 uint64)

//go:noescape
func linesPrefixWordsAVX2(dst, nl *uint64, src *byte, words int, a, b, c, d, ign1, ign2, ign3 uint64)

// hasAVX2 reports whether the processor and the operating system support
// AVX2, as golang.org/x/sys/cpu detected them.
func hasAVX2() bool { return cpu.X86.HasAVX2 }

// linesPrefixWords runs the AVX2 kernel where it can, else the SSE2 one.
func linesPrefixWords(dst, nl []uint64, src []byte, p *[4]byte, n int) {
	linesPrefixWordsUsing(hasAVX2(), dst, nl, src, p, n)
}

// linesPrefixWordsUsing runs the AVX2 kernel when avx2 is set (the
// processor must have it), else the SSE2 one: the tests run both.
func linesPrefixWordsUsing(avx2 bool, dst, nl []uint64, src []byte, p *[4]byte, n int) {
	_ = src[len(dst)*64+2] // the three bytes after the last word
	_ = nl[len(dst)-1]
	ign := func(k int) uint64 {
		if k < n {
			return 0
		}
		return ^uint64(0)
	}
	a, b, c, d := uint64(p[0])*lsbs, uint64(p[1])*lsbs, uint64(p[2])*lsbs, uint64(p[3])*lsbs
	if avx2 {
		linesPrefixWordsAVX2(&dst[0], &nl[0], &src[0], len(dst), a, b, c, d, ign(1), ign(2), ign(3))
		return
	}
	linesPrefixWordsSSE2(&dst[0], &nl[0], &src[0], len(dst), a, b, c, d, ign(1), ign(2), ign(3))
}
