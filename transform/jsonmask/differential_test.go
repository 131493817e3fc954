package jsonmask

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

// Paths the differential target picks from: keys with escapes and
// non-ASCII so that key decoding is exercised, indexes, wildcards.
var (
	diffRemove = []string{"**.password", "[1]", "a", "[*].b", "a.b[0]", `["é"]`, "x.*", `["q\"\\"]`}
	diffMask   = []string{"*.card", "a.b", "[0]", "**.c", `["\u2028"]`, "[*][*]", "**[2]", "k"}
)

const diffMaxDepth = 16

// diffMasker builds the masker a fuzz input selects: bits of sel pick the
// paths; small sets a 64-byte value limit.
func diffMasker(t testing.TB, sel uint16, ndjson, small bool) *Masker {
	var rm, mk []string
	for i, p := range diffRemove {
		if sel&(1<<i) != 0 {
			rm = append(rm, p)
		}
	}
	for i, p := range diffMask {
		if sel&(1<<(8+i)) != 0 {
			mk = append(mk, p)
		}
	}
	if len(rm)+len(mk) == 0 {
		rm = []string{"**.password"}
	}
	format := FormatJSON
	if ndjson {
		format = FormatNDJSON
	}
	opts := []Option{Remove(rm...), Mask(mk...), WithFormat(format), WithMaxDepth(diffMaxDepth)}
	if small {
		opts = append(opts, WithMaxValueSize(64))
	}
	m, err := New(opts...)
	require.NoError(t, err)
	return m
}

func errClass(err error) string {
	switch {
	case err == nil:
		return "nil"
	case errors.Is(err, ErrTooLarge):
		return "ErrTooLarge"
	case errors.Is(err, ErrSyntax):
		return "ErrSyntax"
	}
	return "other: " + err.Error()
}

// FuzzDifferential runs the scanner and the encoding/json version it
// replaced (legacy_test.go) on the same input, paths and format, read
// whole and one byte at a time, and requires the same output bytes and the
// same error class. The only differences allowed are the old bugs that the
// scanner fixes, each recognised by knownDifference.
func FuzzDifferential(f *testing.F) {
	f.Add([]byte(`{"a":{"b":[1,{"password":2}],"card":"4111"},"x":{"y":"\u00e9\ud83d\ude00"}}`), uint16(0xffff), false, false)
	f.Add([]byte("{\"password\":1}\n\n[1,2,3]\n"), uint16(0x0101), true, false)
	f.Fuzz(func(t *testing.T, data []byte, sel uint16, ndjson, small bool) {
		m := diffMasker(t, sel, ndjson, small)
		in := transformtest.Input{Body: data}
		newWhole := transformtest.Apply(m, in, nil, nil)
		newOne := transformtest.Apply(m, in, iotest.OneByteReader, nil)
		// The scanner does not depend on how the input is cut.
		require.Equal(t, errClass(newWhole.Err), errClass(newOne.Err))
		require.Equal(t, newWhole.Body, newOne.Body)

		wraps := []func(io.Reader) io.Reader{nil, iotest.OneByteReader}
		if small && !ndjson {
			// encoding/json checked the value limit only when it refilled
			// its buffer, so with large reads its verdict depends on
			// where the reads fall; one byte at a time it is exact.
			wraps = wraps[1:]
		}
		for _, wrap := range wraps {
			got := transformtest.Apply(m, in, wrap, nil)
			want := transformtest.Apply(legacyMasker{m}, in, wrap, nil)
			if errClass(got.Err) != errClass(want.Err) || !bytes.Equal(got.Body, want.Body) {
				if why := knownDifference(data, m, ndjson, got.Err, want.Err); why != "" {
					t.Logf("known difference: %s", why)
					continue
				}
			}
			require.Equal(t, errClass(want.Err), errClass(got.Err), "error class; legacy: %v; new: %v", want.Err, got.Err)
			require.Equal(t, string(want.Body), string(got.Body))
			_, wantS3 := errors.AsType[*s3err.Error](want.Err)
			_, gotS3 := errors.AsType[*s3err.Error](got.Err)
			require.Equal(t, wantS3, gotS3, "early (S3) or late failure")
		}
	})
}

