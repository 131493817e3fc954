// Package spool finds a byte range in a stream whose length is not known in
// advance, for Range requests on transformed output: it reads the stream to
// its end, counting it, and keeps only the requested bytes, in memory, up to
// a budget. When the range is larger than the budget it keeps a digest of
// the range instead, so that a second reading of the stream can be streamed
// to the caller and checked against the first ([Digest.Verify]). Nothing is
// ever written to disk, and memory never exceeds the budget: bytes are kept
// in fixed-size chunks, not in a buffer that doubles.
package spool

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
)

// chunkSize is the unit of memory kept bytes are held in.
const chunkSize = 64 << 10

// Kept is the outcome of reading a stream for a range: its total length and
// either the range's bytes (Fit) or a digest of them.
type Kept struct {
	// Total is the number of bytes the stream yielded in all.
	Total  int64
	chunks [][]byte
	held   int64
	fit    bool
	digest Digest
}

// Fit reports whether the range's bytes were kept.
func (k *Kept) Fit() bool { return k.fit }

// Reader returns the kept bytes (empty unless Fit).
func (k *Kept) Reader() io.Reader {
	rs := make([]io.Reader, len(k.chunks))
	for i, c := range k.chunks {
		rs[i] = bytes.NewReader(c)
	}
	return io.MultiReader(rs...)
}

// Digest returns the digest of the range's bytes, when they did not fit
// (KeepRange only; a tail too large to keep is only counted).
func (k *Kept) Digest() (Digest, bool) { return k.digest, !k.fit && k.digest.valid }

// KeepRange reads r to EOF and keeps bytes from..from+limit-1 of it (limit <
// 0: from to the end), in memory if they fit in budget bytes; otherwise it
// keeps their digest.
func KeepRange(r io.Reader, from, limit, budget int64) (*Kept, error) {
	k := &Kept{fit: true}
	w := &rangeWriter{k: k, skip: from, keep: limit, budget: budget}
	w.k.digest = newDigest()
	n, err := io.Copy(w, r)
	if err != nil {
		return nil, err
	}
	k.Total = n
	if k.fit {
		k.digest = Digest{}
	} else {
		k.digest.valid = true
	}
	return k, nil
}

// rangeWriter passes the bytes of its range to the Kept and drops the rest.
type rangeWriter struct {
	k      *Kept
	skip   int64 // bytes still to drop before the range
	keep   int64 // bytes of the range still to come; < 0: no limit
	budget int64
}

func (w *rangeWriter) Write(p []byte) (int, error) {
	n := len(p)
	if w.skip > 0 {
		k := min(int64(len(p)), w.skip)
		w.skip -= k
		p = p[k:]
	}
	if w.keep >= 0 {
		p = p[:min(int64(len(p)), w.keep)]
		w.keep -= int64(len(p))
	}
	if len(p) == 0 {
		return n, nil
	}
	w.k.digest.write(p)
	if !w.k.fit {
		return n, nil
	}
	if w.k.held+int64(len(p)) > w.budget {
		// The range does not fit: drop what was kept, the digest stays.
		w.k.fit, w.k.chunks, w.k.held = false, nil, 0
		return n, nil
	}
	w.k.hold(p)
	return n, nil
}

// hold appends p to the kept chunks.
func (k *Kept) hold(p []byte) {
	for len(p) > 0 {
		if len(k.chunks) == 0 || len(k.chunks[len(k.chunks)-1]) == cap(k.chunks[len(k.chunks)-1]) {
			k.chunks = append(k.chunks, make([]byte, 0, chunkSize))
		}
		last := &k.chunks[len(k.chunks)-1]
		m := min(len(p), cap(*last)-len(*last))
		*last = append(*last, p[:m]...)
		p = p[m:]
		k.held += int64(m)
	}
}

// KeepTail reads r to EOF and keeps its last n bytes in memory if n fits in
// budget; otherwise it only counts r (the tail of a second reading cannot be
// checked against a digest it never had, only its length can).
func KeepTail(r io.Reader, n, budget int64) (*Kept, error) {
	if n > budget {
		total, err := io.Copy(io.Discard, r)
		if err != nil {
			return nil, err
		}
		return &Kept{Total: total}, nil
	}
	t := &tailWriter{n: int(n)}
	total, err := io.Copy(t, r)
	if err != nil {
		return nil, err
	}
	k := &Kept{Total: total, fit: true}
	k.hold(t.bytes())
	return k, nil
}

// tailWriter keeps the last n bytes written in a ring that grows to n only as
// data arrives.
type tailWriter struct {
	n     int
	ring  []byte
	start int // index of the oldest byte once the ring is full
}

func (t *tailWriter) Write(p []byte) (int, error) {
	written := len(p)
	if t.n == 0 {
		return written, nil
	}
	if len(p) >= t.n {
		t.ring = append(t.ring[:0], p[len(p)-t.n:]...)
		t.start = 0
		return written, nil
	}
	for len(t.ring) < t.n && len(p) > 0 {
		if len(t.ring) == cap(t.ring) {
			grown := make([]byte, len(t.ring), min(t.n, max(2*cap(t.ring), chunkSize)))
			copy(grown, t.ring)
			t.ring = grown
		}
		k := min(len(p), cap(t.ring)-len(t.ring))
		t.ring = append(t.ring, p[:k]...)
		p = p[k:]
	}
	for len(p) > 0 {
		k := copy(t.ring[t.start:], p)
		p = p[k:]
		t.start = (t.start + k) % t.n
	}
	return written, nil
}

func (t *tailWriter) bytes() []byte {
	if len(t.ring) < t.n || t.start == 0 {
		return t.ring
	}
	out := make([]byte, 0, t.n)
	out = append(out, t.ring[t.start:]...)
	return append(out, t.ring[:t.start]...)
}

// Digest identifies a range's bytes as a first reading saw them.
type Digest struct {
	h     *maphash.Hash
	n     int64
	valid bool
}

func newDigest() Digest { return Digest{h: new(maphash.Hash)} }

func (d *Digest) write(p []byte) {
	d.h.Write(p)
	d.n += int64(len(p))
}

// Len is the number of bytes the digest covers.
func (d Digest) Len() int64 { return d.n }

// ErrChanged is returned when a second reading differs from the first.
var ErrChanged = errors.New("spool: the stream differs from its first reading")

// Verify returns a reader that yields the first d.Len() bytes of r and
// fails, instead of yielding the last of them, when they are not the bytes
// the digest saw (or r ends early). So a range streamed from a second reading
// never reaches the caller complete unless it is exactly the first.
func (d Digest) Verify(r io.Reader) io.Reader {
	v := &verifier{r: io.LimitReader(r, d.n), want: d.h.Sum64(), left: d.n}
	v.h.SetSeed(d.h.Seed())
	return v
}

type verifier struct {
	r    io.Reader
	h    maphash.Hash
	want uint64
	left int64
	err  error
}

func (v *verifier) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.left -= int64(n)
	switch {
	case v.left == 0 && v.h.Sum64() != v.want:
		v.err = ErrChanged
		return 0, v.err
	case err == io.EOF && v.left > 0:
		v.err = fmt.Errorf("%w: it ended %d bytes early", ErrChanged, v.left)
		return 0, v.err
	case err != nil && err != io.EOF:
		v.err = err
		return 0, err
	}
	return n, err
}
