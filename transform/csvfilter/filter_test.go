package csvfilter_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/csvfilter"
	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const people = "id,name,email,ssn,age,country\n" +
	"1,Ana,ana@example.com,123-45-6789,34,PT\n" +
	"2,\"Smith, Bob\",bob@example.com,987-65-4321,51,US\n" +
	"3,\"Eve \"\"E\"\" Doe\",eve@example.com,555-12-3456,19,PT\n" +
	"4,\"Multi\nLine\",ml@example.com,000-00-0000,n/a,DE\n"

func object(body string, query string, caller transform.Caller) *transform.Object {
	u := &url.URL{Path: "/people.csv", RawQuery: query}
	return &transform.Object{
		Body:    strings.NewReader(body),
		Header:  http.Header{"Content-Type": {"text/csv"}},
		Length:  int64(len(body)),
		Request: &transform.Request{Operation: "GetObject", Key: "people.csv", URL: u, Header: http.Header{}, Caller: caller},
	}
}

func run(t testing.TB, tr transform.Transform, obj *transform.Object) (*transform.Object, string, error) {
	t.Helper()
	out, err := transform.Run(context.Background(), tr, obj)
	if err != nil {
		return nil, "", err
	}
	b, err := io.ReadAll(out.Body)
	return out, string(b), err
}

var (
	analyst = transform.Caller{Type: "AssumedRole", ARN: "arn:aws:sts::111122223333:assumed-role/analyst/alice",
		SessionIssuerARN: "arn:aws:iam::111122223333:role/analyst"}
	support = transform.Caller{Type: "AssumedRole", ARN: "arn:aws:sts::111122223333:assumed-role/support-eu/bob",
		SessionIssuerARN: "arn:aws:iam::111122223333:role/team/support-eu"}
	user = transform.Caller{Type: "IAMUser", ARN: "arn:aws:iam::111122223333:user/carol", UserName: "carol"}
)

