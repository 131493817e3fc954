package sigv4

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	algorithm  = "AWS4-HMAC-SHA256"
	dateFormat = "20060102T150405Z"
	// MaxSkew is how far the request time may be from the server's clock, as on S3.
	MaxSkew = 15 * time.Minute
)

// Sentinel errors; Verify wraps one of them.
var (
	ErrMissing         = errors.New("sigv4: request is not signed")
	ErrMalformed       = errors.New("sigv4: malformed authorization")
	ErrUnknownKey      = errors.New("sigv4: unknown access key")
	ErrScope           = errors.New("sigv4: wrong credential scope")
	ErrSkew            = errors.New("sigv4: request time too skewed")
	ErrSignature       = errors.New("sigv4: signature does not match")
	ErrMissingSHA256   = errors.New("sigv4: missing x-amz-content-sha256")
	ErrHostNotSigned   = errors.New("sigv4: host header not signed")
	ErrDateNotProvided = errors.New("sigv4: x-amz-date not signed")
	ErrExpired         = errors.New("sigv4: presigned request has expired")
	ErrNotYetValid     = errors.New("sigv4: presigned request is not valid yet")
)

// ScopeError is a credential scope that names another region or service
// than the endpoint's. It wraps ErrScope; S3 tells the client the expected
// region (AuthorizationHeaderMalformed), and SDKs correct themselves with it.
type ScopeError struct {
	Part string // "region" or "service"
	Got  string
	Want string
}

func (e *ScopeError) Error() string {
	return fmt.Sprintf("sigv4: wrong credential scope: the %s %q is wrong; expecting %q", e.Part, e.Got, e.Want)
}

func (e *ScopeError) Unwrap() error { return ErrScope }

// Authorization is a parsed SigV4 Authorization header.
type Authorization struct {
	AccessKeyID   string
	Date          string // yyyymmdd of the credential scope
	Region        string
	Service       string
	SignedHeaders []string // lower-case, in the order given
	Signature     string   // lower-case hex
}

// ParseAuthorization parses "AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request,
// SignedHeaders=a;b, Signature=hex". It is strict: every part must be present exactly once.
func ParseAuthorization(h string) (Authorization, error) {
	var a Authorization
	rest, ok := strings.CutPrefix(h, algorithm+" ")
	if !ok {
		return a, fmt.Errorf("%w: algorithm is not %s", ErrMalformed, algorithm)
	}
	var cred, signed, sig string
	var seen [3]bool
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, fmt.Errorf("%w: component without '='", ErrMalformed)
		}
		var i int
		switch k {
		case "Credential":
			i, cred = 0, v
		case "SignedHeaders":
			i, signed = 1, v
		case "Signature":
			i, sig = 2, v
		default:
			return a, fmt.Errorf("%w: unknown component %q", ErrMalformed, k)
		}
		if seen[i] {
			return a, fmt.Errorf("%w: repeated component %q", ErrMalformed, k)
		}
		seen[i] = true
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return a, fmt.Errorf("%w: needs Credential, SignedHeaders and Signature", ErrMalformed)
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || scope[4] != "aws4_request" || scope[0] == "" || scope[2] == "" || scope[3] == "" {
		return a, fmt.Errorf("%w: credential scope must be key/date/region/service/aws4_request", ErrMalformed)
	}
	if _, err := time.Parse("20060102", scope[1]); err != nil {
		return a, fmt.Errorf("%w: bad credential date", ErrMalformed)
	}
	if len(sig) != 64 || strings.Trim(sig, "0123456789abcdef") != "" {
		return a, fmt.Errorf("%w: signature must be 64 lower-case hex digits", ErrMalformed)
	}
	if signed == "" {
		return a, fmt.Errorf("%w: empty SignedHeaders", ErrMalformed)
	}
	headers := strings.Split(signed, ";")
	for i, name := range headers {
		if name == "" || name != strings.ToLower(name) || strings.ContainsAny(name, " \t:") {
			return a, fmt.Errorf("%w: bad signed header name", ErrMalformed)
		}
		if i > 0 && headers[i-1] >= name {
			return a, fmt.Errorf("%w: SignedHeaders not sorted", ErrMalformed)
		}
	}
	return Authorization{
		AccessKeyID: scope[0], Date: scope[1], Region: scope[2], Service: scope[3],
		SignedHeaders: headers, Signature: sig,
	}, nil
}

// Verify checks r's SigV4 Authorization header. secretFor returns the secret of
// an access key; service and region are what the endpoint expects in the
// credential scope. now is the server's clock. It returns the parsed
// authorization of a valid request, or an error wrapping one of the sentinels.
func Verify(r *http.Request, secretFor func(accessKeyID string) (string, bool), service, region string, now time.Time) (Authorization, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return Authorization{}, ErrMissing
	}
	a, err := ParseAuthorization(h)
	if err != nil {
		return a, err
	}
	if err := checkScope(a, service, region); err != nil {
		return a, err
	}
	secret, ok := secretFor(a.AccessKeyID)
	if !ok {
		return a, ErrUnknownKey
	}
	signedSet := map[string]bool{}
	for _, name := range a.SignedHeaders {
		signedSet[name] = true
	}
	if !signedSet["host"] {
		return a, ErrHostNotSigned
	}
	if !signedSet["x-amz-date"] {
		return a, ErrDateNotProvided
	}
	t, err := time.Parse(dateFormat, r.Header.Get("X-Amz-Date"))
	if err != nil {
		return a, fmt.Errorf("%w: bad x-amz-date", ErrMalformed)
	}
	if t.Format("20060102") != a.Date {
		return a, fmt.Errorf("%w: x-amz-date does not match the credential date", ErrScope)
	}
	if d := now.Sub(t); d > MaxSkew || d < -MaxSkew {
		return a, ErrSkew
	}
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	if payloadHash == "" {
		return a, ErrMissingSHA256
	}

	// Rebuild the request from the signed headers only, with the path exactly
	// as it came on the wire, and let the SDK's signer sign it.
	re, err := rebuild(r, a.SignedHeaders, r.URL.RawQuery)
	if err != nil {
		return a, err
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	creds := aws.Credentials{AccessKeyID: a.AccessKeyID, SecretAccessKey: secret, SessionToken: r.Header.Get("X-Amz-Security-Token")}
	if !signedSet["x-amz-security-token"] {
		creds.SessionToken = ""
	}
	if err := signer.SignHTTP(context.Background(), creds, re, payloadHash, service, region, t); err != nil {
		return a, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	want, err := ParseAuthorization(re.Header.Get("Authorization"))
	if err != nil {
		return a, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	if strings.Join(want.SignedHeaders, ";") != strings.Join(a.SignedHeaders, ";") ||
		subtle.ConstantTimeCompare([]byte(want.Signature), []byte(a.Signature)) != 1 {
		return a, ErrSignature
	}
	return a, nil
}

func checkScope(a Authorization, service, region string) error {
	if a.Region != region {
		return &ScopeError{Part: "region", Got: a.Region, Want: region}
	}
	if a.Service != service {
		return &ScopeError{Part: "service", Got: a.Service, Want: service}
	}
	return nil
}
