package objectlambda

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/objectlambda/sdk-go/presign"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
)

// errUnknownLength is HEAD's answer when the transformed length cannot be
// known. 405 MethodNotAllowed is final for every client: the AWS CLI, boto3,
// the Go and JavaScript SDKs, rclone and s3cmd retry 500 (for seconds to
// minutes) but not 405, and none of them reads 405 as a missing object (404),
// a permission problem (403) or a wrong region (a HEAD 400 makes botocore
// probe the bucket's region). HEAD carries no body, so clients show only the
// status; the message reaches the function's log line and the
// errorMessage of its reply.
var errUnknownLength = s3err.New(http.StatusMethodNotAllowed, "MethodNotAllowed",
	"HeadObject cannot report this object's length: the transform changes it and cannot tell the new length without reading the object; "+
		"route HeadObject to the supporting access point (leave it out of the access point's actions) or read the object with GetObject")

// headerOnly returns the headers the chain gives the object, or the
// original headers, minus those that describe the body, when it cannot run
// without a body.
func (h *Handler) headerOnly(ctx context.Context, req *Request, hdr http.Header) http.Header {
	out := hdr.Clone()
	obj := &transform.Object{Body: transform.HeadersOnly(), Header: hdr, Length: -1, Request: &req.Request}
	for _, t := range h.cfg.chainMembers() {
		o, err := transform.Run(ctx, t, obj)
		if err != nil {
			for _, name := range []string{"Etag", "Content-Md5"} {
				out.Del(name)
			}
			dropChecksums(out)
			return out
		}
		if c, ok := o.Body.(io.Closer); ok {
			c.Close()
		}
		obj = &transform.Object{Body: transform.HeadersOnly(), Header: o.Header, Length: -1, Request: &req.Request}
	}
	return obj.Header
}

// stateHead runs the transform chain over the object's headers only, to learn
// the headers and, when the chain preserves or states it, the length GET
// would serve. ok is false when the length is unknown, or when a transform
// failed without a body; err is an *s3err.Error a transform refused with.
func (h *Handler) stateHead(ctx context.Context, req *Request, hdr http.Header, length int64) (http.Header, int64, bool, error) {
	if length < 0 {
		return nil, 0, false, nil
	}
	obj := &transform.Object{Body: transform.HeadersOnly(), Header: hdr, Length: length, Request: &req.Request}
	for _, t := range h.cfg.chainMembers() {
		// Run fills in the length of a transform.LengthStater.
		out, err := transform.Run(ctx, t, obj)
		if err != nil {
			if e, ok := s3err.As(err); ok && !errors.Is(err, transform.ErrHeadersOnly) {
				// A deliberate refusal (415, 403, ...): GET would give the same.
				return nil, 0, false, e
			}
			return nil, 0, false, nil
		}
		if c, ok := out.Body.(io.Closer); ok {
			c.Close()
		}
		if out.Length < 0 {
			return nil, 0, false, nil
		}
		obj = &transform.Object{Body: transform.HeadersOnly(), Header: out.Header, Length: out.Length, Request: &req.Request}
	}
	return obj.Header, obj.Length, true, nil
}

// measure fetches the object and runs the transform chain over it, counting
// the output: memory stays flat, the cost is one full read. The fetch is
// pinned to the ETag the HEAD saw, so a concurrent overwrite cannot mix the
// headers of one version with the length of another.
func (h *Handler) measure(ctx context.Context, ev *Event, req *Request, etag string, st *headStats) (http.Header, int64, error) {
	fr := &presign.Request{Method: http.MethodGet, URL: ev.HeadObjectContext.InputS3URL, UserHeaders: req.Header, Header: http.Header{}}
	for _, name := range conditionalHeaders {
		if v := req.Header.Get(name); v != "" {
			fr.Header.Set(name, v)
		}
	}
	pinned := false
	if etag != "" && fr.Header.Get("If-Match") == "" {
		fr.Header.Set("If-Match", etag)
		pinned = true
	}
	resp, err := h.fetchObject(ctx, fr)
	if err != nil {
		if e, ok := s3err.As(err); ok && pinned && e.StatusCode == http.StatusPreconditionFailed {
			return nil, 0, s3err.Wrap(err, http.StatusServiceUnavailable, s3err.CodeServiceUnavailable,
				"the object changed while its transformed length was measured; retry")
		}
		return nil, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, 0, s3err.New(http.StatusInternalServerError, s3err.CodeInternalError,
			fmt.Sprintf("unexpected upstream status %d while measuring the transformed length", resp.StatusCode))
	}
	body := &countingBody{r: resp.Body, n: &st.measured}
	out, err := transform.Run(ctx, h.chain, &transform.Object{Body: body, Header: objectHeaders(resp.Header), Length: resp.ContentLength, Request: &req.Request})
	if err != nil {
		return nil, 0, err
	}
	if c, ok := out.Body.(io.Closer); ok {
		defer c.Close()
	}
	if out.Length >= 0 {
		return out.Header, out.Length, nil
	}
	var r io.Reader = out.Body
	limit := h.cfg.headList.measureLimit
	if limit > 0 {
		r = io.LimitReader(out.Body, limit+1)
	}
	n, err := io.Copy(io.Discard, r)
	if err != nil {
		return nil, 0, err
	}
	if limit > 0 && n > limit {
		return nil, 0, s3err.New(http.StatusInternalServerError, s3err.CodeInternalError,
			fmt.Sprintf("the transformed object is larger than %d bytes, too large to measure for HEAD", limit))
	}
	return out.Header, n, nil
}
