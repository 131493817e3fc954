package compress

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// defaultContentTypes maps an inner extension to the Content-Type used after
// decompression. A fixed table, not mime.TypeByExtension, so results do not
// depend on the host's /etc/mime.types.
var defaultContentTypes = map[string]string{
	".csv":     "text/csv",
	".tsv":     "text/tab-separated-values",
	".txt":     "text/plain; charset=utf-8",
	".log":     "text/plain; charset=utf-8",
	".json":    "application/json",
	".ndjson":  "application/x-ndjson",
	".jsonl":   "application/x-ndjson",
	".xml":     "application/xml",
	".html":    "text/html; charset=utf-8",
	".htm":     "text/html; charset=utf-8",
	".parquet": "application/vnd.apache.parquet",
	".tar":     "application/x-tar",
	".pdf":     "application/pdf",
}

// Decompressor is a transform that decodes gzip or zstd objects.
//
// The encoding comes from, in order: the object's Content-Encoding header;
// the key's suffix (".gz", ".gzip", ".zst", ".zstd"); the first bytes of the
// body (magic numbers). Only the last case reads the body inside Apply (at
// most four bytes). Content-Encoding is removed; when the encoding was
// implied by the key and the stored Content-Type is generic
// (application/gzip, application/zstd, application/octet-stream, ...), the
// Content-Type is derived from the inner extension: "report.csv.gz" becomes
// text/csv, and unknown inner extensions become application/octet-stream.
//
// Memory is bounded: gzip keeps a 32 KiB window, zstd at most MaxWindowBytes.
//
// Errors before the first output byte are *s3err.Error values:
//
//	415 UnsupportedMediaType  unknown or missing encoding (ErrUnsupported), corrupt header (ErrCorrupt)
//	400 EntityTooLarge        bomb guard tripped before any output (ErrBomb)
//
// After the first byte, errors are plain and wrap ErrBomb or ErrCorrupt; the
// pipeline aborts the response stream.
type Decompressor struct {
	maxOutput  int64
	maxRatio   float64
	ratioFloor int64
	maxWindow  int64
	passthru   bool
	types      map[string]string
	// Decoders are reused across objects: a zstd decoder's window buffer
	// is megabytes, too much to allocate per request.
	gzipPool sync.Pool // *gzip.Reader
	zstdPool sync.Pool // *zstd.Decoder
}

func newDecompressor(cfg Config) (*Decompressor, error) {
	d := &Decompressor{
		maxOutput:  cfg.MaxOutputBytes,
		maxRatio:   cfg.MaxRatio,
		ratioFloor: cfg.RatioFloorBytes,
		maxWindow:  cfg.MaxWindowBytes,
		passthru:   cfg.Passthrough,
		types:      make(map[string]string, len(defaultContentTypes)+len(cfg.ContentTypes)),
	}
	if cfg.Encoding != "" || cfg.Level != 0 {
		return nil, fmt.Errorf("%w: encoding and level apply to mode %q only", ErrConfig, ModeCompress)
	}
	switch {
	case d.maxOutput == 0:
		d.maxOutput = DefaultMaxOutputBytes
	case d.maxOutput < 0:
		return nil, fmt.Errorf("%w: maxOutputBytes must be positive", ErrConfig)
	}
	switch {
	case d.maxRatio == 0:
		d.maxRatio = DefaultMaxRatio
	case d.maxRatio < 0:
		d.maxRatio = 0 // disabled
	case d.maxRatio < 1:
		return nil, fmt.Errorf("%w: maxRatio must be at least 1 (or negative to disable)", ErrConfig)
	}
	switch {
	case d.ratioFloor == 0:
		d.ratioFloor = DefaultRatioFloorBytes
	case d.ratioFloor < 0:
		return nil, fmt.Errorf("%w: ratioFloorBytes must be positive", ErrConfig)
	}
	switch {
	case d.maxWindow == 0:
		d.maxWindow = DefaultMaxWindowBytes
	case d.maxWindow < zstd.MinWindowSize || d.maxWindow > zstd.MaxWindowSize:
		return nil, fmt.Errorf("%w: maxWindowBytes must be between %d and %d", ErrConfig, zstd.MinWindowSize, int64(zstd.MaxWindowSize))
	}
	for k, v := range defaultContentTypes {
		d.types[k] = v
	}
	for k, v := range cfg.ContentTypes {
		if !strings.HasPrefix(k, ".") || strings.ContainsAny(k, "/ ") || v == "" {
			return nil, fmt.Errorf("%w: contentTypes entry %q: want \".ext\": \"type/subtype\"", ErrConfig, k)
		}
		d.types[strings.ToLower(k)] = v
	}
	return d, nil
}

