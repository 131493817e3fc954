package bitscan

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEq4Split checks both maps of Eq4Split against a byte-by-byte
// reference, with sets that repeat a byte and that overlap.
func TestEq4Split(t *testing.T) {
	for _, set := range []string{",\"\r\n", "\t\"\r\n", "|\"\n\n", "aaab", "\x00\x80\xff\x7f"} {
		a, b, c, d := set[0], set[1], set[2], set[3]
		for _, src := range inputs() {
			wantFirst := reference(src, func(i int) bool { return src[i] == a })
			wantRest := reference(src, func(i int) bool { return src[i] == b || src[i] == c || src[i] == d })
			first, rest := make([]uint64, Words(len(src))+1), make([]uint64, Words(len(src))+1)
			first[len(first)-1], rest[len(rest)-1] = 0xdead, 0xdead // must stay
			Eq4Split(first[:len(first)-1], rest[:len(rest)-1], src, a, b, c, d)
			require.Equal(t, wantFirst, first[:len(first)-1], "%q length %d", set, len(src))
			require.Equal(t, wantRest, rest[:len(rest)-1], "%q length %d", set, len(src))
			require.Equal(t, uint64(0xdead), first[len(first)-1], "%q length %d: wrote past the map", set, len(src))
			require.Equal(t, uint64(0xdead), rest[len(rest)-1], "%q length %d: wrote past the map", set, len(src))
		}
	}
}

// TestEq4SplitKernelsAgree compares the kernels of Eq4Split (SSE2, and
// AVX2 when the processor has it, on amd64) with the SWAR one.
func TestEq4SplitKernelsAgree(t *testing.T) {
	for _, set := range []string{",\"\r\n", "aaab", "\x00\x80\xff\x7f"} {
		a, b, c, d := set[0], set[1], set[2], set[3]
		for _, src := range inputs() {
			w := len(src) / 64
			if w == 0 {
				continue
			}
			wantFirst, wantRest := make([]uint64, w), make([]uint64, w)
			eq4SplitWordsSWAR(wantFirst, wantRest, src, a, b, c, d)
			for _, avx2 := range []bool{false, true} {
				first, rest := make([]uint64, w), make([]uint64, w)
				eq4SplitWordsUsing(avx2 && hasAVX2(), first, rest, src, a, b, c, d)
				require.Equal(t, wantFirst, first, "%q length %d avx2 %v", set, len(src), avx2)
				require.Equal(t, wantRest, rest, "%q length %d avx2 %v", set, len(src), avx2)
			}
		}
	}
}

func BenchmarkEq4Split(b *testing.B) {
	src := make([]byte, 32<<10)
	for i := range src {
		src[i] = byte(i * 7)
	}
	first, rest := make([]uint64, Words(len(src))), make([]uint64, Words(len(src)))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		Eq4Split(first, rest, src, ',', '"', '\r', '\n')
	}
}
