package redact

import "encoding/binary"

// Long runs of one class of bytes (token characters for high-entropy
// tokens) are found by sampling. A run of n or
// more bytes covers one of the 8-byte windows that start every n-7 bytes,
// so only where a window could lie inside a run do the bytes around it
// need a look. Whether a window could, a few
// operations on the eight bytes in a 64-bit register tell (runFilter):
// prose and logs break such runs every few bytes (spaces, dots, dashes,
// colons), so almost every window fails the test and the search moves on.

// asciiClass is a set of ASCII bytes, one bit per byte value: bit c of lo
// for c < 64, bit c-64 of hi for 64 <= c < 128.
type asciiClass struct{ lo, hi uint64 }

func (a asciiClass) has(c byte) bool {
	m := a.lo
	if c >= 64 {
		m = a.hi
	}
	return c < 128 && m>>(c&63)&1 != 0
}

// classOf returns the class of the ASCII bytes for which in holds.
func classOf(in func(byte) bool) asciiClass {
	var a asciiClass
	for c := range 128 {
		if !in(byte(c)) {
			continue
		}
		if c < 64 {
			a.lo |= 1 << c
		} else {
			a.hi |= 1 << (c - 64)
		}
	}
	return a
}

// runFilter is a superset of a class that eight bytes can be tested
// against at once: the bytes lo..hi but those of three excluded ranges,
// each bound repeated in every byte of a word (see newRunFilter).
type runFilter struct {
	class      asciiClass
	geLo, gtHi uint64
	not        [3][2]uint64 // [first, last+1] of each excluded range
}

// newRunFilter returns the filter of class: bytes lo..hi, but none of the
// inclusive ranges in not.
func newRunFilter(class asciiClass, lo, hi byte, not [3][2]byte) runFilter {
	f := runFilter{class: class, geLo: uint64(lo) * lsbs, gtHi: uint64(hi+1) * lsbs}
	for i, r := range not {
		f.not[i] = [2]uint64{uint64(r[0]) * lsbs, uint64(r[1]+1) * lsbs}
	}
	return f
}

// tokenRun is isTokenChar (alphanumerics, '+', '/', '_', '-');
// runs_test.go checks the class against that function and the filter
// against the class.
func tokenRun() runFilter {
	return newRunFilter(asciiClass{lo: 0x03ffa80000000000, hi: 0x07fffffe87fffffe},
		'+', 'z', [3][2]byte{{',', ','}, {'.', '.'}, {':', '@'}})
}

const (
	lsbs = 0x0101010101010101
	msbs = 0x8080808080808080
)

// window reports whether all eight bytes of x (little-endian) may be in
// f's class: they are ASCII, in lo..hi and in none of the excluded ranges.
func (f *runFilter) window(x uint64) bool {
	return f.pass(x, f.geLo, f.gtHi, f.not[0][0], f.not[0][1], f.not[1][0], f.not[1][1], f.not[2][0], f.not[2][1])
}

// pass is window with the bounds in arguments, so that a loop keeps them
// in registers.
func (*runFilter) pass(x, geLo, gtHi, a0, a1, b0, b1, c0, c1 uint64) bool {
	// With every top bit set, byte b - c keeps its top bit exactly when
	// b >= c, and no byte borrows from the next.
	y := x | msbs
	if (y-geLo)&^(y-gtHi)&^x&msbs != msbs {
		return false // most windows: a space, a control or non-ASCII byte
	}
	out := (y-a0)&^(y-a1) | (y-b0)&^(y-b1) | (y-c0)&^(y-c1)
	return out&msbs == 0
}

// nextLongRun returns the first maximal run of bytes of f's class that has
// at least n (>= 9) bytes at or after p: its end re (t[re] is not in the
// class, or re == len(t)) and its start rs clamped to p (the run may begin
// before p; callers that care look at t[p-1]).
func nextLongRun(t []byte, p, n int, f *runFilter) (rs, re int, ok bool) {
	// The 8-byte windows inside a run of length L (from its start or p)
	// start at L-7 positions, so one window in n-7 falls inside any run
	// of n bytes.
	k := n - 7
	geLo, gtHi, a0, a1, b0, b1, c0, c1 := f.geLo, f.gtHi, f.not[0][0], f.not[0][1], f.not[1][0], f.not[1][1], f.not[2][0], f.not[2][1]
	for q := p; q+8 <= len(t); q += k {
		if !f.pass(binary.LittleEndian.Uint64(t[q:q+8]), geLo, gtHi, a0, a1, b0, b1, c0, c1) {
			continue // most windows: a space, a dot, a quote...
		}
		switch rs, re, next := f.around(t, p, q, n); {
		case re > rs:
			return rs, re, true
		case next > 0:
			q = next - k
		}
	}
	return 0, 0, false
}

// around looks at the bytes around the window t[q:q+8], which passed the
// filter: it returns the run of at least n bytes of the class (from p) that
// holds the window if there is one, or else where to search on (0: at the
// next window).
func (f *runFilter) around(t []byte, p, q, n int) (rs, re, next int) {
	// A run of n bytes around the window holds m more bytes on one side
	// of it at least, so the windows there pass the filter too.
	m := (n - 8 + 1) / 2
	ok := func(i int) bool { return f.window(binary.LittleEndian.Uint64(t[i:])) }
	left := q-m >= p && ok(q-m) && (m < 8 || ok(q-8))
	right := q+8+m <= len(t) && ok(q+m) && (m < 8 || ok(q+8))
	if !left && !right {
		return 0, 0, 0
	}
	e := q
	for e < len(t) && f.class.has(t[e]) {
		e++
	}
	if e >= q+8 { // the window lies inside a run: find its start
		s := q
		for s > p && f.class.has(t[s-1]) {
			s--
		}
		if e-s >= n {
			return s, e, 0
		}
	}
	return 0, 0, e + 1 // any other run of the class lies after e
}
