package sigv4

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Query parameters of SigV4 query authentication.
const (
	QueryAlgorithm     = "X-Amz-Algorithm"
	QueryCredential    = "X-Amz-Credential"
	QueryDate          = "X-Amz-Date"
	QueryExpires       = "X-Amz-Expires"
	QuerySignedHeaders = "X-Amz-SignedHeaders"
	QuerySignature     = "X-Amz-Signature"
	QuerySecurityToken = "X-Amz-Security-Token"
)

// MaxExpires is the longest validity S3 accepts for a presigned URL.
const MaxExpires = 7 * 24 * time.Hour

// Presigned is the parsed query authentication of a presigned URL.
type Presigned struct {
	Authorization
	Time    time.Time     // X-Amz-Date
	Expires time.Duration // X-Amz-Expires
}

// IsPresigned reports whether q carries SigV4 query authentication (or an
// attempt at it: any of its parameters).
func IsPresigned(q url.Values) bool {
	for _, k := range []string{QueryAlgorithm, QueryCredential, QuerySignature} {
		if q.Has(k) {
			return true
		}
	}
	return false
}

// ParseQuery parses the X-Amz-* parameters of a presigned URL. It is strict:
// each parameter present once, the algorithm AWS4-HMAC-SHA256, the expiry
// between 1 second and a week, as S3 requires.
func ParseQuery(q url.Values) (Presigned, error) {
	var p Presigned
	vals := map[string]string{}
	for _, k := range []string{QueryAlgorithm, QueryCredential, QueryDate, QueryExpires, QuerySignedHeaders, QuerySignature} {
		vs := q[k]
		if len(vs) != 1 {
			return p, fmt.Errorf("%w: query authentication needs exactly one of each of X-Amz-Algorithm, X-Amz-Credential, "+
				"X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders and X-Amz-Expires", ErrMalformed)
		}
		vals[k] = vs[0]
	}
	if vals[QueryAlgorithm] != algorithm {
		return p, fmt.Errorf("%w: X-Amz-Algorithm only supports %q", ErrMalformed, algorithm)
	}
	a, err := ParseAuthorization(algorithm + " Credential=" + vals[QueryCredential] +
		", SignedHeaders=" + vals[QuerySignedHeaders] + ", Signature=" + vals[QuerySignature])
	if err != nil {
		return p, err
	}
	t, err := time.Parse(dateFormat, vals[QueryDate])
	if err != nil {
		return p, fmt.Errorf("%w: X-Amz-Date must be in the ISO8601 basic format yyyyMMdd'T'HHmmss'Z'", ErrMalformed)
	}
	if t.Format("20060102") != a.Date {
		return p, fmt.Errorf("%w: X-Amz-Date does not match the credential date", ErrMalformed)
	}
	secs, err := strconv.ParseInt(vals[QueryExpires], 10, 64)
	switch {
	case err != nil || secs < 0:
		return p, fmt.Errorf("%w: X-Amz-Expires must be a non-negative number of seconds", ErrMalformed)
	case secs == 0 || time.Duration(secs)*time.Second > MaxExpires:
		return p, fmt.Errorf("%w: X-Amz-Expires must be less than a week (in seconds) that is 604800", ErrMalformed)
	}
	return Presigned{Authorization: a, Time: t, Expires: time.Duration(secs) * time.Second}, nil
}

// VerifyQuery checks r's SigV4 query authentication (a presigned URL), as
// Verify does for the Authorization header: same scope, same recomputed
// signature over the signed headers, plus the URL's validity window.
func VerifyQuery(r *http.Request, secretFor func(accessKeyID string) (string, bool), service, region string, now time.Time) (Presigned, error) {
	q := r.URL.Query()
	p, err := ParseQuery(q)
	if err != nil {
		return p, err
	}
	if err := checkScope(p.Authorization, service, region); err != nil {
		return p, err
	}
	secret, ok := secretFor(p.AccessKeyID)
	if !ok {
		return p, ErrUnknownKey
	}
	if now.Before(p.Time.Add(-MaxSkew)) {
		return p, ErrNotYetValid
	}
	if now.After(p.Time.Add(p.Expires)) {
		return p, ErrExpired
	}
	signedSet := map[string]bool{}
	for _, name := range p.SignedHeaders {
		signedSet[name] = true
	}
	if !signedSet["host"] {
		return p, ErrHostNotSigned
	}
	payloadHash := q.Get("X-Amz-Content-Sha256")
	if payloadHash == "" {
		payloadHash = "UNSIGNED-PAYLOAD"
	}
	unsigned := url.Values{}
	for k, vs := range q {
		if k != QuerySignature {
			unsigned[k] = vs
		}
	}
	re, err := rebuild(r, p.SignedHeaders, strings.ReplaceAll(unsigned.Encode(), "+", "%20"))
	if err != nil {
		return p, err
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) {
		o.DisableURIPathEscaping = true
		o.DisableHeaderHoisting = true
	})
	creds := aws.Credentials{AccessKeyID: p.AccessKeyID, SecretAccessKey: secret, SessionToken: q.Get(QuerySecurityToken)}
	signed, _, err := signer.PresignHTTP(context.Background(), creds, re, payloadHash, service, region, p.Time)
	if err != nil {
		return p, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	su, err := url.Parse(signed)
	if err != nil {
		return p, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	want := su.Query()
	if want.Get(QuerySignedHeaders) != strings.Join(p.SignedHeaders, ";") ||
		subtle.ConstantTimeCompare([]byte(want.Get(QuerySignature)), []byte(p.Signature)) != 1 {
		return p, ErrSignature
	}
	return p, nil
}

// rebuild copies r with only the signed headers, its path exactly as it came
// on the wire, and rawQuery, for the SDK's signer to sign again.
func rebuild(r *http.Request, signedHeaders []string, rawQuery string) (*http.Request, error) {
	path, _, _ := strings.Cut(r.RequestURI, "?")
	if path == "" || path[0] != '/' {
		path = r.URL.EscapedPath()
	}
	re, err := http.NewRequest(r.Method, "http://"+r.Host+"/", nil)
	if err != nil {
		return nil, fmt.Errorf("%w: bad host", ErrMalformed)
	}
	re.URL.Opaque = "//" + r.Host + path
	re.URL.RawQuery = rawQuery
	re.Host = r.Host
	for _, name := range signedHeaders {
		switch name {
		case "host":
		case "content-length":
			re.ContentLength = r.ContentLength
		default:
			re.Header[http.CanonicalHeaderKey(name)] = r.Header.Values(name)
		}
	}
	return re, nil
}
