package objectlambda

import (
	"io"
	"reflect"
	"sync"
	"time"
)

// pipeline owns the resources of one GetObject request: the upstream body,
// the body every transform returned, the spool of a Range. Whoever opens one
// hands it to the pipeline at once (own); nobody else closes anything.
//
// Each resource is closed exactly once, newest first, when the last user of
// the request's bodies is done: the goroutine computing the reply, the
// invocation itself, and a transport still inside a Read of the reply body
// after its call returned. So a body is never closed under a Read that is
// still running, and never left open, whichever path the request took:
// error, panic, deadline or success.
//
// Temporary files are unlinked at creation (internal/spool, package
// encryption), so an abandoned pipeline cannot fill /tmp either.
type pipeline struct {
	mu       sync.Mutex
	closers  []*owned
	seen     map[io.Reader]bool // the innermost bodies owned, by identity
	users    int
	closed   bool
	released chan struct{} // closed once everything is closed
}

// newPipeline returns a pipeline with one user: the invocation.
func newPipeline() *pipeline { return &pipeline{users: 1, released: make(chan struct{})} }

// wait waits until everything is closed, or until the deadline: a user
// stuck in a transform's Read releases the rest when it returns.
func (p *pipeline) wait(deadline time.Time) {
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case <-p.released:
	case <-t.C:
	}
}

// join adds a user, unless the pipeline is already released.
func (p *pipeline) join() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.users++
	return true
}

// done removes a user; the last one closes everything.
func (p *pipeline) done() {
	p.mu.Lock()
	p.users--
	last := p.users == 0 && !p.closed
	if last {
		p.closed = true
	}
	list := p.closers
	p.mu.Unlock()
	if last {
		closeAll(list)
		close(p.released)
	}
}

// closeAll closes every resource, newest first. A Close is user code (a
// transform's body, a span's End): one that panics must neither keep the
// others open nor escape from whichever goroutine happens to be last.
func closeAll(list []*owned) {
	for i := len(list) - 1; i >= 0; i-- {
		closeQuietly(list[i])
	}
}

func closeQuietly(c io.Closer) {
	defer func() { _ = recover() }()
	_ = c.Close()
}

// own takes r into the pipeline's care. If r is an io.Closer, own returns a
// body whose Close closes r at most once (a transform may close its input,
// the pipeline closes everything at the end: r sees one Close), and r is
// closed when the pipeline is done. Other readers are returned as they are.
func (p *pipeline) own(r io.Reader) io.Reader {
	c, ok := r.(io.Closer)
	if !ok {
		return r
	}
	o := &owned{Reader: r, c: c}
	base := innermost(r)
	p.mu.Lock()
	if p.seen == nil {
		p.seen = map[io.Reader]bool{}
	}
	if reflect.TypeOf(base).Comparable() {
		if p.seen[base] {
			// The same body handed back again (a transform returning its
			// input, or another stage's body): it is closed through the
			// wrapper that owned it first.
			o.c = nil
		}
		p.seen[base] = true
	}
	closed := p.closed
	if !closed && o.c != nil {
		p.closers = append(p.closers, o)
	}
	p.mu.Unlock()
	if closed {
		// Only a user can own, and users keep the pipeline open; this is
		// belt and braces.
		closeQuietly(o)
	}
	return o
}

// add takes a resource that is not a body into the pipeline's care: it is
// closed, once, with the rest.
func (p *pipeline) add(c io.Closer) {
	p.own(closerOnly{c})
}

// closerOnly lets own take a resource that has no body.
type closerOnly struct{ io.Closer }

func (closerOnly) Read([]byte) (int, error) { return 0, io.EOF }

// closeReader closes r if it is an io.Closer: how every wrapper of the
// pipeline passes Close through to what it wraps.
func closeReader(r io.Reader) error {
	if c, ok := r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// owned is a body the pipeline will close; its Close is idempotent.
type owned struct {
	io.Reader
	c    io.Closer
	once sync.Once
	err  error
}

func (o *owned) Close() error {
	o.once.Do(func() {
		if o.c != nil {
			o.err = o.c.Close()
		}
	})
	return o.err
}

// Unwrap returns the body it owns.
func (o *owned) Unwrap() io.Reader { return o.Reader }

// innermost follows the Unwrap methods of the pipeline's own wrappers (and
// transform.Run's) down to the body they wrap.
func innermost(r io.Reader) io.Reader {
	for i := 0; i < 100; i++ {
		u, ok := r.(interface{ Unwrap() io.Reader })
		if !ok {
			return r
		}
		next := u.Unwrap()
		if next == nil {
			return r
		}
		r = next
	}
	return r
}
