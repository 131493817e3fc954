package objectlambda

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/objectlambda/sdk-go/presign"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
)

// getResult is what a GetObject invocation returns to Lambda. S3 ignores it;
// it is there for logs and tests.
type getResult struct {
	StatusCode int    `json:"statusCode"`
	ErrorCode  string `json:"errorCode,omitempty"`
	BytesOut   int64  `json:"bytesOut"`
}

// A GetObject is served in stages that compute a reply and one exit that
// sends it:
//
//	compute (under the deadline guard)          deliver         end
//	  request → authorize → fetch → transform → shape ─ reply ─ responder ─ release, log
//
// The stages never send. Every reply, 200, 206, 304 or error, is built from
// the chain's view of the object by one function (reply.input). Every body
// a stage opens belongs to the request's pipeline, which closes each exactly
// once when the last reader is done.

// getRun is one GetObject invocation.
type getRun struct {
	h  *Handler
	ev *Event

	ctx     context.Context    // the invocation's: Lambda's deadline
	work    context.Context    // the stages': the work deadline
	stop    context.CancelFunc // cancels work
	replyBy time.Time          // the reply's deadline: work deadline + grace

	rs      *responder
	p       *pipeline
	start   time.Time
	bytesIn atomic.Int64
	cause   error // what ended the request badly, if anything
}

// serveGet answers one GetObject event with exactly one WGOR call. When
// pre is not nil the request already failed and pre is the reply.
func (h *Handler) serveGet(ctx context.Context, ev *Event, pre error) (*getResult, error) {
	g := h.newGetRun(ctx, ev)
	rep := g.compute(pre)
	g.deliver(rep)
	return g.end()
}

func (h *Handler) newGetRun(ctx context.Context, ev *Event) *getRun {
	start := time.Now()
	deadline, margin := h.deadlines(ctx, start)
	work, stop := context.WithDeadlineCause(ctx, deadline, s3err.ErrDeadline)
	c := ev.GetObjectContext
	return &getRun{
		h: h, ev: ev, ctx: ctx, work: work, stop: stop,
		replyBy: deadline.Add(grace(margin)),
		rs:      newResponder(h.wgor, c.OutputRoute, c.OutputToken),
		p:       newPipeline(),
		start:   start,
	}
}

// grace is how long after the work deadline a reply may still take to reach
// S3, and so how long after it the invocation returns at the latest: three
// quarters of the margin, which leaves the last quarter before Lambda's own
// deadline for the invocation to return.
func grace(margin time.Duration) time.Duration { return margin * 3 / 4 }

// compute runs the stages under the deadline guard. When the work deadline
// passes first, it answers LambdaTimeout at once; the stages, if they are
// still running (a transform may ignore its context), give their share of
// the pipeline back when they return.
func (g *getRun) compute(pre error) *reply {
	if pre != nil {
		return errorReply(pre)
	}
	done := make(chan *reply, 1)
	g.p.join() // never released yet: the invocation is a user
	go func() {
		defer g.p.done()
		defer func() {
			if r := recover(); r != nil {
				done <- errorReply(fmt.Errorf("%w: %v", ErrPanic, r))
			}
		}()
		done <- g.h.getReply(g.work, g)
	}()
	select {
	case rep := <-done:
		return rep
	case <-g.work.Done():
		return errorReply(context.Cause(g.work))
	}
}

// deliver sends the reply through the responder, the only exit. The call is
// bound to the reply deadline, not the work deadline: a reply that started
// just before the work deadline still reaches S3. The upstream reads and
// the transforms under the body run on the work deadline, so a stream that
// runs past it fails; one stuck in user code is cut at the reply deadline.
func (g *getRun) deliver(rep *reply) {
	ctx, cancel := context.WithDeadline(g.ctx, g.replyBy)
	defer cancel()
	markResponse(g.ctx)
	if rep.err != nil {
		g.cause = rep.err
	}
	var sp Span = noopSpan{}
	if g.h.tracing() {
		ctx, sp = g.h.startSpan(ctx, "objectlambda.WriteGetObjectResponse")
	}
	err := g.rs.deliver(ctx, rep, g.p)
	if g.h.tracing() {
		status, code, _ := g.rs.result()
		sp.SetAttributes(slog.Int("http.status_code", status), slog.String("objectlambda.error_code", code),
			slog.Int64("objectlambda.bytes_out", g.rs.bytesOut.Load()))
	}
	sp.End(err)
	if g.cause == nil {
		g.cause = g.rs.failure()
	}
}

