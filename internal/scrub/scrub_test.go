package scrub

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestString(t *testing.T) {
	tests := map[string]string{
		"plain error": "plain error",
		`Get "https://b.s3.amazonaws.com/k?X-Amz-Signature=abc&x=1": eof`: `Get "https://b.s3.amazonaws.com/k?REDACTED": eof`,
		"token X-Amz-Security-Token=SECRET; more":                         "token X-Amz-Security-Token=REDACTED; more",
		"x-amz-credential=AKID/2026 and http://h/p":                       "x-amz-credential=REDACTED and http://h/p",
	}
	for in, want := range tests {
		assert.Equal(t, want, String(in), in)
	}
}

func FuzzString(f *testing.F) {
	f.Add("https://h/k?X-Amz-Signature=s")
	f.Add("X-Amz-Credential=a&X-Amz-Signature=b")
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		lower := asciiLower(out)
		for _, p := range secretParams {
			for i := strings.Index(lower, p); i >= 0; {
				rest := out[i+len(p):]
				if !strings.HasPrefix(rest, "REDACTED") {
					t.Fatalf("%s left in %q (from %q)", p, out, s)
				}
				j := strings.Index(lower[i+len(p):], p)
				if j < 0 {
					break
				}
				i += len(p) + j
			}
		}
		if String(out) != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, String(out))
		}
	})
}
