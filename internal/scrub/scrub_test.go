package scrub

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestString(t *testing.T) {
	const sig = "0123456789abcdef0123456789abcdef"
	presigned := "https://b.s3.us-east-1.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIACALLER%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Security-Token=TOKENSECRET&X-Amz-Signature=" + sig
	tests := []struct {
		name, in, want string
	}{
		{name: "plain error", in: "plain error", want: "plain error"},
		{name: "no separator after a name", in: "the request signature we calculated does not match", want: "the request signature we calculated does not match"},
		{name: "URL query", in: `Get "https://b.s3.amazonaws.com/k?X-Amz-Signature=abc&x=1": eof`, want: `Get "https://b.s3.amazonaws.com/k?REDACTED": eof`},
		{name: "whole presigned URL", in: "Get " + presigned + ": reset", want: "Get https://b.s3.us-east-1.amazonaws.com/k?REDACTED reset"},
		{name: "parameter outside a URL", in: "token X-Amz-Security-Token=SECRET; more", want: "token X-Amz-Security-Token=REDACTED; more"},
		{name: "lower-case parameter", in: "x-amz-credential=AKID/2026 and http://h/p", want: "x-amz-credential=REDACTED and http://h/p"},
		{
			name: "percent-encoded URL",
			in:   "redirect to https%3A%2F%2Fb.s3.amazonaws.com%2Fk%3FX-Amz-Credential%3DAKID%252F2026%26X-Amz-Signature%3D" + sig + " refused",
			want: "redirect to https%3A%2F%2Fb.s3.amazonaws.com%2Fk%3FREDACTED refused",
		},
		{
			name: "percent-encoded parameter outside a URL",
			in:   "x=1%26X-Amz-Signature%3D" + sig + "%26y=2",
			want: "x=1%26X-Amz-Signature%3DREDACTED%26y=2",
		},
		{name: "double-encoded parameter", in: "X-Amz-Security-Token%253DTOKENSECRET", want: "X-Amz-Security-Token%253DREDACTED"},
		{
			name: "Authorization header",
			in:   "request had Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + sig + "\nnext line",
			want: "request had Authorization: REDACTED\nnext line",
		},
		{
			name: "SigV4 parts without the header name",
			in:   "Credential=AKIDEXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=" + sig,
			want: "Credential=REDACTED, SignedHeaders=host, Signature=REDACTED",
		},
		{name: "header form", in: "X-Amz-Security-Token: FQoGZXIvYXdzEJr sent", want: "X-Amz-Security-Token: REDACTED sent"},
		{name: "header form without space", in: "x-amz-security-token:FQoG", want: "x-amz-security-token:REDACTED"},
		{name: "WGOR token header", in: "X-Amz-Request-Token: tok-123 refused", want: "X-Amz-Request-Token: REDACTED refused"},
		{name: "SSE-C key header", in: "X-Amz-Server-Side-Encryption-Customer-Key: a2V5a2V5 sent", want: "X-Amz-Server-Side-Encryption-Customer-Key: REDACTED sent"},
		{name: "SSE-C key MD5 is not a secret", in: "X-Amz-Server-Side-Encryption-Customer-Key-Md5: bWQ1", want: "X-Amz-Server-Side-Encryption-Customer-Key-Md5: bWQ1"},
		{name: "JSON member", in: `{"outputToken":"tok-123","outputRoute":"io-1"}`, want: `{"outputToken":"REDACTED","outputRoute":"io-1"}`},
		{name: "escaped JSON member", in: `{\"outputToken\": \"tok-123\"}`, want: `{\"outputToken\": \"REDACTED\"}`},
		{name: "JSON URL", in: `{"inputS3Url":"` + presigned + `"}`, want: `{"inputS3Url":"https://b.s3.us-east-1.amazonaws.com/k?REDACTED"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := String(tt.in)
			assert.Equal(t, tt.want, got)
			assert.NotContains(t, got, sig)
			assert.NotContains(t, got, "TOKENSECRET")
			assert.Equal(t, got, String(got), "idempotent")
		})
	}
}

// TestStringURLForms scrubs one presigned URL in every form an error text
// may carry it: as is, query-escaped (once and twice) and inside JSON.
func TestStringURLForms(t *testing.T) {
	const secret = "SECRETSIGNATUREVALUE"
	raw := "https://b.s3.amazonaws.com/dir/k?X-Amz-Date=20260101T000000Z&X-Amz-Signature=" + secret + "&X-Amz-Security-Token=" + secret
	once := url.QueryEscape(raw)
	twice := url.QueryEscape(once)
	for _, s := range []string{raw, once, twice, `{"u":"` + raw + `"}`, "Get \"" + raw + "\": EOF", "url=" + once} {
		out := String(s)
		assert.NotContains(t, out, secret, "from %q", s)
	}
}

// leftover finds a secret name and separator, with the quotes and blanks
// around them, not followed by REDACTED: the value is what must go, so
// blanks before it (`outputToken:" tok` → `outputToken:" REDACTED`) stay.
var leftover = regexp.MustCompile(`(?i)(x-amz-signature|x-amz-credential|x-amz-security-token|x-amz-request-token|outputtoken|signature|credential|secretaccesskey|secret_access_key|sessiontoken|session_token)(\\?")?[ \t]*(%253d|%3d|=|:)[ \t]*(\\?")?[ \t]*`)

func FuzzString(f *testing.F) {
	f.Add("https://h/k?X-Amz-Signature=s")
	f.Add("X-Amz-Credential=a&X-Amz-Signature=b")
	f.Add("Authorization: AWS4-HMAC-SHA256 Credential=a/b, SignedHeaders=host, Signature=c")
	f.Add("https%3A%2F%2Fh%2Fk%3FX-Amz-Signature%3Ds")
	f.Add(`{"outputToken":"t"}`)
	f.Add("X-Amz-Security-Token: t")
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		for _, m := range leftover.FindAllStringIndex(out, -1) {
			if !strings.HasPrefix(out[m[1]:], Redacted) {
				t.Fatalf("secret left at %d in %q (from %q)", m[0], out, s)
			}
		}
		if String(out) != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, String(out))
		}
	})
}

func BenchmarkString(b *testing.B) {
	for _, in := range []string{
		"upstream: connection reset by peer",
		`Get "https://b.s3.amazonaws.com/k?X-Amz-Signature=abc&x=1": eof`,
	} {
		b.Run(in[:8], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = String(in)
			}
		})
	}
}
