package csvfilter

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fastAndSlow parses the first record of input (all of it in the buffer,
// at the end of the input) with fastRecord and with record, and returns
// what each made of it: ok is false when fastRecord declined it. It takes
// only records with the field count of the first record, so it is tried
// with every count up to 64.
func fastAndSlow(t *testing.T, input []byte, comma byte) (sc *scanner, fast, slow *parsed, ok bool) {
	t.Helper()
	sc = newScanner(bytes.NewReader(nil), comma, true, 1<<20)
	sc.buf = append(sc.buf[:0], input...)
	sc.end, sc.eof = len(input), true
	sc.mapSpecials()
	b := sc.buf[:sc.end]
	if len(b) == 0 { // parse never asks for a record there
		return sc, nil, nil, false
	}
	for n := 1; n <= 64 && !ok; n++ {
		sc.nfields, sc.ends, sc.pos, sc.line = n, make([]int, n+1), 0, 0
		if ok = sc.fastRecord(); ok {
			require.Equal(t, 1, sc.line)
			fast = &parsed{end: sc.pos, fields: append([]field(nil), sc.fieldList()...), plain: sc.plain}
		}
	}
	sc.nfields = 0
	end, err := sc.record(b, 0)
	if err != nil {
		require.False(t, ok, "fastRecord took %q, which record refuses: %v", input, err)
		return sc, nil, nil, false
	}
	slow = &parsed{end: end, fields: append([]field(nil), sc.fields...), plain: sc.plain}
	return sc, fast, slow, ok
}

// sameRecord requires fast to be slow, but for the plain flag, which
// fastRecord may set where record does not (a record ending in CRLF):
// it is only required to be true to its word, every field written as its
// raw bytes.
func sameRecord(t *testing.T, sc *scanner, fast, slow *parsed, input []byte) {
	t.Helper()
	require.Equal(t, slow.end, fast.end, "%q", input)
	require.Equal(t, slow.fields, fast.fields, "%q", input)
	if fast.plain {
		for _, crlf := range []bool{false, true} {
			require.True(t, writer{comma: sc.comma, crlf: crlf}.allVerbatim(sc, fast.fields), "%q", input)
		}
	} else {
		require.False(t, slow.plain, "%q", input)
	}
}

type parsed struct {
	end    int
	fields []field
	plain  bool
}

// TestFastRecordMatchesRecord: when fastRecord takes a record, it ends it
// where record does, with the same fields and flags (see sameRecord for
// the plain flag); and it takes the common records.
func TestFastRecordMatchesRecord(t *testing.T) {
	tests := []struct {
		in   string
		fast bool
	}{
		{"a,b,c\n", true},
		{"a,b,c\r\n", true},
		{",,\n", true},
		{"\"x, y\",z\n", true},
		{"\"xy\",z\n", true},
		{"\"\",z\n", true},
		{"a,\"b,c\"\n", true},
		{"a,\"b,c\"\r\n", true},
		{" a,\\.,\xc2\xa0b\n", true},
		{"a,b", false},            // no line end in the buffer
		{"a,b\r", false},          // a CR at the end of the input
		{"a\rb,c\n", false},       // a CR inside a field
		{"a\"b,c\n", false},       // a bare quote (LazyQuotes)
		{"\"a\"\"b\",c\n", false}, // an escaped quote
		{"\"a\nb\",c\n", false},   // a line feed inside quotes
		{"\"a\"b,c\n", false},     // a quote inside quotes (LazyQuotes)
		{"\"a", false},
	}
	for _, tt := range tests {
		sc, fast, slow, ok := fastAndSlow(t, []byte(tt.in), ',')
		require.Equal(t, tt.fast, ok, "%q", tt.in)
		if ok {
			sameRecord(t, sc, fast, slow, []byte(tt.in))
		}
	}
}

// FuzzFastRecord compares fastRecord with record on any input and
// delimiter: whatever fastRecord takes, record parses the same way.
func FuzzFastRecord(f *testing.F) {
	f.Add([]byte("a,\"b,c\",d\r\n"), uint8(0))
	f.Add([]byte("x\t\"y\ty\"\n"), uint8(1))
	f.Add([]byte("\"\"\"\",\n"), uint8(0))
	f.Add([]byte("a\t\t\"b\tc\"\r\n"), uint8(1))                                                  // empty fields, a quoted one before CRLF
	f.Add([]byte(strings.Repeat("x", 60)+",\"yy,"+strings.Repeat("z", 70)+"\",\"\"\n"), uint8(0)) // quotes across words
	f.Fuzz(func(t *testing.T, input []byte, sel uint8) {
		comma := []byte{',', '\t', ';', '|'}[sel%4]
		sc, fast, slow, ok := fastAndSlow(t, input, comma)
		if ok {
			sameRecord(t, sc, fast, slow, input)
		}
	})
}