// knownDifference returns why the scanner may disagree with the
// encoding/json version on data, or "" when it may not:
//
//   - "glued": encoding/json read a top-level number or literal directly
//     followed by another value ("01", "truefalse", `1"a"`) as two values;
//     the scanner rejects it (ErrSyntax).
//   - "depth": encoding/json did not count the nesting inside removed or
//     masked values against WithMaxDepth (and kept a stack entry per level);
//     the scanner counts all nesting (ErrTooLarge).
//   - "whitespace": encoding/json counted a run of whitespace against
//     WithMaxValueSize (ErrTooLarge); the scanner holds no whitespace.
//   - "last line": encoding/json allowed an unterminated last NDJSON line
//     one byte longer than WithMaxValueSize; the scanner does not.
func knownDifference(data []byte, m *Masker, ndjson bool, got, want error) string {
	gotC, wantC := errClass(got), errClass(want)
	switch {
	case gotC == "ErrSyntax" && hasGlued(data, ndjson):
		return "glued"
	case gotC == "ErrTooLarge" && wantC != "ErrTooLarge" && depthBeforeError(data, ndjson) > m.maxDepth:
		return "depth"
	case wantC == "ErrTooLarge" && gotC != "ErrTooLarge" && !ndjson && longestSpaceRun(data) > m.maxValue:
		return "whitespace"
	case gotC == "ErrTooLarge" && ndjson && lastLineTooLong(data, m.maxValue):
		return "last line"
	}
	return ""
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// hasGlued reports whether, before anything encoding/json rejects, a
// top-level number or literal is directly followed by a non-space byte.
func hasGlued(data []byte, ndjson bool) bool {
	glued := func(doc []byte, one bool) (found, ok bool) {
		dec := json.NewDecoder(bytes.NewReader(doc))
		for {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return false, errors.Is(err, io.EOF)
			}
			off := dec.InputOffset()
			if c := raw[0]; c != '{' && c != '[' && c != '"' && off < int64(len(doc)) && !isJSONSpace(doc[off]) {
				return true, true
			}
			if one {
				return false, len(bytes.TrimSpace(doc[off:])) == 0
			}
		}
	}
	if !ndjson {
		found, _ := glued(data, false)
		return found
	}
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		found, ok := glued(line, true)
		if found || !ok {
			return found
		}
	}
	return false
}

// depthBeforeError returns the deepest nesting encoding/json's tokenizer
// reaches before its first error (NDJSON: up to the first bad line).
func depthBeforeError(data []byte, ndjson bool) int {
	walk := func(doc []byte) (deepest int, ok bool) {
		dec := json.NewDecoder(bytes.NewReader(doc))
		depth := 0
		for {
			tok, err := dec.Token()
			if err != nil {
				return deepest, errors.Is(err, io.EOF) && depth == 0
			}
			switch tok {
			case json.Delim('{'), json.Delim('['):
				depth++
				deepest = max(deepest, depth)
			case json.Delim('}'), json.Delim(']'):
				depth--
			}
		}
	}
	if !ndjson {
		d, _ := walk(data)
		return d
	}
	deepest := 0
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		d, ok := walk(line)
		deepest = max(deepest, d)
		if !ok {
			break
		}
	}
	return deepest
}

// longestSpaceRun returns the longest run of whitespace outside strings.
func longestSpaceRun(data []byte) int {
	longest, run, inString, escaped := 0, 0, false, false
	for _, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case isJSONSpace(c):
			run++
			longest = max(longest, run)
			continue
		case c == '"':
			inString = true
		}
		run = 0
	}
	return longest
}

// lastLineTooLong reports whether data ends with an unterminated line of
// exactly max+1 bytes.
func lastLineTooLong(data []byte, limit int) bool {
	last := data[bytes.LastIndexByte(data, '\n')+1:]
	return len(last) == limit+1
}
