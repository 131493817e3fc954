package objectlambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	"github.com/objectlambda/sdk-go/s3err"
)

// LegacyHandler is a handler written against aws-lambda-go's event type that
// fetches inputS3Url and calls WriteGetObjectResponse itself.
type LegacyHandler func(ctx context.Context, ev events.S3ObjectLambdaEvent) (any, error)

// Wrapper runs a LegacyHandler with the safety contracts it can get from the
// outside. It implements lambda.Handler.
type Wrapper struct {
	h  *Handler
	fn LegacyHandler

	mu      sync.Mutex
	pending map[string]*tracker // by output token, while an invocation runs
}

var _ lambda.Handler = (*Wrapper)(nil)

// Wrap gives an existing handler the safety contracts it can get from the
// outside:
//
//   - the event is parsed and validated; a malformed event, or an inputS3Url
//     that is not https on a trusted S3 host, is answered with an error
//     before fn runs (fn never sees an untrusted URL);
//   - a panic in fn is recovered;
//   - if fn fails, panics, or is still running at the deadline (the Lambda
//     deadline or the 60 s Object Lambda limit, less the margin) and has not
//     answered a GetObject, an S3 error reply is sent for it.
//
// To know whether fn answered, build the S3 client fn uses for
// WriteGetObjectResponse with the wrapper's TrackResponses:
//
//	var client *s3.Client
//	w, err := objectlambda.Wrap(func(ctx context.Context, ev events.S3ObjectLambdaEvent) (any, error) {
//		... client.WriteGetObjectResponse(ctx, ...) ...
//	})
//	client = s3.NewFromConfig(cfg, w.TrackResponses)
//
// Without it, a failing fn that had already answered causes one redundant
// error reply, which S3 refuses (the token is single use) and the wrapper
// logs. Options configure the wrapper's own WGOR client, trust policy,
// logger and deadline margin; transforms and authorizers do not apply.
func Wrap(fn LegacyHandler, opts ...Option) (*Wrapper, error) {
	if fn == nil {
		return nil, fmt.Errorf("objectlambda: Wrap: nil handler")
	}
	h, err := New(opts...)
	if err != nil {
		return nil, err
	}
	return &Wrapper{h: h, fn: fn, pending: map[string]*tracker{}}, nil
}

// TrackResponses is an s3.Options function for the client the wrapped
// handler answers with: it lets the wrapper see the handler's
// WriteGetObjectResponse calls, by their token, whatever context the handler
// passes them. A request counts as answered from the moment its first call
// starts, unless that call ends without having written anything to the
// network: a reply still streaming at the deadline, or one that failed
// half-way, may already be the caller's, and a second reply with the same
// token would reach them as a second answer. Once the wrapper has answered
// for the handler, the handler's calls are refused.
func (w *Wrapper) TrackResponses(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("objectlambdaTrackResponses",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				wi, ok := in.Parameters.(*s3.WriteGetObjectResponseInput)
				if !ok {
					return next.HandleInitialize(ctx, in)
				}
				t := w.tracking(aws.ToString(wi.RequestToken))
				if t == nil {
					return next.HandleInitialize(ctx, in)
				}
				if err := t.begin(); err != nil {
					return middleware.InitializeOutput{}, middleware.Metadata{}, err
				}
				defer t.end()
				return next.HandleInitialize(traceSent(ctx, &t.sent), in)
			}), middleware.Before)
	})
}

// tracking returns the tracker of the invocation with this token, if one runs.
func (w *Wrapper) tracking(token string) *tracker {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.pending[token]
}

// track registers an invocation's tracker until the returned func is called.
func (w *Wrapper) track(token string) (*tracker, func()) {
	t := newTracker()
	w.mu.Lock()
	w.pending[token] = t
	w.mu.Unlock()
	return t, func() {
		w.mu.Lock()
		if w.pending[token] == t {
			delete(w.pending, token)
		}
		w.mu.Unlock()
	}
}

// tracker follows the WriteGetObjectResponse calls of one invocation.
type tracker struct {
	sent atomic.Bool // a call's request was written to a connection

	mu       sync.Mutex
	inFlight int           // calls started and not yet returned
	idle     chan struct{} // closed while no call is in flight
	claimed  bool          // the wrapper answered: later calls are refused
}

func newTracker() *tracker {
	t := &tracker{idle: make(chan struct{})}
	close(t.idle)
	return t
}

// errWrapperAnswered refuses a wrapped handler's reply after the wrapper
// answered for it.
var errWrapperAnswered = errors.New("objectlambda: the request was already answered for this handler (it failed or ran out of time)")

