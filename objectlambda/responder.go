package objectlambda

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	"github.com/objectlambda/sdk-go/s3err"
)

// errAlreadyAnswered is returned when a second reply is attempted.
var errAlreadyAnswered = errors.New("objectlambda: WriteGetObjectResponse already called for this request")

// errReplyOver is what a reply body answers once its call has returned.
var errReplyOver = errors.New("objectlambda: the reply is over")

// responder is the only code that calls WriteGetObjectResponse. It makes
// sure a request gets exactly one reply: the first deliver wins, every later
// one is refused without touching the network. A call that never left the
// process (nothing reached S3, so the token is unused) falls back to an error
// reply, so a reply that cannot be sent as computed still reaches the caller.
type responder struct {
	client       WGORAPI
	route, token string

	mu       sync.Mutex
	claimed  bool
	status   int    // what the caller was answered
	code     string // its S3 error code, if any
	err      error  // the WGOR call's error
	bodyErr  error  // why the reply body failed, if it did
	replaced error  // why the computed reply gave way to an error reply

	bytesOut  atomic.Int64
	streaming atomic.Bool // body bytes were handed to the SDK
}

func newResponder(c WGORAPI, route, token string) *responder {
	return &responder{client: c, route: route, token: token}
}

func (r *responder) claim() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.claimed {
		return false
	}
	r.claimed = true
	return true
}

// result returns the status and code sent and the WGOR call's error.
func (r *responder) result() (status int, code string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status, r.code, r.err
}

// failure is what ended a reply that did not go out as computed: the
// body's own error when the body broke (the root cause), the reason an error
// reply replaced it, else the call's error.
func (r *responder) failure() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.bodyErr != nil:
		return r.bodyErr
	case r.replaced != nil:
		return r.replaced
	}
	return r.err
}

// deliver sends rep as the request's one reply. Its body, if any, is read
// under the pipeline's ownership (see replyBody). ctx bounds the call.
func (r *responder) deliver(ctx context.Context, rep *reply, p *pipeline) error {
	if !r.claim() {
		return errAlreadyAnswered
	}
	in := rep.input()
	var body *replyBody
	if rep.body != nil {
		body = newReplyBody(ctx, rep.body, chunkSize(rep.length), r, p)
	}
	left, err := r.call(ctx, in, body)
	if body != nil {
		body.finish()
	}
	if err == nil || left || rep.err != nil {
		return err
	}
	// The request was never handed to the network: the token is unused.
	// Tell the caller something went wrong instead of leaving them waiting.
	fallback := s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError, "the function could not send its reply")
	r.mu.Lock()
	r.replaced = err
	r.mu.Unlock()
	if _, ferr := r.call(ctx, errorReply(fallback).input(), nil); ferr != nil {
		return fmt.Errorf("%w (and the error reply failed too: %w)", err, ferr)
	}
	return nil
}

// call makes one WGOR call. left reports whether the request was handed to
// the network (then it may have reached S3 and the token is spent).
func (r *responder) call(ctx context.Context, in *s3.WriteGetObjectResponseInput, body *replyBody) (left bool, err error) {
	in.RequestRoute = aws.String(r.route)
	in.RequestToken = aws.String(r.token)
	if body != nil {
		var b io.Reader = body
		if in.ContentLength != nil {
			b = &exactReader{r: body, remaining: *in.ContentLength}
		}
		in.Body = readOnly{b}
	}
	r.mu.Lock()
	r.status = int(aws.ToInt32(in.StatusCode))
	r.code = aws.ToString(in.ErrorCode)
	r.mu.Unlock()
	var tr callTrace
	_, err = r.client.WriteGetObjectResponse(ctx, in, tr.options)
	r.mu.Lock()
	r.err = err
	r.mu.Unlock()
	// Without the trace (a WGORAPI that ignores per-call options) nothing
	// is known: count the call as gone out.
	return !tr.started.Load() || tr.sent.Load(), err
}

// callTrace learns, through per-call middleware, whether a WGOR call's
// request was written to a connection. Before that nothing can have reached
// S3 (the dial, the TLS handshake or the SDK itself failed), so the token is
// unused and another reply may still be sent.
type callTrace struct {
	started atomic.Bool // our middleware ran: the client honours per-call options
	sent    atomic.Bool // the request's headers were written to a connection
}

// options are the per-call settings every WGOR call gets, whatever the
// client's own configuration: no SDK retries (a streamed body cannot be
// replayed and the token is single use), no SDK request or response logs
// (they would print the token and the body), and the trace. Signing logs are
// fixed when a client is built: New builds its own client without them and
// refuses a WithS3Client client that has them.
func (t *callTrace) options(o *s3.Options) {
	o.Retryer = aws.NopRetryer{}
	o.ClientLogMode = 0
	o.APIOptions = append(o.APIOptions, t.install)
}

