package csvfilter

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPlainRecords checks the scanner's plain flag against the writer: a
// record flagged plain has every field written as its raw bytes, with
// either line ending, and the flag is set for the common records.
func TestPlainRecords(t *testing.T) {
	input := "a,\"b, c\"\n,d\n" + // plain: unquoted, quoted with the delimiter, empty
		" x,y\n\\.,z\n\"q\",r\n\xc2\xa0s,t\n" + // leading space, `\.`, quotes the writer drops, NBSP
		"\"m\"\"n\",o\n\"l\r\nm\",p\r\n" + // an escaped quote, a line inside
		"1,\"2,3\"\n"
	want := []bool{true, true, false, false, false, false, false, false, true}
	sc := newScanner(strings.NewReader(input), ',', false, 1<<20)
	var got []bool
	for {
		err := sc.next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		rec := sc.fieldList()
		got = append(got, sc.plain)
		if sc.plain {
			for _, crlf := range []bool{false, true} {
				require.True(t, writer{comma: ',', crlf: crlf}.allVerbatim(sc, rec), "record %d", len(got))
			}
		}
	}
	require.Equal(t, want, got)
}
