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
			c := Configured(tt.section, build)
			for range 3 {
				in := newObject("abc")
				in.Request.Payload = []byte(tt.payload)
				out, err := Run(context.Background(), c, in)
				if tt.code != "" {
					e, ok := s3err.As(err)
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
	c := Configured("", func([]byte) (Transform, error) { return nil, nil })
	_, err := Run(context.Background(), c, newObject("a"))
	assert.Error(t, err)
	c = Configured("", func([]byte) (Transform, error) { return nil, errors.New("no") })
	_, err = Run(context.Background(), c, newObject("a"))
	assert.Error(t, err)
}

func TestConfiguredCacheBound(t *testing.T) {
	var builds atomic.Int32
	c := Configured("", func([]byte) (Transform, error) { builds.Add(1); return Identity(), nil }).(*configured)
	for i := range maxConfigured + 10 {
		_, err := c.get([]byte(strings.Repeat("x", i)))
		require.NoError(t, err)
	}
	assert.LessOrEqual(t, len(c.cache), maxConfigured)
	assert.EqualValues(t, maxConfigured+10, builds.Load())
}
