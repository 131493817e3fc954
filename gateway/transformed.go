package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/gateway/function"
	"github.com/objectlambda/sdk-go/gateway/internal/fnreply"
	"github.com/objectlambda/sdk-go/gateway/internal/s3op"
	"github.com/objectlambda/sdk-go/objectlambda"
)

// serveTransformed serves GetObject, HeadObject and the listings: through
// the function the action is routed to, else from the store unchanged.
func (g *Gateway) serveTransformed(o *observed, r *http.Request, caller *config.Caller, ap *config.AccessPoint, t s3op.Target, op, reqID string) {
	if op == s3op.GetObject || op == s3op.HeadObject {
		// Object Lambda checks these before it looks at the routing.
		q := r.URL.Query()
		hasRange := r.Header.Get("Range") != "" || queryHasFold(q, "range")
		hasPart := queryHasFold(q, "partNumber")
		if hasRange && !ap.AllowsFeature(op+"-Range") || hasPart && !ap.AllowsFeature(op+"-PartNumber") {
			writeError(o, r, http.StatusNotImplemented, "NotImplemented", msgNotImplemented, reqID)
			return
		}
		if r.Header.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") != "" {
			writeError(o, r, http.StatusBadRequest, "InvalidRequest", "SSE-C requests are not supported by S3 Object Lambda", reqID)
			return
		}
	}
	rt, routed := ap.Route(op)
	if !routed {
		o.proxied = true
		g.passThrough(o, r, ap, t, reqID)
		return
	}
	fn := g.runners[rt.Function]
	o.function = fn.name
	release, ok := g.limiter.Acquire(ap.Name)
	if !ok {
		writeError(o, r, http.StatusServiceUnavailable, "SlowDown", msgUnavailable, reqID)
		return
	}
	inv := &invocation{ap: ap, fn: fn, reqID: reqID, deadline: time.Now().Add(g.timeLimit), release: release, callerGone: r.Context().Done()}
	ev := g.event(r, caller, ap, rt, op, t.Key, reqID)
	base := g.publicURL
	if fn.inProcess {
		base = g.selfURL
	}
	sap := ap.ObjectLambdaConfiguration.SupportingAccessPoint
	input, err := g.presign(r.Context(), r, g.stores[sap.Store], sap.Bucket, op, t.Key, base, fn.direct)
	if err != nil {
		release()
		g.log.Warn("objectlambda-gateway: cannot presign inputS3Url", "requestId", reqID, "store", sap.Store, "err", err)
		writeError(o, r, http.StatusInternalServerError, "InternalError", msgInternal, reqID)
		return
	}
	switch op {
	case s3op.GetObject:
		g.serveGet(o, r, inv, &ev, input)
	case s3op.HeadObject:
		ev.HeadObjectContext = &objectlambda.InputContext{InputS3URL: input}
		g.serveReply(o, r, inv, &ev, fnreply.Head)
	case s3op.ListObjects:
		ev.ListObjectsContext = &objectlambda.InputContext{InputS3URL: input}
		g.serveReply(o, r, inv, &ev, fnreply.List)
	case s3op.ListObjectsV2:
		ev.ListObjectsV2Context = &objectlambda.InputContext{InputS3URL: input}
		g.serveReply(o, r, inv, &ev, fnreply.ListV2)
	}
}

