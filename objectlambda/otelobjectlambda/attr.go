package otelobjectlambda

import (
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/objectlambda/sdk-go/internal/scrub"
	"go.opentelemetry.io/otel/attribute"
)

// attributes converts slog attributes to OpenTelemetry attributes:
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
func attributes(attrs ...slog.Attr) []attribute.KeyValue {
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

// Scrub removes credentials from an error text before it goes into a span:
// the query string of every URL (a presigned URL's query is its signature)
// and the value of any X-Amz-Signature, X-Amz-Credential or
// X-Amz-Security-Token parameter outside a URL. Both become "REDACTED".
// The objectlambda summary log line applies the same rule.
func Scrub(s string) string { return scrub.String(s) }
