package emf

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestAppendMillis: the integer formatting writes what the shortest decimal
// form of the float (the encoding used before) writes.
func TestAppendMillis(t *testing.T) {
	viaFloat := func(d time.Duration) string {
		return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', -1, 64)
	}
	cases := []struct {
		d    time.Duration
		want string
	}{
		{0, "0"},
		{time.Microsecond, "0.001"},
		{999 * time.Nanosecond, "0"},
		{18250 * time.Microsecond, "18.25"},
		{19 * time.Millisecond, "19"},
		{58968500 * time.Microsecond, "58968.5"},
		{-time.Microsecond, "-0.001"},
		{-1500 * time.Microsecond, "-1.5"},
		{time.Minute + 120*time.Microsecond, "60000.12"},
		{math.MaxInt64, "9223372036854.775"},
		{math.MinInt64, "-9223372036854.775"},
	}
	for _, c := range cases {
		got := string(appendMillis(nil, "X", c.d))
		assert.Equal(t, `,"X":`+c.want, got, "%d ns", int64(c.d))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		// Durations up to ~115 days: the float keeps every microsecond exact.
		d := time.Duration(r.Int64N(1e16) - 5e15)
		assert.Equal(t, `,"X":`+viaFloat(d), string(appendMillis(nil, "X", d)), "%d ns", int64(d))
	}
}

func TestAppendStringPlainFastPath(t *testing.T) {
	for _, s := range []string{"", "GetObject", "reports-olap", "a\"b", `a\b`, "tab\t", "é", "\x7f", "\u2028"} {
		slow := appendString(nil, s+"\x00")                                    // forces the escaping path
		fast := appendString(nil, s)                                           // the path plain selects
		assert.Equal(t, string(slow[:len(slow)-7])+`"`, string(fast), "%q", s) // drop the escaped NUL
	}
}

// TestXRayRoot covers what xrayRoot adds to internal/xray's parser (whose
// tests hold the full table): the trace id as written, or "".
func TestXRayRoot(t *testing.T) {
	tests := map[string]string{
		"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8": "1-5759e988-bd862e3fe1be46a994272793",
		"root=1-5759E988-BD862E3FE1BE46A994272793;Sampled=1":               "1-5759E988-BD862E3FE1BE46A994272793",
		"Root=1-5759e988-bd862e3fe1be46a99427279":                          "",
		"Parent=53995c3f42cd8ad8":                                          "",
	}
	for in, want := range tests {
		assert.Equal(t, want, xrayRoot(in), in)
	}
}
