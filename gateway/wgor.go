package gateway

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/objectlambda/sdk-go/gateway/internal/cluster"
	"github.com/objectlambda/sdk-go/gateway/internal/pending"
	"github.com/objectlambda/sdk-go/gateway/internal/s3xml"
	"github.com/objectlambda/sdk-go/gateway/internal/sigv4"
	"github.com/objectlambda/sdk-go/s3err"
)

// validFwdStatus are the statuses S3 Object Lambda accepts in
// X-Amz-Fwd-Status.
var validFwdStatus = map[int]bool{200: true, 206: true, 304: true, 400: true, 401: true, 403: true, 404: true,
	405: true, 409: true, 411: true, 412: true, 416: true, 500: true, 503: true}

// wgorRequest is a WriteGetObjectResponse call being answered.
type wgorRequest struct {
	w      http.ResponseWriter
	r      *http.Request
	reqID  string
	route  string
	token  string
	call   WGORCall
	done   func(WGORCall)
	closed bool           // done was called
	entry  *pending.Entry // the request the token names, once known
	g      *Gateway
}

// reject answers the function with f; the call ends there.
func (c *wgorRequest) reject(f *refusal, cause error) {
	c.call.Response, c.call.ResponseCode, c.call.Err = f.err.StatusCode, f.err.Code, cause
	if c.entry != nil {
		c.g.metrics.ObserveLambdaResponse(c.entry.AccessPoint, c.entry.Function, f.err.StatusCode)
	}
	c.finish()
	f.write(c.w, c.r, c.reqID)
}

func (c *wgorRequest) finish() {
	if !c.closed {
		c.closed = true
		c.done(c.call)
	}
}

var (
	errNoToken    = refuse(http.StatusBadRequest, "ValidationError", "x-amz-request-route and x-amz-request-token are required")
	errBadToken   = refuse(http.StatusBadRequest, "ValidationError", "The request token is invalid or was already used.")
	errNotSigned  = refuse(http.StatusForbidden, "AccessDenied", msgAccessDenied)
	errNotTheFunc = refuse(http.StatusForbidden, "AccessDenied", "The request is not signed by the function this request token was issued to.")
)

// serveWGOR is the WriteGetObjectResponse endpoint. A call is taken only
// once it is authenticated: its route and token name a request waiting on
// this replica (or on another one, to which it is streamed through), and
// its signature is that of the function the token was issued to when the
// gateway knows the function's key (the token is the function's only
// authorization otherwise; see Lambda.ResponseCredentials). A call that
// fails authentication leaves the token to the real function.
func (g *Gateway) serveWGOR(w http.ResponseWriter, r *http.Request) {
	c := &wgorRequest{w: w, r: r, reqID: newRequestID(), g: g,
		route: r.Header.Get("X-Amz-Request-Route"), token: r.Header.Get("X-Amz-Request-Token")}
	c.call = WGORCall{Route: c.route, StatusCode: http.StatusOK, ContentLength: r.ContentLength}
	c.done = g.observeWGOR(c.call)
	defer c.finish() // also when the relay aborts the connection
	if r.Header.Get("Authorization") == "" {
		c.reject(errNotSigned, sigv4.ErrMissing)
		return
	}
	if c.token == "" || c.route == "" {
		c.reject(errNoToken, errors.New("missing route or token"))
		return
	}
	e, ok := g.tokens.Peek(c.token)
	if !ok {
		g.notHere(c)
		return
	}
	c.entry = e
	c.call.AccessPoint, c.call.Function = e.AccessPoint, e.Function
	if v := r.Header.Get(cluster.Header); v != "" {
		if err := g.cluster.Verify(v, c.route, c.token, time.Now()); err != nil {
			c.reject(errNotSigned, err)
			return
		}
	}
	if f, err := g.authenticateFunction(r, e, time.Now()); f != nil {
		g.log.Info("objectlambda-gateway: WriteGetObjectResponse refused", "requestId", c.reqID, "function", e.Function, "err", err)
		c.reject(f, err)
		return
	}
	if _, mine := g.tokens.Take(c.token); !mine {
		c.reject(errBadToken, errors.New("the token was used a moment ago"))
		return
	}
	if e.Route != c.route {
		// The token is spent either way; the waiting caller learns of it.
		g.deliver(c, e, nil, "the request route does not match the token")
		return
	}
	_ = http.NewResponseController(w).SetReadDeadline(e.Deadline) // the time limit covers the body
	body, invalid := c.parse()
	g.deliver(c, e, body, invalid)
}

// notHere handles a call whose token no request on this replica waits for:
// streamed through to the replica its route names, or refused.
func (g *Gateway) notHere(c *wgorRequest) {
	addr, ok := g.cluster.Resolve(c.route)
	if !ok || g.cluster.IsSelf(addr) {
		c.reject(errBadToken, errors.New("unknown or reused token"))
		return
	}
	if c.r.Header.Get(cluster.Header) != "" {
		// Forwarded already: a replica forwards only to the route's owner.
		c.reject(errBadToken, errors.New("a forwarded call whose token the route's replica does not know"))
		return
	}
	g.forward(c, addr)
}

