package redact

import (
	"encoding/binary"
	"math/bits"
)

// text is the window one step of the reader searches, with an index of
// candidate positions that the number matchers (cards, SSNs, phone
// numbers, IBANs) share.
//
// The index is built on first use in a step, in two passes that work on
// many bytes at a time in a 64-bit register. The first marks the digits of
// the window, one bit per byte, eight bytes at a time (SWAR). The second
// reads those bits 64 at a time, in windows that start every 48 bytes, and
// computes for each kind of number the positions where one may start with
// shifts and ANDs ("a run of exactly three digits, one non-digit, three
// digits, one non-digit, four digits" for 415-555-2671): the 16 bits past
// the 48 positions a window decides are the look-ahead of the shapes, so no
// shape needs the next window. A matcher then visits only its candidates,
// in order, and runs its exact test there.
type text struct {
	b     []byte
	want  kinds // the kinds the reader's matchers use
	built bool

	digits []uint64          // bit i%64 of word i/64: b[i] is an ASCII digit
	cands  [numKinds][]int32 // candidate positions of each kind, ascending
	next   [numKinds]int     // cands[k][:next[k]] lie before the last search's start
}

// kind names a candidate list of the index.
type kind uint8

const (
	kindCard  kind = iota // a card number may start at the position
	kindSSN               // an SSN may start at the position
	kindPhone             // a North American number starts at the position, or one before it at a '('
	kindIBAN              // the check digits of an IBAN start at the position
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
}

// candidates returns the candidates of k at or after from, building the
// index if needed. The reader searches each matcher with a growing from
// within a step, so the list is walked once per step.
func (tx *text) candidates(k kind, from int) []int32 {
	if !tx.built {
		tx.build()
		tx.built = true
	}
	c, i := tx.cands[k], tx.next[k]
	if i > 0 && int(c[i-1]) >= from {
		i = 0 // a search from further back (tests do that): start over
	}
	for i < len(c) && int(c[i]) < from {
		i++
	}
	tx.next[k] = i
	return c[i:]
}

func (tx *text) build() {
	b := tx.b
	words := len(b) / 64
	d := resize(tx.digits, words+2) // zero words past the end, for the windows
	tx.digits = d
	digitBits(d, b)
	clear(d[words:])
	if rest := b[words*64:]; len(rest) > 0 {
		var pad [64]byte
		copy(pad[:], rest)
		d[words] = digitWord(pad[:]) & (1<<uint(len(rest)) - 1)
	}
	for k := range tx.cands {
		tx.cands[k], tx.next[k] = tx.cands[k][:0], 0
	}
	// Windows of 64 digit bits, one every shapeSpan positions. A window
	// goes on to shapes unless no candidate can start in it: IBANs need two
	// digits in a row, the others seven digits in 13 bytes. Prose has a
	// few digits here and there; most of its windows stop here.
	const decided = 1<<shapeSpan - 1
	iban := tx.want.has(kindIBAN)
	for i := 0; i < len(b); i += shapeSpan {
		x := bitsAt(d, i)
		if x&decided == 0 || bits.OnesCount64(x) < 7 && !(iban && x&(x>>1)&decided != 0) {
			continue
		}
		var prev uint64 // the digit bits of positions i-2 and i-1
		if i >= 2 {
			prev = bitsAt(d, i-2) & 3
		}
		tx.shapes(i, x, prev)
	}
}

// bitsAt returns bits i to i+63 of the bitmap bm, which has a word past
// the one that holds bit i.
func bitsAt(bm []uint64, i int) uint64 {
	w, o := i>>6, uint(i&63)
	return bm[w]>>o | bm[w+1]<<(64-o) // a shift by 64 gives 0
}

// shapeSpan is how many positions one window of the second pass decides;
// the other 64-shapeSpan bits of the window are the shapes' look-ahead.
const shapeSpan = 48

