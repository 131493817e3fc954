package bitscan

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// reference builds a map byte by byte.
func reference(src []byte, in func(i int) bool) []uint64 {
	m := make([]uint64, Words(len(src)))
	for i := range src {
		if in(i) {
			m[i/64] |= 1 << (i % 64)
		}
	}
	return m
}

// inputs returns byte slices of every length up to 300 and a few longer,
// with bytes drawn from the edges of the sets under test and at random.
func inputs() [][]byte {
	rng := rand.New(rand.NewPCG(7, 7))
	const edges = "/09:,\"\r\n\x00\x7f\x80\xff ab-cCrR\x03\x12"
	var out [][]byte
	for _, n := range append(rangeInts(300), 1000, 4096, 4097) {
		b := make([]byte, n)
		for i := range b {
			if rng.IntN(3) > 0 {
				b[i] = edges[rng.IntN(len(edges))]
			} else {
				b[i] = byte(rng.UintN(256))
			}
		}
		out = append(out, b)
	}
	return out
}

func rangeInts(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func TestMaps(t *testing.T) {
	tests := []struct {
		name string
		fill func(dst []uint64, src []byte)
		in   func(src []byte, i int) bool
	}{
		{"eq comma", func(d []uint64, s []byte) { Eq(d, s, ',') }, func(s []byte, i int) bool { return s[i] == ',' }},
		{"eq 0xff", func(d []uint64, s []byte) { Eq(d, s, 0xff) }, func(s []byte, i int) bool { return s[i] == 0xff }},
		{"eq4 csv", func(d []uint64, s []byte) { Eq4(d, s, ',', '"', '\r', '\n') },
			func(s []byte, i int) bool { return s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n' }},
		{"eq4 repeated", func(d []uint64, s []byte) { Eq4(d, s, 0, 0, 0x80, 0x80) }, func(s []byte, i int) bool { return s[i] == 0 || s[i] == 0x80 }},
		{"eq2 non-text", func(d []uint64, s []byte) { Eq2NonText(d, s, '"', '\\') },
			func(s []byte, i int) bool { return s[i] == '"' || s[i] == '\\' || s[i] < 0x20 || s[i] >= 0x80 }},
		{"eq2 non-text repeated", func(d []uint64, s []byte) { Eq2NonText(d, s, 'a', 'a') },
			func(s []byte, i int) bool { return s[i] == 'a' || s[i] < 0x20 || s[i] >= 0x80 }},
		{"range digits", func(d []uint64, s []byte) { Range(d, s, '0', '9') }, func(s []byte, i int) bool { return s[i] >= '0' && s[i] <= '9' }},
		{"range high", func(d []uint64, s []byte) { Range(d, s, 0x80, 0xff) }, func(s []byte, i int) bool { return s[i] >= 0x80 }},
		{"range low", func(d []uint64, s []byte) { Range(d, s, 0, 0x1f) }, func(s []byte, i int) bool { return s[i] < 0x20 }},
		{"range across", func(d []uint64, s []byte) { Range(d, s, 'a', 0x90) }, func(s []byte, i int) bool { return s[i] >= 'a' && s[i] <= 0x90 }},
		{"pair", func(d []uint64, s []byte) { Pair(d, s, 'a', 'b') }, func(s []byte, i int) bool { return i+1 < len(s) && s[i] == 'a' && s[i+1] == 'b' }},
		{"pair fold", func(d []uint64, s []byte) { PairFold(d, s, 'c', 'r') }, func(s []byte, i int) bool {
			return i+1 < len(s) && (s[i] == 'c' || s[i] == 'C') && (s[i+1] == 'r' || s[i+1] == 'R')
		}},
		{"pair same", func(d []uint64, s []byte) { Pair(d, s, '9', '9') }, func(s []byte, i int) bool { return i+1 < len(s) && s[i] == '9' && s[i+1] == '9' }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, src := range inputs() {
				want := reference(src, func(i int) bool { return tt.in(src, i) })
				got := make([]uint64, Words(len(src))+1)
				got[len(got)-1] = 0xdead // must stay: only Words(n) words are written
				tt.fill(got, src)
				require.Equal(t, want, got[:len(got)-1], "length %d", len(src))
				require.Equal(t, uint64(0xdead), got[len(got)-1], "length %d: wrote past the map", len(src))
			}
		})
	}
}

// TestKernelsAgree compares the word kernels in use (assembly on amd64)
// with the SWAR ones on the whole words of every input, so both are
// tested in every build.
func TestKernelsAgree(t *testing.T) {
	tests := []struct {
		name      string
		use, swar func(dst []uint64, src []byte)
	}{
		{"eq", func(d []uint64, s []byte) { eqWords(d, s, ',') }, func(d []uint64, s []byte) { eqWordsSWAR(d, s, ',') }},
		{"eq4", func(d []uint64, s []byte) { eq4Words(d, s, ',', '"', '\r', 0xff) },
			func(d []uint64, s []byte) { eq4WordsSWAR(d, s, ',', '"', '\r', 0xff) }},
		{"eq2 non-text", func(d []uint64, s []byte) { eq2NonTextWords(d, s, '"', '\\') },
			func(d []uint64, s []byte) { eq2NonTextWordsSWAR(d, s, '"', '\\') }},
		{"range ascii", func(d []uint64, s []byte) { rangeWords(d, s, '0', '9') }, func(d []uint64, s []byte) { rangeWordsSWAR(d, s, '0', '9') }},
		{"range across", func(d []uint64, s []byte) { rangeWords(d, s, 'a', 0x90) }, func(d []uint64, s []byte) { rangeWordsSWAR(d, s, 'a', 0x90) }},
		{"pair", func(d []uint64, s []byte) { pairWords(d, s, '9', '9') }, func(d []uint64, s []byte) { pairWordsSWAR(d, s, '9', '9') }},
		{"pair fold", func(d []uint64, s []byte) { pairFoldWords(d, s, 'c', 'r') }, func(d []uint64, s []byte) { pairFoldWordsSWAR(d, s, 'c', 'r') }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, src := range inputs() {
				w := len(src) / 64
				if strings.HasPrefix(tt.name, "pair") { // the kernel reads one byte past its words
					w = (len(src) - 1) / 64
				}
				if w <= 0 {
					continue
				}
				got, want := make([]uint64, w), make([]uint64, w)
				tt.use(got, src)
				tt.swar(want, src)
				require.Equal(t, want, got, "length %d", len(src))
			}
		})
	}
}

func BenchmarkMaps(b *testing.B) {
	src := make([]byte, 32<<10)
	for i := range src {
		src[i] = byte(i * 7)
	}
	dst, nl := make([]uint64, Words(len(src))), make([]uint64, Words(len(src)))
	for _, bm := range []struct {
		name string
		fill func()
	}{
		{"eq", func() { Eq(dst, src, ',') }},
		{"eq4", func() { Eq4(dst, src, ',', '"', '\r', '\n') }},
		{"eq2 non-text", func() { Eq2NonText(dst, src, '"', '\\') }},
		{"range", func() { Range(dst, src, '0', '9') }},
		{"pair", func() { Pair(dst, src, '2', '0') }},
		{"lines-prefix", func() { LinesPrefix(dst, nl, src, []byte("2024")) }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				bm.fill()
			}
		})
	}
}

