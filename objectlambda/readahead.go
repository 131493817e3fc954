package objectlambda

import (
	"context"
	"fmt"
	"io"
	"sync"
)

// readAhead reads src in a goroutine of its own, the filler, into two
// buffers: one is filled while its reader consumes the other, so the work
// above it (sending a reply, running transforms) and the reads below it
// (a transform, the upstream's socket) overlap. Its reader's Reads wait for
// a chunk, for ctx or for quit, never for src.
//
// The filler is a user of the pipeline: what src reads from stays open
// while it reads and is closed when it has returned, whenever that is. It
// starts at the first Read, unless quit is closed already or the pipeline
// released, and stops after its current read of src once quit is closed or
// ctx ends.
type readAhead struct {
	src   io.Reader
	p     *pipeline
	ctx   context.Context
	quit  <-chan struct{}
	onErr func(err error) // sees src's failure and the reader's end by ctx; may be nil
	once  sync.Once       // starts the filler

	size   int // of each of the two buffers
	chunks chan chunk
	free   chan []byte
	cur    []byte // the unread rest of the current chunk
	buf    []byte // the current chunk's buffer, to give back
	err    error  // sticky
}

type chunk struct {
	b   []byte
	err error
}

func newReadAhead(ctx context.Context, src io.Reader, size int, p *pipeline, quit <-chan struct{}) *readAhead {
	return &readAhead{src: src, p: p, ctx: ctx, quit: quit, size: size,
		chunks: make(chan chunk, 1), free: make(chan []byte, 2)}
}

// fill reads src until it fails or ends, or the reader is gone. It owns the
// two buffers.
func (a *readAhead) fill() {
	defer a.p.done()
	a.free <- make([]byte, a.size)
	a.free <- make([]byte, a.size)
	for {
		var buf []byte
		select {
		case buf = <-a.free:
		case <-a.quit:
			return
		case <-a.ctx.Done():
			return
		}
		n, err := a.src.Read(buf)
		if err != nil && err != io.EOF {
			a.noteErr(err)
		}
		select {
		case a.chunks <- chunk{b: buf[:n], err: err}:
		case <-a.quit:
			return
		case <-a.ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

func (a *readAhead) Read(p []byte) (int, error) {
	a.once.Do(a.start)
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		if a.buf != nil {
			a.free <- a.buf[:cap(a.buf)] // never blocks: two buffers, two slots
			a.buf = nil
		}
		select {
		case c := <-a.chunks:
			a.cur, a.buf, a.err = c.b, c.b, c.err
		case <-a.quit:
			a.err = errReplyOver
		case <-a.ctx.Done():
			a.err = fmt.Errorf("objectlambda: reply body: %w", context.Cause(a.ctx))
			a.noteErr(a.err)
		}
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// start starts the filler at the first Read, unless the reader is already
// gone (a transport may make its first Read after its call returned): then
// no goroutine starts and the pipeline, released or not, is left alone.
func (a *readAhead) start() {
	select {
	case <-a.quit:
		return
	default:
	}
	if !a.p.join() {
		return
	}
	go a.fill()
}

func (a *readAhead) noteErr(err error) {
	if a.onErr != nil {
		a.onErr(err)
	}
}
