package presign

import (
	"bytes"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/objectlambda/sdk-go/s3err"
)

// Seed corpora live in testdata/fuzz/<FuzzName>/.

func FuzzPolicyCheck(f *testing.F) {
	f.Add("https://my-s3-ap-111122223333.s3-accesspoint.us-east-1.amazonaws.com/example?X-Amz-SignedHeaders=host")
	f.Add("https://s3.amazonaws.com.evil.com/k")
	pol := NewPolicy()
	withEndpoint := NewPolicy(WithTrustedEndpoint("http://127.0.0.1:7070"))
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		_ = signedHeaders(u)
		_ = Redact(raw)
		if err := withEndpoint.Check(u); err == nil && u.Scheme == "http" {
			if u.Hostname() != "127.0.0.1" || u.Port() != "7070" && u.Port() != "" {
				t.Fatalf("endpoint policy accepted %q", raw)
			}
		}
		if err := pol.Check(u); err != nil {
			return
		}
		host := u.Hostname()
		switch {
		case u.Scheme != "https":
			t.Fatalf("accepted non-https %q", raw)
		case u.User != nil:
			t.Fatalf("accepted userinfo %q", raw)
		case u.Port() != "" && u.Port() != "443":
			t.Fatalf("accepted port %q", raw)
		case !strings.HasSuffix(host, ".amazonaws.com") && !strings.HasSuffix(host, ".amazonaws.com.cn"):
			t.Fatalf("accepted host without a trusted suffix %q", raw)
		case punycodeLabel(host), host != strings.ToLower(host), strings.ContainsAny(host, "%@/\\ "):
			t.Fatalf("accepted suspicious host %q", raw)
		case !strings.Contains("."+host, ".s3.") && !strings.Contains("."+host, ".s3-"):
			t.Fatalf("accepted a non-S3 label set %q", raw)
		}
		if _, err := netip.ParseAddr(host); err == nil {
			t.Fatalf("accepted IP literal %q", raw)
		}
		for _, r := range host {
			if r >= utf8.RuneSelf {
				t.Fatalf("accepted non-ASCII host %q", raw)
			}
		}
	})
}

// punycodeLabel reports whether a label of host is an IDNA A-label (starts
// with "xn--"); "0xn--0" is an ordinary label.
func punycodeLabel(host string) bool {
	for l := range strings.SplitSeq(host, ".") {
		if strings.HasPrefix(l, "xn--") {
			return true
		}
	}
	return false
}

func FuzzParseError(f *testing.F) {
	f.Add(404, []byte(`<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`))
	f.Add(403, []byte(`<!DOCTYPE x [<!ENTITY a "b">]><Error><Code>A</Code></Error>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := parseError(status, http.Header{"X-Amz-Request-Id": {string(body)}}, bytes.NewReader(body))
		if e == nil {
			t.Fatal("nil error")
		}
		if e.StatusCode < 300 || e.StatusCode > 599 {
			t.Fatalf("status %d", e.StatusCode)
		}
		if !s3err.ValidCode(e.Code) {
			t.Fatalf("invalid code %q", e.Code)
		}
		if e.Message == "" || len(e.Message) > maxMessageLen || !utf8.ValidString(e.Message) {
			t.Fatalf("bad message %q", e.Message)
		}
		for _, r := range e.Message {
			if unicode.IsControl(r) {
				t.Fatalf("control character in %q", e.Message)
			}
		}
		if bytes.Contains(body, []byte("<!DOCTYPE")) && e.Code != codeForStatus(e.StatusCode) {
			t.Fatalf("code %q taken from a document with a DOCTYPE", e.Code)
		}
		_ = e.Error()
	})
}

func FuzzSignedHeaders(f *testing.F) {
	f.Add("X-Amz-SignedHeaders=host%3Bx-amz-checksum-mode&X-Amz-Signature=abc")
	f.Add("x-amz-signedheaders=host;range")
	f.Fuzz(func(t *testing.T, rawQuery string) {
		u := &url.URL{Scheme: "https", Host: "s3.amazonaws.com", Path: "/b/k", RawQuery: rawQuery}
		seen := map[string]bool{}
		for _, h := range signedHeaders(u) {
			if h == "" || h != strings.ToLower(h) || !validHeaderName(h) || seen[h] {
				t.Fatalf("bad header name %q in %v", h, signedHeaders(u))
			}
			seen[h] = true
		}
		_, _ = buildHeader(u, http.Header{"Host": {"x"}, "X-Amz-Checksum-Mode": {"ENABLED"}}, http.Header{"Range": {"bytes=0-1"}})
	})
}
