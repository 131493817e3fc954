package emf

import (
	"context"
	"unicode/utf8"

	"github.com/objectlambda/sdk-go/internal/xray"
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
	return xrayRoot(h)
}

// xrayRoot returns the Root field of an X-Ray trace header
// ("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"),
// or "" when there is none or it is not a well-formed, non-zero X-Ray trace
// id. When the header names Root more than once, the first one counts.
func xrayRoot(header string) string {
	h, ok := xray.Parse(header)
	if !ok {
		return ""
	}
	return h.Root
}
