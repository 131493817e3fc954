package objectlambda

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/objectlambda/sdk-go/transform"
)

// timedBody measures the time spent inside its Read calls. Stages read from
// one another, so a stage's own work is its time minus the time of the stage
// it reads from.
type timedBody struct {
	r     io.Reader
	below *timedBody
	ns    atomic.Int64
}

func (t *timedBody) Read(p []byte) (int, error) {
	start := time.Now()
	n, err := t.r.Read(p)
	t.ns.Add(int64(time.Since(start)))
	return n, err
}

func (t *timedBody) Close() error { return closeReader(t.r) }

// Unwrap returns the body it times.
func (t *timedBody) Unwrap() io.Reader { return t.r }

// own is the time spent in this stage's Reads, not counting the stage below.
func (t *timedBody) own() time.Duration {
	d := t.ns.Load()
	if t.below != nil {
		d -= t.below.ns.Load()
	}
	return time.Duration(max(d, 0))
}

// stages are the transforms of one GET, each with its span and timed body.
type stages struct {
	upstream *timedBody
	stats    *reqStats // nil outside a request
	mu       sync.Mutex
	list     []stage
}

type stage struct {
	span Span // nil without a tracer
	body *timedBody
}

// transformName names a transform in traces: its Name method, or its type.
func transformName(t transform.Transform) string {
	if n, ok := t.(interface{ Name() string }); ok {
		return n.Name()
	}
	return fmt.Sprintf("%T", t)
}

// runChain applies the transform chain member by member, so that each
// transform gets its own span and its share of the streaming time. Every
// body a member returns is owned by p at once, before the next member runs:
// whichever member fails, the bodies opened before it are closed with the
// pipeline. The stages' spans end when the pipeline closes, after the last
// byte was streamed.
func (h *Handler) runChain(ctx context.Context, p *pipeline, obj *transform.Object) (*transform.Object, error) {
	st := &stages{upstream: &timedBody{r: obj.Body}, stats: statsFrom(ctx)}
	p.add(st)
	obj.Body = st.upstream
	below := st.upstream
	for _, m := range h.cfg.chainMembers() {
		mctx, sp := ctx, Span(nil)
		if h.tracing() {
			mctx, sp = h.startSpan(ctx, "objectlambda.transform", slog.String("objectlambda.transform", transformName(m)))
		}
		out, err := transform.Run(mctx, m, obj)
		if err != nil {
			if sp != nil {
				sp.End(err)
			}
			return nil, err
		}
		tb := &timedBody{r: p.own(out.Body), below: below}
		out.Body = tb
		st.add(stage{span: sp, body: tb})
		below = tb
		obj = out
	}
	return obj, nil
}

func (s *stages) add(sg stage) {
	s.mu.Lock()
	s.list = append(s.list, sg)
	s.mu.Unlock()
}

// Close ends the spans with each stage's own streaming time and records the
// totals for the request's Metrics. The pipeline calls it once, at the end.
func (s *stages) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var total time.Duration
	for _, sg := range s.list {
		own := sg.body.own()
		total += own
		if sg.span != nil {
			sg.span.SetAttributes(slog.Duration("objectlambda.stream_time", own))
			sg.span.End(nil)
		}
	}
	if s.stats != nil {
		s.stats.transformTime.Store(int64(total))
		s.stats.upstreamRead.Store(s.upstream.ns.Load())
	}
	return nil
}
