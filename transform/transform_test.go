package transform

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type suffix struct{ s string }

func (x suffix) Apply(_ context.Context, o *Object) (*Object, error) {
	o.Body = io.MultiReader(o.Body, strings.NewReader(x.s))
	if o.Length >= 0 {
		o.Length += int64(len(x.s))
	}
	return o, nil
}

func (x suffix) OutputLength(_ http.Header, n int64) (int64, bool) { return n + int64(len(x.s)), true }

func newObject(body string) *Object {
	h := http.Header{}
	h.Set("ETag", `"e"`)
	h.Set("X-Amz-Checksum-Crc32", "abc=")
	h.Set("Content-Md5", "x")
	h.Set("Content-Length", "3")
	h.Set("Content-Type", "text/plain")
	return &Object{Body: strings.NewReader(body), Header: h, Length: int64(len(body)), Request: &Request{Operation: "GetObject"}}
}

func TestRunHeaderRules(t *testing.T) {
	tests := []struct {
		name        string
		t           Transform
		keepETag    bool
		wantLength  int64
		wantBody    string
		wantOutLen  int64
		outLenKnown bool
	}{
		{name: "identity keeps everything", t: Identity(), keepETag: true, wantLength: 3, wantBody: "abc", wantOutLen: 3, outLenKnown: true},
		{name: "range-safe keeps length, drops etag", t: Declare(Func(func(_ context.Context, o *Object) (*Object, error) { return o, nil }), Properties{RangeSafe: true}), wantLength: 3, wantBody: "abc", wantOutLen: 3, outLenKnown: true},
		{name: "undeclared loses length", t: Func(func(_ context.Context, o *Object) (*Object, error) { return o, nil }), wantLength: -1, wantBody: "abc", wantOutLen: -1},
		{name: "length stater", t: suffix{"!!"}, wantLength: -1, wantBody: "abc!!", wantOutLen: 5, outLenKnown: true},
		{name: "chain of identity and stater", t: Chain(Identity(), suffix{"!"}, suffix{"?"}), wantLength: -1, wantBody: "abc!?", wantOutLen: 5, outLenKnown: true},
		{name: "declared length stater", t: Declare(suffix{"!!"}, Properties{}), wantLength: -1, wantBody: "abc!!", wantOutLen: 5, outLenKnown: true},
		{name: "empty chain is identity", t: Chain(), keepETag: true, wantLength: 3, wantBody: "abc", wantOutLen: 3, outLenKnown: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newObject("abc")
			out, err := Run(context.Background(), tt.t, in)
			require.NoError(t, err)
			assert.Equal(t, `"e"`, in.Header.Get("ETag"), "the input header is never modified")
			assert.Empty(t, out.Header.Get("Content-Length"))
			assert.Equal(t, "text/plain", out.Header.Get("Content-Type"))
			if tt.keepETag {
				assert.Equal(t, `"e"`, out.Header.Get("ETag"))
				assert.Equal(t, "abc=", out.Header.Get("X-Amz-Checksum-Crc32"))
			} else {
				assert.Empty(t, out.Header.Get("ETag"))
				assert.Empty(t, out.Header.Get("X-Amz-Checksum-Crc32"))
				assert.Empty(t, out.Header.Get("Content-Md5"))
			}
			if tt.wantLength >= 0 {
				assert.Equal(t, tt.wantLength, out.Length)
			}
			b, err := io.ReadAll(out.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.wantBody, string(b))
			n, ok := outputLength(tt.t, in.Header, 3)
			assert.Equal(t, tt.outLenKnown, ok)
			if ok {
				assert.Equal(t, tt.wantOutLen, n)
			}
		})
	}
}

func TestRunPanicsAndErrors(t *testing.T) {
	_, err := Run(context.Background(), Func(func(context.Context, *Object) (*Object, error) { panic("x") }), newObject("a"))
	require.ErrorIs(t, err, ErrPanic)

	out, err := Run(context.Background(), Func(func(_ context.Context, o *Object) (*Object, error) {
		o.Body = io.MultiReader(strings.NewReader("ok"), panicky{})
		return o, nil
	}), newObject("a"))
	require.NoError(t, err)
	b, err := io.ReadAll(out.Body)
	assert.Equal(t, "ok", string(b))
	require.ErrorIs(t, err, ErrPanic)
	_, err = out.Body.Read(make([]byte, 1))
	require.ErrorIs(t, err, ErrPanic, "a failed body stays failed")

	boom := errors.New("boom")
	_, err = Run(context.Background(), Func(func(context.Context, *Object) (*Object, error) { return nil, boom }), newObject("a"))
	require.ErrorIs(t, err, boom)
	_, err = Run(context.Background(), Func(func(context.Context, *Object) (*Object, error) { return nil, nil }), newObject("a"))
	require.Error(t, err)
	_, err = Run(context.Background(), Identity(), nil)
	require.Error(t, err)
}

type panicky struct{}

func (panicky) Read([]byte) (int, error) { panic("read") }

