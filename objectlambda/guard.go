package objectlambda

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrPanic marks an error recovered from a panic in user code (a hook, an
// authorizer, a wrapped handler). Panics inside transforms wrap
// transform.ErrPanic instead.
var ErrPanic = errors.New("objectlambda: panic recovered")

// guarded runs fn under the work deadline and turns a panic into an error.
// It returns when fn returns or when the deadline passes, whichever is first,
// so a stuck fn cannot make the invocation miss its reply.
func (h *Handler) guarded(ctx context.Context, start time.Time, fn func(ctx context.Context) (any, error)) (any, error) {
	workCtx, cancel := h.workContext(ctx, start)
	defer cancel()
	type result struct {
		v   any
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("%w: %v", ErrPanic, r)}
			}
		}()
		v, err := fn(workCtx)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-workCtx.Done():
		return nil, context.Cause(workCtx)
	}
}
