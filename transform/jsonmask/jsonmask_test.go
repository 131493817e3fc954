package jsonmask

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

const doc = `{
  "user": {"name": "Ana", "email": "ana@example.com", "password": "hunter2"},
  "items": [{"sku": "A1", "card": "4111111111111111"}, {"sku": "B2", "card": {"n": 1}}],
  "admin": {"password": "x", "nested": {"password": "y"}},
  "n": 1.50e3, "ok": true, "nil": null, "html": "<a&b>", "esc": "tab\tquote\"\u2028"
}`

func TestMask(t *testing.T) {
	tests := []struct {
		name string
		opts []Option
		in   string
		want string
	}{
		{"remove key", []Option{Remove("user.email")}, doc,
			`{"user":{"name":"Ana","password":"hunter2"},"items":[{"sku":"A1","card":"4111111111111111"},{"sku":"B2","card":{"n":1}}],"admin":{"password":"x","nested":{"password":"y"}},"n":1.50e3,"ok":true,"nil":null,"html":"<a&b>","esc":"tab\tquote\"\u2028"}`},
		{"mask array wildcard", []Option{Mask("items[*].card")}, `{"items":[{"sku":"A1","card":"4111"},{"card":{"n":1},"sku":"B2"}]}`,
			`{"items":[{"sku":"A1","card":"[REDACTED]"},{"card":"[REDACTED]","sku":"B2"}]}`},
		{"star one level", []Option{Remove("*.password")}, doc[:strings.Index(doc, `"items"`)] + `"z":0}`,
			`{"user":{"name":"Ana","email":"ana@example.com"},"z":0}`},
		{"deep", []Option{Remove("**.password")}, `{"password":1,"a":{"password":2,"b":[{"password":3,"k":4}]}}`,
			`{"a":{"b":[{"k":4}]}}`},
		{"index", []Option{Remove("[1]")}, `[1,2,3]`, `[1,3]`},
		{"remove all elements", []Option{Remove("[*]")}, `[1,[2],{"a":3}]`, `[]`},
		{"remove first member", []Option{Remove("a")}, `{"a":1,"b":2}`, `{"b":2}`},
		{"remove last member", []Option{Remove("b")}, `{"a":1,"b":2}`, `{"a":1}`},
		{"remove only member", []Option{Remove("a")}, `{"a":{"x":[1,2]}}`, `{}`},
		{"mask container", []Option{Mask("a")}, `{"a":{"x":[1,2]},"b":[]}`, `{"a":"[REDACTED]","b":[]}`},
		{"custom mask value", []Option{Mask("a", "b"), WithMaskValue(json.RawMessage(` null `))}, `{"a":"s","b":2}`, `{"a":null,"b":null}`},
		{"remove beats mask", []Option{Mask("a"), Remove("a")}, `{"a":1,"b":2}`, `{"b":2}`},
		{"quoted key", []Option{Remove(`meta["a.b"]`)}, `{"meta":{"a.b":1,"a":{"b":2}}}`, `{"meta":{"a":{"b":2}}}`},
		{"escaped key", []Option{Remove(`meta.a\.b`)}, `{"meta":{"a.b":1,"c":2}}`, `{"meta":{"c":2}}`},
		{"no match keeps numbers exact", []Option{Remove("zzz")}, `{"big":123456789012345678901234567890,"f":-0.0e-0}`,
			`{"big":123456789012345678901234567890,"f":-0.0e-0}`},
		{"scalar root", []Option{Remove("a")}, `"just a string"`, `"just a string"`},
		{"multiple top-level values", []Option{Remove("a")}, `{"a":1,"b":1} {"a":2,"b":2}`, "{\"b\":1}\n{\"b\":2}"},
		{"unicode and invalid utf8", []Option{Remove("x")}, "{\"s\":\"日本\\ud800\xff\"}", `{"s":"日本` + "\uFFFD\uFFFD" + `"}`},
		{"empty key", []Option{Remove(`[""]`)}, `{"":1,"a":2}`, `{"a":2}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New(tt.opts...)
			require.NoError(t, err)
			for _, mode := range transformtest.Modes() {
				res := transformtest.Apply(m, transformtest.Input{Body: []byte(tt.in), ContentType: "application/json"}, mode.Wrap, mode.Read)
				require.NoError(t, res.Err, mode.Name)
				assert.Equal(t, tt.want, string(res.Body), mode.Name)
				assert.Equal(t, "application/json", res.Object.Header.Get("Content-Type"))
				assert.Equal(t, int64(-1), res.Object.Length)
				for _, part := range strings.Split(string(res.Body), "\n") {
					assert.True(t, json.Valid([]byte(part)), "valid JSON out: %s", part)
				}
			}
		})
	}
}

func TestNDJSON(t *testing.T) {
	in := "{\"id\":1,\"email\":\"a@b.io\"}\r\n\n{\"id\":2,\"email\":\"c@d.io\",\"tags\":[\"x\"]}\n[1,2]\n\"s\"\n{\"id\":3}"
	want := "{\"id\":1}\n\n{\"id\":2,\"tags\":[\"x\"]}\n[1,2]\n\"s\"\n{\"id\":3}\n"
	m := MustNew(Remove("email"))
	for _, ct := range []string{"application/x-ndjson", "application/jsonl; charset=utf-8"} {
		for _, mode := range transformtest.Modes() {
			res := transformtest.Apply(m, transformtest.Input{Body: []byte(in), ContentType: ct}, mode.Wrap, mode.Read)
			require.NoError(t, res.Err, mode.Name)
			assert.Equal(t, want, string(res.Body), mode.Name)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		ct, key string
		want    Format
	}{
		{"application/json", "x", FormatJSON},
		{"application/vnd.api+json", "x", FormatJSON},
		{"application/x-ndjson", "x.json", FormatNDJSON},
		{"binary/octet-stream", "logs/a.jsonl", FormatNDJSON},
		{"", "a.NDJSON", FormatNDJSON},
		{"", "data.json", FormatJSON},
		{"text/plain", "data.txt", FormatAuto},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, detect(tt.ct, tt.key), "%s %s", tt.ct, tt.key)
	}
	res := transformtest.Apply(MustNew(Remove("a")), transformtest.Input{Body: []byte(`{}`), ContentType: "text/plain", Key: "a.txt"}, nil, nil)
	e, ok := errors.AsType[*s3err.Error](res.Err)
	require.True(t, ok)
	assert.Equal(t, http.StatusUnsupportedMediaType, e.StatusCode)
	assert.Equal(t, s3err.CodeUnsupportedMediaType, e.Code)

	res = transformtest.Apply(MustNew(Remove("a"), WithFormat(FormatNDJSON)), transformtest.Input{Body: []byte("{\"a\":1}\n"), ContentType: "text/plain"}, nil, nil)
	require.NoError(t, res.Err)
	assert.Equal(t, "{}\n", string(res.Body))
}

func TestInvalidInput(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		in     string
		cause  error
	}{
		{"garbage", FormatJSON, `not json`, ErrSyntax},
		{"truncated", FormatJSON, `{"a":[1,2`, ErrSyntax},
		{"empty", FormatJSON, ``, ErrSyntax},
		{"trailing comma", FormatJSON, `{"a":1,}`, ErrSyntax},
		{"too deep", FormatJSON, strings.Repeat("[", 20) + strings.Repeat("]", 20), ErrTooLarge},
		{"huge string", FormatJSON, `{"a":"` + strings.Repeat("x", 5000) + `"}`, ErrTooLarge},
		{"ndjson bad line", FormatNDJSON, "{\"a\":1}\n{oops}\n", ErrSyntax},
		{"ndjson two values", FormatNDJSON, "{\"a\":1} {\"a\":2}\n", ErrSyntax},
		{"ndjson partial value", FormatNDJSON, "[1,\n2]\n", ErrSyntax},
		{"ndjson long line", FormatNDJSON, `{"a":"` + strings.Repeat("x", 5000) + "\"}\n", ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := MustNew(Remove("a"), WithFormat(tt.format), WithMaxDepth(10), WithMaxValueSize(1024))
			res := transformtest.Apply(m, transformtest.Input{Body: []byte(tt.in)}, nil, nil)
			require.Error(t, res.Err)
			assert.ErrorIs(t, res.Err, tt.cause)
			e, ok := errors.AsType[*s3err.Error](res.Err)
			require.True(t, ok, "early failures are S3 errors: %v", res.Err)
			assert.Equal(t, http.StatusUnsupportedMediaType, e.StatusCode)
			assert.Empty(t, res.Body, "nothing is sent before an early failure")
		})
	}
}

func TestLateFailureAbortsStream(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := range 5000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"a":1,"b":"some text to make output large"}`)
	}
	b.WriteString(`,{oops}]`)
	res := transformtest.Apply(MustNew(Remove("[*].a"), WithFormat(FormatJSON)), transformtest.Input{Body: []byte(b.String())}, nil, nil)
	require.Error(t, res.Err)
	assert.ErrorIs(t, res.Err, ErrSyntax)
	_, isS3 := errors.AsType[*s3err.Error](res.Err)
	assert.False(t, isS3, "after output was released the error is plain")
	assert.Greater(t, len(res.Body), holdback)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestUpstreamError(t *testing.T) {
	boom := errors.New("connection reset")
	for _, f := range []Format{FormatJSON, FormatNDJSON} {
		obj := transformtest.Input{ContentType: "application/json"}.Object(nil)
		obj.Body = io.MultiReader(strings.NewReader(`{"a":1`), errReader{boom})
		out, err := transform.Run(t.Context(), MustNew(Remove("a"), WithFormat(f)), obj)
		require.NoError(t, err)
		_, err = io.ReadAll(out.Body)
		assert.ErrorIs(t, err, boom, f)
		_, isS3 := errors.AsType[*s3err.Error](err)
		assert.False(t, isS3, "upstream errors are passed on as they are")
	}
}

func TestParsePath(t *testing.T) {
	tests := []struct {
		in   string
		want []seg
	}{
		{"a", []seg{{kind: segKey, key: "a"}}},
		{"user.email", []seg{{kind: segKey, key: "user"}, {kind: segKey, key: "email"}}},
		{"items[*].card", []seg{{kind: segKey, key: "items"}, {kind: segAnyIndex}, {kind: segKey, key: "card"}}},
		{"[2][*]", []seg{{kind: segIndex, idx: 2}, {kind: segAnyIndex}}},
		{"*.password", []seg{{kind: segAnyKey}, {kind: segKey, key: "password"}}},
		{"**.x", []seg{{kind: segDeep}, {kind: segKey, key: "x"}}},
		{`a["b.c]"].d`, []seg{{kind: segKey, key: "a"}, {kind: segKey, key: "b.c]"}, {kind: segKey, key: "d"}}},
		{`a\.b\[c`, []seg{{kind: segKey, key: "a.b[c"}}},
		{`a.[0]`, []seg{{kind: segKey, key: "a"}, {kind: segIndex, idx: 0}}},
	}
	for _, tt := range tests {
		got, err := parsePath(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	for _, bad := range []string{"", ".a", "a.", "a..b", "a[", "a[x]", "a[-1]", "a[01]", `a["x"`, `a["x"y]`, `a\`, "**", "**.**", "a[0]b", `a["x"]y`} {
		_, err := parsePath(bad)
		assert.ErrorIs(t, err, ErrInvalidPath, bad)
	}
}

// TestConfig builds Maskers from payloads as transform.Configure does.
func TestConfig(t *testing.T) {
	m, err := transformtest.FromPayload([]byte(`{"remove":["user.email"],"mask":["items[*].card"],"maskValue":"***","format":"json","maxValueSize":4096,"maxDepth":8}`), FromConfig)
	require.NoError(t, err)
	res := transformtest.Apply(m, transformtest.Input{Body: []byte(`{"user":{"email":"e","id":1},"items":[{"card":"4111"}]}`)}, nil, nil)
	require.NoError(t, res.Err)
	assert.Equal(t, `{"user":{"id":1},"items":[{"card":"***"}]}`, string(res.Body))

	for _, bad := range []string{``, `{}`, `{"remove":["a.."]}`, `{"remove":["a"],"format":"xml"}`, `{"remove":["a"],"maxDepth":20000}`,
		`{"remove":["a"],"maxDepth":-1}`, `{"remove":["a"],"maxValueSize":1}`} {
		_, err := transformtest.FromPayload([]byte(bad), FromConfig)
		assert.ErrorIs(t, err, ErrConfig, bad)
	}
	// Not a Config: the decoder refuses, before FromConfig. The snake_case
	// keys of before v0.1.0 are unknown fields now.
	for _, bad := range []string{`{"remov":["a"]}`, `{"remove":["a"],"maskValue":{"x":}}`, `{"remove":["a"],"mask_value":"x"}`,
		`{"remove":["a"],"max_depth":8}`, `{"remove":["a"],"max_value_size":4096}`, `{"remove":["a"],"exempt_principals":["*"]}`} {
		_, err := transformtest.FromPayload([]byte(bad), FromConfig)
		require.Error(t, err, bad)
		assert.NotErrorIs(t, err, ErrConfig, bad)
	}
}

// TestExemptPrincipals: Config.ExemptPrincipals matches callers as
// transform.Caller.Matches does (IAM's ARN rules, principal or session
// issuer), like csvfilter's Access and objectlambda.AllowPrincipals.
func TestExemptPrincipals(t *testing.T) {
	for _, tt := range transformtest.ExemptCases() {
		t.Run(tt.Name, func(t *testing.T) {
			m, err := FromConfig(Config{Remove: []string{"a"}, ExemptPrincipals: tt.Patterns})
			require.NoError(t, err)
			res := transformtest.Apply(m, transformtest.Input{Body: []byte(`{"a":1,"b":2}`), ContentType: "application/json", Caller: tt.Caller}, nil, nil)
			require.NoError(t, res.Err)
			want := `{"b":2}`
			if tt.Exempt {
				want = `{"a":1,"b":2}`
			}
			assert.Equal(t, want, string(res.Body))
		})
	}
}

func TestHugeArrayBoundedBuffer(t *testing.T) {
	// A 20 MB array streams through a 1 KiB value limit: memory is bounded by
	// values, not by the document.
	const n = 400_000
	body := bytes.NewBufferString("[")
	for i := range n {
		if i > 0 {
			body.WriteByte(',')
		}
		body.WriteString(`{"id":12345,"secret":"abcdefghijklmnopqrstuvwxyz"}`)
	}
	body.WriteString("]")
	m := MustNew(Remove("[*].secret"), WithFormat(FormatJSON), WithMaxValueSize(1024))
	res := transformtest.Apply(m, transformtest.Input{Body: body.Bytes()}, nil, nil)
	require.NoError(t, res.Err)
	assert.Equal(t, n, bytes.Count(res.Body, []byte(`{"id":12345}`)))
	assert.NotContains(t, string(res.Body[:1000]), "secret")
}

// stuckReader returns no bytes and no error, for ever.
type stuckReader struct{}

func (stuckReader) Read([]byte) (int, error) { return 0, nil }

// TestStuckUpstream: an upstream that makes no progress fails the stream
// instead of hanging it, in both formats.
func TestStuckUpstream(t *testing.T) {
	for _, f := range []Format{FormatJSON, FormatNDJSON} {
		t.Run(string(f), func(t *testing.T) {
			obj := transformtest.Input{ContentType: "application/json"}.Object(nil)
			obj.Body = io.MultiReader(strings.NewReader(`{"a":`), stuckReader{})
			out, err := transform.Run(t.Context(), MustNew(Remove("a"), WithFormat(f)), obj)
			require.NoError(t, err)
			_, err = io.ReadAll(out.Body)
			assert.ErrorIs(t, err, io.ErrNoProgress)
		})
	}
}

// TestClosePassesThrough: closing the masked body closes the upstream
// body, whether it was read to the end or not.
func TestClosePassesThrough(t *testing.T) {
	for _, format := range []Format{FormatJSON, FormatNDJSON} {
		m := MustNew(Remove("**.password"), WithFormat(format))
		for _, n := range []int64{0, 10, 1 << 20} {
			closes, err := transformtest.CloseOutput(m, transformtest.Input{Body: []byte("{\"a\":1,\"password\":2}\n")}, n)
			require.NoError(t, err)
			assert.Equal(t, 1, closes, "%s, after reading %d bytes", format, n)
		}
	}
}

// TestNDJSONErrorMessages: an error in a line names the line and an
// offset counted from its start, whether the line was masked where the
// line reader buffered it (whole reads) or copied out of it (one byte at a
// time), before or after other lines.
func TestNDJSONErrorMessages(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"{\"a\":1}\n{\"b\":[1,x]}\n", `line 2: jsonmask: invalid JSON: invalid character looking for a value at offset 8`},
		{"[1]\n\n  {\"b\":\"\\q\"}\n", `line 3: jsonmask: invalid JSON: invalid escape at offset 9`},
		{"{\"b\":\"x\"} 1\n", `jsonmask: invalid JSON: line 1 holds more than one JSON value`},
		{"{\"a\":1}\n{\"b\":\"unterminated\n\"}\n", `line 2: jsonmask: invalid JSON: unexpected end of input at offset 18`},
		{"{\"a\":1}\n{\"b\":\"tab\there\"}\n", `line 2: jsonmask: invalid JSON: control character in string at offset 9`},
	}
	m := MustNew(Remove("a"), WithFormat(FormatNDJSON))
	for _, tt := range tests {
		for _, mode := range transformtest.Modes() {
			res := transformtest.Apply(m, transformtest.Input{Body: []byte(tt.in)}, mode.Wrap, mode.Read)
			require.Error(t, res.Err, mode.Name)
			assert.ErrorIs(t, res.Err, ErrSyntax, mode.Name)
			assert.Contains(t, res.Err.Error(), tt.want, "%s: %q", mode.Name, tt.in)
		}
	}
}