func TestFilter(t *testing.T) {
	access := &csvfilter.Access{Allow: map[string][]string{
		"analyst":                              {"*"},
		"arn:aws:iam::*:role/team/support-*":   {"id", "name", "country"},
		"arn:aws:iam::111122223333:user/carol": {"id"},
	}}
	tests := []struct {
		name     string
		cfg      csvfilter.Config
		query    string
		caller   transform.Caller
		input    string
		want     string
		wantCode string
		wantIs   error
	}{
		{name: "identity", input: people, want: people},
		{name: "keep", cfg: csvfilter.Config{Keep: []string{"name", "id"}}, input: people,
			want: "id,name\n1,Ana\n2,\"Smith, Bob\"\n3,\"Eve \"\"E\"\" Doe\"\n4,\"Multi\nLine\"\n"},
		{name: "drop", cfg: csvfilter.Config{Drop: []string{"ssn", "email", "name"}}, input: people,
			want: "id,age,country\n1,34,PT\n2,51,US\n3,19,PT\n4,n/a,DE\n"},
		{name: "where eq", cfg: csvfilter.Config{Keep: []string{"id"}, Where: []csvfilter.Predicate{{Column: "country", Op: "eq", Value: "PT"}}},
			input: people, want: "id\n1\n3\n"},
		{name: "where ne and gt", cfg: csvfilter.Config{Keep: []string{"id"}, Where: []csvfilter.Predicate{{Column: "country", Op: "ne", Value: "PT"}, {Column: "age", Op: "gt", Value: "40"}}},
			input: people, want: "id\n2\n"},
		{name: "where lt skips non-numeric", cfg: csvfilter.Config{Keep: []string{"id"}, Where: []csvfilter.Predicate{{Column: "age", Op: "lt", Value: "1e9"}}},
			input: people, want: "id\n1\n2\n3\n"},
		{name: "where contains", cfg: csvfilter.Config{Keep: []string{"id"}, Where: []csvfilter.Predicate{{Column: "name", Op: "contains", Value: ","}}},
			input: people, want: "id\n2\n"},
		{name: "where prefix", cfg: csvfilter.Config{Keep: []string{"id"}, Where: []csvfilter.Predicate{{Column: "email", Op: "prefix", Value: "e"}}},
			input: people, want: "id\n3\n"},
		{name: "where regex", cfg: csvfilter.Config{Keep: []string{"id"}, Where: []csvfilter.Predicate{{Column: "ssn", Op: "REGEX", Value: `^[59]`}}},
			input: people, want: "id\n2\n3\n"},
		{name: "omit header", cfg: csvfilter.Config{OmitHeader: true, Keep: []string{"id"}}, input: "id,x\n1,2\n", want: "1\n"},
		{name: "no header, columns by position", cfg: csvfilter.Config{NoHeader: true, Keep: []string{"2"}, Where: []csvfilter.Predicate{{Column: "1", Op: "gt", Value: "1"}}},
			input: "1,a\n2,b\n3,c\n", want: "b\nc\n"},
		{name: "tab delimiter", cfg: csvfilter.Config{Delimiter: "tab", Drop: []string{"b"}}, input: "a\tb\tc\n1\t2\t3 x\n", want: "a\tc\n1\t3 x\n"},
		{name: "crlf in and out", cfg: csvfilter.Config{CRLF: true, Keep: []string{"a"}}, input: "a,b\r\n1,2\r\n", want: "a\r\n1\r\n"},
		{name: "unneeded quotes dropped", input: "a,b\n\"x\",\"y z\"\n", want: "a,b\nx,y z\n"},
		{name: "leading space quoted", input: "a\n\" x\"\n", want: "a\n\" x\"\n"},
		{name: "empty object", cfg: csvfilter.Config{Keep: []string{"id"}}, input: "", want: ""},
		{name: "header only", input: "a,b\n", want: "a,b\n"},
		{name: "duplicate header names", cfg: csvfilter.Config{Keep: []string{"a"}}, input: "a,b,a\n1,2,3\n", want: "a,a\n1,3\n"},
		{name: "query narrows columns", query: "columns=country,+id", input: people, want: "id,country\n1,PT\n2,US\n3,PT\n4,DE\n"},
		{name: "query param disabled", cfg: csvfilter.Config{ColumnsParam: "-", Keep: []string{"id"}}, query: "columns=name", input: "id,name\n1,a\n", want: "id\n1\n"},
		{name: "custom query param", cfg: csvfilter.Config{ColumnsParam: "cols"}, query: "cols=name", input: "id,name\n1,a\n", want: "name\na\n"},
		{name: "analyst sees all", cfg: csvfilter.Config{Access: access, Drop: []string{"ssn"}}, caller: analyst, input: "id,ssn\n1,x\n", want: "id\n1\n"},
		{name: "support via issuer glob", cfg: csvfilter.Config{Access: access}, caller: support, input: people,
			want: "id,name,country\n1,Ana,PT\n2,\"Smith, Bob\",US\n3,\"Eve \"\"E\"\" Doe\",PT\n4,\"Multi\nLine\",DE\n"},
		{name: "user by principal ARN", cfg: csvfilter.Config{Access: access}, caller: user, input: "id,name\n1,a\n", want: "id\n1\n"},
		{name: "support asks for allowed subset", cfg: csvfilter.Config{Access: access}, caller: support, query: "columns=name", input: "id,name\n1,a\n", want: "name\na\n"},
		{name: "default list", cfg: csvfilter.Config{Access: &csvfilter.Access{Allow: access.Allow, Default: []string{"country"}}}, caller: transform.Caller{ARN: "arn:aws:iam::1:user/x"}, input: "id,country\n1,PT\n", want: "country\nPT\n"},
		// errors
		{name: "unknown caller denied", cfg: csvfilter.Config{Access: access}, caller: transform.Caller{ARN: "arn:aws:iam::1:user/x"}, input: people, wantCode: s3err.CodeAccessDenied, wantIs: csvfilter.ErrAccessDenied},
		{name: "anonymous denied", cfg: csvfilter.Config{Access: access}, input: people, wantCode: s3err.CodeAccessDenied, wantIs: csvfilter.ErrAccessDenied},
		{name: "asks for hidden column", cfg: csvfilter.Config{Access: access}, caller: support, query: "columns=ssn", input: people, wantCode: s3err.CodeAccessDenied, wantIs: csvfilter.ErrAccessDenied},
		{name: "allow-list leaves nothing", cfg: csvfilter.Config{Access: access}, caller: user, input: "name\nx\n", wantCode: s3err.CodeAccessDenied, wantIs: csvfilter.ErrAccessDenied},
		{name: "unknown keep column", cfg: csvfilter.Config{Keep: []string{"nope"}}, input: people, wantCode: s3err.CodeInvalidArgument, wantIs: csvfilter.ErrUnknownColumn},
		{name: "unknown drop column", cfg: csvfilter.Config{Drop: []string{"nope"}}, input: people, wantCode: s3err.CodeInvalidArgument, wantIs: csvfilter.ErrUnknownColumn},
		{name: "unknown predicate column", cfg: csvfilter.Config{Where: []csvfilter.Predicate{{Column: "nope", Op: "eq"}}}, input: people, wantCode: s3err.CodeInvalidArgument, wantIs: csvfilter.ErrUnknownColumn},
		{name: "unknown requested column", query: "columns=nope", input: people, wantCode: s3err.CodeInvalidArgument, wantIs: csvfilter.ErrUnknownColumn},
		{name: "everything dropped", cfg: csvfilter.Config{Drop: []string{"a"}}, input: "a\n1\n", wantCode: s3err.CodeInvalidArgument, wantIs: csvfilter.ErrUnknownColumn},
		{name: "bad quote in header", input: "a,\"b\n1,2\n", wantCode: s3err.CodeUnsupportedMediaType, wantIs: csvfilter.ErrMalformed},
		{name: "field count mismatch early", input: "a,b\n1\n", wantCode: s3err.CodeUnsupportedMediaType, wantIs: csvfilter.ErrMalformed},
		{name: "field too large before first byte", cfg: csvfilter.Config{MaxFieldBytes: 4}, input: "abcdefgh\n1\n", wantCode: s3err.CodeEntityTooLarge, wantIs: csvfilter.ErrTooLarge},
		{name: "row too large before first byte", cfg: csvfilter.Config{MaxRowBytes: 16}, input: strings.Repeat("x", 10000) + "\n", wantCode: s3err.CodeEntityTooLarge, wantIs: csvfilter.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := csvfilter.FromConfig(tt.cfg)
			require.NoError(t, err)
			out, got, err := run(t, f, object(tt.input, tt.query, tt.caller))
			if tt.wantCode != "" {
				require.Error(t, err)
				e, ok := errors.AsType[*s3err.Error](err)
				require.True(t, ok, "want an *s3err.Error, got %v", err)
				assert.Equal(t, tt.wantCode, e.Code)
				assert.ErrorIs(t, err, tt.wantIs)
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, "text/csv", out.Header.Get("Content-Type"))
			assert.Equal(t, int64(-1), out.Length)
		})
	}
}