// shapes adds the candidates of positions i to i+shapeSpan-1.
//
// Most shapes are sequences of digit runs of given lengths: an SSN is a run
// of exactly three digits, then (one byte on) one of two, then one of four;
// the bitmaps of the starts of runs of exactly one to four digits make each
// a few ANDs.
func (tx *text) shapes(i int, x, prev uint64) {
	b := tx.b
	before := x<<1 | prev>>1 // bit j: b[i+j-1] is a digit
	starts := x &^ before    // digit runs start here
	d1, d2, d3, d4 := x>>1, x>>2, x>>3, x>>4
	r2 := starts & d1 // runs of two or more digits
	if tx.want.has(kindIBAN) {
		// Two or more check digits after two upper-case letters.
		m := r2 &^ (x<<2 | prev) & tx.mask(i)
		if i == 0 {
			m &^= 3 // no room for the letters
		}
		for ; m != 0; m &= m - 1 {
			p := i + bits.TrailingZeros64(m)
			if max(b[p-1]-'A', b[p-2]-'A') < 26 {
				tx.cands[kindIBAN] = append(tx.cands[kindIBAN], int32(p))
			}
		}
	}
	// Cards, SSNs and North American numbers have seven digits or more in
	// their first 13 bytes, which a window holds for every start it decides.
	if bits.OnesCount64(x) < 7 {
		return
	}
	x1, r3 := starts&^d1, r2&d2
	x2, x3, r4 := r2&^d2, r3&^d3, r3&d3
	x4 := r4 &^ d4
	if tx.want.has(kindSSN) {
		tx.add(kindSSN, i, x3&(x2>>4)&(x4>>7)) // ddd-dd-dddd
	}
	if tx.want.has(kindPhone) {
		// 415-555-2671 with any single non-digits between the groups, or
		// 415) 555-2671 after the '(' of "(415) 555-2671"; here or after a
		// "1" and a separator ("1 415-555-2671", "1 (415) 555-2671").
		p4 := x3 & (x3 >> 4) & (x4 >> 8)
		p5 := x3 & (x3 >> 5) & (x4 >> 9)
		tx.add(kindPhone, i, p4|p5|x1&(p4>>2|p4>>3|p5>>3))
	}
	if tx.want.has(kindCard) {
		// Thirteen bytes in a row that are digits, or single separators
		// (' ' or '-') between two digits: every card number starts with
		// them, and not after a digit and a separator.
		gaps := before &^ x & d1
		in := x | gaps
		in2 := in & (in >> 1)
		in4 := in2 & (in2 >> 2)
		in8 := in4 & (in4 >> 4)
		for m := starts & in8 & (in4 >> 8) & (in >> 12) & tx.mask(i); m != 0; m &= m - 1 {
			j := uint(bits.TrailingZeros64(m))
			p := i + int(j)
			if (x<<2|prev)>>j&1 != 0 && isCardSep(b[p-1]) {
				continue // after a digit and a separator: inside a number
			}
			if cardSeps(b, p, gaps>>j) {
				tx.cands[kindCard] = append(tx.cands[kindCard], int32(p))
			}
		}
	}
}

// mask keeps the bits of the positions a window at i decides: the first
// shapeSpan, and none past the end of the text.
func (tx *text) mask(i int) uint64 {
	if n := len(tx.b) - i; n < shapeSpan {
		return 1<<uint(n) - 1
	}
	return 1<<shapeSpan - 1
}

// add appends the positions i+j of the bits j of m that the window at i
// decides to the candidates of k.
func (tx *text) add(k kind, i int, m uint64) {
	for m &= tx.mask(i); m != 0; m &= m - 1 {
		tx.cands[k] = append(tx.cands[k], int32(i+bits.TrailingZeros64(m)))
	}
}

// cardSeps reports whether the bytes at p+k for the bits k < 13 of gaps are
// all card separators (' ' or '-').
func cardSeps(t []byte, p int, gaps uint64) bool {
	gaps &= 1<<13 - 1
	if gaps == 0 {
		return true
	}
	if p+16 > len(t) {
		for ; gaps != 0; gaps &= gaps - 1 {
			if !isCardSep(t[p+bits.TrailingZeros64(gaps)]) {
				return false
			}
		}
		return true
	}
	lo, hi := binary.LittleEndian.Uint64(t[p:]), binary.LittleEndian.Uint64(t[p+8:])
	seps := gather(eqMask(lo, ' ')|eqMask(lo, '-'), 0) | gather(eqMask(hi, ' ')|eqMask(hi, '-'), 8)
	return gaps&^seps == 0
}

// eqMask sets the top bit of every byte of x that equals c, and clears
// every other bit.
func eqMask(x uint64, c byte) uint64 {
	z := x ^ uint64(c)*lsbs // bytes equal to c become 0
	// (z&0x7f) + 0x7f sets the top bit of every byte but zero ones (no
	// carry crosses bytes); z's own top bit covers bytes >= 0x80.
	return ^((z&^msbs + 0x7f*lsbs) | z) & msbs
}

func resize(s []uint64, n int) []uint64 {
	if cap(s) < n {
		return make([]uint64, n)
	}
	return s[:n]
}

const (
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

// digitWord returns the digit bits of the 64 bytes of c, eight bytes at a
// time in a 64-bit register (SWAR): digitBits on processors without an
// assembly version, and the tail of a text on all.
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
