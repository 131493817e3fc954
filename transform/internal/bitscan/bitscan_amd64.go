//go:build amd64 && !purego

package bitscan

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
