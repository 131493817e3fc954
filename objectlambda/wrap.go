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
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	"github.com/objectlambda/sdk-go/s3err"
)

// LegacyHandler is a handler written against aws-lambda-go's event type that
// fetches inputS3Url and calls WriteGetObjectResponse itself.
type LegacyHandler func(ctx context.Context, ev events.S3ObjectLambdaEvent) (any, error)

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
// To know whether fn answered, add TrackResponses to the S3 client fn uses
// for WriteGetObjectResponse:
//
//	client := s3.NewFromConfig(cfg, objectlambda.TrackResponses)
//
// Without it, a failing fn that had already answered causes one redundant
// error reply, which S3 refuses (the token is single use) and the wrapper
// logs. Options configure the wrapper's own WGOR client, trust policy,
// logger and deadline margin; transforms and authorizers do not apply.
func Wrap(fn LegacyHandler, opts ...Option) (lambda.Handler, error) {
	if fn == nil {
		return nil, fmt.Errorf("objectlambda: Wrap: nil handler")
	}
	h, err := New(opts...)
	if err != nil {
		return nil, err
	}
	return &wrapped{h: h, fn: fn}, nil
}

type wrapped struct {
	h  *Handler
	fn LegacyHandler
}

type trackerKey struct{}

// tracker records, per invocation, the WriteGetObjectResponse calls made
// through a client with TrackResponses.
type tracker struct {
	sent atomic.Bool // a call's request was written to a connection

	mu       sync.Mutex
	inFlight int  // calls started and not yet returned
	claimed  bool // the wrapper answered: later calls are refused
}

// errWrapperAnswered refuses a wrapped handler's reply after the wrapper
// answered for it.
var errWrapperAnswered = errors.New("objectlambda: the request was already answered for this handler (it failed or ran out of time)")

// claim lets the wrapper answer, unless the request may already have a
// reply: a call is under way, or one reached the network (a call that failed
// before it was written anywhere, because its context ended while
// connecting, say, reached nobody). Once claimed, tracked calls are refused.
func (t *tracker) claim() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.inFlight > 0 || t.sent.Load() {
		return false
	}
	t.claimed = true
	return true
}

// begin admits a call, unless the wrapper answered.
func (t *tracker) begin() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.claimed {
		return errWrapperAnswered
	}
	t.inFlight++
	return nil
}

func (t *tracker) end() {
	t.mu.Lock()
	t.inFlight--
	t.mu.Unlock()
}

// answered reports whether the request may have a reply of the handler's.
func (t *tracker) answered() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.inFlight > 0 || t.sent.Load()
}

// TrackResponses is an s3.Options function that lets Wrap see the
// WriteGetObjectResponse calls a wrapped handler makes. A request counts as
// answered from the moment its first call starts, unless that call ends
// without having written anything to the network: a reply still streaming at
// the deadline, or one that failed half-way, may already be the caller's,
// and a second reply with the same token would reach them as a second answer.
func TrackResponses(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("objectlambdaTrackResponses",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				t, ok := ctx.Value(trackerKey{}).(*tracker)
				if _, wgor := in.Parameters.(*s3.WriteGetObjectResponseInput); !ok || !wgor {
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

func (w *wrapped) Invoke(ctx context.Context, payload []byte) (out []byte, err error) {
	defer func() { err = scrubError(err) }()
	h := w.h
	ev, err := ParseEvent(payload)
	if err == nil {
		err = w.checkURL(ev)
	}
	if ev != nil && ev.Operation() != "" {
		ctx = h.beginRequest(ctx, ev)
	}
	if err != nil {
		if ev != nil && ev.CanRespond() {
			res, herr := h.serveGet(ctx, ev, err)
			if herr != nil {
				return nil, herr
			}
			return marshalReply(res)
		}
		return nil, err
	}
	if ev.Operation() != OpGetObject {
		v, err := h.guarded(ctx, time.Now(), func(ctx context.Context) (any, error) { return w.fn(ctx, ev.LambdaEvent()) })
		if err != nil {
			return nil, err
		}
		return json.Marshal(v)
	}
	return w.get(ctx, ev)
}

// checkURL refuses an inputS3Url the trust policy refuses, before fn sees it.
func (w *wrapped) checkURL(ev *Event) error {
	u, err := url.Parse(ev.InputS3URL())
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
func (w *wrapped) get(ctx context.Context, ev *Event) ([]byte, error) {
	h := w.h
	start := time.Now()
	tr := &tracker{}
	v, ferr := h.guarded(context.WithValue(ctx, trackerKey{}, tr), start, func(ctx context.Context) (any, error) {
		return w.fn(ctx, ev.LambdaEvent())
	})
	if ferr != nil && tr.claim() {
		// Nothing was started: answer with the error, through the one exit.
		if _, err := h.serveGet(ctx, ev, ferr); err != nil {
			return nil, err
		}
		return nil, ferr
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