// TestLinesPrefix checks both maps of LinesPrefix against a byte-by-byte
// reference for prefixes of one to five bytes (a longer one maps its
// first four), among them ones that repeat a byte.
func TestLinesPrefix(t *testing.T) {
	for _, p := range []string{"\n", "a", "ab", "9\x00", "999", "ab-c", "/09:,", "\r\n", "aaaa"} {
		t.Run(strconv.Quote(p), func(t *testing.T) {
			q := p[:min(len(p), 4)]
			for _, src := range inputs() {
				wantNL := reference(src, func(i int) bool { return src[i] == '\n' })
				want := reference(src, func(i int) bool { return strings.HasPrefix(string(src[i:]), q) })
				got, gotNL := make([]uint64, Words(len(src))+1), make([]uint64, Words(len(src))+1)
				got[len(got)-1], gotNL[len(gotNL)-1] = 0xdead, 0xdead
				LinesPrefix(got[:len(got)-1], gotNL[:len(gotNL)-1], src, []byte(p))
				require.Equal(t, want, got[:len(got)-1], "length %d", len(src))
				require.Equal(t, wantNL, gotNL[:len(gotNL)-1], "length %d", len(src))
				require.Equal(t, uint64(0xdead), got[len(got)-1])
				require.Equal(t, uint64(0xdead), gotNL[len(gotNL)-1])
			}
		})
	}
	require.Panics(t, func() { LinesPrefix(make([]uint64, 1), make([]uint64, 1), []byte("x"), nil) })
}

// TestLinesPrefixKernelsAgree compares the kernels of LinesPrefix (SSE2,
// and AVX2 when the processor has it, on amd64) with the SWAR one.
func TestLinesPrefixKernelsAgree(t *testing.T) {
	for _, p := range []string{"a", "ab", "999", "ab-c", "\n\r\n\x00"} {
		var q [4]byte
		n := copy(q[:], p)
		for _, src := range inputs() {
			w := (len(src) - 3) / 64
			if w <= 0 {
				continue
			}
			want, wantNL := make([]uint64, w), make([]uint64, w)
			linesPrefixWordsSWAR(want, wantNL, src, &q, n)
			for _, avx2 := range []bool{false, true} {
				got, gotNL := make([]uint64, w), make([]uint64, w)
				linesPrefixWordsUsing(avx2 && hasAVX2(), got, gotNL, src, &q, n)
				require.Equal(t, want, got, "%q length %d avx2 %v", p, len(src), avx2)
				require.Equal(t, wantNL, gotNL, "%q length %d avx2 %v", p, len(src), avx2)
			}
		}
	}
}