func (t *callTrace) install(s *middleware.Stack) error {
	return s.Initialize.Add(middleware.InitializeMiddlewareFunc("objectlambdaCallTrace",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			t.started.Store(true)
			return next.HandleInitialize(traceSent(ctx, &t.sent), in)
		}), middleware.Before)
}

// traceSent arranges for sent to be set when the request made with ctx has
// written its headers to a connection.
func traceSent(ctx context.Context, sent *atomic.Bool) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteHeaders: func() { sent.Store(true) }})
}

// replyBody is the body of a reply as the SDK reads it: the pipeline's
// output, read ahead by a filler goroutine (readAhead, the pump). The SDK's
// reads wait for a chunk or for the call's end, never for user code. An
// HTTP transport does not return from a failed or cancelled call until its
// current Read of the body returns, so a transform stuck in Read (ignoring
// its context) would otherwise hold the invocation past every deadline.
type replyBody struct {
	*readAhead
	rs   *responder
	quit chan struct{} // closed by finish: the reply is over
}

// pumpChunk is the largest size of the pump's reads and of its two
// buffers. Chunks of 128 KiB rather than 32 KiB halve the hand-overs
// between the pump and the SDK and, through the gateway on loopback, raised
// an identity GET of 256 MiB from 0.45 to about 0.6 of a direct GET
// (BenchmarkGateway); larger chunks measured no better.
const pumpChunk = 128 << 10

// chunkSize is the size of the pump's buffers for a body of length bytes
// (-1: unknown): a small object does not get two large buffers. One byte
// more than the body lets the read that ends it see the end as well.
func chunkSize(length int64) int {
	if length < 0 || length >= pumpChunk {
		return pumpChunk
	}
	return max(int(length)+1, 512)
}

// newReplyBody reads src under p's ownership for the call made with ctx.
func newReplyBody(ctx context.Context, src io.Reader, size int, rs *responder, p *pipeline) *replyBody {
	quit := make(chan struct{})
	a := newReadAhead(ctx, src, size, p, quit)
	a.onErr = rs.noteBodyErr
	return &replyBody{readAhead: a, rs: rs, quit: quit}
}

func (b *replyBody) Read(p []byte) (int, error) {
	n, err := b.readAhead.Read(p)
	if n > 0 {
		b.rs.streaming.Store(true)
		b.rs.bytesOut.Add(int64(n))
	}
	return n, err
}

// finish ends the reply: a Read still waiting returns, and the pump stops
// after its current read of the pipeline.
func (b *replyBody) finish() { close(b.quit) }

// noteBodyErr records the first error of the reply body: the root cause of
// a failed stream.
func (r *responder) noteBodyErr(err error) {
	r.mu.Lock()
	if r.bodyErr == nil {
		r.bodyErr = err
	}
	r.mu.Unlock()
}

// ErrLengthMismatch is reported when a body does not have the length that was
// announced for it.
var ErrLengthMismatch = errors.New("objectlambda: body length does not match Content-Length")

// exactReader holds a body to the length announced for it. When the last
// announced byte has been read it looks past the end at once, in the same
// Read: the HTTP client stops reading at Content-Length, so an error that a
// stream only reports at its end (a failed authentication tag, a truncated
// upstream) or surplus bytes would otherwise go unnoticed and the upload
// would complete as if the body were whole.
type exactReader struct {
	r         io.Reader
	remaining int64
	final     error // set once the end was probed: io.EOF, or why the body is bad
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.final != nil {
		return 0, e.final
	}
	if e.remaining <= 0 {
		e.probe()
		return 0, e.final
	}
	if int64(len(p)) > e.remaining {
		p = p[:e.remaining]
	}
	n, err := e.r.Read(p)
	e.remaining -= int64(n)
	switch {
	case err == io.EOF && e.remaining > 0:
		e.final = fmt.Errorf("%w: body ended %d bytes early: %w", ErrLengthMismatch, e.remaining, io.ErrUnexpectedEOF)
		return n, e.final
	case err == io.EOF:
		e.final = io.EOF
		return n, nil
	case err != nil:
		// Never hand on bytes that came with an error: they may be what
		// completes the announced length.
		e.final = err
		return 0, err
	}
	if e.remaining == 0 {
		e.probe()
		if e.final != io.EOF {
			// Withhold the last bytes: the upload then ends short and
			// fails, instead of completing with a body known to be bad.
			return 0, e.final
		}
	}
	return n, nil
}

// probe reads past the announced end and records what it found.
func (e *exactReader) probe() {
	var one [1]byte
	for i := 0; i < 100; i++ {
		n, err := e.r.Read(one[:])
		switch {
		case n > 0:
			e.final = fmt.Errorf("%w: body is longer than announced", ErrLengthMismatch)
			return
		case err != nil:
			e.final = err
			return
		}
	}
	e.final = io.ErrNoProgress
}
