package jsonmask

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

// bigDoc is a JSON array of about n bytes whose output crosses the
// holdback, so that failures in it can be late.
func bigDoc(n int) string {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteString(",\n ")
		}
		fmt.Fprintf(&b, `{"id":%d,"password":"p\u00e9%d","a":{"b":[1.5e3,true,null,"x\"y"]},"n":-0}`, i, i)
	}
	b.WriteString("]")
	return b.String()
}

// TestDifferentialLargeInputs cuts and corrupts a document larger than
// what fuzzing produces, at many offsets, and requires the same bytes and
// the same error (class, early or late) as the encoding/json version:
// this covers failures after output was released.
func TestDifferentialLargeInputs(t *testing.T) {
	doc := bigDoc(80 << 10)
	m := MustNew(Remove("**.password", "[3]"), Mask("[*].a.b[0]"), WithFormat(FormatJSON))
	nd := strings.ReplaceAll(strings.ReplaceAll(doc[1:len(doc)-1], ",\n ", "\n"), "},{", "}\n{")
	mn := MustNew(Remove("**.password"), Mask("a.b[0]"), WithFormat(FormatNDJSON))
	var inputs []struct {
		m    *Masker
		body string
	}
	for off := 1; off < len(doc); off += 4099 {
		for _, body := range []string{doc[:off], doc[:off] + "x" + doc[off:], doc[:off] + "]" + doc[off:]} {
			inputs = append(inputs, struct {
				m    *Masker
				body string
			}{m, body})
		}
		if off < len(nd) {
			inputs = append(inputs, struct {
				m    *Masker
				body string
			}{mn, nd[:off] + "{" + nd[off:]})
		}
	}
	inputs = append(inputs, struct {
		m    *Masker
		body string
	}{m, doc}, struct {
		m    *Masker
		body string
	}{mn, nd})
	modes := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{{"whole", nil}, {"chunky", transformtest.Chunky(3)}, {"half", iotest.HalfReader}}
	for i, in := range inputs {
		for _, mode := range modes {
			src := transformtest.Input{Body: []byte(in.body)}
			got := transformtest.Apply(in.m, src, mode.wrap, nil)
			want := transformtest.Apply(legacyMasker{in.m}, src, mode.wrap, nil)
			require.Equal(t, errClass(want.Err), errClass(got.Err), "input %d %s", i, mode.name)
			_, wantS3 := errors.AsType[*s3err.Error](want.Err)
			_, gotS3 := errors.AsType[*s3err.Error](got.Err)
			require.Equal(t, wantS3, gotS3, "input %d %s: early or late", i, mode.name)
			require.True(t, bytes.Equal(want.Body, got.Body), "input %d %s: %d vs %d bytes", i, mode.name, len(want.Body), len(got.Body))
		}
	}
}

// TestValueLimit checks the exact boundary of WithMaxValueSize (64 here):
// a string (quotes included) or number of 64 bytes passes, 65 fails, in a
// key, a kept value or a removed one, however the input is cut; and that
// the encoding/json version, read one byte at a time, agrees.
func TestValueLimit(t *testing.T) {
	s := func(n int) string { return `"` + strings.Repeat("x", n-2) + `"` }
	esc := func(n int) string { return `"` + strings.Repeat("x", n-8) + `\u00e9"` } // escape ends at the limit
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"string 64", `{"k":` + s(64) + `}`, true},
		{"string 65", `{"k":` + s(65) + `}`, false},
		{"removed string 65", `{"a":` + s(65) + `}`, false},
		{"key 64", `{` + s(64) + `:1}`, true},
		{"key 65", `{` + s(65) + `:1}`, false},
		{"escape ending at 64", `[` + esc(64) + `]`, true},
		{"escape crossing 64", `[` + esc(65) + `]`, false},
		{"top-level string 65 at the end", s(65), false},
		{"number 64", `[` + strings.Repeat("1", 64) + `]`, true},
		{"number 65", `[` + strings.Repeat("1", 65) + `]`, false},
		{"number 64 at the end", strings.Repeat("1", 64), true},
		{"number 65 at the end", strings.Repeat("1", 65), false},
		{"fraction 65", `[1.` + strings.Repeat("5", 63) + `]`, false},
		{"unterminated 65", `["` + strings.Repeat("x", 70), false},
		{"bad escape past the limit", `["` + strings.Repeat("x", 63) + `\q"]`, false},
	}
	m := MustNew(Remove("a"), WithFormat(FormatJSON), WithMaxValueSize(64))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			legacy := transformtest.Apply(legacyMasker{m}, transformtest.Input{Body: []byte(tt.in)}, iotest.OneByteReader, nil)
			for _, mode := range transformtest.Modes() {
				res := transformtest.Apply(m, transformtest.Input{Body: []byte(tt.in)}, mode.Wrap, mode.Read)
				assert.Equal(t, errClass(legacy.Err), errClass(res.Err), mode.Name)
				if tt.ok {
					assert.NoError(t, res.Err, mode.Name)
				} else {
					assert.ErrorIs(t, res.Err, ErrTooLarge, mode.Name)
				}
			}
		})
	}
}

