package csvfilter

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

// spansInput returns about 300 KiB of rows of five fields with line end
// eol, longer than a read of the scanner, so that rows cross reads and
// words of the maps. Most rows take the fast path and are copied in spans;
// every seventh starts a field with a space, every eleventh has an escaped
// quote, every thirteenth an empty field and every seventeenth a quoted
// field without the delimiter (rows the writer changes or parses rule by
// rule).
func spansInput(comma, eol string) []byte {
	var sb strings.Builder
	sb.WriteString(strings.Join([]string{"id", "name", "note", "amount", "cc"}, comma) + eol)
	for i := 0; sb.Len() < 300<<10; i++ {
		name := fmt.Sprintf("\"N%d%s x\"", i, comma)
		note := strings.Repeat("n", i%90)
		switch {
		case i%7 == 0:
			note = " " + note
		case i%11 == 0:
			name = "\"say \"\"hi\"\"\""
		case i%13 == 0:
			note = ""
		case i%17 == 0:
			name = "\"plain\""
		}
		fields := []string{fmt.Sprint(i), name, note, fmt.Sprintf("%d.%02d", i%300, i%100), []string{"PT", "US", "DE"}[i%3]}
		sb.WriteString(strings.Join(fields, comma) + eol)
	}
	return []byte(sb.String())
}

// TestSpansMatchLegacy writes large inputs through the fast path's span
// copies (fastRows) and through the encoding/csv version it replaced, for
// configurations that keep runs at the start, middle and end of the row,
// filter rows, or change the line end, read whole and in uneven chunks:
// the output bytes must be the same.
func TestSpansMatchLegacy(t *testing.T) {
	configs := []Config{
		{},
		{Drop: []string{"note", "amount"}},
		{Drop: []string{"id"}},
		{Drop: []string{"cc"}},
		{Keep: []string{"name"}},
		{Keep: []string{"id", "cc"}},
		{Where: []Predicate{{Column: "cc", Op: OpEq, Value: "PT"}, {Column: "amount", Op: OpGt, Value: "100"}}},
		{Where: []Predicate{{Column: "name", Op: OpContains, Value: "1"}}, Drop: []string{"note"}},
		{CRLF: true, Drop: []string{"note"}},
		{OmitHeader: true, Keep: []string{"amount", "cc"}},
	}
	for _, comma := range []string{",", "\t", "|"} {
		for _, eol := range []string{"\n", "\r\n"} {
			in := transformtest.Input{Body: spansInput(comma, eol)}
			for _, cfg := range configs {
				cfg.Delimiter = comma
				flt, err := FromConfig(cfg)
				require.NoError(t, err)
				for _, wrap := range []func(io.Reader) io.Reader{nil, transformtest.Chunky(7)} {
					got := transformtest.Apply(flt, in, wrap, nil)
					want := transformtest.Apply(legacyFilter{flt}, in, wrap, nil)
					require.NoError(t, want.Err)
					require.NoError(t, got.Err)
					require.Equal(t, string(want.Body), string(got.Body), "delimiter %q, line end %q, %+v", comma, eol, cfg)
				}
			}
		}
	}
}
