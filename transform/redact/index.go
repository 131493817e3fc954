package redact

import (
	"math/bits"

	"github.com/objectlambda/sdk-go/transform/internal/bitscan"
)

// text is the window one step of the reader searches, with an index of
// candidate positions that the number matchers (cards, SSNs, phone
// numbers, IBANs) and the secret-key matcher share.
//
// The index is built on first use in a step, in two passes that work on
// many bytes at a time. The first maps the window, one bit per byte, with
// transform/internal/bitscan: its digits, and where digits are dense and
// the kinds in use need them its upper-case letters (IBANs) and card
// separators; secret keys get a map of the "cr" of their keyword. The
// second reads the digit bits 64 at a time, in windows that start every
// 48 bytes, and computes for each kind of number the positions where one
// may start with shifts and ANDs ("a run of exactly three digits, one
// non-digit, three digits, one non-digit, four digits" for 415-555-2671):
// the 16 bits past the 48 positions a window decides are the look-ahead of
// the shapes, so no shape needs the next window. A matcher then visits
// only its candidates, in order, and runs its exact test there.
type text struct {
	b     []byte
	want  kinds // the kinds the reader's matchers use
	built bool

	// Maps of b, bit i%64 of word i/64 for b[i], with zero words past the
	// end: ASCII digits; upper-case letters (IBANs, dense digits only);
	// card separators, ' ' and '-' (cards, dense digits only).
	digits, upper, seps []uint64
	dense               bool              // upper and seps are built (see build)
	scratch             []uint64          // a map used only while building
	cands               [numKinds][]int32 // candidate positions of each kind, ascending
	next                [numKinds]int     // cands[k][:next[k]] lie before the last search's start
}

// kind names a candidate list of the index.
type kind uint8

const (
	kindCard   kind = iota // a card number may start at the position
	kindSSN                // an SSN may start at the position
	kindPhone              // a North American number starts at the position, or one before it at a '('
	kindIBAN               // the check digits of an IBAN start at the position
	kindSecret             // "secret", in any case, may start at the position
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
	tx.mapDigits()
	tx.index(tx.digitsDense())
}

// mapDigits maps the digits of the window.
func (tx *text) mapDigits() {
	words := bitscan.Words(len(tx.b))
	tx.digits = resize(tx.digits, words+2)
	bitscan.Range(tx.digits[:words], tx.b, '0', '9')
	clear(tx.digits[words:])
}

// digitsDense reports whether one byte in denseDigits or more is a digit.
// Where digits are dense (logs), most windows go on to the IBAN and card
// shapes, and maps of their letters and separators are cheaper than
// looking at the bytes of each candidate; in prose, candidates are rare
// and the maps would cost more than they save.
func (tx *text) digitsDense() bool {
	n := 0
	for _, w := range tx.digits {
		n += bits.OnesCount64(w)
	}
	return n*denseDigits >= len(tx.b)
}

// index builds the candidate lists from the digit map, with the maps of
// upper-case letters and card separators when dense is set (the lists are
// the same either way).
func (tx *text) index(dense bool) {
	b := tx.b
	words := bitscan.Words(len(b))
	tx.dense = dense
	if dense && tx.want.has(kindIBAN) {
		tx.upper = resize(tx.upper, words+2)
		bitscan.Range(tx.upper[:words], b, 'A', 'Z')
		clear(tx.upper[words:])
	}
	if dense && tx.want.has(kindCard) {
		tx.seps = resize(tx.seps, words+2)
		bitscan.Eq4(tx.seps[:words], b, ' ', '-', ' ', '-')
		clear(tx.seps[words:])
	}
	for k := range tx.cands {
		tx.cands[k], tx.next[k] = tx.cands[k][:0], 0
	}
	if tx.want.has(kindSecret) {
		tx.secrets(words)
	}
	// Windows of 64 digit bits, one every shapeSpan positions. A window
	// goes on to shapes unless no candidate can start in it: IBANs need two
	// digits in a row, the others seven digits in 13 bytes. Prose has a
	// few digits here and there; most of its windows stop here.
	const decided = 1<<shapeSpan - 1
	iban := tx.want.has(kindIBAN)
	d := tx.digits
	for i := 0; i < len(b); i += shapeSpan {
		x := bitsAt(d, i)
		if x&decided == 0 || bits.OnesCount64(x) < 7 && !(iban && x&(x>>1)&decided != 0) {
			continue
		}
		tx.shapes(i, x)
	}
}

// secrets adds the candidates of secret keys: the "cr" of "secret", in any
// case, is rare in text and logs, so the positions two bytes before it are
// few.
func (tx *text) secrets(words int) {
	cr := resize(tx.scratch, words)
	tx.scratch = cr
	bitscan.PairFold(cr, tx.b, 'c', 'r')
	for w, m := range cr {
		for ; m != 0; m &= m - 1 {
			if p := w*64 + bits.TrailingZeros64(m) - 2; p >= 0 {
				tx.cands[kindSecret] = append(tx.cands[kindSecret], int32(p))
			}
		}
	}
}

