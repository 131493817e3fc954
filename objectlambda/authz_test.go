package objectlambda

import (
	"context"
	"testing"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
)

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"arn:aws:iam::1:role/a", "arn:aws:iam::1:role/a", true},
		{"arn:aws:iam::1:role/a", "arn:aws:iam::1:role/ab", false},
		{"arn:aws:sts::1:assumed-role/a/*", "arn:aws:sts::1:assumed-role/a/ana", true},
		{"arn:aws:sts::1:assumed-role/a/*", "arn:aws:sts::1:assumed-role/ab/ana", false},
		{"arn:aws:iam::*:role/path/*", "arn:aws:iam::2:role/path/sub/x", true},
		{"arn:aws:iam::?:user/u", "arn:aws:iam::7:user/u", true},
		{"arn:aws:iam::?:user/u", "arn:aws:iam::77:user/u", false},
		{"*", "", true},
		{"", "x", false},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, wildcardMatch(tt.p, tt.s), "%q ~ %q", tt.p, tt.s)
	}
}

func TestAllowPrincipals(t *testing.T) {
	a := AllowPrincipals("arn:aws:iam::111122223333:role/analyst", "arn:aws:iam::111122223333:user/ops-*")
	req := func(arn, issuer string) *Request {
		return &Request{Request: transform.Request{Caller: transform.Caller{ARN: arn, SessionIssuerARN: issuer}}}
	}
	assert.NoError(t, a(context.Background(), req("arn:aws:sts::111122223333:assumed-role/analyst/ana", "arn:aws:iam::111122223333:role/analyst")))
	assert.NoError(t, a(context.Background(), req("arn:aws:iam::111122223333:user/ops-bob", "")))
	assert.Error(t, a(context.Background(), req("arn:aws:sts::111122223333:assumed-role/analyst2/x", "arn:aws:iam::111122223333:role/analyst2")))
	assert.Error(t, a(context.Background(), req("", "")))

	// Through the handler, a denial is 403 AccessDenied.
	hs, h := newHarness(t, WithAuthorizer(AllowPrincipals("arn:aws:iam::111122223333:role/analyst")))
	hs.put("doc.txt", alphabet, nil)
	_, err := invoke(t, h, hs.event("doc.txt"))
	assert.NoError(t, err)
	call := hs.onlyCall(t)
	assert.Equal(t, "403", call.Header.Get("X-Amz-Fwd-Status"))
	assert.Equal(t, s3err.CodeAccessDenied, call.Header.Get("X-Amz-Fwd-Error-Code"))
	assert.Zero(t, hs.upstreamHits(), "denied before anything is fetched")
}

func FuzzWildcardMatch(f *testing.F) {
	f.Add("a*b?c", "aXbYc")
	f.Fuzz(func(t *testing.T, p, s string) {
		if wildcardMatch(p, s) && p == "" && s != "" {
			t.Fatalf("empty pattern matched %q", s)
		}
		if !wildcardMatch(s, s) && !containsWildcard(s) {
			t.Fatalf("%q does not match itself", s)
		}
	})
}

func containsWildcard(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '*' || s[i] == '?' {
			return true
		}
	}
	return false
}
