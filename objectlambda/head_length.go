package objectlambda

import (
	"net/http"

	"github.com/objectlambda/sdk-go/presign"
	"github.com/objectlambda/sdk-go/s3err"
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
// serve. The chain's headers-only run (view) tells them when it can; otherwise
// the configured policy decides: the original length (WithHeadOriginalLength)
// or errUnknownLength.
func (h *Handler) headLength(resp *presign.Response, view headerView) (http.Header, int64, error) {
	if view.header != nil && view.length >= 0 {
		return view.header, view.length, nil
	}
	switch h.cfg.headList.unknownLength {
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
