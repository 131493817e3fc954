package jsonmask

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

// FuzzPath checks that the path parser never panics and that accepted
// paths compile into a usable Masker.
func FuzzPath(f *testing.F) {
	for _, s := range []string{"a.b", "items[*].card", "**.x", `m["a.b"]`, `a\.b`, "[0][1]", "*.*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		segs, err := parsePath(p)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidPath)
			return
		}
		require.NotEmpty(t, segs)
		_, err = New(Remove(p))
		if len(segs) <= maxSegments {
			require.NoError(t, err)
		}
	})
}

// FuzzMask feeds arbitrary input: valid JSON must come out valid and equal
// to an in-memory model of the same removal; invalid JSON must fail, never
// panic; chunking must not matter.
func FuzzMask(f *testing.F) {
	f.Add([]byte(`{"a":{"password":1,"b":[{"password":2},3]},"c":"x"}`))
	f.Add([]byte(`[{"card":"4111"},{"card":{"n":[1,2]}}]`))
	f.Add([]byte(`{"a":1} {"b":[true,false,null]}`))
	f.Add([]byte(`"s\u2028\ud800"`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m := MustNew(Remove("**.password", "[1]"), Mask("*.card", "a.b[0]"), WithFormat(FormatJSON), WithMaxDepth(64))
		whole := transformtest.Apply(m, transformtest.Input{Body: data}, nil, nil)
		one := transformtest.Apply(m, transformtest.Input{Body: data}, iotest.OneByteReader, nil)
		require.Equal(t, whole.Err == nil, one.Err == nil)
		if whole.Err != nil {
			return
		}
		require.True(t, bytes.Equal(whole.Body, one.Body))
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		outDec := json.NewDecoder(bytes.NewReader(whole.Body))
		outDec.UseNumber()
		for {
			var in, out any
			errIn := dec.Decode(&in)
			errOut := outDec.Decode(&out)
			if errIn != nil {
				require.Error(t, errOut, "output has more values than input")
				return
			}
			require.NoError(t, errOut, "output must be valid JSON")
			want := model(&m.paths, m.paths.root(), in, m.maskValue)
			require.True(t, reflect.DeepEqual(normalize(want), normalize(out)), "got %s", whole.Body)
		}
	})
}

// model applies the masker's rules to a decoded value.
func model(ps *pathSet, set []state, v any, mask []byte) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			child := ps.step(nil, set, true, k, 0)
			switch ps.action(child) {
			case actRemove:
			case actMask:
				out[k] = json.RawMessage(mask)
			default:
				out[k] = model(ps, child, e, mask)
			}
		}
		return out
	case []any:
		out := []any{}
		for i, e := range x {
			child := ps.step(nil, set, false, "", i)
			switch ps.action(child) {
			case actRemove:
			case actMask:
				out = append(out, json.RawMessage(mask))
			default:
				out = append(out, model(ps, child, e, mask))
			}
		}
		return out
	}
	return v
}

// normalize round-trips through JSON so that both sides have the same types.
func normalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		panic(err)
	}
	return out
}

// FuzzRequote compares the fast path's one-pass string rewrite
// (requoteString) with the slow path's two steps (scanString, then
// appendRawString) on a window that starts with a string: where the fast
// one succeeds, the slow one must too, with the same end and the same
// bytes; it may give up only on a string that ends in the last bytes of
// the window (a UTF-8 sequence or a surrogate pair the window may cut).
func FuzzRequote(f *testing.F) {
	for _, s := range []string{
		`"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u0000\u001f\u007f\u2028\u2029\uFFFD"`, `"\ud83d\ude00 \ud800\u0041 \udc00"`,
		"\"日本語 ü \u2028 \u2029 \xff\xc3\x28 \xe2\x80\"", `"\x"`, `"\u12"`, "\"a\x01\"", `"\ud83d\u00"`, `"unterminated`,
		`"padding to the end of the window with \ud83d\ude00"` + strings.Repeat(" ", 20),
	} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(9))
	}
	f.Fuzz(func(t *testing.T, data []byte, maxTok uint8) {
		if len(data) == 0 || data[0] != '"' {
			data = append([]byte{'"'}, data...)
		}
		var slow scanner
		slow.maxTok = int(maxTok)
		slow.reset(data, false)
		kind, err := slow.next()
		var want []byte
		if err == nil {
			require.Equal(t, tokString, kind)
			want = appendRawString(nil, slow.token(), slow.plain, new([]byte))
		}

		fast := scanner{maxTok: int(maxTok)}
		fast.reset(data, false)
		got, end := fast.requoteString(nil, 0)
		if end < 0 {
			if err == nil {
				require.Greater(t, slow.end, len(data)-12, "gave up on %q", data[:slow.end])
			}
			return
		}
		require.NoError(t, err)
		require.Equal(t, slow.end, end)
		require.Equal(t, string(want), string(got))
	})
}
