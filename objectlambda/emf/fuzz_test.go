package emf_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/emf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonRoundTrip is what encoding/json makes of s (invalid UTF-8 becomes U+FFFD).
func jsonRoundTrip(t *testing.T, s string) string {
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var out string
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

// FuzzObserveRequest feeds arbitrary event-derived strings and figures to
// the line encoder: the line must stay one valid EMF JSON object whose
// strings read back as encoding/json would encode them.
func FuzzObserveRequest(f *testing.F) {
	f.Add("req-1", "arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/olap", "GetObject", "", 200, int64(1234), int64(5_000_000))
	f.Add("r\"\\\n\x00", "accesspoint/\xff\xfe", "Head\u2028Object", "No\tSuchKey", 404, int64(-1), int64(-7))
	f.Add("", "", "", "", 0, int64(0), int64(0))
	var out bytes.Buffer
	o := emf.MustNew(emf.WithClock(fixedClock), emf.WithWriter(&out))
	f.Fuzz(func(t *testing.T, reqID, arn, op, code string, status int, n int64, d int64) {
		m := &objectlambda.Metrics{
			RequestID: reqID, AccessPoint: arn, Operation: objectlambda.Operation(op), ErrorCode: code,
			StatusCode: status, UpstreamStatus: status, BytesIn: n, BytesOut: n, Duration: time.Duration(d),
			UpstreamFirstByte: time.Duration(d), FirstResponseByte: time.Duration(d), DeadlineLeft: time.Duration(d),
		}
		out.Reset()
		o.ObserveRequest(context.Background(), m)
		line := out.Bytes()
		require.Equal(t, 1, bytes.Count(line, []byte("\n")), "exactly one line")
		ls := parseLines(t, line)
		l := ls[0]
		assert.Equal(t, jsonRoundTrip(t, reqID), l.Fields["RequestId"])
		assert.Equal(t, jsonRoundTrip(t, code), l.Fields["ErrorCode"])
		assert.Equal(t, float64(n), l.Fields["BytesIn"])
		assert.Equal(t, float64(status), l.Fields["StatusCode"])
		assert.LessOrEqual(t, len(l.Fields["AccessPoint"].(string)), 1024*3)
	})
}
