package compress

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/objectlambda/sdk-go/transform"
)

// chunkSize is how much input the encoder consumes per step; it bounds the
// pending output buffer.
const chunkSize = 32 << 10

// Compressor is a transform that encodes the body with gzip or zstd and sets
// Content-Encoding. With encoding "auto" it picks the best encoding the
// user's Accept-Encoding header allows (q-values honored, zstd preferred on a
// tie), adds "Vary: Accept-Encoding", and leaves the body alone when the
// client accepts neither. Objects that already carry a Content-Encoding pass
// through unchanged: encodings are never stacked.
//
// The output length is unknown (Length -1). Compression happens as the body
// is read, one 32 KiB input chunk at a time, without goroutines.
type Compressor struct {
	encoding string
	level    int
	// Encoders are reused across objects (a zstd encoder holds megabytes).
	gzipPool sync.Pool // *gzip.Writer
	zstdPool sync.Pool // *zstd.Encoder
}

func newCompressor(cfg Config) (*Compressor, error) {
	if cfg.MaxOutputBytes != 0 || cfg.MaxRatio != 0 || cfg.RatioFloorBytes != 0 || cfg.MaxWindowBytes != 0 ||
		cfg.Passthrough || len(cfg.ContentTypes) != 0 {
		return nil, fmt.Errorf("%w: decompression limits apply to mode %q only", ErrConfig, ModeDecompress)
	}
	c := &Compressor{encoding: strings.ToLower(cfg.Encoding), level: cfg.Level}
	switch c.encoding {
	case "":
		c.encoding = Gzip
	case Gzip, Zstd, Auto:
	default:
		return nil, fmt.Errorf("%w: encoding %q (want gzip, zstd or auto)", ErrConfig, cfg.Encoding)
	}
	maxLevel := 22
	if c.encoding == Gzip {
		maxLevel = 9
	}
	if c.level < 0 || c.level > maxLevel {
		return nil, fmt.Errorf("%w: level %d out of range 1-%d", ErrConfig, c.level, maxLevel)
	}
	return c, nil
}

// Properties: the body changes length and content; ranges cannot be pushed down.
func (c *Compressor) Properties() transform.Properties { return transform.Properties{} }

// Apply implements transform.Transform.
func (c *Compressor) Apply(ctx context.Context, obj *transform.Object) (*transform.Object, error) {
	if obj.Header == nil {
		obj.Header = http.Header{}
	}
	if ce := strings.TrimSpace(obj.Header.Get("Content-Encoding")); ce != "" && !strings.EqualFold(ce, "identity") {
		return obj, nil
	}
	enc := c.encoding
	if enc == Auto {
		obj.Header.Add("Vary", "Accept-Encoding")
		var accept []string
		if obj.Request != nil {
			accept = obj.Request.Header.Values("Accept-Encoding")
		}
		enc = negotiate(strings.Join(accept, ","))
		if enc == "" {
			return obj, nil
		}
	}
	buf := new(bytes.Buffer)
	w, release, err := c.newWriter(enc, buf)
	if err != nil {
		return nil, err
	}
	obj.Header.Set("Content-Encoding", enc)
	obj.Body = &encodeReader{ctx: ctx, src: obj.Body, enc: w, release: release, buf: buf, in: make([]byte, chunkSize)}
	obj.Length = -1
	return obj, nil
}

// resetWriter is what both pooled encoders offer.
type resetWriter interface {
	io.WriteCloser
	Reset(io.Writer)
}

func (c *Compressor) newWriter(enc string, dst io.Writer) (resetWriter, func(), error) {
	switch enc {
	case Zstd:
		zw, _ := c.zstdPool.Get().(*zstd.Encoder)
		if zw == nil {
			opts := []zstd.EOption{zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true)}
			if c.level > 0 {
				opts = append(opts, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(c.level)))
			}
			var err error
			if zw, err = zstd.NewWriter(nil, opts...); err != nil {
				return nil, nil, fmt.Errorf("compress: zstd encoder: %w", err)
			}
		}
		zw.Reset(dst)
		return zw, func() { zw.Reset(nil); c.zstdPool.Put(zw) }, nil
	default:
		gw, _ := c.gzipPool.Get().(*gzip.Writer)
		if gw == nil {
			level := gzip.DefaultCompression
			if c.level > 0 {
				level = c.level
			}
			var err error
			if gw, err = gzip.NewWriterLevel(nil, level); err != nil {
				return nil, nil, fmt.Errorf("compress: gzip encoder: %w", err)
			}
		}
		gw.Reset(dst)
		return gw, func() { gw.Reset(io.Discard); c.gzipPool.Put(gw) }, nil
	}
}

// negotiate returns the encoding ("zstd" or "gzip") to use for an
// Accept-Encoding header value, or "" when neither is acceptable. It honors
// q-values and "*"; on equal preference it picks zstd.
func negotiate(acceptEncoding string) string {
	q := map[string]float64{}
	star := -1.0
	for _, item := range strings.Split(acceptEncoding, ",") {
		name, params, _ := strings.Cut(item, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		weight := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				weight = f
			}
		}
		if name == "x-gzip" {
			name = Gzip
		}
		if name == "*" {
			star = weight
			continue
		}
		if old, ok := q[name]; !ok || weight > old {
			q[name] = weight
		}
	}
	weight := func(name string) float64 {
		if w, ok := q[name]; ok {
			return w
		}
		return max(star, 0)
	}
	zq, gq := weight(Zstd), weight(Gzip)
	switch {
	case zq > 0 && zq >= gq:
		return Zstd
	case gq > 0:
		return Gzip
	}
	return ""
}

// encodeReader pulls input in chunks, pushes it through the encoder and
// hands out the encoder's output.
type encodeReader struct {
	ctx     context.Context
	src     io.Reader
	enc     io.WriteCloser
	release func() // returns enc to its pool
	buf     *bytes.Buffer
	in      []byte
	done    bool
	err     error
}

func (r *encodeReader) Read(p []byte) (int, error) {
	for r.buf.Len() == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.done {
			r.err = io.EOF
			return 0, io.EOF
		}
		if err := r.ctx.Err(); err != nil {
			r.fail(err)
			continue
		}
		n, err := r.src.Read(r.in)
		if n > 0 {
			if _, werr := r.enc.Write(r.in[:n]); werr != nil {
				r.fail(fmt.Errorf("compress: encode: %w", werr))
				continue
			}
		}
		switch {
		case err == io.EOF:
			if cerr := r.enc.Close(); cerr != nil {
				r.fail(fmt.Errorf("compress: encode: %w", cerr))
				continue
			}
			r.done = true
			r.free()
		case err != nil:
			r.fail(fmt.Errorf("compress: reading source: %w", err))
		}
	}
	return r.buf.Read(p)
}

func (r *encodeReader) fail(err error) {
	r.err = err
	r.free()
}

func (r *encodeReader) free() {
	if r.release != nil {
		r.release()
		r.release = nil
	}
}

// Close returns the encoder to its pool and closes the source; later Reads
// fail.
func (r *encodeReader) Close() error {
	r.free()
	if r.err == nil && !r.done {
		r.err = io.ErrClosedPipe
	}
	return closeSource(r.src)
}

// closeSource closes a transform's input when it is an io.Closer, so that
// closing the output releases everything below it.
func closeSource(src io.Reader) error {
	if c, ok := src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
