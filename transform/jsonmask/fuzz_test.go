package jsonmask

import (
	"bytes"
	"encoding/json"
	"reflect"
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
