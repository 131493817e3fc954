package arnmatch

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMatch(t *testing.T) {
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
		{"analyst-*", "analyst-eu", true},
		{"*", "", true},
		{"", "x", false},
		{"", "", true},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"**", "anything", true},
		{"a*", "a", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Match(tt.p, tt.s), "%q ~ %q", tt.p, tt.s)
	}
}

func TestAny(t *testing.T) {
	ps := []string{"arn:aws:iam::1:role/analyst", "arn:aws:iam::1:user/ops-*"}
	assert.True(t, Any(ps, "arn:aws:sts::1:assumed-role/analyst/x", "arn:aws:iam::1:role/analyst"))
	assert.True(t, Any(ps, "arn:aws:iam::1:user/ops-bob"))
	assert.False(t, Any(ps, "", ""), "empty values never match")
	assert.False(t, Any([]string{"*"}, ""), "not even *")
	assert.False(t, Any(nil, "arn:aws:iam::1:role/analyst"))
}

// FuzzMatch checks Match against a plain recursive definition.
func FuzzMatch(f *testing.F) {
	f.Add("a*b?c", "aXbYc")
	f.Add("arn:aws:iam::*:role/*", "arn:aws:iam::1:role/x")
	f.Fuzz(func(t *testing.T, p, s string) {
		if len(p) > 64 || len(s) > 64 {
			return
		}
		if got, want := Match(p, s), reference(p, s); got != want {
			t.Fatalf("Match(%q, %q) = %v, want %v", p, s, got, want)
		}
		if !strings.ContainsAny(s, "*?") && !Match(s, s) {
			t.Fatalf("%q does not match itself", s)
		}
	})
}

func reference(p, s string) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '*':
		return reference(p[1:], s) || (s != "" && reference(p, s[1:]))
	case '?':
		return s != "" && reference(p[1:], s[1:])
	}
	return s != "" && p[0] == s[0] && reference(p[1:], s[1:])
}