// end stops what still runs, releases the pipeline, logs the request and
// returns the invocation's result: an error only when the reply could not be
// delivered whole.
func (g *getRun) end() (*getResult, error) {
	g.stop()
	g.p.done()
	// The pump or the stages may still be finishing a read; everything is
	// closed when they return, normally at once. Wait for it within the
	// reply deadline, so that what the request opened is released (and
	// logged) before the invocation returns.
	g.p.wait(g.replyBy)
	status, code, wgorErr := g.rs.result()
	res := &getResult{StatusCode: status, ErrorCode: code, BytesOut: g.rs.bytesOut.Load()}
	cause, replyErr := g.h.logRequest(g.ctx, g.ev, requestEnd{
		op: OpGetObject, start: g.start, status: status, code: code,
		bytesIn: g.bytesIn.Load(), bytesOut: res.BytesOut, err: g.cause, replyErr: wgorErr,
	})
	switch {
	case wgorErr == nil:
		return res, nil
	case g.rs.streaming.Load():
		// The body broke after the first byte: the caller saw an aborted
		// transfer; the invocation fails too.
		return res, cause
	default:
		return res, fmt.Errorf("objectlambda: WriteGetObjectResponse: %w", replyErr)
	}
}

// getReply computes the reply to a GetObject. It never sends.
func (h *Handler) getReply(ctx context.Context, g *getRun) *reply {
	req, err := newRequest(g.ev)
	if err == nil {
		err = h.authorize(ctx, req)
	}
	if err != nil {
		return errorReply(err)
	}
	up, err := h.fetchForGet(ctx, g, req)
	if err != nil {
		return errorReply(err)
	}
	obj, err := h.transformObject(ctx, g.p, req, up)
	if err != nil {
		return errorReply(err)
	}
	rep, err := h.shape(ctx, g, req, up, obj)
	if err != nil {
		return errorReply(err)
	}
	return rep
}

// upstream is the presigned fetch's answer.
type upstream struct {
	status   int
	header   http.Header
	length   int64
	body     *countingBody // owned by the pipeline; empty for 304
	pushdown bool          // the Range or part was sent to S3
}

// errSSEC refuses objects encrypted with customer-provided keys.
var errSSEC = s3err.New(http.StatusBadRequest, s3err.CodeInvalidRequest,
	"objects encrypted with customer-provided keys (SSE-C) cannot be served through S3 Object Lambda")

// fetchForGet fetches the object through the presigned URL, with the
// caller's conditional headers and, when the chain is range-safe, the range.
func (h *Handler) fetchForGet(ctx context.Context, g *getRun, req *Request) (*upstream, error) {
	pushdown := h.cfg.pushdownRanges && h.props.RangeSafe && (req.rangeSpec != nil || req.PartNumber > 0)
	fr := presignedRequest(http.MethodGet, g.ev.GetObjectContext.InputS3URL, req)
	if pushdown {
		fr.Header.Set("Range", h.pushdownRange(req))
	}
	resp, err := h.fetchObject(ctx, fr)
	if err != nil && pushdown && emptyFirstPart(err, req) {
		// Part 1 of an empty object is the whole, empty object, but S3
		// cannot satisfy any Range on it: fetch it whole, as slicing would.
		fr.Header.Del("Range")
		pushdown = false
		resp, err = h.fetchObject(ctx, fr)
	}
	if err != nil {
		if pushdown {
			err = pushdownError(err, req)
		}
		return nil, err
	}
	body := &countingBody{r: g.p.own(resp.Body), n: &g.bytesIn}
	if resp.Header.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") != "" {
		return nil, errSSEC
	}
	return &upstream{status: resp.StatusCode, header: resp.Header, length: resp.ContentLength, body: body, pushdown: pushdown}, nil
}

// presignedRequest is the request for inputS3Url with the caller's headers,
// for the signed-header replay. The caller's conditional headers are not
// sent: the handler evaluates them on the served object (conditional.go).
func presignedRequest(method, url string, req *Request) *presign.Request {
	return &presign.Request{Method: method, URL: url, UserHeaders: req.Header, Header: http.Header{}}
}

// transformObject runs the chain. A 304 has no body: the chain then runs
// over the headers alone, so the 304 shows what a 200 would show and a
// transform's denial holds whatever the conditional headers say.
func (h *Handler) transformObject(ctx context.Context, p *pipeline, req *Request, up *upstream) (*transform.Object, error) {
	hdr := objectHeaders(up.header)
	if up.status == http.StatusNotModified {
		view, err := h.describe(ctx, req, hdr, -1)
		if err != nil {
			return nil, err
		}
		return &transform.Object{Header: view.header, Length: -1, Request: &req.Request}, nil
	}
	return h.runChain(ctx, p, &transform.Object{Body: up.body, Header: hdr, Length: up.length, Request: &req.Request})
}

// countingBody counts the bytes read from the upstream body.
type countingBody struct {
	r io.Reader // owned by the pipeline
	n *atomic.Int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// Unwrap returns the body it counts.
func (c *countingBody) Unwrap() io.Reader { return c.r }

// Close closes the body it counts (owned: at most once).
func (c *countingBody) Close() error { return closeReader(c.r) }