// before returns bits i-2 to i+61 of bm (i is a multiple of shapeSpan, so
// i-2 is only negative at 0).
func before(bm []uint64, i int) uint64 {
	if i == 0 {
		return bm[0] << 2
	}
	return bitsAt(bm, i-2)
}

// bitsAt returns bits i to i+63 of the bitmap bm, which has a word past
// the one that holds bit i.
func bitsAt(bm []uint64, i int) uint64 {
	w, o := i>>6, uint(i&63)
	return bm[w]>>o | bm[w+1]<<(64-o) // a shift by 64 gives 0
}

// denseDigits: a window where one byte in denseDigits or more is a digit
// has the maps of upper-case letters and card separators built.
const denseDigits = 16

// shapeSpan is how many positions one window of the second pass decides;
// the other 64-shapeSpan bits of the window are the shapes' look-ahead.
const shapeSpan = 48

// shapes adds the candidates of positions i to i+shapeSpan-1.
//
// Most shapes are sequences of digit runs of given lengths: an SSN is a run
// of exactly three digits, then (one byte on) one of two, then one of four;
// the bitmaps of the starts of runs of exactly one to four digits make each
// a few ANDs.
func (tx *text) shapes(i int, x uint64) {
	// The bits before i: prev has those of digits at i-2 and i-1 as bits
	// 0 and 1.
	prev := before(tx.digits, i) & 3
	after := x<<1 | prev>>1 // bit j: b[i+j-1] is a digit
	starts := x &^ after    // digit runs start here
	d1, d2, d3, d4 := x>>1, x>>2, x>>3, x>>4
	r2 := starts & d1 // runs of two or more digits
	if tx.want.has(kindIBAN) {
		// Two or more check digits after two upper-case letters.
		m := r2 &^ (x<<2 | prev)
		if tx.dense {
			u := before(tx.upper, i) // bit j: b[i+j-2]
			tx.add(kindIBAN, i, m&u&(u>>1))
		} else {
			tx.ibans(i, m)
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
		gaps := after &^ x & d1 // single non-digits between digits
		s := ^uint64(0)         // without the map: any byte, checked below
		if tx.dense {
			s = before(tx.seps, i) // bit j: b[i+j-2]
			gaps &= s >> 2
		}
		in := x | gaps
		in2 := in & (in >> 1)
		in4 := in2 & (in2 >> 2)
		in13 := in4 & (in4 >> 4) & (in4 >> 8) & (in >> 12)
		if tx.dense {
			tx.add(kindCard, i, starts&in13&^(s>>1&(x<<2|prev)))
		} else {
			tx.cards(i, starts&in13, x<<2|prev, gaps)
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

// ibans adds the IBAN candidates of the window at i without the map of
// upper-case letters: the bits j of m where b[i+j-2] and b[i+j-1] are.
func (tx *text) ibans(i int, m uint64) {
	for m &= tx.mask(i); m != 0; m &= m - 1 {
		if p := i + bits.TrailingZeros64(m); p >= 2 && isUpper(tx.b[p-1]) && isUpper(tx.b[p-2]) {
			tx.cands[kindIBAN] = append(tx.cands[kindIBAN], int32(p))
		}
	}
}

// cards adds the card candidates of the window at i without the map of
// separators: of the bits j of m, those where every gap (bit k of gaps, j
// <= k < j+13) is a separator, and that do not follow a digit (bit j of
// digit2: b[i+j-2]) and a separator.
func (tx *text) cards(i int, m, digit2, gaps uint64) {
	b := tx.b
	for m &= tx.mask(i); m != 0; m &= m - 1 {
		j := bits.TrailingZeros64(m)
		p := i + j
		if digit2>>j&1 != 0 && isCardSep(b[p-1]) {
			continue // after a digit and a separator: inside a number
		}
		ok := true
		for g := gaps >> j & (1<<13 - 1); g != 0 && ok; g &= g - 1 {
			ok = isCardSep(b[p+bits.TrailingZeros64(g)])
		}
		if ok {
			tx.cands[kindCard] = append(tx.cands[kindCard], int32(p))
		}
	}
}

// add appends the positions i+j of the bits j of m that the window at i
// decides to the candidates of k.
func (tx *text) add(k kind, i int, m uint64) {
	for m &= tx.mask(i); m != 0; m &= m - 1 {
		tx.cands[k] = append(tx.cands[k], int32(i+bits.TrailingZeros64(m)))
	}
}

func resize(s []uint64, n int) []uint64 {
	if cap(s) < n {
		return make([]uint64, n)
	}
	return s[:n]
}
