package gateway

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strings"
)

// s3Error is S3's error document.
type s3Error struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
}

// writeError answers with an S3 error: status, the XML document (not for
// HEAD, which has no body) and the request id header.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, message, requestID string) {
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("X-Amz-Request-Id", requestID)
	h.Del("Content-Length")
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	b, _ := xml.Marshal(s3Error{Code: code, Message: message, RequestID: requestID})
	_, _ = w.Write(append([]byte(xml.Header), b...))
}

// newRequestID is an S3-style request id: 16 upper-case hex digits.
func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}
