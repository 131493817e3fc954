package gateway

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/objectlambda/sdk-go/gateway/internal/pending"
	"github.com/objectlambda/sdk-go/objectlambda"
)

// WGORCall describes one WriteGetObjectResponse call that reached this
// replica, for observers (WithWGORObserver). It holds no token and no body
// bytes.
type WGORCall struct {
	AccessPoint   string // "" when the call matched no request
	Function      string
	Route         string
	StatusCode    int         // X-Amz-Fwd-Status (200 when absent)
	ErrorCode     string      // X-Amz-Fwd-Error-Code
	ErrorMessage  string      // X-Amz-Fwd-Error-Message
	Header        http.Header // object headers (X-Amz-Fwd-Header-* without the prefix) and X-Amz-Meta-*
	ContentLength int64       // declared body length, -1 when chunked
	BodySize      int64       // body bytes relayed to the caller
	Response      int         // HTTP status answered to the function
	ResponseCode  string      // error code answered to the function, if any
	Forwarded     bool        // streamed through to the replica that holds the caller
	Err           error       // why the call failed, if it did
}

// delivery is a WriteGetObjectResponse handed to the waiting caller's
// handler.
type delivery struct {
	call    WGORCall
	invalid string    // non-empty: the call failed validation; the caller gets LambdaInvalidResponse
	body    io.Reader // nil for error replies
	outcome chan wgorOutcome
	done    func(WGORCall) // the observer's, called once with the final record
}

// wgorOutcome is what the function is answered, decided by the caller's
// handler once the body has been relayed (or not).
type wgorOutcome struct {
	status    int
	code, msg string
}

// serveGet invokes the function for a GetObject and relays its
// WriteGetObjectResponse to the caller.
func (g *Gateway) serveGet(o *observed, r *http.Request, inv *invocation, ev *objectlambda.Event, input string) {
	token := pending.NewToken()
	e := &pending.Entry{
		Route: g.cluster.Route(), Deadline: inv.deadline, AccessPoint: inv.ap.Name, Function: inv.fn.name,
		AccessKeyID: inv.fn.accessKeyID, Deliver: make(chan any),
	}
	ev.GetObjectContext = &objectlambda.GetObjectContext{InputS3URL: input, OutputRoute: e.Route, OutputToken: token}
	g.tokens.Add(token, e)
	ctx, res := g.start(inv, ev)

	var fnErr error
	select {
	case d := <-e.Deliver:
		g.relay(o, r, d.(*delivery), inv.reqID)
		return
	case ir := <-res:
		fnErr = ir.err
	case <-ctx.Done():
	case <-r.Context().Done():
	}
	select { // the function may have returned just as the context ended
	case ir := <-res:
		fnErr = ir.err
	default:
	}
	if _, mine := g.tokens.Take(token); !mine {
		// A WriteGetObjectResponse claimed the token at the same moment: it is
		// about to deliver.
		g.relay(o, r, (<-e.Deliver).(*delivery), inv.reqID)
		return
	}
	if r.Context().Err() != nil && ctx.Err() == nil {
		return // the caller went away; nobody to answer
	}
	g.failInvocation(ctx, o, r, inv, fnErr)
}

// relay answers the caller with a delivered WriteGetObjectResponse and
// decides what the function is told. A body that breaks mid-stream aborts
// the caller's connection, so the caller sees a broken transfer, never a
// short success.
func (g *Gateway) relay(w http.ResponseWriter, r *http.Request, d *delivery, reqID string) {
	call := d.call
	if d.invalid != "" {
		call.Response, call.ResponseCode, call.Err = http.StatusBadRequest, "ValidationError", errors.New(d.invalid)
		d.done(call)
		writeError(w, r, http.StatusBadRequest, "LambdaInvalidResponse", "The Lambda function returned an invalid response: "+d.invalid, reqID)
		d.outcome <- wgorOutcome{http.StatusBadRequest, "ValidationError", d.invalid}
		return
	}
	for k, v := range call.Header {
		w.Header()[k] = v
	}
	if call.ErrorCode != "" {
		call.Response = http.StatusOK
		d.done(call)
		writeError(w, r, call.StatusCode, call.ErrorCode, call.ErrorMessage, reqID)
		d.outcome <- wgorOutcome{status: http.StatusOK}
		return
	}
	if call.ContentLength >= 0 && call.StatusCode != http.StatusNotModified {
		w.Header().Set("Content-Length", strconv.FormatInt(call.ContentLength, 10))
	}
	w.WriteHeader(call.StatusCode)
	n, err := g.copyFlush(w, d.body)
	call.BodySize = n
	if err == nil && call.ContentLength >= 0 && n != call.ContentLength {
		err = fmt.Errorf("body has %d bytes, Content-Length said %d", n, call.ContentLength)
	}
	if err == nil {
		call.Response = http.StatusOK
		d.done(call)
		d.outcome <- wgorOutcome{status: http.StatusOK}
		return
	}
	var we writeErr
	if errors.As(err, &we) {
		// The caller went away: the function did its part.
		call.Response, call.Err = http.StatusOK, fmt.Errorf("%w: %v", errCallerGone, we.err)
		d.done(call)
		d.outcome <- wgorOutcome{status: http.StatusOK}
		panic(http.ErrAbortHandler)
	}
	code := "ConnectionClosedByRequester"
	var he hashErr
	if errors.As(err, &he) {
		code = "XAmzContentSHA256Mismatch"
	}
	call.Response, call.ResponseCode, call.Err = http.StatusBadRequest, code, err
	d.done(call)
	g.log.Info("objectlambda-gateway: the WriteGetObjectResponse body broke mid-stream; aborting the caller's connection", "requestId", reqID, "err", err)
	d.outcome <- wgorOutcome{http.StatusBadRequest, code, "error reading the WriteGetObjectResponse body"}
	panic(http.ErrAbortHandler)
}

var errCallerGone = errors.New("objectlambda-gateway: the caller went away")

type writeErr struct{ err error }

func (e writeErr) Error() string { return "write to the caller: " + e.err.Error() }

type hashErr struct{}

func (hashErr) Error() string { return "the body does not match x-amz-content-sha256" }

// copyBuffer is the size of the relay's buffer: what is in flight
// between a function (or a store) and the caller, per request.
const copyBuffer = 32 << 10

// copyFlush copies src to w, flushing after every read so the caller sees
// the body as the function streams it. It holds one buffer: back-pressure
// from the caller's connection reaches the function.
func (g *Gateway) copyFlush(w http.ResponseWriter, src io.Reader) (int64, error) {
	rc := http.NewResponseController(w)
	b, _ := g.buffers.Get().(*[copyBuffer]byte)
	if b == nil {
		b = new([copyBuffer]byte)
	}
	defer g.buffers.Put(b)
	buf := b[:]
	var n int64
	for {
		m, rerr := src.Read(buf)
		if m > 0 {
			if _, err := w.Write(buf[:m]); err != nil {
				return n, writeErr{err}
			}
			n += int64(m)
			if err := rc.Flush(); err != nil {
				return n, writeErr{err}
			}
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}