// TestFixedLegacyBugs pins the cases where the scanner deliberately
// differs from the encoding/json version (see knownDifference).
func TestFixedLegacyBugs(t *testing.T) {
	deep := strings.Repeat("[", 11) + strings.Repeat("]", 11)
	tests := []struct {
		name      string
		format    Format
		in        string
		legacyOut string // what the old code wrote, without error
		cause     error  // what the scanner says now (nil: no error)
		out       string
	}{
		{"number glued to a number", FormatJSON, `01`, "0\n1", ErrSyntax, ""},
		{"literal glued to a literal", FormatJSON, `truefalse`, "true\nfalse", ErrSyntax, ""},
		{"number glued to a string", FormatJSON, `1"a"`, "1\n\"a\"", ErrSyntax, ""},
		{"deep nesting inside a removed value", FormatJSON, `{"a":` + deep + `,"b":1}`, `{"b":1}`, ErrTooLarge, ""},
		{"deep nesting inside a removed NDJSON value", FormatNDJSON, `{"a":` + deep + "}\n", "{}\n", ErrTooLarge, ""},
		{"long whitespace run", FormatJSON, `{"b":1}` + strings.Repeat(" ", 100), "", nil, `{"b":1}`},
		{"unterminated last line of max+1 bytes", FormatNDJSON, `"` + strings.Repeat("x", 63) + `"`, `"` + strings.Repeat("x", 63) + "\"\n", ErrTooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := MustNew(Remove("a"), WithFormat(tt.format), WithMaxDepth(10), WithMaxValueSize(64))
			in := transformtest.Input{Body: []byte(tt.in)}
			legacy := transformtest.Apply(legacyMasker{m}, in, iotest.OneByteReader, nil)
			if tt.legacyOut != "" {
				require.NoError(t, legacy.Err)
				assert.Equal(t, tt.legacyOut, string(legacy.Body))
			} else {
				assert.ErrorIs(t, legacy.Err, ErrTooLarge, "the old code counted whitespace")
			}
			for _, mode := range transformtest.Modes() {
				res := transformtest.Apply(m, in, mode.Wrap, mode.Read)
				if tt.cause == nil {
					require.NoError(t, res.Err, mode.Name)
					assert.Equal(t, tt.out, string(res.Body), mode.Name)
					continue
				}
				assert.ErrorIs(t, res.Err, tt.cause, mode.Name)
				assert.Empty(t, res.Body, mode.Name)
			}
		})
	}
}

// TestWindowBounded streams a 1 MiB string one byte at a time: the window
// grows to hold the one token, not the document, and resuming the scan
// after every byte is linear (the test would not finish otherwise).
func TestWindowBounded(t *testing.T) {
	const size = 1 << 20
	doc := `[` + strings.Repeat(`{"a":"`+strings.Repeat("y", 100)+`"},`, 20000) + `"` + strings.Repeat("x", size) + `"]`
	m := MustNew(Remove("[*].a"), WithFormat(FormatJSON), WithMaxValueSize(size+2))
	out, err := m.Apply(t.Context(), transformtest.Input{Body: []byte(doc)}.Object(iotest.OneByteReader))
	require.NoError(t, err)
	n, err := io.Copy(io.Discard, out.Body)
	require.NoError(t, err)
	assert.Equal(t, int64(len(`[]`)+20000*len(`{},`)+size+2), n)
	r, ok := out.Body.(*reader)
	require.True(t, ok)
	assert.LessOrEqual(t, cap(r.sc.buf), size+3+readChunk, "WithMaxValueSize+1 plus one read")
}

