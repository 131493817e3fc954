//go:build !amd64 || purego

package bitscan

func eq4SplitWords(first, rest []uint64, src []byte, a, b, c, d byte) {
	eq4SplitWordsSWAR(first, rest, src, a, b, c, d)
}

func eq4SplitWordsUsing(_ bool, first, rest []uint64, src []byte, a, b, c, d byte) {
	eq4SplitWordsSWAR(first, rest, src, a, b, c, d)
}