func TestMidStreamErrorsArePlain(t *testing.T) {
	big := "a,b\n" + strings.Repeat("1,2\n", 20000)
	tests := []struct {
		name  string
		cfg   csvfilter.Config
		input string
		is    error
	}{
		{name: "field count", input: big + "1\n", is: csvfilter.ErrMalformed},
		{name: "bad quote", input: big + "\"x\"y,1\n", is: csvfilter.ErrMalformed},
		{name: "row too large", cfg: csvfilter.Config{MaxRowBytes: 1024}, input: big + "1," + strings.Repeat("z", 100000) + "\n", is: csvfilter.ErrTooLarge},
		{name: "quoted multi-line row too large", cfg: csvfilter.Config{MaxRowBytes: 1024}, input: big + "1,\"" + strings.Repeat("z\n", 50000) + "\"\n", is: csvfilter.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := csvfilter.FromConfig(tt.cfg)
			require.NoError(t, err)
			_, got, err := run(t, f, object(tt.input, "", transform.Caller{}))
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.is)
			_, isS3 := errors.AsType[*s3err.Error](err)
			assert.False(t, isS3, "after the first byte errors are plain: %v", err)
			assert.True(t, strings.HasPrefix(big, got), "output is a prefix of the valid rows")
			assert.NotEmpty(t, got)
		})
	}
}

type failing struct {
	r   io.Reader
	err error
}

func (f *failing) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

