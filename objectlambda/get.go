package objectlambda

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/objectlambda/sdk-go/internal/httprange"
	"github.com/objectlambda/sdk-go/internal/spool"
	"github.com/objectlambda/sdk-go/presign"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
)

// GetResult is what a GetObject invocation returns to Lambda. S3 ignores it;
// it is there for logs and tests.
type GetResult struct {
	StatusCode int    `json:"statusCode"`
	ErrorCode  string `json:"errorCode,omitempty"`
	BytesOut   int64  `json:"bytesOut"`
}

// conditionalHeaders are forwarded to the presigned request so that S3
// evaluates them against the stored object.
var conditionalHeaders = []string{"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"}

// firstChunk is how much output is read before WriteGetObjectResponse is
// called, so that a transform failing at once still gets a proper error reply.
const firstChunk = 32 << 10

// serveGet answers one GetObject event with exactly one WGOR call. When
// pre is not nil the request already failed and pre is the reply.
func (h *Handler) serveGet(ctx context.Context, ev *Event, pre error) (*GetResult, error) {
	start := time.Now()
	c := ev.GetObjectContext
	rs := newResponder(h.wgor, c.OutputRoute, c.OutputToken)
	workCtx, cancel := h.workContext(ctx, start)
	defer cancel()

	var st getStats
	done := make(chan error, 1)
	if pre != nil {
		done <- pre
	} else {
		go func() {
			defer func() {
				if r := recover(); r != nil {
					done <- fmt.Errorf("%w: %v", ErrPanic, r)
				}
			}()
			done <- h.get(workCtx, rs, ev, &st)
		}()
	}

	var err error
	select {
	case err = <-done:
	case <-workCtx.Done():
		err = context.Cause(workCtx)
		if !rs.answered() {
			// Nothing sent yet: answer now, while the margin lasts.
			markResponse(ctx)
			_ = h.failReply(ctx, rs, err)
		}
		// A stream in flight fails by itself: its reads and the WGOR call use workCtx.
		select {
		case err2 := <-done:
			if err2 != nil {
				err = err2
			}
		case <-ctx.Done():
		}
	}
	if err != nil && !rs.answered() {
		markResponse(ctx)
		_ = h.failReply(ctx, rs, err)
	}
	rs.wait(ctx)

	status, code, wgorErr := rs.result()
	res := &GetResult{StatusCode: status, ErrorCode: code, BytesOut: rs.bytesOut.Load()}
	h.logRequest(ctx, ev, OpGetObject, start, res.StatusCode, res.ErrorCode, st.bytesIn.Load(), res.BytesOut, err, wgorErr)
	if wgorErr != nil {
		return res, fmt.Errorf("objectlambda: WriteGetObjectResponse: %w", wgorErr)
	}
	if err != nil && rs.streaming.Load() {
		// The body broke after the first byte: the caller saw an aborted
		// transfer; make the invocation fail too.
		return res, err
	}
	return res, nil
}

type getStats struct {
	bytesIn countedInt
}

