package gateway

import (
	"io"
	"sync"
)

// bufPipe is an in-memory pipe with a bounded buffer, the way a socket has
// one: the writer may run up to limit bytes ahead of the reader. Across
// io.Pipe every Write waits for a Read, so a handler that fetches from a
// store and the function that transforms what it fetched take turns;
// through bufPipe they overlap, as they do over a network.
//
// The reader drains what was written before the writer closed, then sees
// the writer's error (io.EOF for a clean end): a broken transfer is never a
// short success. Once the reader closes, writes fail with its error.
type bufPipe struct {
	mu       sync.Mutex
	readable sync.Cond // signalled when data arrives or the writer closes
	writable sync.Cond // signalled when space frees or the reader closes
	limit    int
	ring     []byte // grows up to limit
	start, n int    // the buffered bytes: n from ring[start], wrapping
	werr     error  // the writer's end: io.EOF or its error
	rerr     error  // the reader's end: what further writes return
}

func newBufPipe(limit int) (*bufPipeReader, *bufPipeWriter) {
	p := &bufPipe{limit: limit}
	p.readable.L, p.writable.L = &p.mu, &p.mu
	return &bufPipeReader{p}, &bufPipeWriter{p}
}

// write copies b into the ring, waiting for space when it is full.
func (p *bufPipe) write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var done int
	for len(b) > 0 {
		switch {
		case p.rerr != nil:
			return done, p.rerr
		case p.werr != nil:
			return done, io.ErrClosedPipe
		}
		p.grow(len(b))
		if p.n == len(p.ring) {
			p.writable.Wait()
			continue
		}
		end := (p.start + p.n) % len(p.ring)
		stop := len(p.ring)
		if end < p.start {
			stop = p.start
		}
		m := copy(p.ring[end:stop], b)
		p.n += m
		done += m
		b = b[m:]
		p.readable.Signal()
	}
	return done, nil
}

// grow enlarges the ring, up to limit, so that want more bytes fit; a small
// response never gets a large buffer.
func (p *bufPipe) grow(want int) {
	if p.n+want <= len(p.ring) || len(p.ring) == p.limit {
		return
	}
	size := min(max(2*len(p.ring), p.n+want, 4<<10), p.limit)
	ring := make([]byte, size)
	p.copyOut(ring[:p.n])
	p.ring, p.start = ring, 0
}

// copyOut copies the first len(b) buffered bytes to b (without consuming).
func (p *bufPipe) copyOut(b []byte) {
	m := copy(b, p.ring[p.start:min(p.start+len(b), len(p.ring))])
	copy(b[m:], p.ring)
}

func (p *bufPipe) read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.n == 0 {
		switch {
		case p.rerr != nil:
			return 0, io.ErrClosedPipe
		case p.werr != nil:
			return 0, p.werr
		}
		if len(b) == 0 {
			return 0, nil
		}
		p.readable.Wait()
	}
	m := min(len(b), p.n)
	p.copyOut(b[:m])
	p.start = (p.start + m) % len(p.ring)
	p.n -= m
	p.writable.Signal()
	return m, nil
}

// closeWrite ends the stream with err (nil: io.EOF) after the buffered bytes.
func (p *bufPipe) closeWrite(err error) {
	if err == nil {
		err = io.EOF
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.werr == nil {
		p.werr = err
	}
	p.readable.Broadcast()
}

// closeRead drops the buffered bytes; writes then fail with err (nil:
// io.ErrClosedPipe).
func (p *bufPipe) closeRead(err error) {
	if err == nil {
		err = io.ErrClosedPipe
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rerr == nil {
		p.rerr = err
	}
	p.n, p.ring = 0, nil
	p.writable.Broadcast()
}

// bufPipeReader is the read half of a bufPipe.
type bufPipeReader struct{ p *bufPipe }

func (r *bufPipeReader) Read(b []byte) (int, error) { return r.p.read(b) }

// Close closes the reader: the writer's next Write fails.
func (r *bufPipeReader) Close() error { return r.CloseWithError(nil) }

// CloseWithError closes the reader: the writer's next Write returns err.
func (r *bufPipeReader) CloseWithError(err error) error { r.p.closeRead(err); return nil }

// bufPipeWriter is the write half of a bufPipe.
type bufPipeWriter struct{ p *bufPipe }

func (w *bufPipeWriter) Write(b []byte) (int, error) { return w.p.write(b) }

// Close ends the stream: the reader sees io.EOF after the buffered bytes.
func (w *bufPipeWriter) Close() error { return w.CloseWithError(nil) }

// CloseWithError ends the stream: the reader sees err after the buffered
// bytes.
func (w *bufPipeWriter) CloseWithError(err error) error { w.p.closeWrite(err); return nil }
