package emf

import (
	"context"
	"strings"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD, so
// the line stays valid JSON whatever the event carried.
func appendString(b []byte, s string) []byte {
	if plain(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			// Valid JSON, but some log tooling splits lines on them.
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// plain reports whether s is printable ASCII without quotes or
// backslashes: a JSON string as it is.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// lambdaTraceKey is the context key under which aws-lambda-go stores the
// invocation's X-Ray trace header. It is a plain string, so it is matched as
// one here.
const lambdaTraceKey = "x-amzn-trace-id"

// lambdaTraceID returns the X-Ray trace id ("1-5759e988-bd862e3fe1be46a994272793")
// of the invocation, from the trace header aws-lambda-go puts in the context.
func lambdaTraceID(ctx context.Context) string {
	h, _ := ctx.Value(lambdaTraceKey).(string)
	return XRayRoot(h)
}

// XRayRoot returns the Root field of an X-Ray trace header
// ("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"),
// or "" when there is none or it does not look like an X-Ray trace id.
func XRayRoot(header string) string {
	for header != "" {
		var part string
		part, header, _ = strings.Cut(header, ";")
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(k, "Root") {
			if validXRayID(v) {
				return v
			}
			return ""
		}
	}
	return ""
}

// validXRayID reports whether v is "1-" + 8 hex digits + "-" + 24 hex digits.
func validXRayID(v string) bool {
	if len(v) != 35 || v[0] != '1' || v[1] != '-' || v[10] != '-' {
		return false
	}
	for i := 2; i < len(v); i++ {
		if i == 10 {
			continue
		}
		c := v[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