// authenticateFunction checks that the call comes from the function e was
// issued to: its SigV4 signature, for s3-object-lambda in the gateway's
// region, with the function's key when the gateway knows it; otherwise the
// signature's form, scope and time only.
func (g *Gateway) authenticateFunction(r *http.Request, e *pending.Entry, now time.Time) (*refusal, error) {
	fn := g.runners[e.Function]
	var err error
	if e.AccessKeyID != "" {
		_, err = sigv4.Verify(r, func(ak string) (string, bool) {
			if ak != e.AccessKeyID || fn == nil {
				return "", false
			}
			return fn.secret.Reveal(), true
		}, signingOL, g.cfg.Region, now)
	} else {
		err = checkUnverifiable(r, g.cfg.Region, now)
	}
	if err == nil {
		return nil, nil
	}
	var se *sigv4.ScopeError
	switch {
	case errors.Is(err, sigv4.ErrUnknownKey):
		return errNotTheFunc, err
	case errors.As(err, &se) && se.Part == "region":
		return refuse(http.StatusBadRequest, "AuthorizationHeaderMalformed",
			"The authorization header is malformed; the region '"+se.Got+"' is wrong; expecting '"+se.Want+"'", s3xml.Elem{Name: "Region", Value: se.Want}), err
	case errors.Is(err, sigv4.ErrScope), errors.Is(err, sigv4.ErrMalformed), errors.Is(err, sigv4.ErrHostNotSigned), errors.Is(err, sigv4.ErrMissingSHA256):
		return refuse(http.StatusBadRequest, "AuthorizationHeaderMalformed", "The authorization header is malformed"), err
	case errors.Is(err, sigv4.ErrSkew):
		return refuse(http.StatusForbidden, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large."), err
	}
	return refuse(http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."), err
}

// checkUnverifiable checks what can be checked of a signature whose key
// the gateway does not know (a Lambda execution role's): the form, the
// scope (s3-object-lambda in region) and the time.
func checkUnverifiable(r *http.Request, region string, now time.Time) error {
	a, err := sigv4.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	if a.Region != region {
		return &sigv4.ScopeError{Part: "region", Got: a.Region, Want: region}
	}
	if a.Service != signingOL {
		return &sigv4.ScopeError{Part: "service", Got: a.Service, Want: signingOL}
	}
	t, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return sigv4.ErrMalformed
	}
	if d := now.Sub(t); d > sigv4.MaxSkew || d < -sigv4.MaxSkew {
		return sigv4.ErrSkew
	}
	return nil
}

// parse reads the call's object status, error and headers into c.call, and
// returns the body to relay (nil for an error reply) or why the call is
// invalid.
func (c *wgorRequest) parse() (io.Reader, string) {
	r := c.r
	call := &c.call
	call.Header = http.Header{}
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
		invalid = "aws-chunked payloads (" + sha + ") are not supported: send UNSIGNED-PAYLOAD"
	default:
		h := sha256.New()
		body = &hashingReader{r: r.Body, h: h, want: sha}
	}
	if invalid == "" && call.ErrorCode != "" {
		switch {
		case !s3err.ValidCode(call.ErrorCode):
			invalid = "x-amz-fwd-error-code must match ^[A-Z][a-zA-Z]+$"
		case call.StatusCode < 300:
			invalid = "x-amz-fwd-error-code cannot be used with a success status"
		case hasBody(r):
			invalid = "x-amz-fwd-error-code cannot be used with a body"
		}
	}
	if call.ErrorCode != "" {
		body = nil
	}
	return body, invalid
}

// deliver hands the call to the waiting caller and answers the function
// with the outcome.
func (g *Gateway) deliver(c *wgorRequest, e *pending.Entry, body io.Reader, invalid string) {
	c.closed = true // the caller's handler completes the record
	d := &delivery{call: c.call, body: body, invalid: invalid, outcome: make(chan wgorOutcome, 1), done: c.done}
	e.Deliver <- d
	o := <-d.outcome
	g.metrics.ObserveLambdaResponse(e.AccessPoint, e.Function, o.status)
	if o.status != http.StatusOK {
		writeError(c.w, c.r, o.status, o.code, o.msg, c.reqID)
		return
	}
	c.w.Header().Set("X-Amz-Request-Id", c.reqID)
	c.w.WriteHeader(http.StatusOK)
}

// observeWGOR starts the record of a call for the observer.
func (g *Gateway) observeWGOR(call WGORCall) func(WGORCall) {
	if g.observe == nil {
		return func(WGORCall) {}
	}
	if done := g.observe(call); done != nil {
		return done
	}
	return func(WGORCall) {}
}

// hashingReader checks a signed payload hash at EOF.
type hashingReader struct {
	r    io.Reader
	h    hash.Hash
	want string
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	_, _ = h.h.Write(p[:n])
	if err == io.EOF && hex.EncodeToString(h.h.Sum(nil)) != h.want {
		return n, hashErr{}
	}
	return n, err
}

// hasBody reports whether the call carries at least one body byte.
func hasBody(r *http.Request) bool {
	if r.ContentLength >= 0 {
		return r.ContentLength > 0
	}
	var b [1]byte
	n, _ := io.ReadFull(r.Body, b[:])
	return n > 0
}
