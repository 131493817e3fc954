package fnreply

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/objectlambda/sdk-go/internal/listing"
	"github.com/objectlambda/sdk-go/s3err"
)

// ErrInvalid is wrapped by every error of Parse: the function's reply is
// not what S3 Object Lambda accepts.
var ErrInvalid = errors.New("invalid function reply")

// Kind is the operation a reply answers.
type Kind int

// Kinds of reply.
const (
	Head Kind = iota
	List
	ListV2
)

// Reply is a function's answer, checked.
type Reply struct {
	StatusCode   int
	ErrorCode    string // "" for a success
	ErrorMessage string
	Header       http.Header
	// Body is the ListBucketResult document of a listing (from
	// listResultXml as given, or written from listBucketResult); nil for
	// HEAD and errors.
	Body []byte
}

// raw is the reply as decoded.
type raw struct {
	StatusCode       json.RawMessage            `json:"statusCode"`
	ErrorCode        *string                    `json:"errorCode"`
	ErrorMessage     *string                    `json:"errorMessage"`
	Headers          map[string]json.RawMessage `json:"headers"`
	ListResultXML    *string                    `json:"listResultXml"`
	ListBucketResult json.RawMessage            `json:"listBucketResult"`
}

// Parse checks the reply b of kind k. Header values may be strings,
// numbers or booleans, as the documented types and AWS's own samples (all
// strings) use; statusCode must be a JSON number; errorCode must match
// ^[A-Z][a-zA-Z]+$ and come with an error status; a listing needs exactly
// one of listResultXml and listBucketResult.
func Parse(b []byte, k Kind) (*Reply, error) {
	var r raw
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	rp, err := r.status()
	if err != nil {
		return nil, err
	}
	if rp.Header, err = headers(r.Headers); err != nil {
		return nil, err
	}
	if rp.ErrorCode != "" || k == Head {
		return rp, nil
	}
	rp.Body, err = r.listing(k)
	return rp, err
}

func (r *raw) status() (*Reply, error) {
	if r.StatusCode == nil || string(r.StatusCode) == "null" {
		return nil, fmt.Errorf("%w: statusCode is required", ErrInvalid)
	}
	code, err := strconv.Atoi(string(r.StatusCode)) // a JSON number; strings and fractions fail
	if err != nil || code < 100 || code > 599 {
		return nil, fmt.Errorf("%w: statusCode must be an HTTP status number", ErrInvalid)
	}
	rp := &Reply{StatusCode: code}
	if r.ErrorCode != nil {
		rp.ErrorCode = *r.ErrorCode
		if !s3err.ValidCode(rp.ErrorCode) {
			return nil, fmt.Errorf("%w: errorCode must match ^[A-Z][a-zA-Z]+$", ErrInvalid)
		}
		if code < 300 {
			return nil, fmt.Errorf("%w: errorCode with success status %d", ErrInvalid, code)
		}
	}
	if r.ErrorMessage != nil {
		rp.ErrorMessage = *r.ErrorMessage
	}
	return rp, nil
}

func headers(in map[string]json.RawMessage) (http.Header, error) {
	h := http.Header{}
	for k, v := range in {
		var s string
		var n json.Number
		var b bool
		switch {
		case json.Unmarshal(v, &s) == nil:
		case json.Unmarshal(v, &n) == nil:
			s = n.String()
		case json.Unmarshal(v, &b) == nil:
			s = strconv.FormatBool(b)
		default:
			return nil, fmt.Errorf("%w: header %q must be a string, number or boolean", ErrInvalid, k)
		}
		if k == "" || strings.ContainsAny(k, " \t\r\n:") || strings.ContainsAny(s, "\r\n\x00") {
			return nil, fmt.Errorf("%w: invalid header %q", ErrInvalid, k)
		}
		h.Set(k, s)
	}
	return h, nil
}

// listing is the ListBucketResult document of a successful listing.
func (r *raw) listing(k Kind) ([]byte, error) {
	hasJSON := len(r.ListBucketResult) > 0 && !bytes.Equal(bytes.TrimSpace(r.ListBucketResult), []byte("null"))
	switch {
	case r.ListResultXML != nil && hasJSON:
		return nil, fmt.Errorf("%w: listResultXml and listBucketResult are mutually exclusive", ErrInvalid)
	case r.ListResultXML != nil:
		return []byte(*r.ListResultXML), nil
	case !hasJSON:
		return nil, fmt.Errorf("%w: the reply has neither listResultXml nor listBucketResult", ErrInvalid)
	}
	var l listing.Result
	if err := l.UnmarshalJSON(r.ListBucketResult); err != nil {
		return nil, fmt.Errorf("%w: listBucketResult: %v", ErrInvalid, err)
	}
	if k == ListV2 && !l.V2 {
		return nil, fmt.Errorf("%w: listBucketResult of ListObjectsV2 needs keyCount", ErrInvalid)
	}
	l.V2 = k == ListV2
	out, err := l.AppendXML(nil)
	if err != nil {
		return nil, fmt.Errorf("%w: listBucketResult: %v", ErrInvalid, err)
	}
	return out, nil
}
