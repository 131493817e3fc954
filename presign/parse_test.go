package presign

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseError(t *testing.T) {
	valid := `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>secret/path.txt</Key><RequestId>4442587FB7D0A2F9</RequestId><HostId>abc=</HostId></Error>`
	cases := []struct {
		name      string
		status    int
		header    http.Header
		body      string
		code      string
		msg       string
		requestID string
	}{
		{name: "valid", status: 404, body: valid, code: "NoSuchKey", msg: "The specified key does not exist.", requestID: "4442587FB7D0A2F9"},
		{name: "precondition", status: 412, body: `<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-Match</Condition></Error>`, code: "PreconditionFailed", msg: "At least one of the pre-conditions you specified did not hold"},
		{name: "request id from header", status: 403, header: http.Header{"X-Amz-Request-Id": {"REQ1"}}, body: `<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`, code: "AccessDenied", msg: "Access Denied", requestID: "REQ1"},
		{name: "empty body", status: 404, code: "NoSuchKey", msg: "upstream S3 answered Not Found"},
		{name: "HEAD 412", status: 412, code: "PreconditionFailed", msg: "upstream S3 answered Precondition Failed"},
		{name: "HEAD 416", status: 416, code: "InvalidRange"},
		{name: "HEAD 400", status: 400, code: "BadRequest"},
		{name: "HEAD 503", status: 503, code: "ServiceUnavailable"},
		{name: "HEAD 500", status: 500, code: "InternalError"},
		{name: "unknown 4xx", status: 418, code: "BadRequest"},
		{name: "unknown 5xx", status: 599, code: "InternalError", msg: "upstream S3 answered an error"},
		{name: "status out of range", status: 200, code: "InternalError"},
		{name: "garbage", status: 503, body: "<html><body>Service Unavailable</body></html>", code: "ServiceUnavailable"},
		{name: "not xml", status: 500, body: "\x00\x01\x02 binary", code: "InternalError"},
		{name: "json", status: 403, body: `{"Code":"Evil"}`, code: "AccessDenied"},
		{name: "doctype", status: 403, body: `<?xml version="1.0"?><!DOCTYPE Error [<!ENTITY x "Pwned">]><Error><Code>Evil</Code><Message>&x;</Message></Error>`, code: "AccessDenied", msg: "upstream S3 answered Forbidden"},
		{name: "external entity", status: 403, body: `<!DOCTYPE Error SYSTEM "file:///etc/passwd"><Error><Code>AccessDenied</Code><Message>m</Message></Error>`, code: "AccessDenied", msg: "upstream S3 answered Forbidden"},
		{name: "undeclared entity", status: 400, body: `<Error><Code>InvalidArgument</Code><Message>&xxe;</Message></Error>`, code: "BadRequest"},
		{name: "comment and cdata fine", status: 400, body: `<!-- c --><Error><Code>InvalidArgument</Code><Message><![CDATA[bad <arg>]]></Message></Error>`, code: "InvalidArgument", msg: "bad <arg>"},
		{name: "bad code", status: 403, body: `<Error><Code>Access Denied; rm -rf</Code><Message>m</Message></Error>`, code: "AccessDenied", msg: "m"},
		{name: "lowercase code", status: 404, body: `<Error><Code>noSuchKey</Code></Error>`, code: "NoSuchKey"},
		{name: "nested code ignored", status: 404, body: `<Error><Detail><Code>Evil</Code></Detail><Code>NoSuchBucket</Code></Error>`, code: "NoSuchBucket"},
		{name: "wrong root", status: 404, body: `<NotError><Code>Evil</Code></NotError>`, code: "NoSuchKey"},
		{name: "two roots", status: 404, body: `<Error><Code>A</Code></Error><Error><Code>B</Code></Error>`, code: "NoSuchKey"},
		{name: "trailing text", status: 404, body: `<Error><Code>NoSuchBucket</Code></Error>junk`, code: "NoSuchKey"},
		{name: "unclosed", status: 404, body: `<Error><Code>NoSuchBucket</Code>`, code: "NoSuchKey"},
		{name: "control chars stripped", status: 400, body: "<Error><Code>InvalidRequest</Code><Message>line1\r\nline2\tx\u200b\u202e y</Message></Error>", code: "InvalidRequest", msg: "line1 line2 x y"},
		{name: "huge", status: 500, body: "<Error><Code>SlowDown</Code><Message>" + strings.Repeat("a", maxErrorBody) + "</Message></Error>", code: "InternalError"},
		{name: "long message trimmed", status: 500, body: "<Error><Code>SlowDown</Code><Message>" + strings.Repeat("é", 1000) + "</Message></Error>", code: "SlowDown", msg: strings.Repeat("é", maxMessageLen/2)},
		{name: "invalid utf8", status: 400, body: "<Error><Code>InvalidRequest</Code><Message>\xff\xfe</Message></Error>", code: "BadRequest"},
		{name: "other encoding", status: 400, body: `<?xml version="1.0" encoding="ISO-8859-1"?><Error><Code>InvalidRequest</Code></Error>`, code: "BadRequest"},
		{name: "redirect", status: 301, body: `<Error><Code>PermanentRedirect</Code><Message>use the other endpoint</Message><Endpoint>b.s3.eu-west-1.amazonaws.com</Endpoint></Error>`, code: "PermanentRedirect"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			e := parseError(tc.status, tc.header, body)
			require.NotNil(t, e)
			wantStatus := tc.status
			if wantStatus < 300 || wantStatus > 599 {
				wantStatus = 500
			}
			assert.Equal(t, wantStatus, e.StatusCode)
			assert.Equal(t, tc.code, e.Code)
			if tc.msg != "" {
				assert.Equal(t, tc.msg, e.Message)
			}
			assert.NotEmpty(t, e.Message)
			assert.NotContains(t, e.Message, "Pwned")
			assert.NotContains(t, e.Message, "secret/path.txt")
			for _, r := range e.Message {
				assert.False(t, unicode.IsControl(r), "control char %q", r)
			}
			var up *UpstreamError
			require.True(t, errors.As(e, &up))
			assert.Equal(t, wantStatus, up.StatusCode)
			if tc.requestID != "" {
				assert.Equal(t, tc.requestID, up.RequestID)
				assert.Contains(t, e.Error(), tc.requestID)
			}
			assert.Equal(t, e, s3err.From(e), "already in the form s3err.From produces")
		})
	}
}

func TestParseErrorReadFailure(t *testing.T) {
	e := parseError(503, nil, io.MultiReader(strings.NewReader("<Error><Code>Slow"), failingReader{}))
	assert.Equal(t, "ServiceUnavailable", e.Code)
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestStatusCodeTable(t *testing.T) {
	for st, code := range map[int]string{
		304: "NotModified", 400: "BadRequest", 403: "AccessDenied", 404: "NoSuchKey", 412: "PreconditionFailed",
		416: "InvalidRange", 429: "SlowDown", 500: "InternalError", 503: "ServiceUnavailable", 999: "InternalError",
	} {
		assert.Equal(t, code, codeForStatus(st), st)
		assert.True(t, s3err.ValidCode(codeForStatus(st)))
	}
}
