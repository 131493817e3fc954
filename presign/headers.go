package presign

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/objectlambda/sdk-go/s3err"
)

// signedHeaders returns the lower-case header names listed in the URL's
// X-Amz-signedHeaders query parameter, in order and without duplicates or
// empty entries. "host" is included when signed; callers replaying headers
// skip it (the HTTP client derives Host from the URL).
func signedHeaders(u *url.URL) []string {
	if u == nil {
		return nil
	}
	// Parse the raw query by hand: url.ParseQuery drops pairs that contain a
	// literal ';', which is exactly the separator of this parameter.
	var raw string
	found := false
	for _, pair := range strings.Split(u.RawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 == nil && err2 == nil && strings.EqualFold(k, "X-Amz-SignedHeaders") {
			raw, found = v, true
			break
		}
	}
	if !found {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, name := range strings.Split(raw, ";") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" || seen[name] || !validHeaderName(name) {
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	return out
}

// Redact returns rawURL without its query string, fragment and userinfo, for
// logs: the query of a presigned URL holds the signature and session token.
// An unparseable URL yields "<invalid URL>".
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "<invalid URL>"
	}
	u.User = nil
	u.RawQuery = ""
	u.ForceQuery = false
	u.Fragment = ""
	u.RawFragment = ""
	return u.String()
}

// headers a caller may never set through Request.Header: they are owned by
// the transport or would replace the presigned authentication.
var transportOwned = map[string]bool{
	"host": true, "authorization": true, "connection": true, "content-length": true,
	"transfer-encoding": true, "te": true, "trailer": true, "upgrade": true,
	"proxy-authorization": true, "proxy-connection": true, "keep-alive": true, "expect": true,
	"cookie": true,
}

// buildHeader assembles the outgoing headers: the signed ones replayed from
// the user request, then the caller's extra standard headers.
func buildHeader(u *url.URL, user, extra http.Header) (http.Header, error) {
	out := http.Header{}
	signed := map[string]bool{}
	for _, name := range signedHeaders(u) {
		signed[name] = true
		if name == "host" {
			continue
		}
		vals := lookupFold(user, name)
		if len(vals) == 0 {
			vals = lookupFold(extra, name)
		}
		if len(vals) == 0 {
			return nil, s3err.Wrap(ErrMissingSignedHeader, http.StatusBadRequest, s3err.CodeInvalidRequest,
				"the request is missing the header "+name+", which is signed into the presigned URL")
		}
		if transportOwned[name] {
			return nil, s3err.Wrap(ErrMissingSignedHeader, http.StatusBadRequest, s3err.CodeInvalidRequest,
				"the presigned URL signs the header "+name+", which cannot be replayed")
		}
		for _, v := range vals {
			if !validHeaderValue(v) {
				return nil, s3err.New(http.StatusBadRequest, s3err.CodeInvalidRequest,
					"the value of header "+name+" is not a valid HTTP header value")
			}
		}
		if ex := lookupFold(extra, name); len(ex) > 0 && strings.Join(ex, ",") != strings.Join(vals, ",") {
			return nil, s3err.New(http.StatusBadRequest, s3err.CodeInvalidRequest,
				"header "+name+" is signed into the presigned URL and cannot be changed")
		}
		out[http.CanonicalHeaderKey(name)] = append([]string(nil), vals...)
	}
	for k, vals := range extra {
		name := strings.ToLower(k)
		if signed[name] {
			continue // already replayed (and compared) above
		}
		if !validHeaderName(name) || transportOwned[name] {
			return nil, s3err.New(http.StatusInternalServerError, s3err.CodeInternalError,
				"the function tried to set the header "+safeHeaderName(k)+", which is not allowed on a presigned request")
		}
		if strings.HasPrefix(name, "x-amz-") {
			return nil, s3err.Wrap(ErrUnsignedHeader, http.StatusBadRequest, s3err.CodeInvalidRequest,
				"header "+name+" is not signed into the presigned URL and cannot be added")
		}
		for _, v := range vals {
			if !validHeaderValue(v) {
				return nil, s3err.New(http.StatusBadRequest, s3err.CodeInvalidRequest,
					"the value of header "+name+" is not a valid HTTP header value")
			}
		}
		ck := http.CanonicalHeaderKey(name)
		out[ck] = append(out[ck], vals...)
	}
	return out, nil
}

// lookupFold returns all values of name in h, whatever the key's case (event
// headers keep the caller's original case and are not canonicalized).
func lookupFold(h http.Header, name string) []string {
	var out []string
	for k, vs := range h {
		if strings.EqualFold(k, name) && isPrintableASCII(k) {
			out = append(out, vs...)
		}
	}
	return out
}

func validHeaderName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 0x7f || (c < 0x20 && c != '\t') {
			return false
		}
	}
	return true
}

func safeHeaderName(s string) string {
	if validHeaderName(s) {
		return s
	}
	return "(invalid name)"
}
