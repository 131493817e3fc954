package image_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	stdimage "image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	imagex "github.com/objectlambda/sdk-go/transform/image"
	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// gradient returns a w×h image with a transparent left column when alpha.
func gradient(w, h int, alpha bool) *stdimage.NRGBA {
	img := stdimage.NewNRGBA(stdimage.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			a := uint8(255)
			if alpha && x == 0 {
				a = 0
			}
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / max(w-1, 1)), uint8(y * 255 / max(h-1, 1)), 128, a})
		}
	}
	return img
}

func encPNG(t testing.TB, img stdimage.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

func encJPEG(t testing.TB, img stdimage.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}))
	return b.Bytes()
}

func encGIF(t testing.TB, img stdimage.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, gif.Encode(&b, img, &gif.Options{NumColors: 256}))
	return b.Bytes()
}

// pngBomb is a valid PNG signature and IHDR claiming w×h, with no data.
func pngBomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := append([]byte("IHDR"), ihdr...)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// gifBomb patches the logical screen size of a small GIF.
func gifBomb(t testing.TB, w, h uint16) []byte {
	data := encGIF(t, gradient(4, 4, false))
	binary.LittleEndian.PutUint16(data[6:], w)
	binary.LittleEndian.PutUint16(data[8:], h)
	return data
}

func object(body []byte, query string, accept string) *transform.Object {
	h := http.Header{}
	if accept != "" {
		h.Set("Accept", accept)
	}
	return &transform.Object{
		Body:    bytes.NewReader(body),
		Header:  http.Header{"Content-Type": {"application/octet-stream"}, "Etag": {`"x"`}},
		Length:  int64(len(body)),
		Request: &transform.Request{Operation: "GetObject", Key: "pic", URL: &url.URL{Path: "/pic", RawQuery: query}, Header: h},
	}
}

func run(t testing.TB, tr transform.Transform, obj *transform.Object) (*transform.Object, []byte, error) {
	t.Helper()
	out, err := transform.Run(context.Background(), tr, obj)
	if err != nil {
		return nil, nil, err
	}
	b, err := io.ReadAll(out.Body)
	return out, b, err
}

