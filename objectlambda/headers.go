package objectlambda

import (
	"context"
	"errors"
	"net/http"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
)

// headerView is what the transform chain makes of an object from its headers
// alone: the headers a GET would serve and, when the chain can tell without
// reading, the length.
type headerView struct {
	// header is nil when a transform could not work without the body: then
	// nothing is known of what the chain shows or hides, and nothing is shown.
	header http.Header
	// length is the output length, -1 when it cannot be known without the
	// body (or the input length was unknown).
	length int64
}

// describe runs the chain over the object's headers with a headers-only body
// (transform.HeadersOnly): the header pipeline that HEAD and a 304 share
// with GET. Each member runs through transform.Run, so body-dependent
// headers go as for a GET, LengthPreserving and LengthStater members carry
// the length, and decryption strips its envelope and refuses instruction
// files. A transform's refusal (an *s3err.Error that is not about the
// missing body) is returned as err: a denied object stays denied however it
// is asked for.
func (h *Handler) describe(ctx context.Context, req *Request, hdr http.Header, length int64) (headerView, error) {
	obj := &transform.Object{Body: transform.HeadersOnly(), Header: hdr, Length: length, Request: &req.Request}
	for _, t := range h.cfg.chainMembers() {
		out, err := transform.Run(ctx, t, obj)
		if err != nil {
			if e, ok := errors.AsType[*s3err.Error](err); ok && !errors.Is(err, transform.ErrHeadersOnly) {
				return headerView{}, e
			}
			return headerView{length: -1}, nil
		}
		_ = closeReader(out.Body)
		obj = &transform.Object{Body: transform.HeadersOnly(), Header: out.Header, Length: out.Length, Request: &req.Request}
	}
	if obj.Header == nil {
		obj.Header = http.Header{}
	}
	return headerView{header: obj.Header, length: obj.Length}, nil
}
