package lines

import (
	"bytes"
	"encoding/binary"
	"math/bits"

	"github.com/objectlambda/sdk-go/transform/internal/bitscan"
)

// index maps a run of whole lines, one bit per byte (bitscan.LinesPrefix,
// one pass): its line feeds, and the places where one of the literals
// that pick lines (the keep literals, or the drop literals when there are
// none) starts, as far as its first four bytes tell. reader.walk turns
// the maps into the ends of the matching lines with one addition per
// word.
type index struct {
	run      []byte
	nl, cand []uint64
	tmp      []uint64 // the map of another literal
	tmpNL    []uint64 // its line feeds again (the same)
	lits     []litWord
	// exact: a candidate is an occurrence (no literal is longer than
	// four bytes), no comparison needed.
	exact bool
}

// litWord is a literal with its first eight bytes as a little-endian
// word (zero-padded) and the mask of the bytes it has there: most
// candidates are checked with one load and compare.
type litWord struct {
	lit        []byte
	word, mask uint64
}

// reset maps run for lits, none of them empty.
func (ix *index) reset(run []byte, lits [][]byte) {
	ix.run = run
	ix.lits = ix.lits[:0]
	ix.exact = true
	for _, lit := range lits {
		var pad [8]byte
		n := copy(pad[:], lit)
		ix.lits = append(ix.lits, litWord{lit: lit, word: binary.LittleEndian.Uint64(pad[:]), mask: 1<<(8*uint(n)) - 1})
		ix.exact = ix.exact && n <= 4
	}
	words := bitscan.Words(len(run))
	ix.nl = grow(ix.nl, words)
	ix.cand = grow(ix.cand, words)
	for k, lit := range lits {
		if k == 0 {
			bitscan.LinesPrefix(ix.cand, ix.nl, run, lit)
			continue
		}
		// Another literal: its own map (and the line feeds again), ORed in.
		ix.tmp, ix.tmpNL = grow(ix.tmp, words), grow(ix.tmpNL, words)
		bitscan.LinesPrefix(ix.tmp, ix.tmpNL, run, lit)
		for w, x := range ix.tmp {
			ix.cand[w] |= x
		}
	}
}

func grow(s []uint64, n int) []uint64 {
	if cap(s) < n {
		return make([]uint64, n)
	}
	return s[:n]
}

// match reports whether one of the literals starts at p, a candidate.
func (ix *index) match(p int) bool {
	if p+8 > len(ix.run) {
		for _, lw := range ix.lits {
			if bytes.HasPrefix(ix.run[p:], lw.lit) {
				return true
			}
		}
		return false
	}
	x := binary.LittleEndian.Uint64(ix.run[p:])
	for _, lw := range ix.lits {
		if x&lw.mask == lw.word && (len(lw.lit) <= 8 || bytes.HasPrefix(ix.run[p+8:], lw.lit[8:])) {
			return true
		}
	}
	return false
}

// occ returns the occurrences among the candidates of word w (a map
// that is not exact), nw the
// word's line feeds, as far as walk needs them: only the first occurrence
// of a line counts, so the candidates after it in its line are not
// checked (nor returned).
func (ix *index) occ(w int, nw uint64) uint64 {
	m := ix.cand[w]
	var occ uint64
	for m != 0 {
		b := bits.TrailingZeros64(m)
		if !ix.match(w*64 + b) {
			m &= m - 1
			continue
		}
		occ |= 1 << uint(b)
		x := nw &^ (1<<uint(b) - 1) // the line feeds after b
		if x == 0 {
			break // the line goes on into the next word
		}
		m &^= x&-x - 1 // the candidates up to the line's end
	}
	return occ
}

// walkable reports whether reader.walk can decide runs for lits, the
// literals that pick lines: it needs a byte to map for each.
func walkable(lits [][]byte) bool {
	for _, lit := range lits {
		if len(lit) == 0 {
			return false
		}
	}
	return true
}
