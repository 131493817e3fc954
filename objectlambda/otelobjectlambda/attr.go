package otelobjectlambda

import (
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
)

// Attributes converts slog attributes to OpenTelemetry attributes:
//
//	string, int64, float64, bool  the same type
//	uint64                        int64, or its decimal string above math.MaxInt64
//	time.Duration                 its string ("1.5s"), which keeps the unit
//	time.Time                     RFC 3339 with nanoseconds
//	group                         its members, keys prefixed "group."
//	error                         its scrubbed text (see Scrub)
//	[]string, []int, []int64,
//	[]float64, []bool             slices of the same type
//	fmt.Stringer, anything else   its string
//
// LogValuers are resolved first. Attributes with an empty key are dropped,
// except groups, whose members are inlined, as slog does.
func Attributes(attrs ...slog.Attr) []attribute.KeyValue {
	if len(attrs) == 0 {
		return nil
	}
	kvs := make([]attribute.KeyValue, 0, len(attrs))
	for _, a := range attrs {
		kvs = appendAttr(kvs, "", a)
	}
	return kvs
}

func appendAttr(kvs []attribute.KeyValue, prefix string, a slog.Attr) []attribute.KeyValue {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p = prefix + a.Key + "."
		}
		for _, m := range v.Group() {
			kvs = appendAttr(kvs, p, m)
		}
		return kvs
	}
	if a.Key == "" {
		return kvs
	}
	key := prefix + a.Key
	switch v.Kind() {
	case slog.KindString:
		return append(kvs, attribute.String(key, v.String()))
	case slog.KindInt64:
		return append(kvs, attribute.Int64(key, v.Int64()))
	case slog.KindUint64:
		if u := v.Uint64(); u <= math.MaxInt64 {
			return append(kvs, attribute.Int64(key, int64(u)))
		}
		return append(kvs, attribute.String(key, strconv.FormatUint(v.Uint64(), 10)))
	case slog.KindFloat64:
		return append(kvs, attribute.Float64(key, v.Float64()))
	case slog.KindBool:
		return append(kvs, attribute.Bool(key, v.Bool()))
	case slog.KindDuration:
		return append(kvs, attribute.String(key, v.Duration().String()))
	case slog.KindTime:
		return append(kvs, attribute.String(key, v.Time().Format(time.RFC3339Nano)))
	}
	switch x := v.Any().(type) {
	case nil:
		return append(kvs, attribute.String(key, "<nil>"))
	case error:
		return append(kvs, attribute.String(key, Scrub(x.Error())))
	case []string:
		return append(kvs, attribute.StringSlice(key, x))
	case []int:
		return append(kvs, attribute.IntSlice(key, x))
	case []int64:
		return append(kvs, attribute.Int64Slice(key, x))
	case []float64:
		return append(kvs, attribute.Float64Slice(key, x))
	case []bool:
		return append(kvs, attribute.BoolSlice(key, x))
	case fmt.Stringer:
		return append(kvs, attribute.String(key, x.String()))
	default:
		return append(kvs, attribute.String(key, fmt.Sprint(x)))
	}
}

// secretParams are query parameters of presigned URLs whose values are
// credentials.
var secretParams = []string{"x-amz-signature=", "x-amz-credential=", "x-amz-security-token="}

// Scrub removes credentials from an error text before it goes into a span:
// the query string of every URL (a presigned URL's query is its signature)
// and the value of any X-Amz-Signature, X-Amz-Credential or
// X-Amz-Security-Token parameter outside a URL. Both become "REDACTED".
func Scrub(s string) string {
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
	lower := strings.ToLower(out)
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
	l := strings.ToLower(s)
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
