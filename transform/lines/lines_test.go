package lines

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

const logText = "INFO start\nWARN disk 80%\r\nDEBUG tick\nERROR disk full\n\nINFO healthcheck ok\nERROR healthcheck failed\nINFO done"

func TestFilter(t *testing.T) {
	tests := []struct {
		name string
		opts []Option
		in   string
		want string
	}{
		{"passthrough", nil, logText, logText},
		{"keep", []Option{Keep(`^(ERROR|WARN)`)}, logText, "WARN disk 80%\r\nERROR disk full\nERROR healthcheck failed\n"},
		{"drop", []Option{Drop(`^DEBUG`, `healthcheck`)}, logText, "INFO start\nWARN disk 80%\r\nERROR disk full\n\nINFO done"},
		{"keep and drop", []Option{Keep(`^ERROR`), Drop(`healthcheck`)}, logText, "ERROR disk full\n"},
		{"drop blank", []Option{Drop(`^$`)}, "a\n\r\n\nb\n", "a\nb\n"},
		{"head", []Option{Head(2)}, logText, "INFO start\nWARN disk 80%\r\n"},
		{"head counts kept lines", []Option{Keep(`^INFO`), Head(2)}, logText, "INFO start\nINFO healthcheck ok\n"},
		{"head beyond end", []Option{Head(100)}, "a\nb", "a\nb"},
		{"last line kept without newline", []Option{Keep(`done`)}, logText, "INFO done"},
		{"empty", []Option{Keep(`x`)}, "", ""},
		{"truncate", []Option{WithMaxLineLength(4), TruncateLongLines()}, "abcdefgh\nxy\r\n123456\r\n", "abcd\nxy\r\n1234\n"},
		{"truncate then match", []Option{WithMaxLineLength(3), TruncateLongLines(), Keep(`^abc$`)}, "abcdef\nabc\nab\n", "abc\nabc\n"},
		{"exact max", []Option{WithMaxLineLength(3)}, "abc\r\nabc", "abc\r\nabc"},
		{"binary no newline", []Option{Drop(`x`)}, "\x00\x01\xff", "\x00\x01\xff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := New(tt.opts...)
			require.NoError(t, err)
			for _, m := range transformtest.Modes() {
				res := transformtest.Apply(f, transformtest.Input{Body: []byte(tt.in), ContentType: "text/plain"}, m.Wrap, m.Read)
				require.NoError(t, res.Err, m.Name)
				assert.Equal(t, tt.want, string(res.Body), m.Name)
			}
		})
	}
}

func TestLongLineErrors(t *testing.T) {
	f := MustNew(WithMaxLineLength(8))

	// Before the first byte: a 415 S3 error.
	res := transformtest.Apply(f, transformtest.Input{Body: []byte("0123456789abcdef\nok\n")}, nil, nil)
	require.Error(t, res.Err)
	e, ok := errors.AsType[*s3err.Error](res.Err)
	require.True(t, ok, "want an S3 error before the first byte, got %v", res.Err)
	assert.Equal(t, http.StatusUnsupportedMediaType, e.StatusCode)
	assert.ErrorIs(t, res.Err, ErrLineTooLong)
	assert.Empty(t, res.Body)

	// After output started: a plain error, the stream aborts.
	in := strings.Repeat("short\n", 20000) + strings.Repeat("x", 100) + "\n"
	res = transformtest.Apply(f, transformtest.Input{Body: []byte(in)}, nil, nil)
	require.Error(t, res.Err)
	assert.ErrorIs(t, res.Err, ErrLineTooLong)
	_, isS3 := errors.AsType[*s3err.Error](res.Err)
	assert.False(t, isS3, "mid-stream errors are plain")
	assert.NotEmpty(t, res.Body)
	assert.Equal(t, 0, len(res.Body)%len("short\n"), "only whole lines were sent")
}

type closeRecorder struct {
	io.Reader
	read   int
	closed bool
}

func (c *closeRecorder) Read(p []byte) (int, error) {
	n, err := c.Reader.Read(p)
	c.read += n
	return n, err
}
func (c *closeRecorder) Close() error { c.closed = true; return nil }

func TestHeadStopsUpstream(t *testing.T) {
	var b strings.Builder
	for i := range 200_000 {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	src := &closeRecorder{Reader: strings.NewReader(b.String())}
	obj := transformtest.Input{}.Object(nil)
	obj.Body = src
	out, err := transform.Run(t.Context(), MustNew(Head(3)), obj)
	require.NoError(t, err)
	got, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	assert.Equal(t, "line 0\nline 1\nline 2\n", string(got))
	assert.True(t, src.closed, "upstream closed after head")
	assert.LessOrEqual(t, src.read, readChunk, "read at most one chunk")
}

func TestQueryOverrides(t *testing.T) {
	f := MustNew(Head(3), WithQueryOverrides())
	tests := []struct {
		name    string
		query   url.Values
		want    string
		errCode string
	}{
		{"none", nil, "INFO start\nWARN disk 80%\r\nDEBUG tick\n", ""},
		{"lower head", url.Values{"head": {"1"}}, "INFO start\n", ""},
		{"cannot raise head", url.Values{"head": {"50"}}, "INFO start\nWARN disk 80%\r\nDEBUG tick\n", ""},
		{"grep", url.Values{"grep": {"^ERROR"}}, "ERROR disk full\nERROR healthcheck failed\n", ""},
		{"bad head", url.Values{"head": {"-1"}}, "", s3err.CodeInvalidArgument},
		{"bad grep", url.Values{"grep": {"("}}, "", s3err.CodeInvalidArgument},
		{"long grep", url.Values{"grep": {strings.Repeat("a", 300)}}, "", s3err.CodeInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := transformtest.Apply(f, transformtest.Input{Body: []byte(logText), Query: tt.query}, nil, nil)
			if tt.errCode != "" {
				e, ok := errors.AsType[*s3err.Error](res.Err)
				require.True(t, ok)
				assert.Equal(t, http.StatusBadRequest, e.StatusCode)
				assert.Equal(t, tt.errCode, e.Code)
				return
			}
			require.NoError(t, res.Err)
			assert.Equal(t, tt.want, string(res.Body))
		})
	}
	// Without overrides enabled, the query is ignored.
	res := transformtest.Apply(MustNew(Head(1)), transformtest.Input{Body: []byte(logText), Query: url.Values{"head": {"x"}}}, nil, nil)
	require.NoError(t, res.Err)
	assert.Equal(t, "INFO start\n", string(res.Body))
}

