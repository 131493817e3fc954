package image

import (
	"bytes"
	"context"
	"fmt"
	stdimage "image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"net/http"

	"golang.org/x/image/draw"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
)

// Transformer resizes and converts images. Build one with [New] or
// [FromConfig]; it is safe for concurrent use.
type Transformer struct {
	cfg Config
}

// Properties: the body is re-encoded; nothing is preserved.
func (t *Transformer) Properties() transform.Properties { return transform.Properties{} }

type codec struct {
	name         string
	natural      string // output format when none is asked for
	decodeConfig func(io.Reader) (stdimage.Config, error)
	decode       func(io.Reader) (stdimage.Image, error)
}

// Codecs are chosen by magic bytes, not through image.RegisterFormat: the
// global registry could route input to any decoder some other import added.
var codecs = []struct {
	magic string
	codec codec
}{
	{"\x89PNG\r\n\x1a\n", codec{"png", PNG, png.DecodeConfig, png.Decode}},
	{"\xff\xd8\xff", codec{"jpeg", JPEG, jpeg.DecodeConfig, jpeg.Decode}},
	{"GIF87a", codec{"gif", PNG, gif.DecodeConfig, gif.Decode}},
	{"GIF89a", codec{"gif", PNG, gif.DecodeConfig, gif.Decode}},
}

func sniff(data []byte) (codec, bool) {
	for _, c := range codecs {
		if bytes.HasPrefix(data, []byte(c.magic)) {
			return c.codec, true
		}
	}
	return codec{}, false
}

// Apply implements [transform.Transform]. Unlike streaming transforms it
// reads the whole object (at most [Config].MaxInputBytes) inside Apply,
// because an image cannot be decoded piecewise; in exchange the output
// Length is known. All failures are S3 errors:
//
//	400 InvalidArgument       bad width/height/format/quality (ErrInvalidParam)
//	400 EntityTooLarge        more than MaxInputBytes or MaxPixels (ErrTooLarge)
//	415 UnsupportedMediaType  not PNG/JPEG/GIF, or corrupt (ErrUnsupported)
func (t *Transformer) Apply(ctx context.Context, obj *transform.Object) (*transform.Object, error) {
	p, err := t.resolve(obj.Request)
	if err != nil {
		return nil, s3err.Wrap(err, http.StatusBadRequest, s3err.CodeInvalidArgument, err.Error())
	}
	data, err := t.readAll(obj)
	// The input is consumed (or failed): release it now rather than when
	// the pipeline ends.
	if c, ok := obj.Body.(io.Closer); ok {
		_ = c.Close()
	}
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, format, err := t.process(data, p)
	if err != nil {
		return nil, err
	}
	if obj.Header == nil {
		obj.Header = http.Header{}
	}
	obj.Header.Set("Content-Type", contentType(format))
	obj.Header.Del("Content-Encoding")
	if p.Accept != "" && t.cfg.Format == "" {
		obj.Header.Add("Vary", "Accept")
	}
	obj.Body = bytes.NewReader(out)
	obj.Length = int64(len(out))
	return obj, nil
}

func tooLarge(err error) error {
	return s3err.Wrap(err, http.StatusBadRequest, s3err.CodeEntityTooLarge, "the image exceeds the configured size limits")
}

func unsupported(err error) error {
	return s3err.Wrap(err, http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMediaType, "the object is not a PNG, JPEG or GIF image this function can read")
}

