package gateway

import "sync"

// activity counts work in flight (function invocations). Unlike a bare
// sync.WaitGroup it may be entered while someone waits for it to be idle,
// and it refuses new work once closed.
type activity struct {
	mu     sync.Mutex
	n      int
	closed bool
	idle   chan struct{} // closed when n drops to zero; replaced on the next enter
}

// enter counts new work; it fails once closed.
func (a *activity) enter() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return false
	}
	if a.n == 0 {
		a.idle = make(chan struct{})
	}
	a.n++
	return true
}

func (a *activity) leave() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n--
	if a.n == 0 {
		close(a.idle)
	}
}

func (a *activity) close() {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
}

// wait waits until nothing is in flight (true) or stop is closed or
// receives (false).
func (a *activity) wait(stop <-chan struct{}) bool {
	a.mu.Lock()
	if a.n == 0 {
		a.mu.Unlock()
		return true
	}
	idle := a.idle
	a.mu.Unlock()
	select {
	case <-idle:
		return true
	case <-stop:
		return false
	}
}
