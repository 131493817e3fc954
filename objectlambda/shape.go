package objectlambda

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/objectlambda/sdk-go/internal/httprange"
	"github.com/objectlambda/sdk-go/internal/spool"
	"github.com/objectlambda/sdk-go/presign"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
)

// firstChunk is how much output is read before WriteGetObjectResponse is
// called, so that a transform failing at once still gets a proper error reply.
const firstChunk = 32 << 10

// shape turns the transformed object into the reply: 304, or 200/206 with
// the Range or part applied, and the first chunk read so that an immediate
// failure still becomes an error reply.
func (h *Handler) shape(g *getRun, req *Request, up *upstream, obj *transform.Object) (*reply, error) {
	if up.status == http.StatusNotModified {
		return &reply{status: http.StatusNotModified, header: obj.Header, length: -1}, nil
	}
	rep := &reply{status: http.StatusOK, header: obj.Header, length: obj.Length, body: obj.Body}
	var err error
	switch {
	case up.pushdown:
		err = pushedDown(req, up, rep, h.cfg.partSize)
	case req.rangeSpec != nil || req.PartNumber > 0:
		err = h.slice(g.p, req, rep)
	}
	if err != nil {
		return nil, err
	}
	return rep, readFirstChunk(rep)
}

// pushdownRange is the Range sent to S3 for a range-safe chain.
func (h *Handler) pushdownRange(req *Request) string {
	if req.rangeSpec != nil {
		return req.rangeSpec.String()
	}
	start := int64(req.PartNumber-1) * h.cfg.partSize
	return fmt.Sprintf("bytes=%d-%d", start, start+h.cfg.partSize-1)
}

// pushdownError maps S3's 416 for a pushed-down range onto the caller's
// request: InvalidPartNumber for a part, and the object size for
// Content-Range: bytes */size.
func pushdownError(err error, req *Request) error {
	e, ok := s3err.As(err)
	if !ok || e.StatusCode != http.StatusRequestedRangeNotSatisfiable {
		return err
	}
	if req.PartNumber > 0 {
		e = s3err.Wrap(err, http.StatusRequestedRangeNotSatisfiable, s3err.CodeInvalidPartNumber, "The requested partnumber is not satisfiable")
	}
	var ue *presign.UpstreamError
	if errors.As(err, &ue) {
		if size, ok := unsatisfiedSize(ue.ContentRange); ok {
			return &rangeError{err: e, size: size}
		}
	}
	return e
}

// pushedDown shapes the answer to a range S3 already applied.
func pushedDown(req *Request, up *upstream, rep *reply, partSize int64) error {
	if up.status != http.StatusPartialContent {
		// S3 ignored the range (an empty object): serve what came.
		if req.PartNumber > 0 {
			rep.parts = 1
		}
		return nil
	}
	cr, err := httprange.ParseContentRange(up.header.Get("Content-Range"))
	if err != nil {
		return s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError, "the upstream range answer is malformed")
	}
	if req.PartNumber > 0 && cr.Size >= 0 {
		_, rep.parts, _ = httprange.Part(req.PartNumber, partSize, cr.Size)
	}
	rep.partial(cr, cr.ContentRange())
	return nil
}

// partial makes rep the 206 for r.
func (r *reply) partial(res httprange.Resolved, contentRange string) {
	r.status = http.StatusPartialContent
	r.length = res.Length()
	r.header.Set("Content-Range", contentRange)
	dropChecksums(r.header)
}

// resolve applies the request's Range or part to an object of size bytes.
func (h *Handler) resolve(req *Request, size int64) (r httprange.Resolved, parts int, err error) {
	if req.PartNumber > 0 {
		r, parts, err = httprange.Part(req.PartNumber, h.cfg.partSize, size)
		if err != nil {
			return r, 0, s3err.Wrap(err, http.StatusRequestedRangeNotSatisfiable, s3err.CodeInvalidPartNumber, "The requested partnumber is not satisfiable")
		}
		return r, parts, nil
	}
	r, err = req.rangeSpec.Resolve(size)
	if err != nil {
		e := s3err.Wrap(err, http.StatusRequestedRangeNotSatisfiable, s3err.CodeInvalidRange, "The requested range is not satisfiable")
		return r, 0, &rangeError{err: e, size: size}
	}
	return r, 0, nil
}

