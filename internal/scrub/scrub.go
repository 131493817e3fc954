// Package scrub removes presigned-URL credentials from text that is about to
// be logged or exported.
package scrub

import "strings"

// secretParams are query parameters of presigned URLs whose values are
// credentials.
var secretParams = []string{"x-amz-signature=", "x-amz-credential=", "x-amz-security-token="}

// String removes credentials from a text (an error message) before it is
// logged or exported: the query string of every URL (a presigned URL's query
// is its signature) and the value of any X-Amz-Signature, X-Amz-Credential or
// X-Amz-Security-Token parameter outside a URL. Both become "REDACTED".
func String(s string) string {
	if !strings.Contains(s, "://") && !containsSecretParam(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			break
		}
		end := i + 3 + urlEnd(s[i+3:])
		u := s[:end]
		if q := strings.IndexByte(u[i:], '?'); q >= 0 {
			b.WriteString(u[:i+q+1])
			b.WriteString("REDACTED")
		} else {
			b.WriteString(u)
		}
		s = s[end:]
	}
	b.WriteString(s)
	out := b.String()
	if !containsSecretParam(out) {
		return out
	}
	// Parameters outside URLs: cut each value up to the next separator.
	b.Reset()
	lower := asciiLower(out)
	for i := 0; i < len(out); {
		hit := -1
		for _, p := range secretParams {
			if strings.HasPrefix(lower[i:], p) {
				hit = len(p)
				break
			}
		}
		if hit < 0 {
			b.WriteByte(out[i])
			i++
			continue
		}
		b.WriteString(out[i : i+hit])
		b.WriteString("REDACTED")
		i += hit
		for i < len(out) && !isParamEnd(out[i]) {
			i++
		}
	}
	return b.String()
}

func containsSecretParam(s string) bool {
	l := asciiLower(s)
	for _, p := range secretParams {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// urlEnd is the length of the URL that starts s (after "://").
func urlEnd(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '"', '\'', '`', '<', '>':
			return i
		}
	}
	return len(s)
}

func isParamEnd(c byte) bool {
	switch c {
	case '&', ';', ',', ' ', '\t', '\n', '\r', '"', '\'', '`', '<', '>':
		return true
	}
	return false
}

// asciiLower lower-cases ASCII letters only, so that byte offsets into the
// result are offsets into the input (strings.ToLower may change lengths).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