// get does the work of serveGet. Errors returned before the responder was
// claimed become the error reply.
func (h *Handler) get(ctx context.Context, rs *responder, ev *Event, st *getStats) error {
	req, err := newRequest(ev)
	if err != nil {
		return err
	}
	if err := h.authorize(ctx, req); err != nil {
		return err
	}

	pushdown := h.cfg.pushdownRanges && h.props.RangeSafe && (req.rangeSpec != nil || req.PartNumber > 0)
	fr := &presign.Request{
		Method:      http.MethodGet,
		URL:         ev.GetObjectContext.InputS3URL,
		UserHeaders: req.Header,
		Header:      http.Header{},
	}
	for _, name := range conditionalHeaders {
		if v := req.Header.Get(name); v != "" {
			fr.Header.Set(name, v)
		}
	}
	if pushdown {
		switch {
		case req.rangeSpec != nil:
			fr.Header.Set("Range", req.rangeSpec.String())
		case req.PartNumber > 0:
			start := int64(req.PartNumber-1) * h.cfg.partSize
			fr.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", start, start+h.cfg.partSize-1))
		}
	}

	resp, err := h.fetchObject(ctx, fr)
	if err != nil {
		if e, ok := s3err.As(err); ok && pushdown && e.StatusCode == http.StatusRequestedRangeNotSatisfiable {
			if req.PartNumber > 0 {
				e = s3err.New(http.StatusRequestedRangeNotSatisfiable, s3err.CodeInvalidPartNumber, "The requested partnumber is not satisfiable")
			}
			// Keep the object size S3 reported, for Content-Range: bytes */size.
			var ue *presign.UpstreamError
			if errors.As(err, &ue) {
				if size, ok := unsatisfiedSize(ue.ContentRange); ok {
					return &rangeError{err: e, size: size}
				}
			}
			return e
		}
		return err
	}
	body := io.ReadCloser(resp.Body)
	defer func() { body.Close() }()

	if resp.Header.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") != "" {
		return s3err.New(http.StatusBadRequest, s3err.CodeInvalidRequest,
			"objects encrypted with customer-provided keys (SSE-C) cannot be served through S3 Object Lambda")
	}
	if resp.StatusCode == http.StatusNotModified {
		in := wgorInput(http.StatusNotModified, objectHeaders(resp.Header), -1)
		in.ContentLength = nil
		in.AcceptRanges = nil
		markResponse(ctx)
		return rs.send(ctx, in, nil)
	}

	obj := &transform.Object{
		Body:    &countingBody{r: body, n: &st.bytesIn},
		Header:  objectHeaders(resp.Header),
		Length:  resp.ContentLength,
		Request: &req.Request,
	}
	out, stg, err := h.runChain(ctx, obj)
	if err != nil {
		return err
	}
	defer stg.end(statsFrom(ctx))
	if c, ok := out.Body.(io.Closer); ok {
		defer c.Close()
	}

	status := http.StatusOK
	var partsCount int
	switch {
	case pushdown && resp.StatusCode == http.StatusPartialContent:
		cr, err := httprange.ParseContentRange(resp.Header.Get("Content-Range"))
		if err != nil {
			return s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError, "the upstream range answer is malformed")
		}
		status = http.StatusPartialContent
		out.Header.Set("Content-Range", cr.ContentRange())
		out.Length = cr.Length()
		if req.PartNumber > 0 && cr.Size >= 0 {
			_, partsCount, _ = httprange.Part(req.PartNumber, h.cfg.partSize, cr.Size)
		}
		dropChecksums(out.Header)
	case pushdown:
		// S3 ignored the range (e.g. an empty object): serve what came.
		if req.PartNumber > 0 {
			partsCount = 1
		}
	case req.rangeSpec != nil || req.PartNumber > 0:
		if out.Length < 0 {
			rc, n, err := spool.Buffer(out.Body, spool.Options{Dir: h.cfg.spoolDir, MemLimit: h.cfg.spoolMem, MaxBytes: h.cfg.spoolMax})
			if err != nil {
				if errors.Is(err, spool.ErrTooLarge) {
					return s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError,
						"the transformed object is too large to serve a byte range of")
				}
				return err
			}
			defer rc.Close()
			out.Body, out.Length = rc, n
		}
		var r httprange.Resolved
		if req.PartNumber > 0 {
			r, partsCount, err = httprange.Part(req.PartNumber, h.cfg.partSize, out.Length)
			if err != nil {
				return s3err.Wrap(err, http.StatusRequestedRangeNotSatisfiable, s3err.CodeInvalidPartNumber, "The requested partnumber is not satisfiable")
			}
		} else {
			r, err = req.rangeSpec.Resolve(out.Length)
			if err != nil {
				e := s3err.Wrap(err, http.StatusRequestedRangeNotSatisfiable, s3err.CodeInvalidRange, "The requested range is not satisfiable")
				return &rangeError{err: e, size: out.Length}
			}
		}
		if r.Length() > 0 {
			if _, err := io.CopyN(io.Discard, out.Body, r.Start); err != nil {
				return fmt.Errorf("skipping to the range start: %w", err)
			}
			out.Body = io.LimitReader(out.Body, r.Length())
			out.Length = r.Length()
			status = http.StatusPartialContent
			out.Header.Set("Content-Range", r.ContentRange())
			dropChecksums(out.Header)
		}
	}
	// Read the first chunk before answering, so an immediate failure of
	// the transform or the upstream becomes a proper error reply.
	size := int64(firstChunk)
	if out.Length >= 0 && out.Length < size {
		// A small object needs a small buffer; one byte more than announced
		// lets a transform that produces too much fail here, before the reply.
		size = out.Length + 1
	}
	first := make([]byte, size)
	n, rerr := io.ReadFull(out.Body, first)
	switch rerr {
	case nil, io.EOF, io.ErrUnexpectedEOF:
	default:
		return rerr
	}
	if out.Length >= 0 && int64(n) > out.Length {
		err := fmt.Errorf("%w: the output is longer than the announced %d bytes", ErrLengthMismatch, out.Length)
		return s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError, "the transform produced more bytes than it announced")
	}
	in := wgorInput(status, out.Header, out.Length)
	if partsCount > 0 {
		in.PartsCount = aws.Int32(int32(partsCount))
	}
	var bodyReader io.Reader = io.MultiReader(bytes.NewReader(first[:n]), out.Body)
	if n == 0 {
		bodyReader = out.Body
	}
	markResponse(ctx)
	if !h.tracing() {
		return rs.send(ctx, in, bodyReader)
	}
	wctx, wspan := h.cfg.tracer.Start(ctx, "objectlambda.WriteGetObjectResponse", slog.Int("http.status_code", status))
	err = rs.send(wctx, in, bodyReader)
	wspan.SetAttributes(slog.Int64("objectlambda.bytes_out", rs.bytesOut.Load()))
	wspan.End(err)
	return err
}

// rangeError is a 416 that also knows the object size, for Content-Range.
type rangeError struct {
	err  *s3err.Error
	size int64
}

func (e *rangeError) Error() string { return e.err.Error() }
func (e *rangeError) Unwrap() error { return e.err }

// unsatisfiedSize reads the size from a 416's "bytes */size".
func unsatisfiedSize(v string) (int64, bool) {
	rest, ok := strings.CutPrefix(v, "bytes */")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	return n, err == nil && n >= 0
}

func dropChecksums(h http.Header) {
	for k := range h {
		if strings.HasPrefix(http.CanonicalHeaderKey(k), "X-Amz-Checksum-") {
			delete(h, k)
		}
	}
}

type countedInt = atomic.Int64

type countingBody struct {
	r io.ReadCloser
	n *countedInt
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func (c *countingBody) Close() error { return c.r.Close() }
