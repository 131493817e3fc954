package image

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/internal/strictjson"
	"github.com/objectlambda/sdk-go/transform"
)

// FuzzParams fuzzes the configuration parsers: payload JSON (decoded as
// transform.Configure decodes it), query string and Accept header. Whatever is accepted stays within the limits.
func FuzzParams(f *testing.F) {
	f.Add([]byte(`{"width":100,"maxWidth":200}`), "width=50&height=20&format=jpg&quality=9", "image/png;q=0.5, image/*")
	f.Add([]byte(``), "width=-1", "")
	f.Add([]byte(`{"format":"png","ignoreRequest":true}`), "format=jpeg", "*/*;q=abc")
	f.Add([]byte(`{"quality":1}`), "quality=0x10&width=1e3", "image/jpeg;q=NaN")
	f.Fuzz(func(t *testing.T, payload []byte, query, accept string) {
		var cfg Config
		if strictjson.Decode(payload, &cfg) != nil {
			return
		}
		tr, err := FromConfig(cfg)
		if err != nil {
			require.ErrorIs(t, err, ErrConfig)
			return
		}
		req := &transform.Request{URL: &url.URL{RawQuery: query}, Header: http.Header{"Accept": {accept}}}
		p, err := tr.resolve(req)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidParam)
			return
		}
		require.GreaterOrEqual(t, p.Width, 0)
		require.LessOrEqual(t, p.Width, 1<<15)
		require.GreaterOrEqual(t, p.Height, 0)
		require.LessOrEqual(t, p.Height, 1<<15)
		require.True(t, p.Quality >= 1 && p.Quality <= 100)
		require.Contains(t, []string{"", PNG, JPEG}, p.Format)
	})
}

// TestOptions: options apply after the Config and override it.
func TestOptions(t *testing.T) {
	tr, err := FromConfig(Config{Width: 10}, WithSize(0, 10), WithFormat("jpeg"),
		WithQuality(60), WithLimits(1<<20, 1<<20, 500, 500), WithUpscale(true),
		WithInterpolation("catmullrom"), WithIgnoreRequest(true))
	require.NoError(t, err)
	p, err := tr.resolve(&transform.Request{URL: &url.URL{RawQuery: "width=99"}})
	require.NoError(t, err)
	assert.Equal(t, params{Width: 0, Height: 10, Format: JPEG, Quality: 60}, p)
}