func TestTransform(t *testing.T) {
	pngSrc := encPNG(t, gradient(400, 200, true))
	jpgSrc := encJPEG(t, gradient(300, 150, false))
	gifSrc := encGIF(t, gradient(120, 60, false))
	tests := []struct {
		name     string
		cfg      imagex.Config
		input    []byte
		query    string
		accept   string
		wantType string
		wantW    int
		wantH    int
		wantVary bool
		wantCode string
		wantIs   error
	}{
		{name: "png width keeps aspect", input: pngSrc, query: "width=100", wantType: "image/png", wantW: 100, wantH: 50},
		{name: "png height keeps aspect", input: pngSrc, query: "height=20", wantType: "image/png", wantW: 40, wantH: 20},
		{name: "both stretch", input: pngSrc, query: "width=50&height=50", wantType: "image/png", wantW: 50, wantH: 50},
		{name: "no upscale", input: pngSrc, query: "width=800", wantType: "image/png", wantW: 400, wantH: 200},
		{name: "no upscale keeps requested aspect", input: pngSrc, query: "width=800&height=800", wantType: "image/png", wantW: 200, wantH: 200},
		{name: "upscale allowed", cfg: imagex.Config{AllowUpscale: true}, input: pngSrc, query: "width=800", wantType: "image/png", wantW: 800, wantH: 400},
		{name: "png to jpeg", input: pngSrc, query: "format=jpg&width=40&quality=50", wantType: "image/jpeg", wantW: 40, wantH: 20},
		{name: "jpeg to png", input: jpgSrc, query: "format=PNG", wantType: "image/png", wantW: 300, wantH: 150},
		{name: "jpeg stays jpeg", input: jpgSrc, query: "width=30", wantType: "image/jpeg", wantW: 30, wantH: 15},
		{name: "gif becomes png", input: gifSrc, query: "width=60", wantType: "image/png", wantW: 60, wantH: 30},
		{name: "bilinear", cfg: imagex.Config{Interpolation: "bilinear"}, input: gifSrc, query: "width=12", wantType: "image/png", wantW: 12, wantH: 6},
		{name: "accept prefers jpeg", input: pngSrc, accept: "image/jpeg, image/png;q=0.5", wantType: "image/jpeg", wantW: 400, wantH: 200, wantVary: true},
		{name: "accept wildcard keeps png", input: pngSrc, accept: "image/*", wantType: "image/png", wantW: 400, wantH: 200, wantVary: true},
		{name: "accept neither keeps natural", input: jpgSrc, accept: "image/webp", wantType: "image/jpeg", wantW: 300, wantH: 150, wantVary: true},
		{name: "format param beats accept", input: pngSrc, query: "format=png", accept: "image/jpeg", wantType: "image/png", wantW: 400, wantH: 200, wantVary: true},
		{name: "payload defaults", cfg: imagex.Config{Width: 80, Format: "jpeg"}, input: pngSrc, wantType: "image/jpeg", wantW: 80, wantH: 40},
		{name: "query overrides payload", cfg: imagex.Config{Width: 80}, input: pngSrc, query: "width=20", wantType: "image/png", wantW: 20, wantH: 10},
		{name: "ignore request", cfg: imagex.Config{Width: 80, IgnoreRequest: true}, input: pngSrc, query: "width=20&format=bogus", accept: "image/jpeg", wantType: "image/png", wantW: 80, wantH: 40},
		{name: "large source fits max output", cfg: imagex.Config{MaxWidth: 100, MaxHeight: 100}, input: pngSrc, wantType: "image/png", wantW: 100, wantH: 50},
		{name: "tiny result at least one pixel", input: pngSrc, query: "height=1", wantType: "image/png", wantW: 2, wantH: 1},
		// errors
		{name: "bad width", input: pngSrc, query: "width=abc", wantCode: s3err.CodeInvalidArgument, wantIs: imagex.ErrInvalidParam},
		{name: "zero width", input: pngSrc, query: "width=0", wantCode: s3err.CodeInvalidArgument, wantIs: imagex.ErrInvalidParam},
		{name: "width above max", input: pngSrc, query: "width=5000", wantCode: s3err.CodeInvalidArgument, wantIs: imagex.ErrInvalidParam},
		{name: "bad format", input: pngSrc, query: "format=webp", wantCode: s3err.CodeInvalidArgument, wantIs: imagex.ErrInvalidParam},
		{name: "bad quality", input: pngSrc, query: "quality=101", wantCode: s3err.CodeInvalidArgument, wantIs: imagex.ErrInvalidParam},
		{name: "not an image", input: []byte("hello, world"), wantCode: s3err.CodeUnsupportedMediaType, wantIs: imagex.ErrUnsupported},
		{name: "empty", input: nil, wantCode: s3err.CodeUnsupportedMediaType, wantIs: imagex.ErrUnsupported},
		{name: "truncated png", input: pngSrc[:len(pngSrc)/2], wantCode: s3err.CodeUnsupportedMediaType, wantIs: imagex.ErrUnsupported},
		{name: "truncated header", input: pngSrc[:12], wantCode: s3err.CodeUnsupportedMediaType, wantIs: imagex.ErrUnsupported},
		{name: "png bomb refused before decoding", input: pngBomb(100000, 100000), wantCode: s3err.CodeEntityTooLarge, wantIs: imagex.ErrTooLarge},
		{name: "gif bomb refused before decoding", input: gifBomb(t, 65535, 65535), wantCode: s3err.CodeEntityTooLarge, wantIs: imagex.ErrTooLarge},
		{name: "pixel limit", cfg: imagex.Config{MaxPixels: 1000}, input: pngSrc, wantCode: s3err.CodeEntityTooLarge, wantIs: imagex.ErrTooLarge},
		{name: "input byte limit", cfg: imagex.Config{MaxInputBytes: 100}, input: pngSrc, wantCode: s3err.CodeEntityTooLarge, wantIs: imagex.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := imagex.FromConfig(tt.cfg)
			require.NoError(t, err)
			out, got, err := run(t, tr, object(tt.input, tt.query, tt.accept))
			if tt.wantCode != "" {
				require.Error(t, err)
				e, ok := errors.AsType[*s3err.Error](err)
				require.True(t, ok, "want an *s3err.Error, got %v", err)
				assert.Equal(t, tt.wantCode, e.Code)
				assert.ErrorIs(t, err, tt.wantIs)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantType, out.Header.Get("Content-Type"))
			assert.Equal(t, int64(len(got)), out.Length)
			assert.Empty(t, out.Header.Get("ETag"))
			assert.Equal(t, tt.wantVary, out.Header.Get("Vary") == "Accept")
			img, format, err := stdimage.DecodeConfig(bytes.NewReader(got))
			require.NoError(t, err)
			assert.Equal(t, map[string]string{"image/png": "png", "image/jpeg": "jpeg"}[tt.wantType], format)
			assert.Equal(t, tt.wantW, img.Width, "width")
			assert.Equal(t, tt.wantH, img.Height, "height")
		})
	}
}

func TestInputLimitUnknownLength(t *testing.T) {
	tr, err := imagex.FromConfig(imagex.Config{MaxInputBytes: 100})
	require.NoError(t, err)
	obj := object(encPNG(t, gradient(50, 50, false)), "", "")
	obj.Length = -1
	_, _, err = run(t, tr, obj)
	assert.ErrorIs(t, err, imagex.ErrTooLarge)
}