func TestSourceErrorPropagates(t *testing.T) {
	boom := errors.New("connection reset")
	f, err := csvfilter.New()
	require.NoError(t, err)
	obj := object("", "", transform.Caller{})
	obj.Body = &failing{r: strings.NewReader("a,b\n1,2\n3,"), err: boom}
	_, _, err = run(t, f, obj)
	assert.ErrorIs(t, err, boom)
}

func TestContentTypeDefault(t *testing.T) {
	for _, tc := range []struct{ delim, want string }{{",", "text/csv"}, {"tab", "text/tab-separated-values"}} {
		f, err := csvfilter.FromConfig(csvfilter.Config{Delimiter: tc.delim})
		require.NoError(t, err)
		obj := object("a\n1\n", "", transform.Caller{})
		obj.Header = http.Header{}
		out, _, err := run(t, f, obj)
		require.NoError(t, err)
		assert.Equal(t, tc.want, out.Header.Get("Content-Type"))
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f, err := csvfilter.New()
	require.NoError(t, err)
	out, err := transform.Run(ctx, f, object("a\n"+strings.Repeat("1\n", 100000), "", transform.Caller{}))
	require.NoError(t, err)
	cancel()
	_, err = io.ReadAll(out.Body)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestOneByteReaderMatchesBigRead(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,text,n\n")
	for i := range 3000 {
		switch i % 4 {
		case 0:
			b.WriteString("1,plain,5\n")
		case 1:
			b.WriteString("2,\"quoted, comma\",7\n")
		case 2:
			b.WriteString("3,\"multi\nline \"\"q\"\"\",9\n")
		default:
			b.WriteString("4,,11\n")
		}
	}
	input := b.String()
	cfgs := []csvfilter.Config{
		{},
		{Drop: []string{"id"}, Where: []csvfilter.Predicate{{Column: "n", Op: "gt", Value: "6"}}},
		{Keep: []string{"text"}, CRLF: true},
	}
	for _, cfg := range cfgs {
		f, err := csvfilter.FromConfig(cfg)
		require.NoError(t, err)
		_, whole, err := run(t, f, object(input, "", transform.Caller{}))
		require.NoError(t, err)
		obj := object("", "", transform.Caller{})
		obj.Body = iotest.OneByteReader(strings.NewReader(input))
		out, err := transform.Run(context.Background(), f, obj)
		require.NoError(t, err)
		var one bytes.Buffer
		_, err = io.Copy(&one, iotest.OneByteReader(out.Body))
		require.NoError(t, err)
		assert.Equal(t, whole, one.String())
		assert.NotEmpty(t, whole)
	}
}

// TestConfig builds Filters from payloads as transform.Configure does: the
// strict decoder refuses what is not a Config (decode), FromConfig what is
// not a valid one (config, wrapping ErrConfig).
func TestConfig(t *testing.T) {
	const ok, decode, config = "", "decode", "config"
	tests := []struct {
		name    string
		payload string
		fail    string
	}{
		{"empty", "", ok},
		{"full", `{"delimiter":"tab","keep":["a"],"drop":["b"],"where":[{"column":"a","op":"regex","value":"^x"}],"access":{"allow":{"r":["a"]},"default":["a"]},"crlf":true,"lazyQuotes":true,"maxFieldBytes":10,"maxRowBytes":100}`, ok},
		{"headers", `{"noHeader":true,"omitHeader":true}`, ok},
		{"semicolon", `{"delimiter":";"}`, ok},
		{"unknown field", `{"keeep":["a"]}`, decode},
		{"snake case", `{"no_header":true}`, decode},
		{"bad delimiter", `{"delimiter":"ab"}`, config},
		{"quote delimiter", `{"delimiter":"\""}`, config},
		{"bad op", `{"where":[{"column":"a","op":"like","value":"x"}]}`, config},
		{"bad regex", `{"where":[{"column":"a","op":"regex","value":"("}]}`, config},
		{"bad number", `{"where":[{"column":"a","op":"lt","value":"ten"}]}`, config},
		{"predicate without column", `{"where":[{"op":"eq","value":"x"}]}`, config},
		{"empty keep column", `{"keep":[""]}`, config},
		{"empty access", `{"access":{}}`, config},
		{"access entry without columns", `{"access":{"allow":{"r":[]}}}`, config},
		{"negative limit", `{"maxRowBytes":-1}`, config},
		{"trailing", `{} 1`, decode},
		{"array", `[]`, decode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := transformtest.FromPayload([]byte(tt.payload), csvfilter.FromConfig)
			switch tt.fail {
			case config:
				assert.ErrorIs(t, err, csvfilter.ErrConfig)
			case decode:
				require.Error(t, err)
				assert.NotErrorIs(t, err, csvfilter.ErrConfig)
			default:
				require.NoError(t, err)
				assert.Equal(t, transform.Properties{}, transform.Describe(f))
			}
		})
	}
}

func TestOptionsOverrideConfig(t *testing.T) {
	f, err := csvfilter.FromConfig(csvfilter.Config{Keep: []string{"a"}}, csvfilter.Keep("b"), csvfilter.Drop("a"),
		csvfilter.Where("b", csvfilter.OpNe, "skip"), csvfilter.WithDelimiter(';'), csvfilter.WithOmitHeader(true),
		csvfilter.WithCRLF(true), csvfilter.WithLimits(100, 1000), csvfilter.WithColumnsParam("-"))
	require.NoError(t, err)
	_, got, err := run(t, f, object("a;b\n1;keep\n2;skip\n", "columns=zzz", transform.Caller{}))
	require.NoError(t, err)
	assert.Equal(t, "keep\r\n", got)

	f, err = csvfilter.New(csvfilter.WithAccess(csvfilter.Access{Default: []string{"a"}}))
	require.NoError(t, err)
	_, got, err = run(t, f, object("a,b\n1,2\n", "", transform.Caller{}))
	require.NoError(t, err)
	assert.Equal(t, "a\n1\n", got)
}

// TestHeaderOptions: WithNoHeader and WithOmitHeader are the Config's
// NoHeader and OmitHeader, each on its own.
func TestHeaderOptions(t *testing.T) {
	tests := []struct {
		name string
		opts []csvfilter.Option
		want string
	}{
		{"defaults", nil, "a,b\n1,2\n"},
		{"no header", []csvfilter.Option{csvfilter.WithNoHeader(true)}, "a,b\n1,2\n"},
		{"no header, drop column 1", []csvfilter.Option{csvfilter.WithNoHeader(true), csvfilter.Drop("1")}, "b\n2\n"},
		{"omit header", []csvfilter.Option{csvfilter.WithOmitHeader(true)}, "1,2\n"},
		{"both", []csvfilter.Option{csvfilter.WithNoHeader(true), csvfilter.WithOmitHeader(true)}, "a,b\n1,2\n"},
		{"switched off again", []csvfilter.Option{csvfilter.WithOmitHeader(true), csvfilter.WithOmitHeader(false)}, "a,b\n1,2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := csvfilter.New(tt.opts...)
			require.NoError(t, err)
			_, got, err := run(t, f, object("a,b\n1,2\n", "", transform.Caller{}))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseNumberMatchesStrconv(t *testing.T) {
	for _, s := range []string{"0", "-0", "+1", "12.50", "0.1", "1.", ".5", "-.5", "+.", ".", "", "-", "1e3", " 7 ", "007",
		"123456789012345", "1234567890123456", "0.000000000000001", "99999999999999.9", "1_0", "inf", "NaN", "0x10", "1..2", "\u00a012"} {
		want, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		got, ok := csvfilter.ParseNumber([]byte(s))
		assert.Equal(t, err == nil, ok, "%q", s)
		if err == nil && !math.IsNaN(want) {
			assert.Equal(t, math.Float64bits(want), math.Float64bits(got), "%q", s)
		}
	}
}

// TestClosePassesThrough: closing the filtered body closes the upstream
// body, whether it was read to the end or not.
func TestClosePassesThrough(t *testing.T) {
	f, err := csvfilter.FromConfig(csvfilter.Config{Drop: []string{"ssn"}})
	require.NoError(t, err)
	for _, n := range []int64{0, 10, 1 << 20} {
		closes, err := transformtest.CloseOutput(f, transformtest.Input{Body: []byte(people), ContentType: "text/csv"}, n)
		require.NoError(t, err)
		assert.Equal(t, 1, closes, "after reading %d bytes", n)
	}
}
