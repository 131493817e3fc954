//go:build amd64 && !purego

package bitscan

// The kernels of split_amd64.s fill len(first) words of first and of rest
// from the first 64*len(first) bytes of src; a, b, c and d hold eight
// copies of their byte.

//go:noescape
func eq4SplitWordsSSE2(first, rest *uint64, src *byte, words int, a, b, c, d uint64)

//go:noescape
func eq4SplitWordsAVX2(first, rest *uint64, src *byte, words int, a, b, c, d uint64)

// eq4SplitWords runs the AVX2 kernel where it can, else the SSE2 one.
func eq4SplitWords(first, rest []uint64, src []byte, a, b, c, d byte) {
	eq4SplitWordsUsing(hasAVX2(), first, rest, src, a, b, c, d)
}

// eq4SplitWordsUsing runs the AVX2 kernel when avx2 is set (the processor
// must have it), else the SSE2 one: the tests run both.
func eq4SplitWordsUsing(avx2 bool, first, rest []uint64, src []byte, a, b, c, d byte) {
	_ = src[len(first)*64-1]
	_ = rest[len(first)-1]
	pa, pb, pc, pd := uint64(a)*lsbs, uint64(b)*lsbs, uint64(c)*lsbs, uint64(d)*lsbs
	if avx2 {
		eq4SplitWordsAVX2(&first[0], &rest[0], &src[0], len(first), pa, pb, pc, pd)
		return
	}
	eq4SplitWordsSSE2(&first[0], &rest[0], &src[0], len(first), pa, pb, pc, pd)
}
