package redact

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// text is the window one step of the reader searches, with an index of
// candidate positions that the number matchers (cards, SSNs, phone
// numbers, IBANs) share.
//
// The index is built on first use in a step, in two passes that work on
// eight bytes at a time in a 64-bit register (SWAR): the first marks the
// digits of the window, one bit per byte; the second, only over the 64-byte
// words that hold a digit, computes for each kind of number the positions
// where one may start, with shifts and ANDs of those bits ("three digits
// then a non-digit", "thirteen digits or separators in a row"). A matcher
// then visits only its candidates and runs its exact test there. Prose has
// few digits, so the second pass skips most of it; logs have digits
// everywhere, but the shapes are selective enough that few candidates
// survive.
type text struct {
	b     []byte
	want  kinds // the kinds the reader's matchers use
	built bool

	digits []uint64           // bit i%64 of word i/64: b[i] is an ASCII digit
	cands  [numKinds][]uint64 // see shapes
	found  [numSlots]found    // answers of indexByte
}

// kind names a candidate bitmap of the index.
type kind uint8

const (
	kindCard  kind = iota // a card number may start at the bit
	kindSSN               // an SSN may start at the bit
	kindPhone             // a North American number starts at the bit, or one before it at a '('
	kindIBAN              // the check digits of an IBAN start at the bit
	numKinds
)

type kinds uint8

func (k kinds) has(x kind) bool { return k&(1<<x) != 0 }

// indexed is implemented by the matchers that use the index.
type indexed interface{ kind() kind }

// reset points tx at b and forgets the index of the previous step.
func (tx *text) reset(b []byte) {
	tx.b = b
	tx.built = false
	tx.found = [numSlots]found{}
}

// Slots of indexByte, one per byte a matcher searches with it.
const (
	slotKeyLower = iota
	slotKeyUpper
	numSlots
)

// found is the last answer of indexByte for a slot: no searched byte in
// b[from:at], and b[at] is one (or at is -1: none up to the end).
type found struct {
	from, at int
	ok       bool
}

// indexByte returns the position of the first c at or after i, or -1. A
// matcher that merges two bytes' positions searches again from where it
// stopped, and the slot's memory keeps such searches from scanning the
// same bytes twice in a step.
func (tx *text) indexByte(slot int, c byte, i int) int {
	f := &tx.found[slot]
	if f.ok && f.from <= i && (i <= f.at || f.at < 0) {
		return f.at
	}
	at := -1
	if i < len(tx.b) {
		if k := bytes.IndexByte(tx.b[i:], c); k >= 0 {
			at = i + k
		}
	}
	*f = found{from: i, at: at, ok: true}
	return at
}

// cand returns the candidate bitmap of k, building the index if needed.
// It has a zero word past the last (partial) word of b.
func (tx *text) cand(k kind) []uint64 {
	if !tx.built {
		tx.build()
		tx.built = true
	}
	return tx.cands[k]
}

// next returns the first position >= p (and < len(b)) whose bit is set in
// bm, or -1.
func next(bm []uint64, p int) int {
	w := p >> 6
	if w >= len(bm) {
		return -1
	}
	m := bm[w] &^ (1<<(uint(p)&63) - 1)
	for m == 0 {
		if w++; w == len(bm) {
			return -1
		}
		m = bm[w]
	}
	return w<<6 + bits.TrailingZeros64(m)
}

func (tx *text) build() {
	b := tx.b
	n := len(b)/64 + 2
	tx.digits = resize(tx.digits, n)
	for k := range tx.cands {
		if tx.want.has(kind(k)) {
			tx.cands[k] = resize(tx.cands[k], n)
			clear(tx.cands[k])
		}
	}
	words := len(b) / 64
	for w := 0; w < words; w++ {
		tx.digits[w] = digitWord(b[w*64:])
	}
	clear(tx.digits[words:])
	if rest := b[words*64:]; len(rest) > 0 {
		var pad [64]byte
		copy(pad[:], rest)
		tx.digits[words] = digitWord(pad[:]) & (1<<uint(len(rest)) - 1)
	}
	// Separators only matter next to digits; sepAt computes them for the
	// words that need them.
	var last uint64 // the previous digit word
	for w := 0; w < n-1; w++ {
		lo := tx.digits[w]
		if lo != 0 {
			tx.shapes(w, lo, tx.digits[w+1], last)
		}
		last = lo
	}
}