// Properties: the body changes length and content; ranges cannot be pushed down.
func (d *Decompressor) Properties() transform.Properties { return transform.Properties{} }

// Apply implements transform.Transform.
func (d *Decompressor) Apply(ctx context.Context, obj *transform.Object) (*transform.Object, error) {
	if obj.Header == nil {
		obj.Header = http.Header{}
	}
	key := ""
	if obj.Request != nil {
		key = obj.Request.Key
	}
	enc, fromKey, err := encodingOf(obj.Header.Get("Content-Encoding"), key)
	if err != nil {
		return nil, s3err.Wrap(err, http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMediaType,
			"the object's Content-Encoding is not gzip or zstd")
	}
	body := obj.Body
	if enc == "" {
		br := bufio.NewReaderSize(obj.Body, 16)
		magic, _ := br.Peek(len(zstdMagic)) // short or failed peeks fall through to the errors below
		switch {
		case bytes.HasPrefix(magic, gzipMagic):
			enc = Gzip
		case bytes.HasPrefix(magic, zstdMagic):
			enc = Zstd
		}
		body = &peeked{Reader: br, src: obj.Body}
		if enc == "" {
			if d.passthru {
				// Not compressed: the bytes pass as they are, so the
				// length and ETag still hold.
				obj.Body = transform.Unchanged(body)
				return obj, nil
			}
			return nil, s3err.Wrap(ErrUnsupported, http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMediaType,
				"the object is not gzip or zstd compressed")
		}
	}
	obj.Header.Del("Content-Encoding")
	obj.Header.Set("Content-Type", d.contentType(obj.Header.Get("Content-Type"), key, fromKey))
	obj.Body = &decodeReader{ctx: ctx, d: d, enc: enc, src: &countingReader{r: body}}
	obj.Length = -1
	return obj, nil
}

// peeked is the input after its first bytes were looked at; closing it
// closes the input.
type peeked struct {
	*bufio.Reader
	src io.Reader
}

func (p *peeked) Close() error { return closeSource(p.src) }

// encodingOf picks the encoding from the Content-Encoding header, else from
// the key suffix. It returns "" when neither says anything.
func encodingOf(header, key string) (enc string, fromKey bool, err error) {
	var tokens []string
	for _, t := range strings.Split(header, ",") {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && t != "identity" && t != "aws-chunked" {
			tokens = append(tokens, t)
		}
	}
	switch len(tokens) {
	case 0:
	case 1:
		switch tokens[0] {
		case "gzip", "x-gzip":
			return Gzip, false, nil
		case "zstd":
			return Zstd, false, nil
		}
		return "", false, fmt.Errorf("%w: %q", ErrUnsupported, tokens[0])
	default:
		return "", false, fmt.Errorf("%w: stacked encodings", ErrUnsupported)
	}
	switch strings.ToLower(path.Ext(key)) {
	case ".gz", ".gzip":
		return Gzip, true, nil
	case ".zst", ".zstd":
		return Zstd, true, nil
	}
	return "", false, nil
}

func genericType(ct string) bool {
	ct = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	switch ct {
	case "", "application/gzip", "application/x-gzip", "application/zstd", "application/x-zstd",
		"application/octet-stream", "binary/octet-stream":
		return true
	}
	return false
}

func (d *Decompressor) contentType(stored, key string, fromKey bool) string {
	if !genericType(stored) {
		return stored
	}
	if fromKey {
		inner := strings.TrimSuffix(key, path.Ext(key))
		if t, ok := d.types[strings.ToLower(path.Ext(inner))]; ok {
			return t
		}
	}
	return "application/octet-stream"
}

