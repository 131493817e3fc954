package objectlambda

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
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

// tracker records, per invocation, whether a WriteGetObjectResponse call
// succeeded through a client with TrackResponses.
type tracker struct{ answered atomic.Bool }

// TrackResponses is an s3.Options function that lets Wrap see the
// WriteGetObjectResponse calls a wrapped handler makes.
func TrackResponses(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("objectlambdaTrackResponses",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleInitialize(ctx, in)
				if _, ok := in.Parameters.(*s3.WriteGetObjectResponseInput); ok && err == nil {
					if t, ok := ctx.Value(trackerKey{}).(*tracker); ok {
						t.answered.Store(true)
					}
				}
				return out, md, err
			}), middleware.After)
	})
}

func (w *wrapped) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	h := w.h
	ev, err := ParseEvent(payload)
	if err == nil {
		u, perr := url.Parse(ev.InputS3URL())
		if perr != nil {
			err = s3err.Wrap(perr, http.StatusInternalServerError, s3err.CodeInternalError, "inputS3Url does not parse")
		} else if perr := h.policy.Check(u); perr != nil {
			err = s3err.Wrap(perr, http.StatusInternalServerError, s3err.CodeInternalError, "inputS3Url is not a trusted S3 endpoint")
		}
	}
	if ev != nil && ev.Operation() != "" {
		ctx = h.beginRequest(ctx, ev)
	}
	if err != nil {
		if ev != nil && ev.CanRespond() {
			res, herr := h.serveGet(ctx, ev, err)
			return marshalReply(res, herr)
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

	start := time.Now()
	tr := &tracker{}
	v, ferr := h.guarded(context.WithValue(ctx, trackerKey{}, tr), start, func(ctx context.Context) (any, error) {
		return w.fn(ctx, ev.LambdaEvent())
	})
	if ferr != nil && !tr.answered.Load() {
		c := ev.GetObjectContext
		rs := newResponder(h.wgor, c.OutputRoute, c.OutputToken)
		werr := h.failReply(ctx, rs, ferr)
		status, code, _ := rs.result()
		h.logRequest(ctx, ev, OpGetObject, start, status, code, 0, 0, ferr, werr)
		if werr != nil {
			return nil, fmt.Errorf("objectlambda: handler failed (%w) and the error reply failed too: %v", ferr, werr)
		}
		return nil, ferr
	}
	answered := 0
	if tr.answered.Load() {
		answered = http.StatusOK // the wrapped handler's own reply; its status is not visible here
	}
	h.logRequest(ctx, ev, OpGetObject, start, answered, "", 0, 0, ferr, nil)
	if ferr != nil {
		return nil, ferr
	}
	return json.Marshal(v)
}