// TestAllocationsPerObject shows that allocations do not grow with the
// number of tokens: ten times the objects, the same allocations, in JSON
// and NDJSON, with plain strings and with strings that are rewritten.
func TestAllocationsPerObject(t *testing.T) {
	const record = `{"id":%d,"user":{"email":"u%d@example.com","name":"caf\u00e9 \"ü\""},"items":[{"card":"4111"}]}`
	doc := func(n int, ndjson bool) []byte {
		var b bytes.Buffer
		if !ndjson {
			b.WriteString("[")
		}
		for i := range n {
			if i > 0 && !ndjson {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, record, i, i)
			if ndjson {
				b.WriteString("\n")
			}
		}
		if !ndjson {
			b.WriteString("]")
		}
		return b.Bytes()
	}
	for _, tt := range []struct {
		name   string
		format Format
		prefix string
	}{{"json", FormatJSON, "[*]."}, {"ndjson", FormatNDJSON, ""}} {
		t.Run(tt.name, func(t *testing.T) {
			ndjson := tt.format == FormatNDJSON
			small, large := doc(2000, ndjson), doc(20000, ndjson)
			m := MustNew(Remove(tt.prefix+"user.email"), Mask(tt.prefix+"items[*].card"), WithFormat(tt.format))
			run := func(data []byte) float64 {
				return testing.AllocsPerRun(3, func() {
					out, err := transform.Run(t.Context(), m, transformtest.Input{Body: data}.Object(nil))
					if err == nil {
						_, err = io.Copy(io.Discard, out.Body)
					}
					require.NoError(t, err)
				})
			}
			a, b := run(small), run(large)
			assert.LessOrEqual(t, b, a+10, "allocations for 10x the objects: %v vs %v", b, a)
		})
	}
}

// TestUpstreamTruncation: an upstream io.ErrUnexpectedEOF (a body cut
// short) is passed on as it is in both formats. The encoding/json version
// reported it as ErrSyntax (415 "not valid JSON") in JSON mode only.
func TestUpstreamTruncation(t *testing.T) {
	for _, f := range []Format{FormatJSON, FormatNDJSON} {
		obj := transformtest.Input{}.Object(nil)
		obj.Body = io.MultiReader(strings.NewReader(`{"a":1,"b":"x`), errReader{io.ErrUnexpectedEOF})
		out, err := transform.Run(t.Context(), MustNew(Remove("a"), WithFormat(f)), obj)
		require.NoError(t, err)
		_, err = io.ReadAll(out.Body)
		require.ErrorIs(t, err, io.ErrUnexpectedEOF, f)
		assert.NotErrorIs(t, err, ErrSyntax, f)
		_, isS3 := errors.AsType[*s3err.Error](err)
		assert.False(t, isS3, f)
	}
}

// TestEarlyLateBoundary puts an error at every offset around the point
// where a compact document's output is first released (one step's
// output, past the holdback): records the members stage takes, up to the
// error, must fail as the encoding/json version fails there, with the
// same bytes and the same error, early (S3) or late.
func TestEarlyLateBoundary(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; b.Len() < 64<<10; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":%d,"user":{"name":"u%d","email":"e%d","password":"p"},"card":"4111","qty":%d,"ok":true}`, i, i, i, i%7)
	}
	b.WriteString("]")
	doc := b.String()
	// A control byte is an error inside a string as well as outside.
	corrupt := func(off int) []byte { return []byte(doc[:off] + "\x01" + doc[off:]) }
	m := MustNew(Remove("[*].user.email", "**.password"), Mask("[*].card"), WithFormat(FormatJSON))
	late := func(off int) bool {
		got := transformtest.Apply(m, transformtest.Input{Body: corrupt(off)}, nil, nil)
		require.Error(t, got.Err)
		_, s3 := errors.AsType[*s3err.Error](got.Err)
		return !s3
	}
	// The first offset whose error comes after output was released.
	lo, hi := 1, len(doc)-1
	require.True(t, late(hi))
	for lo < hi {
		if mid := (lo + hi) / 2; late(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	for off := max(1, lo-150); off < min(len(doc), lo+150); off++ {
		src := transformtest.Input{Body: corrupt(off)}
		got := transformtest.Apply(m, src, nil, nil)
		want := transformtest.Apply(legacyMasker{m}, src, nil, nil)
		require.Error(t, got.Err)
		require.Equal(t, errClass(want.Err), errClass(got.Err), "offset %d", off)
		_, wantS3 := errors.AsType[*s3err.Error](want.Err)
		_, gotS3 := errors.AsType[*s3err.Error](got.Err)
		require.Equal(t, wantS3, gotS3, "offset %d: early or late", off)
		require.True(t, bytes.Equal(want.Body, got.Body), "offset %d: %d vs %d bytes", off, len(want.Body), len(got.Body))
	}
}
