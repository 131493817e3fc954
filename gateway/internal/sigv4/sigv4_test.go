package sigv4

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const emptySHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func secrets(ak string) (string, bool) {
	if ak == "AKID" {
		return "secret", true
	}
	return "", false
}

// signed returns a request signed like the SDK signs S3 requests, as the server receives it.
func signed(t *testing.T, target, secret string, now time.Time, mutate func(*http.Request)) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:9000"+target, nil)
	require.NoError(t, err)
	req.Header.Set("X-Amz-Content-Sha256", emptySHA)
	req.Header.Set("X-Amz-Checksum-Mode", "ENABLED")
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	require.NoError(t, signer.SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: secret}, req, emptySHA, "s3", "us-east-1", now))
	// What net/http's server sees.
	in, err := http.NewRequest(req.Method, req.URL.String(), nil)
	require.NoError(t, err)
	in.Header = req.Header.Clone()
	in.Host = req.URL.Host
	in.RequestURI = req.URL.RequestURI()
	if mutate != nil {
		mutate(in)
	}
	return in
}

func TestVerify(t *testing.T) {
	now := time.Date(2026, 11, 28, 1, 2, 3, 0, time.UTC)
	tests := []struct {
		name    string
		req     *http.Request
		service string
		want    error
	}{
		{"valid", signed(t, "/b/dir/a%20b.txt?x-id=GetObject", "secret", now, nil), "s3", nil},
		{"unsigned", signed(t, "/b/k", "secret", now, func(r *http.Request) { r.Header.Del("Authorization") }), "s3", ErrMissing},
		{"wrong secret", signed(t, "/b/k", "other", now, nil), "s3", ErrSignature},
		{"wrong service", signed(t, "/b/k", "secret", now, nil), "s3-object-lambda", ErrScope},
		{"tampered path", signed(t, "/b/k", "secret", now, func(r *http.Request) { r.RequestURI = "/b/other" }), "s3", ErrSignature},
		{"tampered query", signed(t, "/b/k?versionId=1", "secret", now, func(r *http.Request) { r.URL.RawQuery = "versionId=2" }), "s3", ErrSignature},
		{"tampered signed header", signed(t, "/b/k", "secret", now, func(r *http.Request) { r.Header.Set("X-Amz-Checksum-Mode", "DISABLED") }), "s3", ErrSignature},
		{"unsigned header added is fine", signed(t, "/b/k", "secret", now, func(r *http.Request) { r.Header.Set("X-Amzn-Trace-Id", "") }), "s3", nil},
		{"unknown key", signed(t, "/b/k", "secret", now, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "AKID", "NOPE", 1))
		}), "s3", ErrUnknownKey},
		{"too old", signed(t, "/b/k", "secret", now.Add(-time.Hour), nil), "s3", ErrSkew},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Verify(tc.req, secrets, tc.service, "us-east-1", now)
			if tc.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tc.want)
			}
		})
	}
}

func TestParseAuthorization(t *testing.T) {
	good := "AWS4-HMAC-SHA256 Credential=AK/20261128/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("a", 64)
	a, err := ParseAuthorization(good)
	require.NoError(t, err)
	assert.Equal(t, Authorization{AccessKeyID: "AK", Date: "20261128", Region: "us-east-1", Service: "s3",
		SignedHeaders: []string{"host", "x-amz-date"}, Signature: strings.Repeat("a", 64)}, a)
	for _, bad := range []string{
		"",
		"AWS4-HMAC-SHA1 Credential=AK/20261128/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=" + strings.Repeat("a", 64),
		strings.Replace(good, "aws4_request", "aws5_request", 1),
		strings.Replace(good, "host;x-amz-date", "x-amz-date;host", 1),
		strings.Replace(good, "host;x-amz-date", "Host", 1),
		strings.Replace(good, ", Signature=", ", Signature=zz", 1),
		good + ", Signature=" + strings.Repeat("b", 64),
		strings.Replace(good, "20261128", "2026-11-28", 1),
	} {
		_, err := ParseAuthorization(bad)
		assert.ErrorIs(t, err, ErrMalformed, "%q", bad)
	}
}

func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AK/20261128/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("a", 64))
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e,SignedHeaders=,Signature=")
	f.Add("AWS4-HMAC-SHA256 ")
	f.Fuzz(func(t *testing.T, h string) {
		a, err := ParseAuthorization(h)
		if err != nil {
			return
		}
		// A parsed header is internally consistent.
		if len(a.Signature) != 64 || len(a.SignedHeaders) == 0 || a.AccessKeyID == "" || a.Region == "" || a.Service == "" {
			t.Fatalf("inconsistent parse of %q: %+v", h, a)
		}
		for i := 1; i < len(a.SignedHeaders); i++ {
			if a.SignedHeaders[i-1] >= a.SignedHeaders[i] {
				t.Fatalf("unsorted headers accepted: %q", h)
			}
		}
	})
}
