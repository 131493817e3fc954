package transform

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigured(t *testing.T) {
	var builds atomic.Int32
	build := func(p []byte) (Transform, error) {
		builds.Add(1)
		var cfg struct {
			Suffix string `json:"suffix"`
		}
		if len(p) > 0 {
			dec := json.NewDecoder(strings.NewReader(string(p)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&cfg); err != nil {
				return nil, err
			}
		}
		if cfg.Suffix == "" {
			return Identity(), nil
		}
		return suffix{cfg.Suffix}, nil
	}
	tests := []struct {
		name, section, payload, want, code string
	}{
		{name: "whole payload", payload: `{"suffix":"!"}`, want: "abc!"},
		{name: "empty payload", payload: ``, want: "abc"},
		{name: "section", section: "tail", payload: `{"tail":{"suffix":"?"},"other":{"x":1}}`, want: "abc?"},
		{name: "missing section", section: "tail", payload: `{"other":{}}`, want: "abc"},
		{name: "bad payload", payload: `{"suffx":"!"}`, code: "InvalidPayload"},
		{name: "section of a non-object", section: "tail", payload: `[1]`, code: "InvalidPayload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			builds.Store(0)
			c := newConfigured(tt.section, build)
			for range 3 {
				in := newObject("abc")
				in.Request.Payload = []byte(tt.payload)
				out, err := Run(context.Background(), c, in)
				if tt.code != "" {
					e, ok := errors.AsType[*s3err.Error](err)
					require.True(t, ok, "%v", err)
					assert.Equal(t, 500, e.StatusCode)
					assert.Equal(t, tt.code, e.Code)
					continue
				}
				require.NoError(t, err)
				b, err := io.ReadAll(out.Body)
				require.NoError(t, err)
				assert.Equal(t, tt.want, string(b))
			}
			wantBuilds := 1
			if tt.name == "section of a non-object" {
				wantBuilds = 0 // refused before build is called
			}
			assert.EqualValues(t, wantBuilds, builds.Load(), "built at most once per distinct payload")
		})
	}
	c := newConfigured("", func([]byte) (Transform, error) { return nil, nil })
	_, err := Run(context.Background(), c, newObject("a"))
	assert.Error(t, err)
	c = newConfigured("", func([]byte) (Transform, error) { return nil, errors.New("no") })
	_, err = Run(context.Background(), c, newObject("a"))
	assert.Error(t, err)
}

func TestConfiguredCacheBound(t *testing.T) {
	var builds atomic.Int32
	c := newConfigured("", func([]byte) (Transform, error) { builds.Add(1); return Identity(), nil }).(*configured)
	for i := range maxConfigured + 10 {
		_, err := c.get([]byte(strings.Repeat("x", i)))
		require.NoError(t, err)
	}
	assert.LessOrEqual(t, len(c.cache), maxConfigured)
	assert.EqualValues(t, maxConfigured+10, builds.Load())
}

func TestConfigure(t *testing.T) {
	type cfg struct {
		Suffix string `json:"suffix"`
	}
	c := Configure("tail", func(c cfg) (Transform, error) {
		if c.Suffix == "" {
			return nil, errors.New("suffix is required")
		}
		return suffix{c.Suffix}, nil
	})
	for payload, want := range map[string]string{
		`{"tail":{"suffix":"!"}}`: "abc!",
		`{"tail":{"sufix":"!"}}`:  "InvalidPayload",
		`{"tail":{}}`:             "InvalidPayload",
		`{}`:                      "InvalidPayload",
	} {
		in := newObject("abc")
		in.Request.Payload = []byte(payload)
		out, err := Run(context.Background(), c, in)
		if want == "InvalidPayload" {
			e, ok := errors.AsType[*s3err.Error](err)
			require.True(t, ok, payload)
			assert.Equal(t, "InvalidPayload", e.Code, payload)
			continue
		}
		require.NoError(t, err, payload)
		b, _ := io.ReadAll(out.Body)
		assert.Equal(t, want, string(b), payload)
		n, ok := outputLength(Configure("", func(cfg) (Transform, error) { return Identity(), nil }), nil, 3)
		assert.False(t, ok, "a configured transform states nothing: %d", n)
	}
}

func TestHeadersOnly(t *testing.T) {
	b := HeadersOnly()
	assert.True(t, IsHeadersOnly(b))
	assert.False(t, IsHeadersOnly(strings.NewReader("")))
	_, err := b.Read(make([]byte, 1))
	assert.ErrorIs(t, err, ErrHeadersOnly)
	out, err := Run(context.Background(), Identity(), &Object{Body: b, Header: nil, Length: 3})
	require.NoError(t, err)
	assert.True(t, IsHeadersOnly(out.Body), "still recognised behind Run's guard")
}
