package compress_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/internal/strictjson"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/compress"
)

// FuzzDecompress feeds arbitrary bytes to the decoders under tight limits:
// no panic, output never beyond the cap, errors before the first byte are S3
// errors, and chunking does not change the result.
func FuzzDecompress(f *testing.F) {
	f.Add(gz(f, []byte("hello, world")), "a.gz", "")
	f.Add(zst(f, []byte("hello, world")), "a.zst", "")
	f.Add(gz(f, make([]byte, 100000)), "blob", "")
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}, "x", "gzip")
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0x58}, "x", "zstd")
	f.Add([]byte("plain"), "a.txt", "br")
	const limit = 64 << 10
	d, err := compress.NewDecompressor(compress.WithMaxOutputBytes(limit), compress.WithMaxRatio(50, 4096), compress.WithMaxWindowBytes(1<<20))
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, data []byte, key, encoding string) {
		read := func(oneByte bool) ([]byte, error) {
			obj := object(data, key, hdr("Content-Encoding", encoding))
			if oneByte {
				obj.Body = iotest.OneByteReader(bytes.NewReader(data))
			}
			out, err := transform.Run(context.Background(), d, obj)
			if err != nil {
				_, ok := errors.AsType[*s3err.Error](err)
				require.True(t, ok, "Apply errors are S3 errors: %v", err)
				return nil, err
			}
			got, err := io.ReadAll(out.Body)
			if err != nil && len(got) == 0 {
				_, ok := errors.AsType[*s3err.Error](err)
				require.True(t, ok, "errors before the first byte are S3 errors: %v", err)
			}
			return got, err
		}
		whole, err1 := read(false)
		require.LessOrEqual(t, len(whole), limit)
		one, err2 := read(true)
		require.Equal(t, err1 == nil, err2 == nil)
		if err1 == nil {
			require.Equal(t, whole, one)
		}
	})
}

// FuzzRoundTrip checks Compress then Decompress is the identity.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("hello"), uint8(0), false)
	f.Add(bytes.Repeat([]byte("ab"), 5000), uint8(9), true)
	f.Add([]byte{}, uint8(3), true)
	f.Fuzz(func(t *testing.T, data []byte, level uint8, useZstd bool) {
		enc, lvl := compress.Gzip, int(level%10)
		if useZstd {
			enc, lvl = compress.Zstd, int(level%23)
		}
		c, err := compress.NewCompressor(compress.WithEncoding(enc), compress.WithLevel(lvl))
		require.NoError(t, err)
		_, packed, err := run(t, c, object(data, "k", nil))
		require.NoError(t, err)
		d, err := compress.NewDecompressor(compress.WithMaxRatio(-1, 0))
		require.NoError(t, err)
		_, back, err := run(t, d, object(packed, "k", hdr("Content-Encoding", enc)))
		require.NoError(t, err)
		require.Equal(t, len(data), len(back))
		require.True(t, bytes.Equal(data, back))
	})
}

// FuzzPayload: any payload, decoded as transform.Configure decodes it,
// either is refused by the decoder or configures a transform through
// FromConfig or fails with ErrConfig; never panics.
func FuzzPayload(f *testing.F) {
	f.Add([]byte(`{"mode":"decompress","maxOutputBytes":1000,"maxRatio":50}`))
	f.Add([]byte(`{"mode":"compress","encoding":"auto","level":3}`))
	f.Add([]byte(`{"contentTypes":{".x":"a/b"}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		var cfg compress.Config
		if strictjson.Decode(payload, &cfg) != nil {
			return
		}
		tr, err := compress.FromConfig(cfg)
		if err != nil {
			require.ErrorIs(t, err, compress.ErrConfig)
			return
		}
		require.NotNil(t, tr)
	})
}