// shapes computes the candidates of word w from its digit bits (lo), those
// of the next word (hi) and of the word before (last).
//
// Most shapes are sequences of digit runs of given lengths: an SSN is a run
// of exactly three digits, one of two after a non-digit, then one of four;
// the bitmaps of the starts of runs of exactly one to four digits make
// each a few ANDs.
func (tx *text) shapes(w int, lo, hi, last uint64) {
	prev := lo<<1 | last>>63 // bit j: the byte before w*64+j is a digit
	starts := lo &^ prev     // digit runs start here
	x1, x2, x3, x4 := runLengths(starts, lo, hi)
	// Every SSN and North American number starts with a run of exactly
	// three digits, or of one ("1 415-555-2671").
	if x3|x1 != 0 && tx.want&(1<<kindSSN|1<<kindPhone) != 0 {
		tx.numberShapes(w, x1, x2, x3, x4, lo, hi)
	}
	if tx.want.has(kindIBAN) {
		// Two or more check digits, after two non-digits (then checked
		// to be upper-case letters).
		m := starts &^ x1 &^ (lo<<2 | last>>62)
		for c := m; c != 0; c &= c - 1 {
			j := bits.TrailingZeros64(c)
			if p := w*64 + j; p < 2 || !isUpper(tx.b[p-1]) || !isUpper(tx.b[p-2]) {
				m &^= 1 << j
			}
		}
		tx.cands[kindIBAN][w] = m
	}
	// A card number has at least seven digits in its first thirteen bytes.
	if tx.want.has(kindCard) && bits.OnesCount64(lo)+bits.OnesCount64(hi&(1<<13-1)) >= 7 {
		// Thirteen bytes in a row that are digits, or separators (' ' or
		// '-') between two digits: every card number starts with them.
		d := dpair{lo, hi}
		prevPair := dpair{prev, hi<<1 | lo>>63}
		gaps := prevPair.and(d.shr(1)).andNot(d) // a non-digit between two digits
		in := d.or(dpair{tx.seps(w, gaps.lo), tx.seps(w+1, gaps.hi&(1<<12-1))})
		in2 := in.and(in.shr(1))
		in4 := in2.and(in2.shr(2))
		in8 := in4.and(in4.shr(4))
		tx.cands[kindCard][w] = starts & in8.lo & in4.shr(8).lo & in.shr(12).lo
	}
}

// numberShapes computes the candidates of SSNs and North American numbers
// in word w from the starts of its runs of one to four digits (x1 to x4)
// and the digit bits of the word (lo) and the next (hi).
func (tx *text) numberShapes(w int, x1, x2, x3, x4, lo, hi uint64) {
	// The same run starts in the next word, whose first bits the shapes
	// reach into (its bits past the first 16 are not exact, and not used).
	_, h2, h3, h4 := runLengths(hi&^(hi<<1|lo>>63), hi, 0)
	if tx.want.has(kindSSN) {
		// ddd-dd-dddd
		tx.cands[kindSSN][w] = x3 & shr(x2, h2, 4) & shr(x4, h4, 7)
	}
	if tx.want.has(kindPhone) {
		// 415-555-2671 with any single non-digits between the groups, or
		// 415) 555-2671 after the '(' of "(415) 555-2671"; here or after a
		// "1" and a separator ("1 415-555-2671", "1 (415) 555-2671").
		nanp := func(k uint) uint64 { return shr(x3, h3, k) & shr(x3, h3, k+4) & shr(x4, h4, k+8) }
		paren := func(k uint) uint64 { return shr(x3, h3, k) & shr(x3, h3, k+5) & shr(x4, h4, k+9) }
		tx.cands[kindPhone][w] = nanp(0) | paren(0) | x1&(nanp(2)|nanp(3)|paren(3))
	}
}

