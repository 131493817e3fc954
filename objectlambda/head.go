package objectlambda

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/objectlambda/sdk-go/internal/httprange"
	"github.com/objectlambda/sdk-go/s3err"
)

// HeadReply is the function's answer to a HeadObject request; S3 Object
// Lambda sends it to the caller as the HEAD response. Headers use the names
// and JSON types AWS documents: Content-Length and the x-amz-*-count headers
// are numbers, x-amz-delete-marker and the bucket-key flag booleans, the rest
// strings.
type HeadReply struct {
	StatusCode   int            `json:"statusCode"`
	ErrorCode    string         `json:"errorCode,omitempty"`
	ErrorMessage string         `json:"errorMessage,omitempty"`
	Headers      map[string]any `json:"headers,omitempty"`
}

// HeadHook may change a successful HEAD reply (for example add metadata) or
// deny it by returning an error (an *s3err.Error, or anything else for 403
// AccessDenied). Content-Length is required: a hook that removes it gets it
// back.
type HeadHook func(ctx context.Context, r *Request, reply *HeadReply) error

// WithHeadHook adds a hook that sees every successful HEAD reply, after
// those added before.
func WithHeadHook(hook HeadHook) Option {
	return func(c *config) error {
		if hook == nil {
			return errors.New("objectlambda: WithHeadHook: nil hook")
		}
		prev := c.headHook
		if prev == nil {
			c.headHook = hook
			return nil
		}
		c.headHook = func(ctx context.Context, r *Request, reply *HeadReply) error {
			if err := prev(ctx, r, reply); err != nil {
				return err
			}
			return hook(ctx, r, reply)
		}
		return nil
	}
}

func errorHeadReply(err error) *HeadReply {
	e := s3err.From(err)
	status := replyStatus(e.StatusCode)
	if e.StatusCode == http.StatusNotModified {
		return &HeadReply{StatusCode: http.StatusNotModified}
	}
	reply := &HeadReply{StatusCode: status, ErrorCode: e.Code, ErrorMessage: publicMessage(e.Message)}
	var re *rangeError
	if errors.As(err, &re) && re.size >= 0 {
		reply.Headers = map[string]any{"Content-Range": httprange.UnsatisfiedContentRange(re.size)}
	}
	return reply
}

func (h *Handler) serveHead(ctx context.Context, ev *Event) (*HeadReply, error) {
	start := time.Now()
	v, err := h.guarded(ctx, start, func(ctx context.Context) (any, error) { return h.head(ctx, ev) })
	reply, _ := v.(*HeadReply)
	if err != nil || reply == nil {
		if err == nil {
			err = errors.New("objectlambda: HEAD produced no reply")
		}
		reply = errorHeadReply(err)
	}
	markResponse(ctx)
	h.logRequest(ctx, ev, requestEnd{op: OpHeadObject, start: start, status: reply.StatusCode, code: reply.ErrorCode,
		err: err})
	return reply, nil
}

// head computes the HEAD reply. Its headers come from the same header
// pipeline as a GET's (describe), for 200, 206 and 304 alike, and every
// reply, 304 included, passes the HEAD hooks.
func (h *Handler) head(ctx context.Context, ev *Event) (*HeadReply, error) {
	req, err := newRequest(ev)
	if err == nil {
		err = h.authorize(ctx, req)
	}
	if err != nil {
		return nil, err
	}
	resp, err := h.fetchObject(ctx, presignedRequest(http.MethodHead, ev.HeadObjectContext.InputS3URL, req))
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.Header.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") != "" {
		return nil, errSSEC
	}
	stored := objectHeaders(resp.Header)
	if resp.StatusCode == http.StatusNotModified {
		// S3 evaluated signed conditional headers: the 304 still shows
		// only what the chain shows.
		view, err := h.describe(ctx, req, stored, -1)
		if err != nil {
			return nil, err
		}
		return h.notModified(ctx, req, view.header)
	}
	view, err := h.describe(ctx, req, stored, resp.ContentLength)
	if err != nil {
		return nil, err
	}
	switch precondition(req.Header, view.header, stored, time.Now()) {
	case http.StatusPreconditionFailed:
		return nil, errPreconditionFailed
	case http.StatusNotModified:
		return h.notModified(ctx, req, view.header)
	}
	hdr, length, err := h.headLength(resp, view)
	if err != nil {
		return nil, err
	}

	status := http.StatusOK
	var parts int
	if req.PartNumber > 0 || req.rangeSpec != nil {
		r, count, err := h.resolve(req, length)
		if err != nil {
			return nil, err
		}
		parts = count
		if r.Length() > 0 {
			status, length = http.StatusPartialContent, r.Length()
			hdr.Set("Content-Range", r.ContentRange())
			dropChecksums(hdr)
		}
	}
	headers := headHeaders(hdr)
	headers["Content-Length"] = length
	headers["Accept-Ranges"] = "bytes"
	if parts > 0 {
		headers["x-amz-mp-parts-count"] = parts
	}
	return h.hooked(ctx, req, &HeadReply{StatusCode: status, Headers: headers}, length)
}

// notModified is the 304 reply to a HEAD, with the chain's headers.
func (h *Handler) notModified(ctx context.Context, req *Request, hdr http.Header) (*HeadReply, error) {
	return h.hooked(ctx, req, &HeadReply{StatusCode: http.StatusNotModified, Headers: headHeaders(hdr)}, -1)
}

// hooked passes a reply through the HEAD hooks. A hook's error denies the
// request; a hook that removes Content-Length from a reply that has one gets
// it back.
func (h *Handler) hooked(ctx context.Context, req *Request, reply *HeadReply, length int64) (*HeadReply, error) {
	if h.cfg.headHook == nil {
		return reply, nil
	}
	if err := h.cfg.headHook(ctx, req, reply); err != nil {
		return nil, denyErr(err)
	}
	if reply.Headers == nil {
		reply.Headers = map[string]any{}
	}
	if _, ok := reply.Headers["Content-Length"]; !ok && length >= 0 {
		reply.Headers["Content-Length"] = length
	}
	// What a hook wrote goes to S3 as headers too: keep what HTTP can carry.
	for k, v := range reply.Headers {
		if s, ok := v.(string); !validHeaderName(k) || (ok && !validHeaderValue(s)) {
			delete(reply.Headers, k)
		}
	}
	return reply, nil
}

// headHeaders converts object headers into the HEAD reply's header map with
// the documented JSON types (numbers and booleans where AWS documents them).
// Values that cannot travel in an HTTP header are dropped, as for GET.
func headHeaders(h http.Header) map[string]any {
	out := make(map[string]any, len(h)+3)
	for k, vs := range validHeaders(h) {
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
