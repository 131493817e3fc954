package objectlambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/objectlambda/sdk-go/internal/listing"
	"github.com/objectlambda/sdk-go/presign"
	"github.com/objectlambda/sdk-go/s3err"
)

// listReply is the function's answer to ListObjects / ListObjectsV2; S3
// Object Lambda sends it to the caller. On success ListResultXML holds the
// listing: the protocol's other form, the listBucketResult JSON object,
// cannot carry ChecksumType or RestoreStatus and keeps only the first
// ChecksumAlgorithm.
type listReply struct {
	StatusCode    int    `json:"statusCode"`
	ErrorCode     string `json:"errorCode,omitempty"`
	ErrorMessage  string `json:"errorMessage,omitempty"`
	ListResultXML string `json:"listResultXml,omitempty"`
}

// ListFilter sees every object of a listing before it is returned. It may
// change the entry in place (rename the key, adjust Size or StorageClass, set
// an Owner) and decides whether the caller sees it. An error fails the whole
// listing: an *s3err.Error is sent as it is, anything else becomes 403
// AccessDenied.
//
// Keys are always decoded, whatever the request's encoding-type.
//
// Paging: S3 decides where a page ends; filters only hide or change what it
// holds. A filtered page may hold fewer than MaxKeys entries, or none, while
// IsTruncated stays true; S3 clients page on IsTruncated and the token, never
// on the count. KeyCount counts what is returned. NextContinuationToken (V2)
// is S3's opaque token, kept as it is. A truncated V1 page always carries
// NextMarker: S3's own, or else the S3 key or common prefix the page ended
// with, even when the filter dropped or renamed it, so that paging resumes
// after it. Such a NextMarker can name a hidden entry; WithTenantPrefix
// therefore refuses V1 listings that are not inside the tenant's prefix.
type ListFilter func(ctx context.Context, r *Request, e *ListEntry) (keep bool, err error)

// CommonPrefixFilter is ListFilter for the common prefixes a delimiter rolled
// up ("folders").
type CommonPrefixFilter func(ctx context.Context, r *Request, p *CommonPrefix) (keep bool, err error)

// WithListFilter adds a filter that every listed object passes through, after
// those added before. See ListFilter for how dropped entries affect paging.
func WithListFilter(f ListFilter) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("objectlambda: WithListFilter: nil filter")
		}
		prev := c.listFilter
		if prev == nil {
			c.listFilter = f
			return nil
		}
		c.listFilter = func(ctx context.Context, r *Request, e *ListEntry) (bool, error) {
			keep, err := prev(ctx, r, e)
			if err != nil || !keep {
				return keep, err
			}
			return f(ctx, r, e)
		}
		return nil
	}
}

// WithCommonPrefixFilter adds a filter for the common prefixes of a listing.
func WithCommonPrefixFilter(f CommonPrefixFilter) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("objectlambda: WithCommonPrefixFilter: nil filter")
		}
		c.headList.prefixFilters = append(c.headList.prefixFilters, f)
		return nil
	}
}

// maxReplyBytes is the largest reply a Lambda function can return
// synchronously (6 MB), which bounds HEAD and LIST replies.
const maxReplyBytes = 6 << 20

func errorListReply(err error) *listReply {
	e := s3err.From(err)
	return &listReply{StatusCode: replyStatus(e.StatusCode), ErrorCode: e.Code, ErrorMessage: publicMessage(e.Message)}
}

func (h *Handler) serveList(ctx context.Context, ev *Event) (*listReply, error) {
	start := time.Now()
	op := ev.operation()
	var st listStats
	v, err := h.guarded(ctx, start, func(ctx context.Context) (any, error) { return h.list(ctx, ev, &st) })
	reply, _ := v.(*listReply)
	if err != nil || reply == nil {
		if err == nil {
			err = errors.New("objectlambda: listing produced no reply")
		}
		reply = errorListReply(err)
	}
	markResponse(ctx)
	h.logRequest(ctx, ev, requestEnd{op: op, start: start, status: reply.StatusCode, code: reply.ErrorCode,
		bytesIn: st.bytesIn.Load(), bytesOut: st.bytesOut.Load(), err: err})
	return reply, nil
}

// listStats are written by the work goroutine, which may outlive serveList
// when the deadline fires.
type listStats struct {
	bytesIn, bytesOut atomic.Int64
}

// listParams are the listing parameters of the request.
type listParams struct {
	v2           bool
	prefix       string
	encodingType string
}

