package objectlambda

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

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
func (h *Handler) shape(ctx context.Context, g *getRun, req *Request, up *upstream, obj *transform.Object) (*reply, error) {
	if up.status == http.StatusNotModified {
		// S3 evaluated signed conditional headers: the 304 carries the
		// chain's headers-only view.
		return &reply{status: http.StatusNotModified, header: obj.Header, length: -1}, nil
	}
	switch precondition(req.Header, obj.Header, up.header, time.Now()) {
	case http.StatusPreconditionFailed:
		return nil, errPreconditionFailed
	case http.StatusNotModified:
		return &reply{status: http.StatusNotModified, header: obj.Header, length: -1}, nil
	}
	rep := &reply{status: http.StatusOK, header: obj.Header, length: obj.Length, body: obj.Body}
	var err error
	switch {
	case up.pushdown:
		err = pushedDown(req, up, rep, h.cfg.partSize)
	case req.rangeSpec != nil || req.PartNumber > 0:
		err = h.slice(ctx, g, req, up, rep)
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
	e, ok := errors.AsType[*s3err.Error](err)
	if !ok || e.StatusCode != http.StatusRequestedRangeNotSatisfiable {
		return err
	}
	if req.PartNumber > 0 {
		// The same answer as when the part is cut after the transform.
		return errInvalidPart(err)
	}
	var ue *presign.UpstreamError
	if errors.As(err, &ue) {
		if size, ok := unsatisfiedSize(ue.ContentRange); ok {
			return &rangeError{err: e, size: size}
		}
	}
	return e
}

// errInvalidPart is the answer to a partNumber beyond the last part.
func errInvalidPart(err error) error {
	return s3err.Wrap(err, http.StatusRequestedRangeNotSatisfiable, s3err.CodeInvalidPartNumber, "The requested partnumber is not satisfiable")
}

// emptyFirstPart reports whether err is S3's 416 for part 1 of an empty
// object.
func emptyFirstPart(err error, req *Request) bool {
	var ue *presign.UpstreamError
	if req.PartNumber != 1 || !errors.As(err, &ue) || ue.StatusCode != http.StatusRequestedRangeNotSatisfiable {
		return false
	}
	size, ok := unsatisfiedSize(ue.ContentRange)
	return ok && size == 0
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
			return r, 0, errInvalidPart(err)
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
// see sliceUnknown.
func (h *Handler) slice(ctx context.Context, g *getRun, req *Request, up *upstream, rep *reply) error {
	if rep.length < 0 {
		return h.sliceUnknown(ctx, g, req, up, rep)
	}
	r, parts, err := h.resolve(req, rep.length)
	if err != nil {
		return err
	}
	rep.parts = parts
	if r.Length() <= 0 {
		// Part 1 of an empty object: the whole (empty) object, 200.
		return nil
	}
	if _, err := io.CopyN(io.Discard, rep.body, r.Start); err != nil {
		return fmt.Errorf("skipping to the range start: %w", err)
	}
	if r.End == rep.length-1 {
		// The range reaches the announced end: the output must end there
		// too, or the Content-Range total would be a lie.
		rep.body = &exactReader{r: rep.body, remaining: r.Length()}
	} else {
		rep.body = io.LimitReader(rep.body, r.Length())
	}
	rep.partial(r, r.ContentRange())
	return nil
}

// sliceUnknown serves a Range or part of output whose length is unknown: the
// output is read to its end, counting it and keeping only the requested
// bytes, in memory up to WithRangeMemory. A larger range is read a second
// time (reread). Memory is bounded by the budget, whatever the object's
// size; nothing goes to disk.
func (h *Handler) sliceUnknown(ctx context.Context, g *getRun, req *Request, up *upstream, rep *reply) error {
	k, err := h.keep(req, rep.body)
	if err != nil {
		return err
	}
	r, parts, err := h.resolve(req, k.Total)
	if err != nil {
		return err
	}
	rep.parts = parts
	if r.Length() <= 0 {
		rep.length, rep.body = k.Total, bytes.NewReader(nil)
		return nil
	}
	rep.body = k.Reader()
	if !k.Fit() {
		if rep.body, err = h.reread(ctx, g, req, up, r, k); err != nil {
			return err
		}
	}
	rep.partial(r, r.ContentRange())
	return nil
}

// keep reads body to its end for the request's Range or part.
func (h *Handler) keep(req *Request, body io.Reader) (*spool.Kept, error) {
	switch s := req.rangeSpec; {
	case req.PartNumber > 0:
		return spool.KeepRange(body, int64(req.PartNumber-1)*h.cfg.partSize, h.cfg.partSize, h.cfg.rangeMem)
	case s.IsSuffix:
		return spool.KeepTail(body, s.Suffix, h.cfg.rangeMem)
	case s.HasLast:
		return spool.KeepRange(body, s.First, s.Last-s.First+1, h.cfg.rangeMem)
	default:
		return spool.KeepRange(body, s.First, -1, h.cfg.rangeMem)
	}
}

// reread streams bytes r.Start..r.End of a second reading of the object:
// fetched again through the presigned URL (pinned to the ETag of the first,
// so a concurrent overwrite cannot mix two versions) and transformed again.
// The first reading checks it: its digest of the range, or for a suffix
// range too large to keep, its length. A chain whose output is not the same
// twice (a random IV, a clock) fails the reply instead of serving bytes the
// rest of the object does not match.
func (h *Handler) reread(ctx context.Context, g *getRun, req *Request, up *upstream, r httprange.Resolved, k *spool.Kept) (io.Reader, error) {
	fr, pinned := pinnedRequest(g.ev.GetObjectContext.InputS3URL, req, up.header.Get("Etag"))
	resp, err := h.fetchObject(ctx, fr)
	if err != nil {
		return nil, changedError(err, pinned)
	}
	body := &countingBody{r: g.p.own(resp.Body), n: &g.bytesIn}
	if resp.StatusCode != http.StatusOK {
		return nil, s3err.New(http.StatusServiceUnavailable, s3err.CodeServiceUnavailable, "the object changed while it was read; retry")
	}
	out, err := h.runChain(ctx, g.p, &transform.Object{Body: body, Header: objectHeaders(resp.Header), Length: resp.ContentLength, Request: &req.Request})
	if err != nil {
		return nil, err
	}
	if _, err := io.CopyN(io.Discard, out.Body, r.Start); err != nil {
		return nil, fmt.Errorf("skipping to the range start: %w", err)
	}
	if d, ok := k.Digest(); ok {
		return d.Verify(out.Body), nil
	}
	return &exactReader{r: out.Body, remaining: r.Length()}, nil
}

// pinnedRequest is a GET of the presigned URL that S3 answers only while the
// object still has the given ETag (unless the caller set If-Match already).
func pinnedRequest(url string, req *Request, etag string) (*presign.Request, bool) {
	fr := presignedRequest(http.MethodGet, url, req)
	if etag == "" || fr.Header.Get("If-Match") != "" {
		return fr, false
	}
	fr.Header.Set("If-Match", etag)
	return fr, true
}

// changedError turns the 412 of a pinned fetch into a retryable 503: the
// object changed between two readings.
func changedError(err error, pinned bool) error {
	if e, ok := errors.AsType[*s3err.Error](err); ok && pinned && e.StatusCode == http.StatusPreconditionFailed {
		return s3err.Wrap(err, http.StatusServiceUnavailable, s3err.CodeServiceUnavailable, "the object changed while it was read; retry")
	}
	return err
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
