package s3xml

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/stretchr/testify/assert"
)

func TestWriteError(t *testing.T) {
	tests := []struct {
		name   string
		method string
		err    *s3err.Error
		extra  []Elem
		want   string
	}{
		{"plain", http.MethodGet, s3err.New(403, "AccessDenied", "Access Denied"), nil,
			`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>REQ1</RequestId></Error>`},
		{"extra elements after the message, escaped", http.MethodGet, s3err.New(400, "AuthorizationHeaderMalformed", "bad <region>"), []Elem{{"Region", "us-east-1"}},
			`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Error><Code>AuthorizationHeaderMalformed</Code><Message>bad &lt;region&gt;</Message><Region>us-east-1</Region><RequestId>REQ1</RequestId></Error>`},
		{"cause not sent, message one line", http.MethodGet, s3err.Wrap(assert.AnError, 500, "InternalError", "line one\r\nline two"), nil,
			`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Error><Code>InternalError</Code><Message>line one  line two</Message><RequestId>REQ1</RequestId></Error>`},
		{"HEAD has no body", http.MethodHead, s3err.New(404, "NoSuchKey", "gone"), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			w.Header().Set("Content-Length", "12")
			WriteError(w, httptest.NewRequest(tt.method, "/b/k", nil), tt.err, "REQ1", tt.extra...)
			assert.Equal(t, tt.err.StatusCode, w.Code)
			assert.Equal(t, tt.want, w.Body.String())
			assert.Equal(t, "application/xml", w.Header().Get("Content-Type"))
			assert.Equal(t, "REQ1", w.Header().Get("X-Amz-Request-Id"))
			assert.Empty(t, w.Header().Get("Content-Length"), "a stale length never goes out")
		})
	}
}

func TestWriteDocument(t *testing.T) {
	w := httptest.NewRecorder()
	WriteDocument(w, httptest.NewRequest(http.MethodGet, "/b?location", nil), Location("us-east-1"), "R")
	assert.Equal(t, 200, w.Code)
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>`, w.Body.String())
	w = httptest.NewRecorder()
	WriteDocument(w, httptest.NewRequest(http.MethodGet, "/", nil), ListAllMyBucketsResult{Owner: Owner{ID: "1", DisplayName: "ap"},
		Buckets: []Bucket{{Name: "b", CreationDate: "2026-01-01T00:00:00Z", BucketRegion: "eu-west-1"}}}, "R")
	assert.Contains(t, w.Body.String(), `<Buckets><Bucket><Name>b</Name><CreationDate>2026-01-01T00:00:00Z</CreationDate><BucketRegion>eu-west-1</BucketRegion></Bucket></Buckets>`)
	w = httptest.NewRecorder()
	WriteDocument(w, httptest.NewRequest(http.MethodGet, "/", nil), func() {}, "R")
	assert.Equal(t, 500, w.Code, "a document that cannot be encoded is an internal error")
}
