package csvfilter

import (
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

// legacyConfig builds the configuration FuzzLegacy runs from its bits:
// delimiter, LazyQuotes, header handling, CRLF, a column dropped, a row
// predicate and a small field limit.
func legacyConfig(sel uint16, col string) Config {
	cfg := Config{
		Delimiter:     []string{",", "tab", ";", "|"}[sel&3],
		LazyQuotes:    sel&(1<<2) != 0,
		NoHeader:      sel&(1<<3) != 0,
		OmitHeader:    sel&(1<<4) != 0,
		CRLF:          sel&(1<<5) != 0,
		MaxFieldBytes: 48,
	}
	if cfg.NoHeader {
		col = []string{"1", "2", "3"}[sel>>10%3]
	}
	if sel&(1<<6) != 0 {
		cfg.Drop = []string{col}
	}
	if sel&(1<<7) != 0 {
		cfg.Keep = []string{col}
	}
	if sel&(1<<8) != 0 {
		ops := []string{OpEq, OpNe, OpContains, OpPrefix, OpGt}
		cfg.Where = []Predicate{{Column: col, Op: ops[int(sel>>12)%len(ops)], Value: "1"}}
	}
	return cfg
}

func errClass(err error) string {
	switch {
	case err == nil:
		return "nil"
	case errors.Is(err, ErrMalformed):
		return "ErrMalformed"
	case errors.Is(err, ErrTooLarge):
		return "ErrTooLarge"
	case errors.Is(err, ErrUnknownColumn):
		return "ErrUnknownColumn"
	case errors.Is(err, ErrAccessDenied):
		return "ErrAccessDenied"
	}
	return "other: " + err.Error()
}

// FuzzLegacy runs the scanner and the encoding/csv version it replaced
// (legacy_test.go) on the same input and configuration, read whole and one
// byte at a time, and requires the same output bytes, the same error (its
// message included: line numbers) and the same early (S3) or late failure.
// encoding/csv is the reference for quoting, both ways.
func FuzzLegacy(f *testing.F) {
	f.Add([]byte("id,name,email\n1,\"Smith, Bob\",bob@example.com\n2,\"Eve \"\"E\"\" Doe\",\"multi\r\nline\"\n"), uint16(0x0140), "name")
	f.Add([]byte("a;b\r\n\"x\"\"y\";\" lead\"\r\n\r\n3;\\.\r"), uint16(0x0022), "b")
	f.Add([]byte("a\tb\n\"unterminated\tx\n"), uint16(0x0005), "a")
	f.Add([]byte("a|b\nx\"y|\"z\"w\"|\n1|2|3\n"), uint16(0x0107), "a")
	f.Add([]byte("1,2\n\n\r\n3,4\r"), uint16(0x1108), "2")
	f.Add([]byte("a,\"b\"\n1,\"2\"\n\"3\"\n"), uint16(0x0000), "a")
	f.Fuzz(func(t *testing.T, data []byte, sel uint16, col string) {
		cfg := legacyConfig(sel, col)
		flt, err := FromConfig(cfg)
		if err != nil {
			return
		}
		in := transformtest.Input{Body: data}
		for _, m := range []struct {
			wrap, read func(io.Reader) io.Reader
		}{{nil, nil}, {iotest.OneByteReader, iotest.OneByteReader}, {transformtest.Chunky(uint64(sel)), nil}} {
			got := transformtest.Apply(flt, in, m.wrap, m.read)
			want := transformtest.Apply(legacyFilter{flt}, in, m.wrap, m.read)
			require.Equal(t, errClass(want.Err), errClass(got.Err), "legacy: %v; new: %v", want.Err, got.Err)
			if want.Err != nil {
				require.Equal(t, want.Err.Error(), got.Err.Error())
			}
			_, wantS3 := errors.AsType[*s3err.Error](want.Err)
			_, gotS3 := errors.AsType[*s3err.Error](got.Err)
			require.Equal(t, wantS3, gotS3, "early (S3) or late failure")
			require.Equal(t, string(want.Body), string(got.Body))
		}
	})
}

var _ transform.Transform = legacyFilter{}

// FuzzParseNumber checks the fast path of the lt and gt predicates against
// strconv.ParseFloat of the trimmed field, bit for bit.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"12.50", "-0", ".5", "1e3", " 7 ", "123456789012345", "0.000000000000001", "inf"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
		got, ok := parseNumber(b)
		require.Equal(t, err == nil, ok)
		if ok && !math.IsNaN(want) {
			require.Equal(t, math.Float64bits(want), math.Float64bits(got))
		}
	})
}