// runLengths returns the starts of the digit runs of exactly one, two,
// three and four digits, given the run starts and the digit bits of a word
// (lo) and the next (hi).
func runLengths(starts, lo, hi uint64) (x1, x2, x3, x4 uint64) {
	a := starts
	s := shr(lo, hi, 1)
	x1, a = a&^s, a&s
	s = shr(lo, hi, 2)
	x2, a = a&^s, a&s
	s = shr(lo, hi, 3)
	x3, a = a&^s, a&s
	x4 = a &^ shr(lo, hi, 4)
	return x1, x2, x3, x4
}

// shr returns bits k..k+63 of the 128 bits hi:lo (0 < k < 64).
func shr(lo, hi uint64, k uint) uint64 { return lo>>k | hi<<(64-k) }

// seps returns the bits of gaps (positions of word w) whose byte is a card
// separator, ' ' or '-'.
func (tx *text) seps(w int, gaps uint64) uint64 {
	var m uint64
	for ; gaps != 0; gaps &= gaps - 1 {
		j := bits.TrailingZeros64(gaps)
		if c := tx.b[w*64+j]; c == ' ' || c == '-' {
			m |= 1 << j
		}
	}
	return m
}

// dpair is 128 bits of a bitmap: a word and the next; shr(k) shifts toward
// lower positions, so bit j of shr(k).lo is bit j+k of the pair.
type dpair struct{ lo, hi uint64 }

func (p dpair) shr(k uint) dpair     { return dpair{p.lo>>k | p.hi<<(64-k), p.hi >> k} }
func (p dpair) and(q dpair) dpair    { return dpair{p.lo & q.lo, p.hi & q.hi} }
func (p dpair) or(q dpair) dpair     { return dpair{p.lo | q.lo, p.hi | q.hi} }
func (p dpair) andNot(q dpair) dpair { return dpair{p.lo &^ q.lo, p.hi &^ q.hi} }

func resize(s []uint64, n int) []uint64 {
	if cap(s) < n {
		return make([]uint64, n)
	}
	return s[:n]
}

const (
	lsbs = 0x0101010101010101
	msbs = 0x8080808080808080
	// gatherMSB moves the top bit of each byte of x&msbs into the top byte,
	// in order: bit k of the result's top byte is the top bit of byte k.
	gatherMSB = 0x0002040810204081
)

// digitMask sets the top bit of every byte of x (eight bytes of text,
// little-endian) that is '0'..'9', and clears every other bit.
func digitMask(x uint64) uint64 {
	y := x ^ (0x30 * lsbs) // digits become 0..9
	// (y|0x80) - 10 keeps the top bit exactly when y&0x7f >= 10; no byte
	// borrows from its neighbour because every byte starts at >= 0x80.
	return ^((y | msbs) - 10*lsbs) &^ y & msbs
}

// gather packs the top bits of the bytes of m (a mask with only those bits
// set) into eight bits, shifted left by shift.
func gather(m uint64, shift uint) uint64 {
	return (m * gatherMSB >> 56) << shift
}

// digitWord returns the digit bits of the 64 bytes of c.
func digitWord(c []byte) uint64 {
	_ = c[63]
	m0 := digitMask(binary.LittleEndian.Uint64(c[0:]))
	m1 := digitMask(binary.LittleEndian.Uint64(c[8:]))
	m2 := digitMask(binary.LittleEndian.Uint64(c[16:]))
	m3 := digitMask(binary.LittleEndian.Uint64(c[24:]))
	m4 := digitMask(binary.LittleEndian.Uint64(c[32:]))
	m5 := digitMask(binary.LittleEndian.Uint64(c[40:]))
	m6 := digitMask(binary.LittleEndian.Uint64(c[48:]))
	m7 := digitMask(binary.LittleEndian.Uint64(c[56:]))
	if m0|m1|m2|m3|m4|m5|m6|m7 == 0 {
		return 0 // no digit: skip the gathering
	}
	return gather(m0, 0) | gather(m1, 8) | gather(m2, 16) | gather(m3, 24) |
		gather(m4, 32) | gather(m5, 40) | gather(m6, 48) | gather(m7, 56)
}
