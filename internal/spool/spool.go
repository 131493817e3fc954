// Package spool holds a stream, or the part of it that is needed, until its
// length is known: in memory up to a limit, then in an unlinked temporary
// file up to a cap. The pipeline uses it to answer Range requests on
// transformed output whose length a transform could not state in advance:
// [Window] keeps only the requested bytes and counts the rest, so a ranged
// read costs memory (and disk) in proportion to the range, not the object.
//
// Memory never exceeds the limit: bytes are kept in fixed-size chunks, not in
// a buffer that doubles.
package spool

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrTooLarge is returned when the kept bytes exceed the spool's cap.
var ErrTooLarge = errors.New("spool: stream exceeds the size cap")

// Options configure a Spool.
type Options struct {
	Dir      string // temporary directory; "" means os.TempDir()
	MemLimit int64  // bytes kept in memory before spilling to disk
	MaxBytes int64  // total cap; beyond it writes fail with ErrTooLarge
}

// chunkSize is the unit of memory a Spool allocates.
const chunkSize = 64 << 10

// Spool keeps the bytes written to it: the first MemLimit in memory, the rest
// in a temporary file that is unlinked at creation, so that nothing is left
// on disk whatever happens to the process. Close releases both.
type Spool struct {
	o      Options
	chunks [][]byte
	mem    int64 // bytes held in chunks
	f      *os.File
	n      int64 // bytes written in all
	closed bool
}

// New returns an empty Spool.
func New(o Options) (*Spool, error) {
	if o.MaxBytes <= 0 {
		return nil, errors.New("spool: MaxBytes must be positive")
	}
	o.MemLimit = max(min(o.MemLimit, o.MaxBytes), 0)
	return &Spool{o: o}, nil
}

// Len is the number of bytes written.
func (s *Spool) Len() int64 { return s.n }

// Write keeps p. It fails with ErrTooLarge when the cap would be passed.
func (s *Spool) Write(p []byte) (int, error) {
	if s.closed {
		return 0, errors.New("spool: write after Close")
	}
	if s.n+int64(len(p)) > s.o.MaxBytes {
		return 0, fmt.Errorf("%w (%d bytes)", ErrTooLarge, s.o.MaxBytes)
	}
	written := 0
	for len(p) > 0 && s.mem < s.o.MemLimit {
		if len(s.chunks) == 0 || len(s.chunks[len(s.chunks)-1]) == cap(s.chunks[len(s.chunks)-1]) {
			s.chunks = append(s.chunks, make([]byte, 0, min(chunkSize, s.o.MemLimit-s.mem)))
		}
		last := &s.chunks[len(s.chunks)-1]
		k := min(len(p), cap(*last)-len(*last))
		*last = append(*last, p[:k]...)
		p = p[k:]
		s.mem += int64(k)
		s.n += int64(k)
		written += k
	}
	if len(p) == 0 {
		return written, nil
	}
	if s.f == nil {
		f, err := os.CreateTemp(s.o.Dir, "objectlambda-spool-*")
		if err != nil {
			return written, fmt.Errorf("spool: %w", err)
		}
		// Unlink at once: the open descriptor keeps the data until Close,
		// and a crash leaves nothing on disk.
		_ = os.Remove(f.Name())
		s.f = f
	}
	k, err := s.f.Write(p)
	s.n += int64(k)
	if err != nil {
		err = fmt.Errorf("spool: %w", err)
	}
	return written + k, err
}

// Reader returns a reader over the bytes written, starting skip bytes in.
// Closing the reader closes the Spool.
func (s *Spool) Reader(skip int64) (io.ReadCloser, error) {
	skip = max(min(skip, s.n), 0)
	var parts []io.Reader
	for _, c := range s.chunks {
		if skip >= int64(len(c)) {
			skip -= int64(len(c))
			continue
		}
		parts = append(parts, bytes.NewReader(c[skip:]))
		skip = 0
	}
	if s.f != nil {
		size := s.n - s.mem
		parts = append(parts, io.NewSectionReader(s.f, skip, size-skip))
	}
	return &spoolReader{Reader: io.MultiReader(parts...), s: s}, nil
}

// Close releases the memory and the temporary file.
func (s *Spool) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.chunks = nil
	if s.f != nil {
		return s.f.Close()
	}
	return nil
}

type spoolReader struct {
	io.Reader
	s *Spool
}

func (r *spoolReader) Close() error { return r.s.Close() }

// Buffer reads r to EOF and returns a reader over the same bytes and their
// count. Close the reader to release the temporary file. On error nothing is
// left behind.
func Buffer(r io.Reader, o Options) (io.ReadCloser, int64, error) {
	return Window(r, 0, -1, o)
}

// Window reads r to EOF, keeping only the bytes from offset from, at most
// limit of them (limit < 0: all to the end), and returns a reader over those
// bytes and the number of bytes r yielded in all. The bytes outside the
// window are counted and dropped. On error nothing is kept.
func Window(r io.Reader, from, limit int64, o Options) (io.ReadCloser, int64, error) {
	s, err := New(o)
	if err != nil {
		return nil, 0, err
	}
	w := &windowWriter{s: s, skip: from, keep: limit}
	total, err := io.Copy(w, r)
	if err != nil {
		s.Close()
		return nil, 0, err
	}
	rc, err := s.Reader(0)
	if err != nil {
		s.Close()
		return nil, 0, err
	}
	return rc, total, nil
}

// windowWriter passes the bytes inside its window to a Spool and drops the
// rest.
type windowWriter struct {
	s    *Spool
	skip int64 // bytes still to drop before the window
	keep int64 // bytes still to keep; < 0 means no limit
}

func (w *windowWriter) Write(p []byte) (int, error) {
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
	if len(p) > 0 {
		if _, err := w.s.Write(p); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// Tail reads r to EOF, keeping only its last n bytes (n must not exceed
// o.MemLimit: they are held in memory), and returns a reader over them and
// the number of bytes r yielded in all.
func Tail(r io.Reader, n int64, o Options) (io.ReadCloser, int64, error) {
	if n < 0 || n > o.MemLimit {
		return nil, 0, fmt.Errorf("spool: tail of %d bytes exceeds the memory limit", n)
	}
	t := &tailWriter{n: int(n)}
	total, err := io.Copy(t, r)
	if err != nil {
		return nil, 0, err
	}
	return io.NopCloser(bytes.NewReader(t.bytes())), total, nil
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
