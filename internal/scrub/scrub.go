// Package scrub removes credentials from text that is about to leave the
// library: log lines, errors returned to the Lambda runtime (which prints
// them), span and metric attributes, and error messages sent to callers.
//
// It knows the shapes secrets take in error texts, whatever the encoding:
//
//   - a URL's query string (a presigned URL's query is its signature), after
//     "?" or, in a percent-encoded URL, after "%3F";
//   - a named secret followed by "=", ":" or a percent-encoded "=" ("%3D",
//     "%253D"), as a query parameter, a header line or a JSON member:
//     X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token,
//     X-Amz-Request-Token (the WriteGetObjectResponse token), outputToken,
//     the SSE-C key header, Signature and Credential (the parts of a SigV4
//     Authorization header);
//   - the function's own AWS credentials: the secret access key and the
//     session token, in the forms of aws.Credentials printed with %+v, the
//     environment variables and the shared credentials file;
//   - an Authorization header, whose whole value is cut.
//
// A value may be a list, as Go prints an http.Header ("[v1 v2]") and JSON
// writes one ("[\"v1\",\"v2\"]"): the whole list is cut.
//
// Every secret value becomes "REDACTED". Over-redaction is preferred to a
// leak: a harmless word after "signature=" is cut too.
package scrub

import "strings"

// secret is a name whose value is a credential.
type secret struct {
	name string // lower case
	// toLineEnd: the value runs to the end of the line or quoted string
	// (an Authorization header's value holds spaces and commas).
	toLineEnd bool
}

// secrets is searched in order at each position: longer names that contain
// shorter ones come first.
var secrets = []secret{
	{name: "x-amz-server-side-encryption-customer-key"},
	{name: "x-amz-security-token"},
	{name: "x-amz-request-token"},
	{name: "x-amz-credential"},
	{name: "x-amz-signature"},
	{name: "authorization", toLineEnd: true},
	{name: "outputtoken"},
	{name: "credential"},
	{name: "signature"},
	// AWS credentials: aws.Credentials printed with %+v (SecretAccessKey:,
	// SessionToken:), the environment (AWS_SECRET_ACCESS_KEY=,
	// AWS_SESSION_TOKEN=) and the shared files (aws_secret_access_key =).
	{name: "secretaccesskey"},
	{name: "secret_access_key"},
	{name: "sessiontoken"},
	{name: "session_token"},
}

// separators join a name to its value, in the encodings error texts use.
var separators = []string{"%253d", "%3d", "=", ":"}

// Redacted replaces every secret value.
const Redacted = "REDACTED"

// String returns s with every credential it recognises replaced by
// "REDACTED". It is idempotent: String(String(s)) == String(s).
func String(s string) string {
	lower := asciiLower(s)
	if !mayHoldSecret(lower) {
		return s
	}
	s = cutQueries(s)
	return cutNamed(s)
}

// mayHoldSecret is the fast path: most error texts hold no URL and no name.
func mayHoldSecret(lower string) bool {
	if strings.Contains(lower, "://") || strings.Contains(lower, "%3a%2f%2f") {
		return true
	}
	for _, sec := range secrets {
		if strings.Contains(lower, sec.name) {
			return true
		}
	}
	return false
}

// urlStarts are the ways a URL's scheme separator appears in text, and the
// query markers that go with each.
var urlStarts = []struct{ sep, query string }{
	{sep: "://", query: "?"},
	{sep: "%3a%2f%2f", query: "%3f"},
}

// cutQueries replaces the query string of every URL (plain or
// percent-encoded) with REDACTED.
func cutQueries(s string) string {
	for _, u := range urlStarts {
		lower := asciiLower(s)
		if !strings.Contains(lower, u.sep) {
			continue
		}
		var b strings.Builder
		b.Grow(len(s))
		at := 0
		for {
			i := strings.Index(lower[at:], u.sep)
			if i < 0 {
				break
			}
			start := at + i + len(u.sep)
			end := start + urlEnd(s[start:])
			q := strings.Index(lower[start:end], u.query)
			if q < 0 {
				b.WriteString(s[at:end])
			} else {
				b.WriteString(s[at : start+q+len(u.query)])
				b.WriteString(Redacted)
			}
			at = end
			if at >= len(s) {
				break
			}
		}
		b.WriteString(s[at:])
		s = b.String()
	}
	return s
}

// cutNamed replaces the value after every named secret and its separator.
func cutNamed(s string) string {
	lower := asciiLower(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		sec, valStart, ok := matchSecret(lower, i)
		if !ok {
			b.WriteByte(s[i])
			i++
			continue
		}
		b.WriteString(s[i:valStart])
		b.WriteString(Redacted)
		if n, ok := listEnd(s[valStart:]); ok {
			i = valStart + n
			continue
		}
		i = valStart + valueEnd(s[valStart:], sec.toLineEnd)
	}
	return b.String()
}

// matchSecret reports whether a secret's name and separator start at
// lower[i:], and where its value starts.
func matchSecret(lower string, i int) (secret, int, bool) {
	for _, sec := range secrets {
		if !strings.HasPrefix(lower[i:], sec.name) {
			continue
		}
		j := i + len(sec.name)
		j += skipQuoteAndSpace(lower[j:])
		for _, sep := range separators {
			if strings.HasPrefix(lower[j:], sep) {
				k := j + len(sep)
				k += skipQuoteAndSpace(lower[k:])
				return sec, k, true
			}
		}
		return secret{}, 0, false
	}
	return secret{}, 0, false
}

// skipQuoteAndSpace skips spaces and at most one double quote (a JSON
// member name's closing quote, or its value's opening quote), escaped or not.
func skipQuoteAndSpace(s string) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	switch {
	case strings.HasPrefix(s[i:], `\"`):
		i += 2
	case i < len(s) && s[i] == '"':
		i++
	}
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// listEnd is the length of the list that starts s ("[...]", up to the first
// "]", or the end of the line when there is none), if s starts with one.
func listEnd(s string) (int, bool) {
	if !strings.HasPrefix(s, "[") {
		return 0, false
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case ']':
			return i + 1, true
		case '\n', '\r':
			return i, true
		}
	}
	return len(s), true
}

// urlEnd is the length of the URL that starts s (after its scheme).
func urlEnd(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '"', '\'', '`', '<', '>', '\\':
			return i
		}
	}
	return len(s)
}

// valueEnd is the length of the value (or URL) that starts s.
func valueEnd(s string, toLineEnd bool) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n', '\r', '"', '\'', '`', '<', '>', '\\':
			return i
		case ' ', '\t', '&', ';', ',', ']', '}', ')':
			if !toLineEnd {
				return i
			}
		case '%':
			// A percent-encoded "&" ends a value inside an encoded URL.
			if !toLineEnd && (hasFoldPrefix(s[i:], "%26") || hasFoldPrefix(s[i:], "%2526")) {
				return i
			}
		}
	}
	return len(s)
}

func hasFoldPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
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