func TestJPEGFlattensAlphaOnWhite(t *testing.T) {
	img := stdimage.NewNRGBA(stdimage.Rect(0, 0, 16, 16)) // fully transparent
	tr, err := imagex.New()
	require.NoError(t, err)
	_, got, err := run(t, tr, object(encPNG(t, img), "format=jpeg", ""))
	require.NoError(t, err)
	dec, err := jpeg.Decode(bytes.NewReader(got))
	require.NoError(t, err)
	r, g, b, _ := dec.At(8, 8).RGBA()
	assert.Greater(t, r>>8, uint32(245))
	assert.Greater(t, g>>8, uint32(245))
	assert.Greater(t, b>>8, uint32(245))
}

func TestPalettedPNGPassesUnscaled(t *testing.T) {
	p := stdimage.NewPaletted(stdimage.Rect(0, 0, 8, 8), palette.Plan9)
	tr, err := imagex.New()
	require.NoError(t, err)
	_, got, err := run(t, tr, object(encPNG(t, p), "", ""))
	require.NoError(t, err)
	dec, err := png.Decode(bytes.NewReader(got))
	require.NoError(t, err)
	assert.IsType(t, &stdimage.Paletted{}, dec, "unscaled PNG keeps its palette")
}

func TestOneByteReaderMatchesBigRead(t *testing.T) {
	for _, src := range [][]byte{encPNG(t, gradient(64, 48, true)), encJPEG(t, gradient(64, 48, false)), encGIF(t, gradient(64, 48, false))} {
		tr, err := imagex.New()
		require.NoError(t, err)
		_, whole, err := run(t, tr, object(src, "width=20&format=jpeg", ""))
		require.NoError(t, err)
		obj := object(nil, "width=20&format=jpeg", "")
		obj.Body = iotest.OneByteReader(bytes.NewReader(src))
		obj.Length = -1
		out, err := transform.Run(context.Background(), tr, obj)
		require.NoError(t, err)
		var one bytes.Buffer
		_, err = io.Copy(&one, iotest.OneByteReader(out.Body))
		require.NoError(t, err)
		assert.Equal(t, whole, one.Bytes())
	}
}

func TestUpstreamErrorIsNotS3(t *testing.T) {
	tr, err := imagex.New()
	require.NoError(t, err)
	obj := object(nil, "", "")
	obj.Body = iotest.ErrReader(io.ErrUnexpectedEOF)
	obj.Length = -1
	_, err = transform.Run(context.Background(), tr, obj)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

func TestConfig(t *testing.T) {
	const ok, decode, config = "", "decode", "config"
	tests := []struct {
		name    string
		payload string
		fail    string
	}{
		{"empty", "", ok},
		{"full", `{"width":10,"height":20,"format":"jpg","quality":70,"maxInputBytes":1000,"maxPixels":100,"maxWidth":50,"maxHeight":60,"allowUpscale":true,"interpolation":"bilinear","ignoreRequest":true}`, ok},
		{"unknown field", `{"widht":10}`, decode},
		{"snake case", `{"max_pixels":10}`, decode},
		{"bad format", `{"format":"gif"}`, config},
		{"bad quality", `{"quality":101}`, config},
		{"negative pixels", `{"maxPixels":-1}`, config},
		{"huge pixels", `{"maxPixels":1e12}`, decode},
		{"too many pixels", `{"maxPixels":2000000000}`, config},
		{"width above max", `{"width":100,"maxWidth":50}`, config},
		{"huge dimension", `{"maxWidth":100000}`, config},
		{"negative input", `{"maxInputBytes":-1}`, config},
		{"bad interpolation", `{"interpolation":"lanczos"}`, config},
		{"trailing", `{}{}`, decode},
		{"wrong type", `{"width":"10"}`, decode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := transformtest.FromPayload([]byte(tt.payload), imagex.FromConfig)
			switch tt.fail {
			case config:
				assert.ErrorIs(t, err, imagex.ErrConfig)
			case decode:
				require.Error(t, err)
				assert.NotErrorIs(t, err, imagex.ErrConfig)
			default:
				require.NoError(t, err)
				assert.Equal(t, transform.Properties{}, transform.Describe(tr))
			}
		})
	}
}

// closeCounter is an input body that counts its Close calls.
type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

// TestInputClosedOnceConsumed: the image is read whole inside Apply, so the
// input is released there, on success and on failure alike.
func TestInputClosedOnceConsumed(t *testing.T) {
	tr, err := imagex.New()
	require.NoError(t, err)
	for name, body := range map[string][]byte{
		"a PNG":   encPNG(t, gradient(8, 8, false)),
		"garbage": []byte("not an image"),
	} {
		t.Run(name, func(t *testing.T) {
			obj := object(body, "width=4", "")
			in := &closeCounter{Reader: obj.Body}
			obj.Body = in
			_, _ = transform.Run(context.Background(), tr, obj)
			assert.Equal(t, 1, in.closed)
		})
	}
}
