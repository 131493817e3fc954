package objectlambda

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/objectlambda/sdk-go/presign"
	"github.com/objectlambda/sdk-go/s3err"
)

// ListReply is the function's answer to ListObjects / ListObjectsV2. Exactly
// one of ListResultXML and ListBucketResult is set on success.
type ListReply struct {
	StatusCode       int    `json:"statusCode"`
	ErrorCode        string `json:"errorCode,omitempty"`
	ErrorMessage     string `json:"errorMessage,omitempty"`
	ListResultXML    string `json:"listResultXml,omitempty"`
	ListBucketResult any    `json:"listBucketResult,omitempty"`
}

// ListFilter may rewrite a listing before it is returned. It receives the
// listing XML as S3 sent it and returns the XML to send.
type ListFilter func(ctx context.Context, r *Request, listXML []byte) ([]byte, error)

// WithListFilter sets the filter applied to every successful listing.
func WithListFilter(f ListFilter) Option {
	return func(c *config) error {
		c.listFilter = f
		return nil
	}
}

// maxListReply keeps the reply under Lambda's 6 MB response limit, with room
// for the JSON envelope and escaping.
const maxListReply = 5 << 20

func errorListReply(err error) *ListReply {
	e := s3err.From(err)
	return &ListReply{StatusCode: e.StatusCode, ErrorCode: e.Code, ErrorMessage: e.Message}
}

func (h *Handler) serveList(ctx context.Context, ev *Event) (*ListReply, error) {
	start := time.Now()
	op := ev.Operation()
	v, err := h.guarded(ctx, start, func(ctx context.Context) (any, error) { return h.list(ctx, ev) })
	reply, _ := v.(*ListReply)
	if err != nil {
		reply = errorListReply(err)
	}
	h.logRequest(ctx, ev, op, start, reply.StatusCode, reply.ErrorCode, 0, int64(len(reply.ListResultXML)), err, nil)
	return reply, nil
}

func (h *Handler) list(ctx context.Context, ev *Event) (*ListReply, error) {
	req, err := newRequest(ev)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, req); err != nil {
		return nil, err
	}
	resp, err := h.fetch.Fetch(ctx, &presign.Request{Method: http.MethodGet, URL: ev.InputS3URL(), UserHeaders: req.Header})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxListReply+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxListReply {
		return nil, s3err.New(http.StatusInternalServerError, s3err.CodeInternalError,
			fmt.Sprintf("the listing is larger than %d bytes, beyond what a Lambda reply can carry", maxListReply))
	}
	if h.cfg.listFilter != nil {
		body, err = h.cfg.listFilter(ctx, req, body)
		if err != nil {
			return nil, err
		}
	}
	return &ListReply{StatusCode: http.StatusOK, ListResultXML: string(body)}, nil
}
