package objectlambdatest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// ErrInvalidReply is wrapped by the errors that parseReply returns: the
// function's HEAD or LIST return value is not what S3 Object Lambda accepts.
// The client then sees 400 LambdaInvalidResponse.
var ErrInvalidReply = errors.New("objectlambdatest: invalid function reply")

// reply is the return value of a HEAD or LIST invocation.
type reply struct {
	StatusCode       int
	ErrorCode        string
	ErrorMessage     string
	Headers          http.Header
	ListResultXML    *string
	ListBucketResult json.RawMessage
}

// parseReply decodes a function's HEAD/LIST return value. Header values may
// be strings, numbers or booleans, as the documented types and AWS's own
// samples (all strings) use.
func parseReply(b []byte) (*reply, error) {
	var raw struct {
		StatusCode       json.RawMessage            `json:"statusCode"`
		ErrorCode        *string                    `json:"errorCode"`
		ErrorMessage     *string                    `json:"errorMessage"`
		Headers          map[string]json.RawMessage `json:"headers"`
		ListResultXML    *string                    `json:"listResultXml"`
		ListBucketResult json.RawMessage            `json:"listBucketResult"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidReply, err)
	}
	if raw.StatusCode == nil || string(raw.StatusCode) == "null" {
		return nil, fmt.Errorf("%w: statusCode is required", ErrInvalidReply)
	}
	code, err := strconv.Atoi(string(raw.StatusCode)) // a JSON number; strings and fractions fail
	if err != nil || code < 100 || code > 599 {
		return nil, fmt.Errorf("%w: statusCode must be an HTTP status number", ErrInvalidReply)
	}
	rp := &reply{StatusCode: code, Headers: http.Header{}, ListResultXML: raw.ListResultXML}
	if raw.ErrorCode != nil {
		rp.ErrorCode = *raw.ErrorCode
		if !validErrorCode(rp.ErrorCode) {
			return nil, fmt.Errorf("%w: errorCode must match ^[A-Z][a-zA-Z]+$", ErrInvalidReply)
		}
		if code < 300 {
			return nil, fmt.Errorf("%w: errorCode with success status %d", ErrInvalidReply, code)
		}
	}
	if raw.ErrorMessage != nil {
		rp.ErrorMessage = *raw.ErrorMessage
	}
	if len(raw.ListBucketResult) > 0 && !bytes.Equal(bytes.TrimSpace(raw.ListBucketResult), []byte("null")) {
		rp.ListBucketResult = raw.ListBucketResult
	}
	if rp.ListResultXML != nil && rp.ListBucketResult != nil {
		return nil, fmt.Errorf("%w: listResultXml and listBucketResult are mutually exclusive", ErrInvalidReply)
	}
	for k, v := range raw.Headers {
		var s string
		var n json.Number
		var bl bool
		switch {
		case json.Unmarshal(v, &s) == nil:
		case json.Unmarshal(v, &n) == nil:
			s = n.String()
		case json.Unmarshal(v, &bl) == nil:
			s = strconv.FormatBool(bl)
		default:
			return nil, fmt.Errorf("%w: header %q must be a string, number or boolean", ErrInvalidReply, k)
		}
		if k == "" || strings.ContainsAny(k, " \t\r\n:") || strings.ContainsAny(s, "\r\n") {
			return nil, fmt.Errorf("%w: invalid header %q", ErrInvalidReply, k)
		}
		rp.Headers.Set(k, s)
	}
	return rp, nil
}

// listBucketResult is the JSON form of a listing (lowerCamelCase keys), both versions.
type listBucketResult struct {
	Name                  *string  `json:"name"`
	Prefix                string   `json:"prefix"`
	Marker                string   `json:"marker"`
	NextMarker            string   `json:"nextMarker"`
	StartAfter            string   `json:"startAfter"`
	ContinuationToken     string   `json:"continuationToken"`
	NextContinuationToken string   `json:"nextContinuationToken"`
	KeyCount              *int     `json:"keyCount"`
	MaxKeys               *int     `json:"maxKeys"`
	Delimiter             string   `json:"delimiter"`
	EncodingType          string   `json:"encodingType"`
	IsTruncated           *bool    `json:"isTruncated"`
	Contents              []object `json:"contents"`
	CommonPrefixes        []struct {
		Prefix *string `json:"prefix"`
	} `json:"commonPrefixes"`
}

type object struct {
	Key               *string `json:"key"`
	LastModified      string  `json:"lastModified"`
	ETag              string  `json:"eTag"`
	ChecksumAlgorithm string  `json:"checksumAlgorithm"`
	Size              *int64  `json:"size"`
	Owner             *struct {
		DisplayName *string `json:"displayName"`
		ID          *string `json:"id"`
	} `json:"owner"`
	StorageClass string `json:"storageClass"`
}

type xmlListResult struct {
	XMLName               xml.Name    `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
	Name                  string      `xml:"Name"`
	Prefix                string      `xml:"Prefix"`
	Marker                *string     `xml:"Marker,omitempty"`
	NextMarker            string      `xml:"NextMarker,omitempty"`
	StartAfter            string      `xml:"StartAfter,omitempty"`
	ContinuationToken     string      `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string      `xml:"NextContinuationToken,omitempty"`
	KeyCount              *int        `xml:"KeyCount,omitempty"`
	MaxKeys               int         `xml:"MaxKeys"`
	Delimiter             string      `xml:"Delimiter,omitempty"`
	EncodingType          string      `xml:"EncodingType,omitempty"`
	IsTruncated           bool        `xml:"IsTruncated"`
	Contents              []xmlObject `xml:"Contents"`
	CommonPrefixes        []xmlPrefix `xml:"CommonPrefixes"`
}

type xmlObject struct {
	Key               string    `xml:"Key"`
	LastModified      string    `xml:"LastModified,omitempty"`
	ETag              string    `xml:"ETag,omitempty"`
	ChecksumAlgorithm string    `xml:"ChecksumAlgorithm,omitempty"`
	Size              int64     `xml:"Size"`
	Owner             *xmlOwner `xml:"Owner,omitempty"`
	StorageClass      string    `xml:"StorageClass,omitempty"`
}

type xmlOwner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

type xmlPrefix struct {
	Prefix string `xml:"Prefix"`
}

// listXML turns a listBucketResult JSON object into S3's ListBucketResult XML,
// checking the fields S3 Object Lambda requires.
func listXML(raw json.RawMessage, v2 bool) ([]byte, error) {
	var l listBucketResult
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("%w: listBucketResult: %v", ErrInvalidReply, err)
	}
	if l.Name == nil || l.MaxKeys == nil || l.IsTruncated == nil || (v2 && l.KeyCount == nil) {
		req := "name, maxKeys and isTruncated"
		if v2 {
			req = "name, keyCount, maxKeys and isTruncated"
		}
		return nil, fmt.Errorf("%w: listBucketResult needs %s", ErrInvalidReply, req)
	}
	x := xmlListResult{
		Name: *l.Name, Prefix: l.Prefix, MaxKeys: *l.MaxKeys, Delimiter: l.Delimiter,
		EncodingType: l.EncodingType, IsTruncated: *l.IsTruncated,
	}
	if v2 {
		x.StartAfter, x.ContinuationToken, x.NextContinuationToken, x.KeyCount = l.StartAfter, l.ContinuationToken, l.NextContinuationToken, l.KeyCount
	} else {
		x.Marker, x.NextMarker = &l.Marker, l.NextMarker
	}
	for i, o := range l.Contents {
		if o.Key == nil || o.Size == nil {
			return nil, fmt.Errorf("%w: contents[%d] needs key and size", ErrInvalidReply, i)
		}
		xo := xmlObject{Key: *o.Key, LastModified: o.LastModified, ETag: o.ETag, ChecksumAlgorithm: o.ChecksumAlgorithm, Size: *o.Size, StorageClass: o.StorageClass}
		if o.Owner != nil {
			if o.Owner.ID == nil || o.Owner.DisplayName == nil {
				return nil, fmt.Errorf("%w: contents[%d].owner needs id and displayName", ErrInvalidReply, i)
			}
			xo.Owner = &xmlOwner{ID: *o.Owner.ID, DisplayName: *o.Owner.DisplayName}
		}
		x.Contents = append(x.Contents, xo)
	}
	for i, p := range l.CommonPrefixes {
		if p.Prefix == nil {
			return nil, fmt.Errorf("%w: commonPrefixes[%d] needs prefix", ErrInvalidReply, i)
		}
		x.CommonPrefixes = append(x.CommonPrefixes, xmlPrefix{Prefix: *p.Prefix})
	}
	out, err := xml.Marshal(x)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidReply, err)
	}
	return append([]byte(xml.Header), out...), nil
}

// s3Error is S3's XML error document.
type s3Error struct {
	XMLName   xml.Name  `xml:"Error"`
	Code      string    `xml:"Code"`
	Message   string    `xml:"Message"`
	Extra     []xmlElem // code-specific elements: Region, BucketName, AWSAccessKeyId, ...
	RequestID string    `xml:"RequestId,omitempty"`
}

// xmlElem is one <name>value</name> element.
type xmlElem struct{ name, value string }

func (e xmlElem) MarshalXML(enc *xml.Encoder, _ xml.StartElement) error {
	return enc.EncodeElement(e.value, xml.StartElement{Name: xml.Name{Local: e.name}})
}

func writeError(w http.ResponseWriter, r *http.Request, status int, code, message, requestID string) {
	writeS3Reply(w, r, &s3Reply{status: status, code: code, message: message}, requestID)
}

// writeS3Reply answers e as S3 does: the XML error document, or for HEAD,
// which has no body, the status alone.
func writeS3Reply(w http.ResponseWriter, r *http.Request, e *s3Reply, requestID string) {
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Del("Content-Length")
	if requestID != "" {
		w.Header().Set("X-Amz-Request-Id", requestID)
	}
	w.WriteHeader(e.status)
	if r.Method == http.MethodHead {
		return
	}
	b, _ := xml.Marshal(s3Error{Code: e.code, Message: e.message, Extra: e.extra, RequestID: requestID})
	_, _ = w.Write(append([]byte(xml.Header), b...))
}

func validErrorCode(code string) bool {
	if len(code) < 2 || code[0] < 'A' || code[0] > 'Z' {
		return false
	}
	for i := 1; i < len(code); i++ {
		c := code[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
