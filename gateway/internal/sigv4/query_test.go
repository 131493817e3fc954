package sigv4

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// presigned returns a request presigned as the SDKs presign S3 GETs, as the
// server receives it.
func presigned(t *testing.T, method, target string, creds aws.Credentials, signedAt time.Time, expires string, mutate func(*http.Request)) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, "http://127.0.0.1:9000"+target, nil)
	require.NoError(t, err)
	q := req.URL.Query()
	q.Set(QueryExpires, expires)
	req.URL.RawQuery = q.Encode()
	req.Header.Set("X-Amz-Checksum-Mode", "ENABLED")
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	signed, _, err := signer.PresignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", signedAt)
	require.NoError(t, err)
	u, err := url.Parse(signed)
	require.NoError(t, err)
	in, err := http.NewRequest(method, signed, nil)
	require.NoError(t, err)
	in.Host = u.Host
	in.RequestURI = u.RequestURI()
	in.Header.Set("X-Amz-Checksum-Mode", "ENABLED") // hoisting leaves it a header only when not x-amz-*; harmless here
	if mutate != nil {
		mutate(in)
	}
	return in
}

func TestVerifyQuery(t *testing.T) {
	now := time.Date(2026, 11, 28, 1, 2, 3, 0, time.UTC)
	creds := aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}
	withToken := aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret", SessionToken: "tok/en+="}
	setQuery := func(k, v string) func(*http.Request) {
		return func(r *http.Request) {
			q := r.URL.Query()
			q.Set(k, v)
			r.URL.RawQuery = q.Encode()
			r.RequestURI = r.URL.RequestURI()
		}
	}
	tests := []struct {
		name string
		req  *http.Request
		want error
	}{
		{"valid", presigned(t, http.MethodGet, "/b/dir/a%20b.txt?response-content-type=text%2Fplain", creds, now, "900", nil), nil},
		{"valid with a session token", presigned(t, http.MethodGet, "/b/k", withToken, now, "900", nil), nil},
		{"valid HEAD", presigned(t, http.MethodHead, "/b/k", creds, now, "60", nil), nil},
		{"expired", presigned(t, http.MethodGet, "/b/k", creds, now.Add(-901*time.Second), "900", nil), ErrExpired},
		{"not valid yet", presigned(t, http.MethodGet, "/b/k", creds, now.Add(time.Hour), "900", nil), ErrNotYetValid},
		{"signed for GET, sent as PUT", presigned(t, http.MethodGet, "/b/k", creds, now, "900", func(r *http.Request) { r.Method = http.MethodPut }), ErrSignature},
		{"tampered path", presigned(t, http.MethodGet, "/b/k", creds, now, "900", func(r *http.Request) {
			r.RequestURI = strings.Replace(r.RequestURI, "/b/k", "/b/other", 1)
		}), ErrSignature},
		{"tampered expiry", presigned(t, http.MethodGet, "/b/k", creds, now, "900", setQuery(QueryExpires, "3600")), ErrSignature},
		{"added parameter", presigned(t, http.MethodGet, "/b/k", creds, now, "900", setQuery("versionId", "2")), ErrSignature},
		{"wrong secret", presigned(t, http.MethodGet, "/b/k", aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "other"}, now, "900", nil), ErrSignature},
		{"unknown key", presigned(t, http.MethodGet, "/b/k", aws.Credentials{AccessKeyID: "NOPE", SecretAccessKey: "secret"}, now, "900", nil), ErrUnknownKey},
		{"expiry over a week", presigned(t, http.MethodGet, "/b/k", creds, now, "604801", nil), ErrMalformed},
		{"zero expiry", presigned(t, http.MethodGet, "/b/k", creds, now, "0", nil), ErrMalformed},
		{"missing signature", presigned(t, http.MethodGet, "/b/k", creds, now, "900", func(r *http.Request) {
			q := r.URL.Query()
			q.Del(QuerySignature)
			r.URL.RawQuery = q.Encode()
		}), ErrMalformed},
		{"other algorithm", presigned(t, http.MethodGet, "/b/k", creds, now, "900", setQuery(QueryAlgorithm, "AWS4-ECDSA-P256-SHA256")), ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := VerifyQuery(tc.req, secrets, "s3", "us-east-1", now)
			if tc.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tc.want)
			}
		})
	}
}

func TestVerifyQueryScope(t *testing.T) {
	now := time.Date(2026, 11, 28, 1, 2, 3, 0, time.UTC)
	req := presigned(t, http.MethodGet, "/b/k", aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, now, "900", nil)
	_, err := VerifyQuery(req, secrets, "s3", "eu-west-1", now)
	var se *ScopeError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, ScopeError{Part: "region", Got: "us-east-1", Want: "eu-west-1"}, *se)
	assert.ErrorIs(t, err, ErrScope)

	_, err = VerifyQuery(req, secrets, "s3-object-lambda", "us-east-1", now)
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "service", se.Part)
}

func TestParseQuery(t *testing.T) {
	good := url.Values{
		QueryAlgorithm: {"AWS4-HMAC-SHA256"}, QueryCredential: {"AK/20261128/us-east-1/s3/aws4_request"},
		QueryDate: {"20261128T010203Z"}, QueryExpires: {"900"}, QuerySignedHeaders: {"host"},
		QuerySignature: {strings.Repeat("a", 64)},
	}
	p, err := ParseQuery(good)
	require.NoError(t, err)
	assert.Equal(t, 900*time.Second, p.Expires)
	assert.Equal(t, time.Date(2026, 11, 28, 1, 2, 3, 0, time.UTC), p.Time)
	assert.Equal(t, "us-east-1", p.Region)
	assert.True(t, IsPresigned(good))
	assert.False(t, IsPresigned(url.Values{"versionId": {"1"}}))

	for name, mutate := range map[string]func(url.Values){
		"date of another day":  func(q url.Values) { q.Set(QueryDate, "20261129T010203Z") },
		"bad date":             func(q url.Values) { q.Set(QueryDate, "2026-11-28T01:02:03Z") },
		"negative expiry":      func(q url.Values) { q.Set(QueryExpires, "-1") },
		"expiry not a number":  func(q url.Values) { q.Set(QueryExpires, "15m") },
		"repeated credential":  func(q url.Values) { q.Add(QueryCredential, "AK/20261128/us-east-1/s3/aws4_request") },
		"bad credential scope": func(q url.Values) { q.Set(QueryCredential, "AK/20261128/us-east-1/s3") },
	} {
		q := url.Values{}
		for k, v := range good {
			q[k] = append([]string(nil), v...)
		}
		mutate(q)
		_, err := ParseQuery(q)
		assert.ErrorIs(t, err, ErrMalformed, name)
	}
}

func FuzzParseQuery(f *testing.F) {
	f.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20261128%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261128T010203Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=" + strings.Repeat("a", 64))
	f.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=604800")
	f.Add("X-Amz-Signature=&X-Amz-Expires=-1")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := ParseQuery(q)
		if err != nil {
			return
		}
		// A parsed query is internally consistent.
		if p.Expires <= 0 || p.Expires > MaxExpires || p.Time.Format("20060102") != p.Date || len(p.Signature) != 64 {
			t.Fatalf("inconsistent parse of %q: %+v", raw, p)
		}
	})
}
