package s3xml

import (
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/objectlambda/sdk-go/s3err"
)

// Elem is one code-specific element of an error document:
// <Region>us-east-1</Region> for AuthorizationHeaderMalformed,
// <BucketName> for NoSuchBucket, and so on.
type Elem struct{ Name, Value string }

func (e Elem) MarshalXML(enc *xml.Encoder, _ xml.StartElement) error {
	return enc.EncodeElement(e.Value, xml.StartElement{Name: xml.Name{Local: e.Name}})
}

// errorDoc is S3's XML error document.
type errorDoc struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	Extra     []Elem
	RequestID string `xml:"RequestId,omitempty"`
}

// WriteError answers e as S3 does: its status, the XML error document with
// extra elements after Message, or for HEAD, which has no body, the status
// alone. The message is made one line; e.Err (the cause) is never sent.
// Headers already set on w (the request id, a function's headers) stay.
func WriteError(w http.ResponseWriter, r *http.Request, e *s3err.Error, requestID string, extra ...Elem) {
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Del("Content-Length")
	if requestID != "" {
		h.Set("X-Amz-Request-Id", requestID)
	}
	w.WriteHeader(e.StatusCode)
	if r.Method == http.MethodHead {
		return
	}
	b, err := xml.Marshal(errorDoc{Code: e.Code, Message: oneLine(e.Message), Extra: extra, RequestID: requestID})
	if err != nil { // only for text XML cannot carry; the status is out already
		b, _ = xml.Marshal(errorDoc{Code: e.Code, RequestID: requestID})
	}
	_, _ = w.Write(append([]byte(xml.Header), b...))
}

// Error is WriteError of a new error.
func Error(w http.ResponseWriter, r *http.Request, status int, code, message, requestID string, extra ...Elem) {
	WriteError(w, r, s3err.New(status, code, message), requestID, extra...)
}

func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}

// WriteDocument answers 200 with v as an XML document (no body for HEAD).
func WriteDocument(w http.ResponseWriter, r *http.Request, v any, requestID string) {
	b, err := xml.Marshal(v)
	if err != nil {
		Error(w, r, http.StatusInternalServerError, s3err.CodeInternalError, "We encountered an internal error. Please try again.", requestID)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	if requestID != "" {
		w.Header().Set("X-Amz-Request-Id", requestID)
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(append([]byte(xml.Header), b...))
	}
}

// Namespace is S3's XML namespace.
const Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// Bucket is one entry of ListAllMyBucketsResult.
type Bucket struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion"`
}

// Owner is the owner of ListAllMyBucketsResult.
type Owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

// ListAllMyBucketsResult is ListBuckets' answer.
type ListAllMyBucketsResult struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
	Owner   Owner    `xml:"Owner"`
	Buckets []Bucket `xml:"Buckets>Bucket"`
}

// LocationConstraint is GetBucketLocation's answer: empty for us-east-1,
// as S3 answers.
type LocationConstraint struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LocationConstraint"`
	Region  string   `xml:",chardata"`
}

// Location returns the LocationConstraint of region.
func Location(region string) LocationConstraint {
	if region == "us-east-1" {
		region = ""
	}
	return LocationConstraint{Region: region}
}