func TestChainProperties(t *testing.T) {
	rs := Declare(Identity(), Properties{RangeSafe: true})
	lp := Declare(Identity(), Properties{LengthPreserving: true})
	assert.Equal(t, Properties{BodyUnchanged: true, LengthPreserving: true, RangeSafe: true}, Describe(Chain(Identity(), Identity())))
	assert.Equal(t, Properties{LengthPreserving: true, RangeSafe: true}, Describe(Chain(Identity(), rs)))
	assert.Equal(t, Properties{LengthPreserving: true}, Describe(Chain(rs, lp)))
	assert.Equal(t, Properties{}, Describe(Chain(rs, Func(nil))))
	assert.Equal(t, Properties{}, Describe(Func(nil)))
	assert.Len(t, Chain(Chain(rs, lp), nil, Identity()).(chain), 3, "chains flatten and skip nil")
}

func TestOneByteReaderEquivalence(t *testing.T) {
	ch := Chain(suffix{"1"}, Identity(), suffix{"2"})
	in1 := newObject("hello world")
	in2 := newObject("hello world")
	in2.Body = iotest.OneByteReader(in2.Body)
	o1, err := Run(context.Background(), ch, in1)
	require.NoError(t, err)
	o2, err := Run(context.Background(), ch, in2)
	require.NoError(t, err)
	b1, _ := io.ReadAll(o1.Body)
	b2, _ := io.ReadAll(o2.Body)
	assert.Equal(t, b1, b2)
	assert.Equal(t, "hello world12", string(b1))
}

func TestCallerMatches(t *testing.T) {
	role := Caller{
		ARN:              "arn:aws:sts::111122223333:assumed-role/analyst/ana",
		SessionIssuerARN: "arn:aws:iam::111122223333:role/analyst",
	}
	user := Caller{ARN: "arn:aws:iam::111122223333:user/bob"}
	tests := []struct {
		name     string
		caller   Caller
		patterns []string
		want     bool
	}{
		{"the session's own ARN", role, []string{"arn:aws:sts::111122223333:assumed-role/analyst/ana"}, true},
		{"the role behind the session", role, []string{"arn:aws:iam::111122223333:role/analyst"}, true},
		{"any session of the role", role, []string{"arn:aws:sts::111122223333:assumed-role/analyst/*"}, true},
		{"'*' in the middle, as IAM", role, []string{"arn:aws:iam::*:role/analyst"}, true},
		{"'?' is one character", user, []string{"arn:aws:iam::111122223333:user/bo?"}, true},
		{"'?' is not two", user, []string{"arn:aws:iam::111122223333:user/b?"}, false},
		{"another role", role, []string{"arn:aws:iam::111122223333:role/auditor"}, false},
		{"a prefix is not a match", user, []string{"arn:aws:iam::111122223333:user/bo"}, false},
		{"one of several", user, []string{"arn:aws:iam::111122223333:role/x", "arn:aws:iam::111122223333:user/*"}, true},
		{"no patterns", user, nil, false},
		{"an anonymous caller matches nothing, not even *", Caller{}, []string{"*"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.caller.Matches(tt.patterns...))
		})
	}
}

func TestRequestQuery(t *testing.T) {
	var r *Request
	assert.Equal(t, "", r.Query("x"))
}

// TestRunUnchangedAndDelegates: a body marked Unchanged keeps the input's
// length and body-dependent headers; Configure and Chain leave the length
// and the headers to the transforms they apply.
func TestRunUnchangedAndDelegates(t *testing.T) {
	peek := Func(func(_ context.Context, o *Object) (*Object, error) {
		o.Body = Unchanged(bufio.NewReader(o.Body))
		return o, nil
	})
	sameLength := Declare(Func(func(_ context.Context, o *Object) (*Object, error) {
		o.Body = io.MultiReader(o.Body)
		return o, nil
	}), Properties{LengthPreserving: true})
	configured := func(inner Transform) Transform {
		return newConfigured("", func([]byte) (Transform, error) { return inner, nil })
	}
	tests := []struct {
		name   string
		t      Transform
		length int64
		etag   string
	}{
		{name: "Unchanged", t: peek, length: 5, etag: `"e"`},
		{name: "Unchanged inside Configured", t: configured(peek), length: 5, etag: `"e"`},
		{name: "length-preserving inside Configured", t: configured(sameLength), length: 5},
		{name: "Configured inside a Chain", t: Chain(configured(sameLength), configured(peek)), length: 5},
		{name: "a plain Func", t: Func(func(_ context.Context, o *Object) (*Object, error) { return o, nil }), length: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &Object{Body: strings.NewReader("hello"), Header: http.Header{"Etag": {`"e"`}, "X-Amz-Checksum-Crc32": {"c"}}, Length: 5, Request: &Request{}}
			out, err := Run(context.Background(), tt.t, in)
			require.NoError(t, err)
			assert.Equal(t, tt.length, out.Length)
			assert.Equal(t, tt.etag, out.Header.Get("Etag"))
			b, err := io.ReadAll(out.Body)
			require.NoError(t, err)
			assert.Equal(t, "hello", string(b))
		})
	}
}
