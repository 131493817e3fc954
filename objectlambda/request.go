package objectlambda

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/objectlambda/sdk-go/internal/httprange"
	"github.com/objectlambda/sdk-go/internal/strictjson"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
)

// Request is a parsed, validated request: what authorizers, tenant functions,
// HEAD hooks and list filters see. It embeds the [transform.Request]
// (operation, key, URL, headers, caller, payload) and adds the request id and
// the byte-range options. The raw event stays inside the handler: its reply
// token and presigned URL are not user code's to hold.
type Request struct {
	transform.Request
	// SupportingAccessPointARN is the ARN of the S3 access point behind the
	// Object Lambda access point.
	SupportingAccessPointARN string
	// RequestID is the S3 request id (xAmzRequestId), for logs.
	RequestID string
	// Range is the caller's Range (header, or query parameter), "" if none.
	Range string
	// PartNumber is the caller's partNumber query parameter, 0 if none.
	PartNumber int

	rangeSpec *httprange.Spec
	// event is the raw event. It stays inside the handler: it carries the
	// reply token and the presigned URL, which user code must never hold
	// (one reply per request; no secrets in logs).
	event *Event
}

// newRequest lifts the fields out of ev. Errors are *s3err.Error.
func newRequest(ev *Event) (*Request, error) {
	op, err := ev.findOperation()
	if err != nil {
		return nil, err
	}
	u, key := parseUserURL(ev.UserRequest.URL)
	r := &Request{
		Request: transform.Request{
			Operation:      string(op),
			Key:            key,
			URL:            u,
			Header:         ev.UserRequest.Headers.httpHeader(),
			Caller:         callerOf(ev.UserIdentity),
			Payload:        []byte(ev.Configuration.Payload),
			AccessPointARN: ev.Configuration.AccessPointARN,
		},
		SupportingAccessPointARN: ev.Configuration.SupportingAccessPointARN,
		RequestID:                ev.XAmzRequestID,
		event:                    ev,
	}
	if op != OpGetObject && op != OpHeadObject {
		return r, nil
	}
	q := u.Query()
	r.Range = ev.UserRequest.Headers.get("Range")
	if r.Range == "" {
		r.Range = queryFold(q, "Range")
	}
	if r.Range != "" {
		spec, err := httprange.Parse(r.Range)
		if err == nil {
			r.rangeSpec = spec
		}
		// A Range that does not parse is ignored, as S3 ignores it.
	}
	if pn := queryFold(q, "partNumber"); pn != "" {
		n, err := httprange.ParsePartNumber(pn)
		if err != nil {
			return nil, s3err.Wrap(err, http.StatusBadRequest, s3err.CodeInvalidArgument, "Part number must be an integer between 1 and 10000, inclusive")
		}
		r.PartNumber = n
	}
	if r.Range != "" && r.PartNumber != 0 {
		return nil, s3err.New(http.StatusBadRequest, s3err.CodeInvalidRequest, "Cannot specify both Range header and partNumber query parameter")
	}
	for k := range r.Header {
		if strings.HasPrefix(strings.ToLower(k), "x-amz-server-side-encryption-customer-") {
			return nil, s3err.New(http.StatusBadRequest, s3err.CodeInvalidRequest,
				"SSE-C (customer-provided keys) is not supported through S3 Object Lambda access points")
		}
	}
	return r, nil
}

func queryFold(q url.Values, name string) string {
	if v := q.Get(name); v != "" {
		return v
	}
	for k, vs := range q {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// parseUserURL splits userRequest.url, which AWS sends already decoded and
// which may be a full URL or only a path, into a URL and the object key. It
// never fails: characters that url.Parse would reject are kept in the key.
func parseUserURL(raw string) (*url.URL, string) {
	rest := raw
	u := &url.URL{}
	if i := strings.Index(rest, "://"); i > 0 && !strings.Contains(rest[:i], "/") {
		u.Scheme = rest[:i]
		rest = rest[i+3:]
		host := rest
		if j := strings.IndexAny(rest, "/?"); j >= 0 {
			host, rest = rest[:j], rest[j:]
		} else {
			rest = ""
		}
		u.Host = host
	}
	path, query, _ := strings.Cut(rest, "?")
	u.Path = path
	if q, err := url.ParseQuery(query); err == nil {
		u.RawQuery = q.Encode()
	} else {
		u.RawQuery = escapeLoose(query)
	}
	return u, strings.TrimPrefix(path, "/")
}

// escapeLoose re-encodes a decoded query string so that url.Values can read
// it: every pair is split on the first '=' and both sides escaped.
func escapeLoose(q string) string {
	v := url.Values{}
	for _, pair := range strings.Split(q, "&") {
		if pair == "" {
			continue
		}
		k, val, _ := strings.Cut(pair, "=")
		v.Add(k, val)
	}
	return v.Encode()
}

func callerOf(id UserIdentity) transform.Caller {
	c := transform.Caller{
		Type:        id.Type,
		PrincipalID: id.PrincipalID,
		ARN:         id.ARN,
		AccountID:   id.AccountID,
		AccessKeyID: id.AccessKeyID,
		UserName:    id.UserName,
		InvokedBy:   id.InvokedBy,
	}
	if sc := id.SessionContext; sc != nil {
		c.SessionAttributes = sc.Attributes
		if sc.SessionIssuer != nil {
			c.SessionIssuerARN = sc.SessionIssuer.ARN
			if c.UserName == "" {
				c.UserName = sc.SessionIssuer.UserName
			}
		}
	}
	return c
}

// DecodePayload decodes the access point's payload (configuration.payload)
// as JSON into a T. Unknown fields are an error, so a typo in the access
// point configuration is caught rather than silently ignored. An empty
// payload yields the zero T.
//
// A payload that does not decode is the operator's mistake, not the caller's:
// the error is a 500 InvalidPayload *s3err.Error naming the problem.
func DecodePayload[T any](r *transform.Request) (T, error) {
	var v T
	if err := strictjson.Decode(r.Payload, &v); err != nil {
		// The decoder's text (field names, values, Go types) is the
		// operator's configuration: it stays in the cause, for the log.
		return v, s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInvalidPayload,
			"the access point payload is not valid for this function")
	}
	return v, nil
}