func queryHasFold(q map[string][]string, name string) bool {
	for k := range q {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// invocation is one run of a function for a caller's request.
type invocation struct {
	ap       *config.AccessPoint
	fn       *runner
	reqID    string
	deadline time.Time
	release  func() // the access point's invocation slot
	// callerGone is closed when the caller's request ends; an invocation
	// still waiting for its function's slot then gives up.
	callerGone <-chan struct{}
}

// result is what a function returned.
type result struct {
	out []byte
	err error
}

// start runs the function in the background; the result arrives on the
// returned channel. The function's context ends at the deadline (its time
// limit) or when the gateway closes, never when the caller's request ends:
// as on Lambda, the function may go on after its WriteGetObjectResponse.
func (g *Gateway) start(inv *invocation, ev *objectlambda.Event) (context.Context, <-chan result) {
	res := make(chan result, 1)
	ctx, cancel := context.WithDeadline(g.ctx, inv.deadline)
	payload, err := json.Marshal(ev)
	if err != nil || !g.work.enter() {
		cancel()
		inv.release()
		if err == nil {
			err = errClosing
		}
		res <- result{err: err}
		return ctx, res
	}
	g.metrics.ObserveInvocation(inv.ap.Name, inv.fn.name)
	go func() {
		defer g.work.leave()
		defer inv.release()
		defer cancel()
		fctx := function.WithAbandon(ctx, inv.callerGone)
		if inv.fn.inProcess {
			fctx = lambdacontext.NewContext(fctx, &lambdacontext.LambdaContext{AwsRequestID: inv.reqID, InvokedFunctionArn: inv.fn.arn})
		}
		out, err := inv.fn.Invoke(fctx, payload)
		res <- result{out: out, err: err}
	}()
	return ctx, res
}

// serveReply handles HEAD and LIST: the function's return value is the
// answer.
func (g *Gateway) serveReply(w http.ResponseWriter, r *http.Request, inv *invocation, ev *objectlambda.Event, kind fnreply.Kind) {
	ctx, res := g.start(inv, ev)
	var ir result
	select {
	case ir = <-res:
	case <-ctx.Done():
		select { // the function may have returned just as the context ended
		case ir = <-res:
		default:
			g.failInvocation(ctx, w, r, inv, nil)
			return
		}
	}
	if ir.err != nil {
		g.failInvocation(ctx, w, r, inv, ir.err)
		return
	}
	rp, err := fnreply.Parse(ir.out, kind)
	if err != nil {
		g.log.Info("objectlambda-gateway: invalid function reply", "requestId", inv.reqID, "function", inv.fn.name, "err", err)
		writeError(w, r, http.StatusBadRequest, "LambdaInvalidResponse", "The Lambda function returned an invalid response: "+err.Error(), inv.reqID)
		return
	}
	for k, v := range rp.Header {
		w.Header()[k] = v
	}
	if rp.ErrorCode != "" {
		writeError(w, r, rp.StatusCode, rp.ErrorCode, rp.ErrorMessage, inv.reqID)
		return
	}
	if kind != fnreply.Head {
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Del("Content-Length")
	}
	w.WriteHeader(rp.StatusCode)
	if r.Method != http.MethodHead {
		_, _ = w.Write(rp.Body)
	}
}

// failInvocation answers the caller when the function produced no answer:
// it failed, time ran out, or the gateway is closing.
func (g *Gateway) failInvocation(ctx context.Context, w http.ResponseWriter, r *http.Request, inv *invocation, fnErr error) {
	log := g.log.With("requestId", inv.reqID, "accessPoint", inv.ap.Name, "function", inv.fn.name)
	switch {
	case g.ctx.Err() != nil, errors.Is(fnErr, errClosing):
		writeError(w, r, http.StatusServiceUnavailable, "ServiceUnavailable", msgClosed, inv.reqID)
	case errors.Is(ctx.Err(), context.DeadlineExceeded) && (fnErr == nil || errors.Is(fnErr, context.DeadlineExceeded)):
		log.Info("objectlambda-gateway: function timed out")
		writeError(w, r, http.StatusInternalServerError, "LambdaTimeout", "The Lambda function did not respond in the allowed time.", inv.reqID)
	case fnErr != nil:
		e := function.S3Error(fnErr)
		log.Info("objectlambda-gateway: function failed", "err", fnErr, "code", e.Code)
		writeError(w, r, e.StatusCode, e.Code, e.Message, inv.reqID)
	default:
		log.Info("objectlambda-gateway: function returned without WriteGetObjectResponse")
		writeError(w, r, http.StatusInternalServerError, "LambdaResponseNotReceived",
			"The Lambda exited without successfully calling WriteGetObjectResponse.", inv.reqID)
	}
}