// begin admits a call, unless the wrapper answered.
func (t *tracker) begin() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.claimed {
		return errWrapperAnswered
	}
	if t.inFlight == 0 {
		t.idle = make(chan struct{})
	}
	t.inFlight++
	return nil
}

func (t *tracker) end() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.inFlight--
	if t.inFlight == 0 {
		close(t.idle)
	}
}

// claim lets the wrapper answer, unless the request may already have a
// reply: a call under way or one that reached the network. A call still
// under way is waited for until deadline: if it ends without having written
// anything (its context ended while it was connecting, say), it reached
// nobody and the wrapper answers. Once claimed, tracked calls are refused.
func (t *tracker) claim(deadline time.Time) bool {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		t.mu.Lock()
		idle := t.idle
		if t.inFlight == 0 {
			ok := !t.sent.Load()
			t.claimed = ok
			t.mu.Unlock()
			return ok
		}
		t.mu.Unlock()
		select {
		case <-idle:
		case <-timer.C:
			return false
		}
	}
}

// answered reports whether the request may have a reply of the handler's.
func (t *tracker) answered() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.inFlight > 0 || t.sent.Load()
}

// Invoke implements lambda.Handler. Its error, which the Lambda runtime
// prints, is scrubbed of credentials.
func (w *Wrapper) Invoke(ctx context.Context, payload []byte) (out []byte, err error) {
	defer func() { err = scrubError(err) }()
	h := w.h
	ev, err := parseEvent(payload)
	if err == nil {
		err = w.checkURL(ev)
	}
	if ev != nil && ev.operation() != "" {
		ctx = h.beginRequest(ctx, ev)
	}
	if err != nil {
		if ev != nil && ev.canRespond() {
			res, herr := h.serveGet(ctx, ev, err)
			if herr != nil {
				return nil, herr
			}
			return marshalReply(res)
		}
		return nil, err
	}
	if ev.operation() != OpGetObject {
		return w.reply(ctx, ev)
	}
	return w.get(ctx, ev)
}

// reply runs the legacy handler for a HEAD or a listing, whose reply is the
// document it returns, and ends the request like every other.
func (w *Wrapper) reply(ctx context.Context, ev *Event) ([]byte, error) {
	start := time.Now()
	v, err := w.h.guarded(ctx, start, func(ctx context.Context) (any, error) { return w.fn(ctx, ev.lambdaEvent()) })
	var out []byte
	if err == nil {
		out, err = json.Marshal(v)
	}
	var doc struct {
		StatusCode int    `json:"statusCode"`
		ErrorCode  string `json:"errorCode"`
	}
	_ = json.Unmarshal(out, &doc) // a reply without them is reported as status 0
	cause, _ := w.h.logRequest(ctx, ev, requestEnd{op: ev.operation(), start: start, status: doc.StatusCode, code: doc.ErrorCode, err: err})
	if err != nil {
		return nil, cause
	}
	return out, nil
}

// checkURL refuses an inputS3Url the trust policy refuses, before fn sees it.
func (w *Wrapper) checkURL(ev *Event) error {
	u, err := url.Parse(ev.inputS3URL())
	if err != nil {
		return s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError, "inputS3Url does not parse")
	}
	if err := w.h.policy.Check(u); err != nil {
		return s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError, "inputS3Url is not a trusted S3 endpoint")
	}
	return nil
}

// get runs the legacy handler for a GetObject and answers for it when it
// failed without starting a reply of its own.
func (w *Wrapper) get(ctx context.Context, ev *Event) ([]byte, error) {
	h := w.h
	start := time.Now()
	tr, untrack := w.track(ev.GetObjectContext.OutputToken)
	defer untrack()
	v, ferr := h.guarded(ctx, start, func(ctx context.Context) (any, error) {
		return w.fn(ctx, ev.lambdaEvent())
	})
	if ferr != nil {
		// A call of the handler's still connecting gets half the margin to
		// reach the network or give up; the other half is for our reply.
		work, margin := h.deadlines(ctx, start)
		if tr.claim(work.Add(margin / 2)) {
			// Nothing was sent: answer with the error, through the one exit.
			if _, err := h.serveGet(ctx, ev, ferr); err != nil {
				return nil, err
			}
			return nil, ferr
		}
	}
	answered := 0
	if tr.answered() {
		answered = http.StatusOK // the wrapped handler's own reply; its status is not visible here
	}
	cause, _ := h.logRequest(ctx, ev, requestEnd{op: OpGetObject, start: start, status: answered, err: ferr})
	if ferr != nil {
		return nil, cause
	}
	return json.Marshal(v)
}