// listParamsOf reads the listing parameters from inputS3Url, which is what S3
// executes, falling back to the caller's URL for parameters it lacks.
func listParamsOf(ev *Event, r *Request) listParams {
	var q url.Values
	if u, err := url.Parse(ev.inputS3URL()); err == nil {
		q = u.Query()
	}
	var uq url.Values
	if r != nil && r.URL != nil {
		uq = r.URL.Query()
	}
	get := func(name string) string {
		if v, ok := q[name]; ok && len(v) > 0 {
			return v[0]
		}
		return uq.Get(name)
	}
	return listParams{
		v2:           ev.operation() == OpListObjectsV2,
		prefix:       get("prefix"),
		encodingType: get("encoding-type"),
	}
}

func (h *Handler) list(ctx context.Context, ev *Event, st *listStats) (*listReply, error) {
	req, err := newRequest(ev)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, req); err != nil {
		return nil, err
	}
	params := listParamsOf(ev, req)
	if params.encodingType != "" && params.encodingType != "url" {
		return nil, s3err.New(http.StatusBadRequest, s3err.CodeInvalidArgument, "Invalid Encoding Method specified in Request")
	}
	resp, err := h.fetchObject(ctx, &presign.Request{Method: http.MethodGet, URL: ev.inputS3URL(), UserHeaders: req.Header, Header: http.Header{}})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	limit := h.cfg.headList.maxListing()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	st.bytesIn.Store(int64(len(body)))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, s3err.New(http.StatusInternalServerError, s3err.CodeInternalError,
			fmt.Sprintf("the upstream listing is larger than %d bytes", limit))
	}
	lr, err := listing.Parse(body)
	if err != nil {
		return nil, s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError, "the upstream listing is not a valid ListBucketResult")
	}
	lr.V2 = params.v2
	if params.encodingType == "url" {
		// Upstream servers that ignore encoding-type send raw keys; the
		// caller asked for encoded ones either way.
		lr.EncodingType = "url"
	}
	if err := h.filterList(ctx, req, lr); err != nil {
		return nil, err
	}

	b, err := lr.AppendXML(make([]byte, 0, len(body)+len(body)/8))
	if err != nil {
		return nil, s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError, "the listing cannot be written as XML: "+listWhy(err))
	}
	reply := &listReply{StatusCode: http.StatusOK, ListResultXML: string(b)}
	// Measure the reply as Invoke will encode it.
	enc, err := json.Marshal(reply)
	if err != nil {
		return nil, s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError, "the listing cannot be encoded: "+listWhy(err))
	}
	st.bytesOut.Store(int64(len(enc)))
	if max := h.cfg.headList.maxReply(); int64(len(enc)) > max {
		return nil, s3err.New(http.StatusInternalServerError, s3err.CodeInternalError,
			fmt.Sprintf("the listing reply is %d bytes, more than the %d a Lambda function can return; list fewer keys per page (max-keys)", len(enc), max))
	}
	return reply, nil
}

// listWhy extracts the harmless part of a listing error for the client:
// which field and what is wrong, never the value.
func listWhy(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, listing.ErrInvalid.Error()+": "); i >= 0 {
		return msg[i+len(listing.ErrInvalid.Error())+2:]
	}
	return "invalid listing"
}

// filterList runs the filters and fixes the paging fields, with the
// semantics documented on ListFilter.
func (h *Handler) filterList(ctx context.Context, req *Request, lr *listing.Result) error {
	if !lr.V2 && lr.IsTruncated && lr.NextMarker == "" {
		last := ""
		if n := len(lr.Contents); n > 0 {
			last = lr.Contents[n-1].Key
		}
		if n := len(lr.CommonPrefixes); n > 0 && lr.CommonPrefixes[n-1].Prefix > last {
			last = lr.CommonPrefixes[n-1].Prefix
		}
		lr.NextMarker = last
	}
	if f := h.cfg.listFilter; f != nil {
		kept := lr.Contents[:0]
		for i := range lr.Contents {
			e := lr.Contents[i]
			keep, err := f(ctx, req, &e)
			if err != nil {
				return denyErr(err)
			}
			if keep {
				kept = append(kept, e)
			}
		}
		clear(lr.Contents[len(kept):])
		lr.Contents = kept
	}
	for _, f := range h.cfg.headList.prefixFilters {
		kept := lr.CommonPrefixes[:0]
		for i := range lr.CommonPrefixes {
			p := lr.CommonPrefixes[i]
			keep, err := f(ctx, req, &p)
			if err != nil {
				return denyErr(err)
			}
			if keep {
				kept = append(kept, p)
			}
		}
		lr.CommonPrefixes = kept
	}
	lr.KeyCount = len(lr.Contents) + len(lr.CommonPrefixes)
	return ctx.Err()
}

// denyErr turns a user callback's error into the reply error: an
// *s3err.Error as it is, anything else 403 AccessDenied.
func denyErr(err error) error {
	if _, ok := errors.AsType[*s3err.Error](err); ok {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return s3err.Wrap(err, http.StatusForbidden, s3err.CodeAccessDenied, "Access Denied")
}
