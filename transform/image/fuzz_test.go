package image_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	imagex "github.com/objectlambda/sdk-go/transform/image"
)

// FuzzParams fuzzes the configuration parsers: payload JSON, query string
// and Accept header. Whatever is accepted stays within the limits.
func FuzzParams(f *testing.F) {
	f.Add([]byte(`{"width":100,"maxWidth":200}`), "width=50&height=20&format=jpg&quality=9", "image/png;q=0.5, image/*")
	f.Add([]byte(``), "width=-1", "")
	f.Add([]byte(`{"format":"png","ignoreRequest":true}`), "format=jpeg", "*/*;q=abc")
	f.Add([]byte(`{"quality":1}`), "quality=0x10&width=1e3", "image/jpeg;q=NaN")
	f.Fuzz(func(t *testing.T, payload []byte, query, accept string) {
		tr, err := imagex.FromPayload(payload)
		if err != nil {
			require.ErrorIs(t, err, imagex.ErrConfig)
			return
		}
		req := &transform.Request{URL: &url.URL{RawQuery: query}, Header: http.Header{"Accept": {accept}}}
		p, err := tr.Params(req)
		if err != nil {
			require.ErrorIs(t, err, imagex.ErrInvalidParam)
			return
		}
		require.GreaterOrEqual(t, p.Width, 0)
		require.LessOrEqual(t, p.Width, 1<<15)
		require.GreaterOrEqual(t, p.Height, 0)
		require.LessOrEqual(t, p.Height, 1<<15)
		require.True(t, p.Quality >= 1 && p.Quality <= 100)
		require.Contains(t, []string{"", imagex.PNG, imagex.JPEG}, p.Format)
	})
}

// FuzzDecode feeds arbitrary bytes as an image under small limits: no
// panic, every failure an S3 error, every success a bounded image.
func FuzzDecode(f *testing.F) {
	f.Add(encPNG(f, gradient(8, 8, true)), "width=4")
	f.Add(encJPEG(f, gradient(8, 8, false)), "format=png")
	f.Add(encGIF(f, gradient(8, 8, false)), "height=3&format=jpeg")
	f.Add(pngBomb(1<<20, 1<<20), "")
	f.Add([]byte("GIF89a"), "")
	tr, err := imagex.New(imagex.Config{MaxPixels: 1 << 16, MaxInputBytes: 1 << 16, MaxWidth: 128, MaxHeight: 128})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, data []byte, query string) {
		obj := object(data, query, "")
		out, err := transform.Run(context.Background(), tr, obj)
		if err != nil {
			_, ok := errors.AsType[*s3err.Error](err)
			require.True(t, ok, "errors are S3 errors: %v", err)
			return
		}
		var b bytes.Buffer
		_, err = b.ReadFrom(out.Body)
		require.NoError(t, err)
		require.Equal(t, int64(b.Len()), out.Length)
	})
}
