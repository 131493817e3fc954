package objectlambda

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/internal/httprange"
	"github.com/objectlambda/sdk-go/s3err"
)

// errAlreadyAnswered is returned when a second reply is attempted.
var errAlreadyAnswered = errors.New("objectlambda: WriteGetObjectResponse already called for this request")

// responder is the only code that calls WriteGetObjectResponse. It makes
// sure a request gets exactly one reply: the first claim wins, every later
// attempt is refused without touching the network.
type responder struct {
	client       WGORAPI
	route, token string

	mu      sync.Mutex
	claimed bool
	done    chan struct{} // closed when the claimed call returned

	// results, valid after done is closed
	status    int
	code      string
	bytesOut  atomic.Int64
	streaming atomic.Bool // body bytes were handed to the SDK
	err       error
}

func newResponder(c WGORAPI, route, token string) *responder {
	return &responder{client: c, route: route, token: token, done: make(chan struct{})}
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

func (r *responder) answered() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.claimed
}

// result returns the status and code sent and the WGOR call's error.
func (r *responder) result() (status int, code string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status, r.code, r.err
}

// wait blocks until the claimed call has returned or ctx is done.
func (r *responder) wait(ctx context.Context) {
	select {
	case <-r.done:
	case <-ctx.Done():
	}
}

// send makes the one WGOR call with a body. The body is counted and, when in
// has a ContentLength, held to exactly that many bytes: a body that ends early
// or runs long fails the upload instead of being reported as complete.
func (r *responder) send(ctx context.Context, in *s3.WriteGetObjectResponseInput, body io.Reader) error {
	if !r.claim() {
		return errAlreadyAnswered
	}
	defer close(r.done)
	in.RequestRoute = aws.String(r.route)
	in.RequestToken = aws.String(r.token)
	r.mu.Lock()
	r.status = int(aws.ToInt32(in.StatusCode))
	r.code = aws.ToString(in.ErrorCode)
	r.mu.Unlock()
	if body != nil {
		cr := &countingReader{r: body, n: &r.bytesOut, started: &r.streaming}
		var b io.Reader = cr
		if in.ContentLength != nil {
			b = &exactReader{r: cr, remaining: *in.ContentLength}
		}
		in.Body = readOnly{b}
	}
	_, err := r.client.WriteGetObjectResponse(ctx, in)
	r.mu.Lock()
	r.err = err
	r.mu.Unlock()
	return err
}

// fail answers with an S3 error, unless a reply was already claimed.
func (r *responder) fail(ctx context.Context, err error) error {
	e := s3err.From(err)
	in := errorInput(e)
	var re *rangeError
	if errors.As(err, &re) && re.size >= 0 {
		in.ContentRange = aws.String(httprange.UnsatisfiedContentRange(re.size))
	}
	return r.send(ctx, in, nil)
}

// wgorStatuses are the statuses WriteGetObjectResponse documents.
var wgorStatuses = map[int]bool{200: true, 206: true, 304: true, 400: true, 401: true, 403: true, 404: true,
	405: true, 409: true, 411: true, 412: true, 416: true, 500: true, 503: true}

// replyStatus maps a status WGOR does not accept onto the nearest one it
// does: 502 and 504 (gateway trouble) become 503, other 5xx 500, other 4xx 400.
func replyStatus(status int) int {
	switch {
	case wgorStatuses[status]:
		return status
	case status == http.StatusBadGateway || status == http.StatusGatewayTimeout || status == http.StatusTooManyRequests:
		return http.StatusServiceUnavailable
	case status >= 400 && status < 500:
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

func errorInput(e *s3err.Error) *s3.WriteGetObjectResponseInput {
	in := &s3.WriteGetObjectResponseInput{StatusCode: aws.Int32(int32(replyStatus(e.StatusCode)))}
	switch {
	case e.StatusCode == http.StatusNotModified:
		// 304 carries no error code or message.
	default:
		in.ErrorCode = aws.String(e.Code)
		in.ErrorMessage = aws.String(e.Message)
	}
	return in
}

type countingReader struct {
	r       io.Reader
	n       *atomic.Int64
	started *atomic.Bool
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.started.Store(true)
		c.n.Add(int64(n))
	}
	return n, err
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
