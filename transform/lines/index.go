package lines

import (
	"bytes"
	"math/bits"

	"github.com/objectlambda/sdk-go/transform/internal/bitscan"
)

// index maps a run of whole lines, one bit per byte (bitscan): its line
// feeds, and for each literal the places where it may start (its first
// two bytes in a row, or its only byte). Finding the next occurrence of a
// literal, and the line around it, is then a matter of the next or
// previous set bit, instead of a search through the bytes for each.
type index struct {
	run  []byte
	nl   []uint64
	lits []litMap
}

// litMap is the map of one literal's candidate starts, and its next
// occurrence as far as searched (-1: not searched yet).
type litMap struct {
	lit  []byte
	m    []uint64
	next int
}

// reset maps run for the literals lits.
func (ix *index) reset(run []byte, lits [][]byte) {
	ix.run = run
	words := bitscan.Words(len(run))
	ix.nl = grow(ix.nl, words)
	bitscan.Eq(ix.nl, run, '\n')
	if cap(ix.lits) < len(lits) {
		ix.lits = make([]litMap, len(lits))
	}
	ix.lits = ix.lits[:len(lits)]
	for k, lit := range lits {
		lm := &ix.lits[k]
		lm.lit, lm.next = lit, -1
		switch len(lit) {
		case 0: // matches everywhere: no map
		case 1:
			lm.m = grow(lm.m, words)
			bitscan.Eq(lm.m, run, lit[0])
		default:
			lm.m = grow(lm.m, words)
			bitscan.Pair(lm.m, run, lit[0], lit[1])
		}
	}
}

func grow(s []uint64, n int) []uint64 {
	if cap(s) < n {
		return make([]uint64, n)
	}
	return s[:n]
}

// nextLiteral returns the first occurrence at or after a of any of lits
// (literals of the index), or -1. Each literal remembers its
// next occurrence from earlier calls on the same run, so that it is not
// searched for again before the run reaches it.
func (ix *index) nextLiteral(a int, lits []litMap) int {
	best := -1
	for k := range lits {
		lm := &lits[k]
		if lm.next < a && lm.next != len(ix.run) {
			lm.next = ix.find(lm, a)
		}
		if lm.next < len(ix.run) && (best < 0 || lm.next < best) {
			best = lm.next
		}
	}
	return best
}

// find returns the first occurrence of lm.lit at or after a, or len(run).
func (ix *index) find(lm *litMap, a int) int {
	n := len(ix.run)
	if len(lm.lit) == 0 {
		return min(a, n)
	}
	for p := a; p < n; p++ {
		if p = next(lm.m, p, n); p == n {
			break
		}
		if len(lm.lit) <= 2 || bytes.HasPrefix(ix.run[p:], lm.lit) {
			return p
		}
	}
	return n
}

// next returns the position of the first set bit of m at or after i, or n
// (bits at n and after are zero).
func next(m []uint64, i, n int) int {
	if i >= n {
		return n
	}
	w := i / 64
	x := m[w] &^ (1<<uint(i%64) - 1)
	for x == 0 {
		if w++; w*64 >= n {
			return n
		}
		x = m[w]
	}
	return w*64 + bits.TrailingZeros64(x)
}

// lineStart returns the start of the line that holds position i.
func (ix *index) lineStart(i int) int {
	w := i / 64
	x := ix.nl[w] & (1<<uint(i%64) - 1)
	for x == 0 {
		if w == 0 {
			return 0
		}
		w--
		x = ix.nl[w]
	}
	return w*64 + bits.Len64(x)
}

// lineEnd returns the position after the line feed that ends the line
// holding position i (a run ends with one).
func (ix *index) lineEnd(i int) int {
	return next(ix.nl, i, len(ix.run)) + 1
}
