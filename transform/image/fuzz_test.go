package image_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	imagex "github.com/objectlambda/sdk-go/transform/image"
)

// FuzzDecode feeds arbitrary bytes as an image under small limits: no
// panic, every failure an S3 error, every success a bounded image.
func FuzzDecode(f *testing.F) {
	f.Add(encPNG(f, gradient(8, 8, true)), "width=4")
	f.Add(encJPEG(f, gradient(8, 8, false)), "format=png")
	f.Add(encGIF(f, gradient(8, 8, false)), "height=3&format=jpeg")
	f.Add(pngBomb(1<<20, 1<<20), "")
	f.Add([]byte("GIF89a"), "")
	tr, err := imagex.FromConfig(imagex.Config{MaxPixels: 1 << 16, MaxInputBytes: 1 << 16, MaxWidth: 128, MaxHeight: 128})
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
