package objectlambda

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/internal/httprange"
	"github.com/objectlambda/sdk-go/internal/scrub"
	"github.com/objectlambda/sdk-go/s3err"
)

// reply is what the stages of a GetObject computed for the caller: an object
// (200, 206, 304) or an S3 error. The stages never send; the responder turns
// the reply into the one WriteGetObjectResponse call with input, the only
// function that builds one.
type reply struct {
	status int
	header http.Header // the object's headers as the transform chain left them
	length int64       // of body; -1 when unknown
	parts  int         // x-amz-mp-parts-count; 0 for none
	body   io.Reader   // nil for 304 and errors
	err    error       // set for an error reply
}

// errorReply is the reply for err: its S3 status, code and message.
func errorReply(err error) *reply { return &reply{err: err, length: -1} }

// input builds the WriteGetObjectResponse request for the reply. Every value
// in it is valid in an HTTP header, so the SDK cannot refuse to send it.
func (r *reply) input() *s3.WriteGetObjectResponseInput {
	if r.err != nil {
		return errorInput(r.err)
	}
	in := wgorInput(r.status, r.header, r.length)
	if r.status == http.StatusNotModified {
		// A 304 has no body to describe.
		in.ContentLength, in.AcceptRanges, in.ContentRange, in.PartsCount = nil, nil, nil, nil
	}
	if r.parts > 0 {
		in.PartsCount = aws.Int32(int32(r.parts))
	}
	return in
}

// wgorStatuses are the statuses WriteGetObjectResponse documents.
var wgorStatuses = map[int]bool{200: true, 206: true, 304: true, 400: true, 401: true, 403: true, 404: true,
	405: true, 409: true, 411: true, 412: true, 416: true, 500: true, 503: true}

// replyStatus maps a status WGOR does not accept onto the nearest one it
// does: 502, 504 (gateway trouble) and 429 (throttling) become 503, other
// 5xx 500, other 4xx 400.
func replyStatus(status int) int {
	switch {
	case wgorStatuses[status]:
		return status
	case status == http.StatusBadGateway || status == http.StatusGatewayTimeout || status == http.StatusTooManyRequests:
		return http.StatusServiceUnavailable
	case status >= 400 && status < 500:
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// errorInput is the WGOR request of an error reply.
func errorInput(err error) *s3.WriteGetObjectResponseInput {
	e := s3err.From(err)
	in := &s3.WriteGetObjectResponseInput{StatusCode: aws.Int32(int32(replyStatus(e.StatusCode)))}
	if e.StatusCode != http.StatusNotModified {
		// 304 carries no error code or message.
		in.ErrorCode = aws.String(e.Code) // s3err.From made it a valid code
		in.ErrorMessage = aws.String(publicMessage(e.Message))
	}
	var re *rangeError
	if errors.As(err, &re) && re.size >= 0 {
		in.ContentRange = aws.String(httprange.UnsatisfiedContentRange(re.size))
	}
	return in
}

// maxMessage bounds an error message sent to the caller.
const maxMessage = 512

// publicMessage makes an error message fit to send: no credentials, no
// control characters (a message travels in a header), bounded length.
func publicMessage(msg string) string {
	msg = headerSafe(scrub.String(msg))
	if len(msg) > maxMessage {
		msg = strings.ToValidUTF8(msg[:maxMessage], "") + "..."
	}
	return msg
}

// headerSafe replaces every control character (CR, LF, NUL, ...) with a
// space: what remains is a valid HTTP header value.
func headerSafe(s string) string {
	if validHeaderValue(s) {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if isCTL(c) {
			b[i] = ' '
		}
	}
	return string(b)
}

// validHeaderValue reports whether v can be sent as an HTTP header value as
// it is (RFC 9110 field-value: no control characters but horizontal tab).
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if isCTL(v[i]) {
			return false
		}
	}
	return true
}

func isCTL(c byte) bool { return (c < 0x20 && c != '\t') || c == 0x7f }

// validHeaderName reports whether k is an HTTP token (RFC 9110), as a
// metadata key must be to become an x-amz-meta-* header.
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
