package redact

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunFilters(t *testing.T) {
	tests := []struct {
		name   string
		in     func(byte) bool
		filter runFilter
	}{
		{"b64", isB64, b64Run()},
		{"token", isTokenChar, tokenRun()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, classOf(tt.in), tt.filter.class)
			for c := range 256 {
				assert.Equal(t, tt.in(byte(c)), tt.filter.class.has(byte(c)), "byte %#x", c)
			}
			// A window passes when all its bytes are in the class (and
			// fails for most others); try every byte at every place.
			for c := range 256 {
				for at := range 8 {
					w := []byte("AAAAAAAA")
					w[at] = byte(c)
					pass := tt.filter.window(binary.LittleEndian.Uint64(w))
					if tt.in(byte(c)) {
						assert.True(t, pass, "window with %#x at %d", c, at)
					}
					if c < '+' || c > 'z' || c == ',' || c == '.' || c == ':' {
						assert.False(t, pass, "window with %#x at %d", c, at)
					}
				}
			}
		})
	}
}

// TestNextLongRun compares the sampled search with a scan of every byte,
// for runs of every length around the limit at every offset.
func TestNextLongRun(t *testing.T) {
	scan := func(b []byte, p, n int) (int, int, bool) {
		for i := p; i < len(b); {
			if !isB64(b[i]) {
				i++
				continue
			}
			j := i
			for j < len(b) && isB64(b[j]) {
				j++
			}
			if j-i >= n {
				return i, j, true
			}
			i = j
		}
		return 0, 0, false
	}
	f := b64Run()
	for _, n := range []int{9, 23, 32, 40} {
		for runLen := n - 2; runLen <= n+2; runLen++ {
			for _, lead := range []string{" ab", "abc-", "/x:", "ab_cd "} {
				for pad := range 2 * n {
					for _, tail := range []string{"", " x", "  ", "-abcdefgh"} {
						b := []byte(repeat(lead, pad/len(lead)) + repeat("A", runLen) + tail)
						for p := 0; p <= len(b); p++ {
							rs, re, ok := nextLongRun(b, p, n, &f)
							wrs, wre, wok := scan(b, p, n)
							require.Equal(t, wok, ok, "n %d run %d %q p %d", n, runLen, b, p)
							if ok {
								require.Equal(t, [2]int{wrs, wre}, [2]int{rs, re}, "n %d run %d %q p %d", n, runLen, b, p)
							}
						}
					}
				}
			}
		}
	}
}

func repeat(s string, n int) string {
	b := make([]byte, 0, len(s)*n)
	for range n {
		b = append(b, s...)
	}
	return string(b)
}

// b64Run is isB64 (alphanumerics, '+', '/', '='): a second class for the
// tests of the filters.
func b64Run() runFilter {
	return newRunFilter(asciiClass{lo: 0x23ff880000000000, hi: 0x07fffffe07fffffe},
		'+', 'z', [3][2]byte{{',', '.'}, {':', '<'}, {'>', '@'}})
}
