package gateway

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// localTransport carries an in-process function's requests to its own
// replica (WriteGetObjectResponse, inputS3Url) through the gateway's
// handler in memory, without a socket: the same authentication, routing
// and relay as over the network. The body of a store's answer to an
// inputS3Url is handed to the function as it came from the store
// (bodyTaker); other response bodies, all small, cross a pipe. Requests to
// any other host go to next.
type localTransport struct {
	host    string // this replica's host:port, as in SelfURL
	handler http.Handler
	next    http.RoundTripper
}

// errHandlerAborted is what a reader of a local response sees when the
// handler aborted it (a broken transfer, as over the network).
var errHandlerAborted = errors.New("gateway: the response was aborted")

func (t *localTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != t.host {
		return t.next.RoundTrip(req)
	}
	sr := req.Clone(req.Context())
	sr.URL.Scheme, sr.URL.Host = "", ""
	sr.RequestURI = req.URL.RequestURI()
	sr.Host = req.Host
	if sr.Host == "" {
		sr.Host = req.URL.Host
	}
	sr.RemoteAddr = "in-process"
	if sr.Body == nil {
		sr.Body = http.NoBody
	}
	sr.Header.Del("Content-Length") // a server sees it in ContentLength
	pr, pw := io.Pipe()
	w := &pipeWriter{header: http.Header{}, body: pw, ready: make(chan struct{})}
	go t.serve(w, sr)
	select {
	case <-w.ready:
	case <-req.Context().Done():
		_ = pr.CloseWithError(req.Context().Err())
		w.abandon()
		return nil, req.Context().Err()
	}
	var body io.ReadCloser = pr
	if w.taken != nil {
		_ = pr.Close()
		body = w.taken
	}
	resp := &http.Response{
		Status: strconv.Itoa(w.status) + " " + http.StatusText(w.status), StatusCode: w.status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: w.sent, Body: body, ContentLength: -1, Request: req,
	}
	if n, err := strconv.ParseInt(w.sent.Get("Content-Length"), 10, 64); err == nil {
		resp.ContentLength = n
	}
	if req.Method == http.MethodHead {
		resp.Body = http.NoBody
		_ = body.Close()
	}
	return resp, nil
}

// serve runs the handler and ends the response: complete, or broken when
// the handler aborted or panicked.
func (t *localTransport) serve(w *pipeWriter, r *http.Request) {
	defer func() {
		v := recover()
		w.WriteHeader(http.StatusOK) // a no-op once sent
		switch {
		case v == nil:
			_ = w.body.Close()
		case v == http.ErrAbortHandler:
			_ = w.body.CloseWithError(errHandlerAborted)
		default:
			_ = w.body.CloseWithError(fmt.Errorf("%w: %v", errHandlerAborted, v))
		}
	}()
	t.handler.ServeHTTP(w, r)
}

// pipeWriter is the http.ResponseWriter of a local request: the header goes
// out with the first write, the body through a pipe to the caller.
type pipeWriter struct {
	mu     sync.Mutex
	header http.Header
	sent   http.Header
	status int
	body   *io.PipeWriter
	taken  io.ReadCloser // the body handed over by takeBody, if any
	gone   bool          // the requester gave up: a body handed over is closed
	ready  chan struct{}
}

// bodyTaker is implemented by the response writer of an in-process
// request: a handler that relays a body it got from elsewhere (a store's
// answer) hands it over instead of copying it through the pipe.
type bodyTaker interface {
	// takeBody sends the header with status; body becomes the response
	// body, and its reader closes it.
	takeBody(status int, body io.ReadCloser)
}

func (w *pipeWriter) takeBody(status int, body io.ReadCloser) {
	w.mu.Lock()
	if w.sent != nil || w.gone {
		w.mu.Unlock()
		_ = body.Close()
		return
	}
	w.taken = body
	w.mu.Unlock()
	w.WriteHeader(status)
}

// abandon records that the requester gave up before the header came: a
// body handed over already, or later, is closed, not leaked.
func (w *pipeWriter) abandon() {
	w.mu.Lock()
	w.gone = true
	taken := w.taken
	w.mu.Unlock()
	if taken != nil {
		_ = taken.Close()
	}
}

func (w *pipeWriter) Header() http.Header { return w.header }

func (w *pipeWriter) WriteHeader(status int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sent != nil || status < 200 {
		return
	}
	w.status, w.sent = status, w.header.Clone()
	close(w.ready)
}

func (w *pipeWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

// FlushError makes the response writer flushable: a pipe has no buffer.
func (w *pipeWriter) FlushError() error { return nil }