// slice applies the Range or part to the transformed output. When its
// length is known the body is skipped to the range and cut; when it is not,
// the output is read to its end keeping only the requested bytes (in memory
// up to the spool's limit, on disk beyond), so the cost is the range, not
// the object.
func (h *Handler) slice(p *pipeline, req *Request, rep *reply) error {
	size := rep.length
	if size < 0 {
		kept, total, err := h.keepRange(req, rep.body)
		if err != nil {
			return err
		}
		rep.body, size = p.own(kept), total
	}
	r, parts, err := h.resolve(req, size)
	if err != nil {
		return err
	}
	rep.parts = parts
	if r.Length() <= 0 {
		// Part 1 of an empty object: the whole (empty) object, 200.
		rep.length = size
		return nil
	}
	if rep.length >= 0 {
		// Known length: skip to the range and cut it out of the stream.
		if _, err := io.CopyN(io.Discard, rep.body, r.Start); err != nil {
			return fmt.Errorf("skipping to the range start: %w", err)
		}
		rep.body = io.LimitReader(rep.body, r.Length())
	}
	rep.partial(r, r.ContentRange())
	return nil
}

// keepRange reads body to its end and returns the bytes the request's Range
// or part selects (whatever the total turns out to be) and the total.
func (h *Handler) keepRange(req *Request, body io.Reader) (io.ReadCloser, int64, error) {
	o := spool.Options{Dir: h.cfg.spoolDir, MemLimit: h.cfg.spoolMem, MaxBytes: h.cfg.spoolMax}
	var (
		rc    io.ReadCloser
		total int64
		err   error
	)
	switch s := req.rangeSpec; {
	case req.PartNumber > 0:
		rc, total, err = spool.Window(body, int64(req.PartNumber-1)*h.cfg.partSize, h.cfg.partSize, o)
	case s.IsSuffix && s.Suffix <= o.MemLimit:
		rc, total, err = spool.Tail(body, s.Suffix, o)
	case s.IsSuffix:
		// A suffix longer than memory: keep all (on disk), skip to the tail.
		rc, total, err = spool.Window(body, 0, -1, o)
		if err == nil {
			_, err = io.CopyN(io.Discard, rc, max(total-s.Suffix, 0))
		}
	case s.HasLast:
		rc, total, err = spool.Window(body, s.First, s.Last-s.First+1, o)
	default:
		rc, total, err = spool.Window(body, s.First, -1, o)
	}
	if err != nil {
		if rc != nil {
			rc.Close()
		}
		if errors.Is(err, spool.ErrTooLarge) {
			return nil, 0, s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError,
				"the requested range of the transformed object is too large to serve")
		}
		return nil, 0, err
	}
	return rc, total, nil
}

// readFirstChunk reads the start of the body before the reply is sent, so
// that a transform or upstream failing at once, or a body longer or shorter
// than announced, becomes an error reply. When the body ends within the
// chunk, its length is known and the reply carries Content-Length.
func readFirstChunk(rep *reply) error {
	size := int64(firstChunk)
	if rep.length >= 0 && rep.length < size {
		// A small object needs a small buffer; one byte more than announced
		// lets a transform that produces too much fail here.
		size = rep.length + 1
	}
	first := make([]byte, size)
	n, err := io.ReadFull(rep.body, first)
	switch err {
	case nil, io.EOF, io.ErrUnexpectedEOF:
	default:
		return err
	}
	ended := err != nil
	switch {
	case rep.length >= 0 && int64(n) > rep.length:
		return lengthMismatch(fmt.Errorf("%w: the output is longer than the announced %d bytes", ErrLengthMismatch, rep.length))
	case ended && rep.length >= 0 && int64(n) < rep.length:
		return lengthMismatch(fmt.Errorf("%w: the output ended after %d of the announced %d bytes", ErrLengthMismatch, n, rep.length))
	case ended:
		rep.length = int64(n)
		rep.body = bytes.NewReader(first[:n])
	case n > 0:
		rep.body = io.MultiReader(bytes.NewReader(first[:n]), rep.body)
	}
	return nil
}

func lengthMismatch(err error) error {
	return s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError, "the transform's output does not have the length it announced")
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