// countingReader counts the compressed bytes the decoder consumed.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// decodeReader decodes lazily: the decoder is built on the first Read, so a
// corrupt header surfaces as an S3 error before any output byte.
type decodeReader struct {
	ctx   context.Context
	d     *Decompressor
	enc   string
	src   *countingReader
	dec   io.Reader
	close func()
	out   int64
	err   error
}

func (r *decodeReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if err := r.ctx.Err(); err != nil {
		return 0, r.fail(err)
	}
	if r.dec == nil {
		if err := r.open(); err != nil {
			return 0, r.fail(err)
		}
	}
	// Never produce more than one byte past the limit, so the guard trips
	// before the excess reaches the caller.
	if room := r.d.maxOutput - r.out + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := r.dec.Read(p)
	if n > 0 {
		if gerr := r.guard(int64(n)); gerr != nil {
			return 0, r.fail(gerr)
		}
	}
	switch {
	case err == io.EOF:
		r.release()
		r.err = io.EOF
	case err != nil:
		return n, r.fail(r.decodeError(err))
	}
	return n, err
}

func (r *decodeReader) guard(n int64) error {
	out := r.out + n
	if out > r.d.maxOutput {
		return r.bomb(fmt.Errorf("%w: output exceeds %d bytes", ErrBomb, r.d.maxOutput))
	}
	if r.d.maxRatio > 0 && out > r.d.ratioFloor && float64(out) > r.d.maxRatio*float64(max(r.src.n, 1)) {
		return r.bomb(fmt.Errorf("%w: expansion ratio exceeds %g", ErrBomb, r.d.maxRatio))
	}
	r.out = out
	return nil
}

func (r *decodeReader) bomb(err error) error {
	if r.out == 0 {
		return s3err.Wrap(err, http.StatusBadRequest, s3err.CodeEntityTooLarge,
			"the decompressed object exceeds the configured size or expansion limit")
	}
	return err
}

func (r *decodeReader) decodeError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) && r.src.n == 0 {
		err = fmt.Errorf("%w: empty body", ErrCorrupt)
	} else if !errors.Is(err, ErrCorrupt) {
		err = fmt.Errorf("%w: %s: %w", ErrCorrupt, r.enc, err)
	}
	if r.out == 0 {
		return s3err.Wrap(err, http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMediaType,
			"the object's compressed data is not valid "+r.enc)
	}
	return err
}

func (r *decodeReader) open() error {
	switch r.enc {
	case Gzip:
		zr, _ := r.d.gzipPool.Get().(*gzip.Reader)
		var err error
		if zr == nil {
			zr, err = gzip.NewReader(r.src)
		} else {
			err = zr.Reset(r.src)
		}
		if err != nil {
			return r.decodeError(err)
		}
		r.dec = zr
		r.close = func() { r.d.gzipPool.Put(zr) }
	case Zstd:
		zr, _ := r.d.zstdPool.Get().(*zstd.Decoder)
		if zr == nil {
			var err error
			zr, err = zstd.NewReader(nil,
				zstd.WithDecoderConcurrency(1), // synchronous: no goroutines to leak
				zstd.WithDecoderLowmem(true),
				zstd.WithDecoderMaxWindow(uint64(r.d.maxWindow)),
			)
			if err != nil {
				return fmt.Errorf("compress: zstd decoder: %w", err)
			}
		}
		if err := zr.Reset(r.src); err != nil {
			return r.decodeError(err)
		}
		r.dec = zr
		r.close = func() {
			_ = zr.Reset(nil) // drop the reference to the source
			r.d.zstdPool.Put(zr)
		}
	}
	return nil
}

func (r *decodeReader) fail(err error) error {
	r.release()
	r.err = err
	return err
}

func (r *decodeReader) release() {
	if r.close != nil {
		r.close()
		r.close = nil
	}
}

// Close releases the decoder and closes the source. Reading to EOF or to an
// error also releases the decoder.
func (r *decodeReader) Close() error {
	r.release()
	if r.err == nil {
		r.err = errors.New("compress: read after Close")
	}
	return closeSource(r.src.r)
}