func (t *Transformer) readAll(obj *transform.Object) ([]byte, error) {
	limit := t.cfg.MaxInputBytes
	if obj.Length > limit {
		return nil, tooLarge(fmt.Errorf("%w: object is %d bytes, limit %d", ErrTooLarge, obj.Length, limit))
	}
	var buf bytes.Buffer
	if obj.Length > 0 {
		buf.Grow(int(obj.Length) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(obj.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("image: reading object: %w", err)
	}
	if n > limit {
		return nil, tooLarge(fmt.Errorf("%w: object exceeds %d bytes", ErrTooLarge, limit))
	}
	return buf.Bytes(), nil
}

// process decodes data, resizes and encodes it according to p, returning
// the encoded bytes and their format (PNG or JPEG). Errors are
// *s3err.Error values as documented on Apply.
func (t *Transformer) process(data []byte, p params) ([]byte, string, error) {
	c, ok := sniff(data)
	if !ok {
		return nil, "", unsupported(fmt.Errorf("%w: unknown format", ErrUnsupported))
	}
	ic, err := c.decodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", unsupported(fmt.Errorf("%w: %s header: %w", ErrUnsupported, c.name, err))
	}
	if ic.Width <= 0 || ic.Height <= 0 {
		return nil, "", unsupported(fmt.Errorf("%w: empty %s image", ErrUnsupported, c.name))
	}
	if px := int64(ic.Width) * int64(ic.Height); px > t.cfg.MaxPixels {
		return nil, "", tooLarge(fmt.Errorf("%w: %dx%d is %d pixels, limit %d", ErrTooLarge, ic.Width, ic.Height, px, t.cfg.MaxPixels))
	}
	src, err := c.decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", unsupported(fmt.Errorf("%w: %s data: %w", ErrUnsupported, c.name, err))
	}
	sb := src.Bounds()
	if sb.Dx() != ic.Width || sb.Dy() != ic.Height {
		// The decoder disagrees with the header we checked: refuse rather
		// than trust a size that escaped the pixel limit.
		return nil, "", unsupported(fmt.Errorf("%w: %s size changed while decoding", ErrUnsupported, c.name))
	}
	format := p.Format
	if format == "" {
		format = negotiate(p.Accept, c.natural)
	}
	tw, th := t.targetSize(sb.Dx(), sb.Dy(), p.Width, p.Height)
	img := t.render(src, tw, th, format == JPEG)
	var out bytes.Buffer
	switch format {
	case JPEG:
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: p.Quality})
	default:
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&out, img)
	}
	if err != nil {
		return nil, "", fmt.Errorf("image: encoding %s: %w", format, err)
	}
	return out.Bytes(), format, nil
}

// targetSize computes the output size for a sw×sh source and a requested
// w×h (0 = unspecified): one dimension keeps the aspect ratio, both stretch;
// no upscaling unless allowed; never beyond MaxWidth×MaxHeight.
func (t *Transformer) targetSize(sw, sh, w, h int) (int, int) {
	fw, fh := float64(sw), float64(sh)
	switch {
	case w > 0 && h > 0:
		fw, fh = float64(w), float64(h)
	case w > 0:
		fw, fh = float64(w), float64(sh)*float64(w)/float64(sw)
	case h > 0:
		fw, fh = float64(sw)*float64(h)/float64(sh), float64(h)
	}
	shrink := func(limitW, limitH float64) {
		if s := math.Min(limitW/fw, limitH/fh); s < 1 {
			fw, fh = fw*s, fh*s
		}
	}
	if !t.cfg.AllowUpscale {
		shrink(float64(sw), float64(sh))
	}
	shrink(float64(t.cfg.MaxWidth), float64(t.cfg.MaxHeight))
	return max(1, int(math.Round(fw))), max(1, int(math.Round(fh)))
}

// render returns src scaled to w×h. For JPEG (no alpha) transparent
// pixels are composited over white instead of turning black.
func (t *Transformer) render(src stdimage.Image, w, h int, flatten bool) stdimage.Image {
	sb := src.Bounds()
	opaque := false
	if o, ok := src.(interface{ Opaque() bool }); ok {
		opaque = o.Opaque()
	}
	if sb.Dx() == w && sb.Dy() == h && (!flatten || opaque) {
		return src
	}
	dst := stdimage.NewRGBA(stdimage.Rect(0, 0, w, h))
	op := draw.Src
	if flatten && !opaque {
		draw.Draw(dst, dst.Bounds(), stdimage.NewUniform(color.White), stdimage.Point{}, draw.Src)
		op = draw.Over
	}
	var scaler draw.Scaler = draw.CatmullRom
	if t.cfg.Interpolation == "bilinear" {
		scaler = draw.ApproxBiLinear
	}
	if sb.Dx() == w && sb.Dy() == h {
		draw.Draw(dst, dst.Bounds(), src, sb.Min, op)
	} else {
		scaler.Scale(dst, dst.Bounds(), src, sb, op, nil)
	}
	return dst
}
