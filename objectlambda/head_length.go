package objectlambda

import (
	"context"
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

// headLength returns the headers and the length a GET of the object would
// serve. The chain's headers-only run (view) tells them when it can; otherwise the
// configured policy decides: measure (a full read), the original length, or
// errUnknownLength.
func (h *Handler) headLength(ctx context.Context, ev *Event, req *Request, resp *presign.Response, view headerView, st *headStats) (http.Header, int64, error) {
	if view.header != nil && view.length >= 0 {
		return view.header, view.length, nil
	}
	switch h.cfg.headList.unknownLength {
	case headLengthMeasure:
		return h.measure(ctx, ev, req, resp.Header.Get("Etag"), st)
	case headLengthOriginal:
		if resp.ContentLength < 0 {
			return nil, 0, errUnknownLength
		}
		hdr := view.header
		if hdr == nil {
			// The chain could not describe the headers: show none.
			hdr = http.Header{}
		}
		return hdr, resp.ContentLength, nil
	}
	return nil, 0, errUnknownLength
}

// measure fetches the object and runs the transform chain over it, counting
// the output: memory stays flat, the cost is one full read. The fetch is
// pinned to the ETag the HEAD saw, so a concurrent overwrite cannot mix the
// headers of one version with the length of another.
func (h *Handler) measure(ctx context.Context, ev *Event, req *Request, etag string, st *headStats) (http.Header, int64, error) {
	fr, pinned := pinnedRequest(ev.HeadObjectContext.InputS3URL, req, etag)
	resp, err := h.fetchObject(ctx, fr)
	if err != nil {
		return nil, 0, changedError(err, pinned)
	}
	p := newPipeline()
	defer p.done()
	body := &countingBody{r: p.own(resp.Body), n: &st.measured}
	if resp.StatusCode != http.StatusOK {
		return nil, 0, s3err.New(http.StatusInternalServerError, s3err.CodeInternalError,
			fmt.Sprintf("unexpected upstream status %d while measuring the transformed length", resp.StatusCode))
	}
	out, err := h.runChain(ctx, p, &transform.Object{Body: body, Header: objectHeaders(resp.Header), Length: resp.ContentLength, Request: &req.Request})
	if err != nil {
		return nil, 0, err
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
