package jsonmask

import (
	"bytes"
	"encoding/binary"
	"slices"
)

// A dstate is a set of path states (see pathSet) with its transitions,
// computed on first use: the states of a deterministic automaton over
// keys and indexes. The set of states after a key depends on the key only
// through the literal keys the set's patterns name ("email" in
// user.email): any other key leads to the same set, and so does any index
// the patterns do not name. A dstate keeps the children of those keys and
// indexes and the one child of all others, so following a path costs a few
// byte comparisons per key instead of a walk over every pattern.
type dstate struct {
	set []state
	act action // what to do with a value whose path ends here

	keys     [][]byte  // literal keys named by the set's patterns
	keyLens  uint64    // bit n%64 set: a key of n bytes
	keyWords []keyWord // keys as knownNear compares them, one per key
	onKey    []*dstate // their children, nil until used
	otherKey *dstate
	idxs     []int // literal indexes named by the set's patterns
	onIdx    []*dstate
	otherIdx *dstate
}

// A keyWord is a literal key as knownNear compares it: its first eight
// bytes, zero-padded, and its length (a key may hold a NUL byte).
type keyWord struct {
	w uint64
	n int
}

// maxDStates bounds a dfa's table. Past it the table starts afresh; the
// dstates in use keep their transitions, so nothing breaks, and memory
// stays bounded even for patterns whose sets multiply (many "**").
const maxDStates = 4096

// dfa builds and interns the dstates of one reader (a dfa is not safe for
// concurrent use; a Masker makes one per object).
type dfa struct {
	ps      *pathSet
	states  map[string]*dstate
	scratch []state
	keyBuf  []byte
}

func newDFA(ps *pathSet) *dfa {
	return &dfa{ps: ps, states: make(map[string]*dstate)}
}

func (a *dfa) root() *dstate { return a.intern(a.ps.root()) }

// intern returns the dstate of set, creating it if needed. set is not kept.
func (a *dfa) intern(set []state) *dstate {
	sorted := append(a.scratch[:0], set...)
	slices.Sort(sorted)
	a.scratch = sorted
	a.keyBuf = a.keyBuf[:0]
	for _, s := range sorted {
		a.keyBuf = binary.LittleEndian.AppendUint32(a.keyBuf, s)
	}
	if d, ok := a.states[string(a.keyBuf)]; ok {
		return d
	}
	if len(a.states) >= maxDStates {
		clear(a.states)
	}
	d := &dstate{set: slices.Clone(sorted), act: a.ps.action(sorted)}
	for _, s := range sorted {
		p, i := a.ps.split(s)
		if i >= len(a.ps.pats[p]) {
			continue
		}
		switch sg := a.ps.pats[p][i]; sg.kind {
		case segKey:
			if !slices.ContainsFunc(d.keys, func(k []byte) bool { return string(k) == sg.key }) {
				d.keys = append(d.keys, []byte(sg.key))
			}
		case segIndex:
			if !slices.Contains(d.idxs, sg.idx) {
				d.idxs = append(d.idxs, sg.idx)
			}
		}
	}
	for _, k := range d.keys {
		d.keyLens |= 1 << (len(k) & 63)
		var w [8]byte
		copy(w[:], k)
		d.keyWords = append(d.keyWords, keyWord{binary.LittleEndian.Uint64(w[:]), len(k)})
	}
	d.onKey = make([]*dstate, len(d.keys))
	d.onIdx = make([]*dstate, len(d.idxs))
	a.states[string(a.keyBuf)] = d
	return d
}

// knownNear returns the dstate after the plain object key buf[from:to]
// if it has been computed already (by key), else nil. A key with the
// length of one the patterns name is compared as one word (keyWords):
// one of up to eight bytes that has eight bytes of buf from its start.
// For any other such key it returns nil, and the caller asks key. Small
// enough to be inlined: no call for the keys of a record.
func (d *dstate) knownNear(buf []byte, from, to int) *dstate {
	n := to - from
	if d.keyLens>>(n&63)&1 == 0 {
		return d.otherKey
	}
	if n > 8 || from+8 > len(buf) {
		return nil
	}
	w := binary.LittleEndian.Uint64(buf[from:]) & (^uint64(0) >> (64 - 8*n))
	for j, kw := range d.keyWords {
		if kw.w == w && kw.n == n {
			return d.onKey[j]
		}
	}
	return d.otherKey
}

// key returns the dstate after object key k.
func (a *dfa) key(d *dstate, k []byte) *dstate {
	for j, lit := range d.keys {
		if bytes.Equal(lit, k) {
			if d.onKey[j] == nil {
				d.onKey[j] = a.intern(a.ps.stepKey(nil, d.set, true, k, 0))
			}
			return d.onKey[j]
		}
	}
	if d.otherKey == nil {
		// A key no pattern names: only wildcards and "**" go on. Step
		// with a key longer than every named one, so equal to none.
		n := 0
		for _, lit := range d.keys {
			n = max(n, len(lit))
		}
		d.otherKey = a.intern(a.ps.stepKey(nil, d.set, true, bytes.Repeat([]byte{0xff}, n+1), 0))
	}
	return d.otherKey
}

// indexNear is index for a dstate whose patterns name no index, once
// its child is known, small enough to be inlined; otherwise nil.
func (d *dstate) indexNear() *dstate {
	if len(d.idxs) == 0 {
		return d.otherIdx
	}
	return nil
}

// index returns the dstate after array index i.
func (a *dfa) index(d *dstate, i int) *dstate {
	for j, idx := range d.idxs {
		if idx == i {
			if d.onIdx[j] == nil {
				d.onIdx[j] = a.intern(a.ps.stepKey(nil, d.set, false, nil, i))
			}
			return d.onIdx[j]
		}
	}
	if d.otherIdx == nil {
		d.otherIdx = a.intern(a.ps.stepKey(nil, d.set, false, nil, -1))
	}
	return d.otherIdx
}
