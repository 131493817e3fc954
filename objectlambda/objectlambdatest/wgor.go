package objectlambdatest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest/internal/sigv4"
)

// pending is a GetObject waiting for its WriteGetObjectResponse.
type pending struct {
	route    string
	deadline time.Time
	deliver  chan *delivery // unbuffered: the WGOR handler hands over, the client handler takes
}

// delivery is a WGOR handed to the waiting client handler.
type delivery struct {
	call    WGORCall
	invalid string    // non-empty: the WGOR failed validation; the client gets LambdaInvalidResponse
	body    io.Reader // nil for error replies
	outcome chan wgorOutcome
}

// wgorOutcome is what the WGOR handler answers the function, decided by the
// client handler once the body has been relayed (or not).
type wgorOutcome struct {
	status int
	code   string
	msg    string
}

// WGOR statuses S3 Object Lambda accepts in X-Amz-Fwd-Status.
var validFwdStatus = map[int]bool{200: true, 206: true, 304: true, 400: true, 401: true, 403: true, 404: true,
	405: true, 409: true, 411: true, 412: true, 416: true, 500: true, 503: true}

func (ap *AccessPoint) addPending(token string, p *pending) {
	ap.mu.Lock()
	defer ap.mu.Unlock()
	ap.tokens[token] = p
}

// take removes token; exactly one of the WGOR handler (claim) and the client
// handler (abandon) gets true.
func (ap *AccessPoint) take(token string) (*pending, bool) {
	ap.mu.Lock()
	defer ap.mu.Unlock()
	p, ok := ap.tokens[token]
	delete(ap.tokens, token)
	return p, ok
}

