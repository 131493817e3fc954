package objectlambda

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/objectlambda/sdk-go/internal/httprange"
	"github.com/objectlambda/sdk-go/presign"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
)

// HeadReply is the function's answer to a HeadObject request; S3 Object
// Lambda sends it to the caller as the HEAD response.
type HeadReply struct {
	StatusCode   int            `json:"statusCode"`
	ErrorCode    string         `json:"errorCode,omitempty"`
	ErrorMessage string         `json:"errorMessage,omitempty"`
	Headers      map[string]any `json:"headers,omitempty"`
}

// HeadHook may change a successful HEAD reply (for example add metadata) or
// deny it by returning an error (an *s3err.Error, or anything else for 403
// AccessDenied).
type HeadHook func(ctx context.Context, r *Request, reply *HeadReply) error

// WithHeadHook sets a hook that sees every successful HEAD reply.
func WithHeadHook(hook HeadHook) Option {
	return func(c *config) error {
		c.headHook = hook
		return nil
	}
}

func errorHeadReply(err error) *HeadReply {
	e := s3err.From(err)
	if e.StatusCode == http.StatusNotModified {
		return &HeadReply{StatusCode: e.StatusCode}
	}
	return &HeadReply{StatusCode: e.StatusCode, ErrorCode: e.Code, ErrorMessage: e.Message}
}

func (h *Handler) serveHead(ctx context.Context, ev *Event) (*HeadReply, error) {
	start := time.Now()
	v, err := h.guarded(ctx, start, func(ctx context.Context) (any, error) { return h.head(ctx, ev) })
	reply, _ := v.(*HeadReply)
	if err != nil {
		reply = errorHeadReply(err)
	}
	h.logRequest(ctx, ev, OpHeadObject, start, reply.StatusCode, reply.ErrorCode, 0, 0, err, nil)
	return reply, nil
}

func (h *Handler) head(ctx context.Context, ev *Event) (*HeadReply, error) {
	req, err := newRequest(ev)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, req); err != nil {
		return nil, err
	}
	fr := &presign.Request{Method: http.MethodHead, URL: ev.HeadObjectContext.InputS3URL, UserHeaders: req.Header, Header: http.Header{}}
	for _, name := range conditionalHeaders {
		if v := req.Header.Get(name); v != "" {
			fr.Header.Set(name, v)
		}
	}
	resp, err := h.fetch.Fetch(ctx, fr)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return &HeadReply{StatusCode: http.StatusNotModified, Headers: headHeaders(objectHeaders(resp.Header))}, nil
	}
	hdr := objectHeaders(resp.Header)
	length := resp.ContentLength
	if !h.props.LengthPreserving {
		// The transform changes the length: run it over the object to learn
		// the length it will serve, so HEAD and GET agree.
		hdr, length, err = h.measure(ctx, ev, req)
		if err != nil {
			return nil, err
		}
	} else if !h.props.BodyUnchanged {
		obj := &transform.Object{Body: http.NoBody, Header: hdr, Length: length, Request: &req.Request}
		out, err := transform.Run(ctx, h.chain, obj)
		if err != nil {
			return nil, err
		}
		hdr = out.Header
	}

	status := http.StatusOK
	var parts int
	switch {
	case req.PartNumber > 0:
		r, count, err := httprange.Part(req.PartNumber, h.cfg.partSize, length)
		if err != nil {
			return nil, s3err.New(http.StatusRequestedRangeNotSatisfiable, "InvalidPartNumber", "The requested partnumber is not satisfiable")
		}
		parts = count
		if r.Length() > 0 {
			status, length = http.StatusPartialContent, r.Length()
			hdr.Set("Content-Range", r.ContentRange())
		}
	case req.rangeSpec != nil:
		r, err := req.rangeSpec.Resolve(length)
		if err != nil {
			return nil, s3err.New(http.StatusRequestedRangeNotSatisfiable, s3err.CodeInvalidRange, "The requested range is not satisfiable")
		}
		status, length = http.StatusPartialContent, r.Length()
		hdr.Set("Content-Range", r.ContentRange())
	}
	if status == http.StatusPartialContent {
		dropChecksums(hdr)
	}
	headers := headHeaders(hdr)
	headers["Content-Length"] = length
	headers["Accept-Ranges"] = "bytes"
	if parts > 0 {
		headers["x-amz-mp-parts-count"] = parts
	}
	reply := &HeadReply{StatusCode: status, Headers: headers}
	if h.cfg.headHook != nil {
		if err := h.cfg.headHook(ctx, req, reply); err != nil {
			if _, ok := s3err.As(err); ok {
				return nil, err
			}
			return nil, s3err.Wrap(err, http.StatusForbidden, s3err.CodeAccessDenied, "Access Denied")
		}
	}
	return reply, nil
}

// measure fetches the object and runs the transform chain over it, counting
// the output. Memory stays flat; the cost is one full read.
func (h *Handler) measure(ctx context.Context, ev *Event, req *Request) (http.Header, int64, error) {
	fr := &presign.Request{Method: http.MethodGet, URL: ev.HeadObjectContext.InputS3URL, UserHeaders: req.Header, Header: http.Header{}}
	resp, err := h.fetch.Fetch(ctx, fr)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	out, err := transform.Run(ctx, h.chain, &transform.Object{Body: resp.Body, Header: objectHeaders(resp.Header), Length: resp.ContentLength, Request: &req.Request})
	if err != nil {
		return nil, 0, err
	}
	if c, ok := out.Body.(io.Closer); ok {
		defer c.Close()
	}
	if out.Length >= 0 {
		return out.Header, out.Length, nil
	}
	n, err := io.Copy(io.Discard, out.Body)
	if err != nil {
		return nil, 0, err
	}
	return out.Header, n, nil
}

// headHeaders converts object headers into the HEAD reply's header map with
// the documented JSON types (numbers and booleans where AWS documents them).
func headHeaders(h http.Header) map[string]any {
	out := make(map[string]any, len(h))
	for k, vs := range h {
		if len(vs) == 0 {
			continue
		}
		v := vs[0]
		name := headName(k)
		switch name {
		case "x-amz-missing-meta", "x-amz-mp-parts-count", "x-amz-tagging-count":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				out[name] = n
				continue
			}
		case "x-amz-delete-marker", "x-amz-server-side-encryption-bucket-key-enabled":
			if b, err := strconv.ParseBool(v); err == nil {
				out[name] = b
				continue
			}
		}
		out[name] = v
	}
	return out
}

// headName spells header names as AWS's HEAD reply documentation does:
// standard headers in canonical case, x-amz-* in lower case.
func headName(k string) string {
	ck := http.CanonicalHeaderKey(k)
	if len(ck) > 6 && ck[:6] == "X-Amz-" {
		lk := []byte(ck)
		for i, c := range lk {
			if 'A' <= c && c <= 'Z' {
				lk[i] = c + 'a' - 'A'
			}
		}
		return string(lk)
	}
	if ck == "Etag" {
		return "ETag"
	}
	return ck
}