func TestProperties(t *testing.T) {
	assert.True(t, transform.Describe(MustNew()).BodyUnchanged)
	assert.True(t, transform.Describe(MustNew(WithMaxLineLength(10))).BodyUnchanged)
	for _, o := range []Option{Keep("a"), Drop("a"), Head(1), TruncateLongLines(), WithQueryOverrides()} {
		assert.Equal(t, transform.Properties{}, transform.Describe(MustNew(o)))
	}
	res := transformtest.Apply(MustNew(), transformtest.Input{Body: []byte("abc")}, nil, nil)
	require.NoError(t, res.Err)
	assert.Equal(t, int64(3), res.Object.Length)
	assert.Equal(t, `"abc"`, res.Object.Header.Get("ETag"), "unchanged body keeps its ETag")
	res = transformtest.Apply(MustNew(Head(1)), transformtest.Input{Body: []byte("abc")}, nil, nil)
	require.NoError(t, res.Err)
	assert.Equal(t, int64(-1), res.Object.Length)
}

// TestConfig builds Filters from payloads as transform.Configure does.
func TestConfig(t *testing.T) {
	f, err := transformtest.FromPayload([]byte(`{"keep":["ERROR"],"drop":["healthcheck"],"head":5,"longLines":"truncate","maxLineLength":100,"queryOverrides":true,"contentTypes":["text/*"]}`), FromConfig)
	require.NoError(t, err)
	res := transformtest.Apply(f, transformtest.Input{Body: []byte(logText), ContentType: "text/plain"}, nil, nil)
	require.NoError(t, res.Err)
	assert.Equal(t, "ERROR disk full\n", string(res.Body))

	res = transformtest.Apply(f, transformtest.Input{Body: []byte(logText), ContentType: "image/png"}, nil, nil)
	e, ok := errors.AsType[*s3err.Error](res.Err)
	require.True(t, ok)
	assert.Equal(t, http.StatusUnsupportedMediaType, e.StatusCode)

	for _, bad := range []string{`{"keep":["("]}`, `{"head":-1}`, `{"maxLineLength":-5}`, `{"longLines":"wrap"}`} {
		_, err := transformtest.FromPayload([]byte(bad), FromConfig)
		assert.ErrorIs(t, err, ErrConfig, bad)
	}
	// Not a Config: the decoder refuses, before FromConfig. The snake_case
	// keys of before v0.1.0 are unknown fields now.
	for _, bad := range []string{`{"kep":["a"]}`, `[`, `{"max_line_length":100}`, `{"query_overrides":true}`, `{"long_lines":"truncate"}`, `{"content_types":["text/*"]}`} {
		_, err := transformtest.FromPayload([]byte(bad), FromConfig)
		require.Error(t, err, bad)
		assert.NotErrorIs(t, err, ErrConfig, bad)
	}
	f, err = transformtest.FromPayload(nil, FromConfig)
	require.NoError(t, err)
	assert.True(t, transform.Describe(f).BodyUnchanged)
}

func TestUpstreamError(t *testing.T) {
	boom := errors.New("reset")
	obj := transformtest.Input{}.Object(nil)
	obj.Body = io.MultiReader(strings.NewReader("a\nb"), errReader{boom})
	out, err := transform.Run(t.Context(), MustNew(Keep(".")), obj)
	require.NoError(t, err)
	_, err = io.ReadAll(out.Body)
	assert.ErrorIs(t, err, boom)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestLargeLinesAcrossChunks(t *testing.T) {
	// Lines far longer than a read chunk, around the limit.
	long := bytes.Repeat([]byte("z"), 3*readChunk)
	in := append(append([]byte("a\n"), long...), "\nb\n"...)
	f := MustNew(WithMaxLineLength(len(long)), Drop(`^a$`))
	for _, m := range transformtest.Modes() {
		res := transformtest.Apply(f, transformtest.Input{Body: in}, m.Wrap, m.Read)
		require.NoError(t, res.Err, m.Name)
		require.Equal(t, len(long)+3, len(res.Body), m.Name)
	}
	f = MustNew(WithMaxLineLength(len(long)-1), TruncateLongLines())
	res := transformtest.Apply(f, transformtest.Input{Body: in}, transformtest.Chunky(3), nil)
	require.NoError(t, res.Err)
	assert.Equal(t, 2+len(long)-1+1+2, len(res.Body))
}

// TestClosePassesThrough: closing the filtered body closes the upstream
// body, whether it was read to the end or not.
func TestClosePassesThrough(t *testing.T) {
	for _, f := range []*Filter{MustNew(Drop("x")), MustNew(Head(1))} {
		for _, n := range []int64{0, 3, 1 << 20} {
			closes, err := transformtest.CloseOutput(f, transformtest.Input{Body: []byte("a\nx\nb\nc\n")}, n)
			require.NoError(t, err)
			assert.Equal(t, 1, closes, "after reading %d bytes", n)
		}
	}
}