// serveGet invokes the function for a GetObject and relays its WGOR.
func (ap *AccessPoint) serveGet(w http.ResponseWriter, r *http.Request, rt *route, ev objectlambda.Event, reqID string) {
	token := ev.GetObjectContext.OutputToken
	deadline := time.Now().Add(ap.cfg.timeLimit)
	p := &pending{route: ev.GetObjectContext.OutputRoute, deadline: deadline, deliver: make(chan *delivery)}
	ap.addPending(token, p)
	payload, err := ap.encodeEvent(ev)
	if err != nil {
		ap.take(token)
		writeError(w, r, http.StatusInternalServerError, "InternalError", err.Error(), reqID)
		return
	}
	ctx, res := ap.invoke(rt, payload, reqID, deadline)

	var fnErr error
	select {
	case d := <-p.deliver:
		ap.relay(w, r, d, reqID)
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
	if _, mine := ap.take(token); !mine {
		// A WGOR claimed the token at the same moment: it is about to deliver.
		ap.relay(w, r, <-p.deliver, reqID)
		return
	}
	if r.Context().Err() != nil && ctx.Err() == nil {
		return // the client went away; nobody to answer
	}
	ap.failInvocation(ctx, w, r, fnErr, reqID)
}

// relay answers the client with a delivered WGOR and decides what the WGOR
// caller is told. A body that breaks mid-stream aborts the client connection,
// so the client sees a broken transfer, never a short success.
func (ap *AccessPoint) relay(w http.ResponseWriter, r *http.Request, d *delivery, reqID string) {
	call := d.call
	if d.invalid != "" {
		call.Response, call.ResponseCode, call.Err = http.StatusBadRequest, "ValidationError", errors.New(d.invalid)
		ap.record(call)
		writeError(w, r, http.StatusBadRequest, "LambdaInvalidResponse", "The Lambda function returned an invalid response: "+d.invalid, reqID)
		d.outcome <- wgorOutcome{http.StatusBadRequest, "ValidationError", d.invalid}
		return
	}
	for k, v := range call.Header {
		w.Header()[k] = v
	}
	if call.ErrorCode != "" {
		call.Response = http.StatusOK
		ap.record(call)
		writeError(w, r, call.StatusCode, call.ErrorCode, call.ErrorMessage, reqID)
		d.outcome <- wgorOutcome{status: http.StatusOK}
		return
	}
	if call.ContentLength >= 0 && call.StatusCode != http.StatusNotModified {
		w.Header().Set("Content-Length", strconv.FormatInt(call.ContentLength, 10))
	}
	rec := ap.startRecord(call)
	w.WriteHeader(call.StatusCode)
	n, err := copyFlush(w, d.body)
	call.BodySize = n
	if err == nil && call.ContentLength >= 0 && n != call.ContentLength {
		err = fmt.Errorf("body has %d bytes, Content-Length said %d", n, call.ContentLength)
	}
	if err != nil {
		var we writeErr
		if errors.As(err, &we) {
			// The client went away: the function did its part.
			call.Response, call.Err = http.StatusOK, fmt.Errorf("%w: %v", errClientGone, we.err)
			ap.finish(rec, call)
			d.outcome <- wgorOutcome{status: http.StatusOK}
			panic(http.ErrAbortHandler)
		}
		code := "ConnectionClosedByRequester"
		var he hashErr
		if errors.As(err, &he) {
			code = "XAmzContentSHA256Mismatch"
		}
		call.Response, call.ResponseCode, call.Err = http.StatusBadRequest, code, err
		ap.finish(rec, call)
		ap.log.Info("objectlambdatest: WGOR body broke mid-stream; aborting the client connection", "err", err)
		d.outcome <- wgorOutcome{http.StatusBadRequest, code, "error reading the WriteGetObjectResponse body"}
		panic(http.ErrAbortHandler)
	}
	call.Response = http.StatusOK
	ap.finish(rec, call)
	d.outcome <- wgorOutcome{status: http.StatusOK}
}

type writeErr struct{ err error }

func (e writeErr) Error() string { return "write to client: " + e.err.Error() }

type hashErr struct{}

func (hashErr) Error() string { return "body does not match x-amz-content-sha256" }

// copyFlush copies src to w, flushing after every read so the client sees the
// body as the function streams it.
func copyFlush(w http.ResponseWriter, src io.Reader) (int64, error) {
	rc := http.NewResponseController(w)
	buf := make([]byte, 32<<10)
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

// hashingReader checks a signed payload hash at EOF.
type hashingReader struct {
	r    io.Reader
	h    interface{ Sum([]byte) []byte }
	w    io.Writer
	want string
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	_, _ = h.w.Write(p[:n])
	if err == io.EOF && hex.EncodeToString(h.h.Sum(nil)) != h.want {
		return n, hashErr{}
	}
	return n, err
}

func (ap *AccessPoint) secretOfAnyone(ak string) (string, bool) {
	if ak == ap.fnKey {
		return ap.fnSec, true
	}
	return ap.secretOfCaller(ak)
}

// serveWGOR is the WriteGetObjectResponse endpoint.
func (ap *AccessPoint) serveWGOR(w http.ResponseWriter, r *http.Request) {
	reqID := strings.ToUpper(randomHex(8))
	route := r.Header.Get("X-Amz-Request-Route")
	reject := func(status int, code, msg string, err error) {
		ap.record(WGORCall{Route: route, Response: status, ResponseCode: code, Err: err, ContentLength: r.ContentLength})
		writeError(w, r, status, code, msg, reqID)
	}
	if _, err := sigv4.Verify(r, ap.secretOfAnyone, "s3-object-lambda", ap.cfg.region, time.Now()); err != nil {
		code := "SignatureDoesNotMatch"
		if errors.Is(err, sigv4.ErrMissing) || errors.Is(err, sigv4.ErrUnknownKey) {
			code = "AccessDenied"
		}
		reject(http.StatusForbidden, code, "The request signature we calculated does not match the signature you provided.", err)
		return
	}
	token := r.Header.Get("X-Amz-Request-Token")
	if token == "" || route == "" {
		reject(http.StatusBadRequest, "ValidationError", "x-amz-request-route and x-amz-request-token are required", errors.New("missing route or token"))
		return
	}
	p, ok := ap.take(token)
	if !ok {
		reject(http.StatusBadRequest, "ValidationError", "The request token is invalid or was already used.", errors.New("unknown or reused token"))
		return
	}
	if p.route != route {
		// The token is spent either way; the waiting client learns of it.
		ap.deliverInvalid(w, r, p, WGORCall{Route: route}, "the request route does not match the token", reqID)
		return
	}
	_ = http.NewResponseController(w).SetReadDeadline(p.deadline)

	call := WGORCall{Route: route, StatusCode: http.StatusOK, Header: http.Header{}, ContentLength: r.ContentLength}
	invalid := ""
	if s := r.Header.Get("X-Amz-Fwd-Status"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || !validFwdStatus[n] {
			invalid = "x-amz-fwd-status is not a status S3 Object Lambda accepts"
		}
		call.StatusCode = n
	}
	call.ErrorCode = r.Header.Get("X-Amz-Fwd-Error-Code")
	call.ErrorMessage = r.Header.Get("X-Amz-Fwd-Error-Message")
	for k, v := range r.Header {
		lk := strings.ToLower(k)
		switch {
		case strings.HasPrefix(lk, "x-amz-fwd-header-"):
			call.Header[http.CanonicalHeaderKey(k[len("x-amz-fwd-header-"):])] = v
		case strings.HasPrefix(lk, "x-amz-meta-"):
			call.Header[k] = v
		}
	}
	var body io.Reader = r.Body
	switch sha := r.Header.Get("X-Amz-Content-Sha256"); {
	case sha == "UNSIGNED-PAYLOAD":
	case strings.HasPrefix(sha, "STREAMING-"):
		invalid = "aws-chunked payloads (" + sha + ") are not supported by objectlambdatest"
	default:
		hh := sha256.New()
		body = &hashingReader{r: r.Body, h: hh, w: hh, want: sha}
	}
	if invalid == "" && call.ErrorCode != "" {
		switch {
		case !validErrorCode(call.ErrorCode):
			invalid = "x-amz-fwd-error-code must match ^[A-Z][a-zA-Z]+$"
		case call.StatusCode < 300:
			invalid = "x-amz-fwd-error-code cannot be used with a success status"
		case hasBody(r):
			invalid = "x-amz-fwd-error-code cannot be used with a body"
		}
	}
	if invalid != "" {
		ap.deliverInvalid(w, r, p, call, invalid, reqID)
		return
	}
	if call.ErrorCode != "" {
		body = nil
	}
	d := &delivery{call: call, body: body, outcome: make(chan wgorOutcome, 1)}
	p.deliver <- d
	ap.answerWGOR(w, r, <-d.outcome, reqID)
}

func (ap *AccessPoint) deliverInvalid(w http.ResponseWriter, r *http.Request, p *pending, call WGORCall, why, reqID string) {
	d := &delivery{call: call, invalid: why, outcome: make(chan wgorOutcome, 1)}
	p.deliver <- d
	ap.answerWGOR(w, r, <-d.outcome, reqID)
}

func (ap *AccessPoint) answerWGOR(w http.ResponseWriter, r *http.Request, o wgorOutcome, reqID string) {
	if o.status == http.StatusOK {
		w.Header().Set("X-Amz-Request-Id", reqID)
		w.WriteHeader(http.StatusOK)
		return
	}
	writeError(w, r, o.status, o.code, o.msg, reqID)
}

// hasBody reports whether the WGOR request carries at least one body byte.
func hasBody(r *http.Request) bool {
	if r.ContentLength > 0 {
		return true
	}
	if r.ContentLength == 0 {
		return false
	}
	var b [1]byte
	n, _ := io.ReadFull(r.Body, b[:])
	return n > 0
}
