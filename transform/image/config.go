package image

import (
	"errors"
	"fmt"
	"math"
	"mime"
	"strconv"
	"strings"

	"github.com/objectlambda/sdk-go/transform"
)

// Sentinel errors; every error from this package wraps one of them.
var (
	// ErrConfig marks an invalid configuration (payload or options).
	ErrConfig = errors.New("image: invalid configuration")
	// ErrInvalidParam marks a bad request parameter: width, height, format
	// or quality (400 InvalidArgument).
	ErrInvalidParam = errors.New("image: invalid request parameter")
	// ErrTooLarge marks an input beyond MaxInputBytes or MaxPixels
	// (400 EntityTooLarge).
	ErrTooLarge = errors.New("image: input too large")
	// ErrUnsupported marks an object that is not a PNG, JPEG or GIF this
	// package can decode (415 UnsupportedMediaType).
	ErrUnsupported = errors.New("image: unsupported or corrupt image")
)

// Output formats.
const (
	PNG  = "png"
	JPEG = "jpeg"
)

// Defaults for limits and encoding.
const (
	DefaultMaxInputBytes int64 = 32 << 20 // 32 MiB of encoded input
	DefaultMaxPixels     int64 = 16 << 20 // 16 Mi pixels, e.g. 4096×4096
	DefaultMaxDimension        = 4096     // output width and height cap
	DefaultQuality             = 85       // JPEG quality
	hardMaxDimension           = 1 << 15  // no config may exceed this
	hardMaxPixels        int64 = 1 << 30  // nor this
	hardMaxInputBytes    int64 = 1 << 30  // nor this
)

// Config configures a [Transformer]. Its JSON form is the access point
// payload, which [transform.Configure] decodes and [FromConfig] builds;
// request query parameters (?width=&height=&format=&quality=) and
// the Accept header override the defaults it sets, within its limits.
//
//	{"width": 256, "format": "jpeg", "quality": 80, "maxPixels": 25000000}
type Config struct {
	// Width and Height are the default output size; 0 keeps the source
	// size (or the aspect ratio, when the other one is set).
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// Format is the default output format: "png", "jpeg" ("jpg"), or ""
	// to keep the input's (GIF becomes PNG).
	Format string `json:"format,omitempty"`
	// Quality is the JPEG quality, 1-100 (default 85).
	Quality int `json:"quality,omitempty"`
	// MaxInputBytes caps the encoded object size (default 32 MiB).
	MaxInputBytes int64 `json:"maxInputBytes,omitempty"`
	// MaxPixels caps width×height of the input, checked from the image
	// header before decoding (default 16 Mi).
	MaxPixels int64 `json:"maxPixels,omitempty"`
	// MaxWidth and MaxHeight cap the output (default 4096 each). Larger
	// requests fail; larger sources are scaled down to fit.
	MaxWidth  int `json:"maxWidth,omitempty"`
	MaxHeight int `json:"maxHeight,omitempty"`
	// AllowUpscale permits output larger than the source.
	AllowUpscale bool `json:"allowUpscale,omitempty"`
	// Interpolation is "catmullrom" (default, sharper) or "bilinear"
	// (faster, golang.org/x/image/draw.ApproxBiLinear).
	Interpolation string `json:"interpolation,omitempty"`
	// IgnoreRequest: use only this configuration, not the query or Accept.
	IgnoreRequest bool `json:"ignoreRequest,omitempty"`
}

// Option adjusts a [Config] in Go code. Options passed to [FromConfig] apply
// after its Config, so they override payload values.
type Option func(*Config)

// WithSize sets [Config].Width and Height, the default output size (0 =
// from the source).
func WithSize(width, height int) Option {
	return func(c *Config) { c.Width, c.Height = width, height }
}

// WithFormat sets [Config].Format, the default output format: [PNG] or
// [JPEG].
func WithFormat(format string) Option { return func(c *Config) { c.Format = format } }

// WithQuality sets [Config].Quality, the default JPEG quality.
func WithQuality(q int) Option { return func(c *Config) { c.Quality = q } }

// WithLimits sets [Config].MaxInputBytes, MaxPixels, MaxWidth and MaxHeight.
func WithLimits(maxInputBytes, maxPixels int64, maxWidth, maxHeight int) Option {
	return func(c *Config) {
		c.MaxInputBytes, c.MaxPixels, c.MaxWidth, c.MaxHeight = maxInputBytes, maxPixels, maxWidth, maxHeight
	}
}

// WithUpscale sets [Config].AllowUpscale.
func WithUpscale(on bool) Option { return func(c *Config) { c.AllowUpscale = on } }

// WithInterpolation sets [Config].Interpolation.
func WithInterpolation(name string) Option { return func(c *Config) { c.Interpolation = name } }

// WithIgnoreRequest sets [Config].IgnoreRequest.
func WithIgnoreRequest(on bool) Option { return func(c *Config) { c.IgnoreRequest = on } }

// New returns a [Transformer] configured by opts alone: the size and format
// come from each request, within the default limits. Invalid settings yield
// an error wrapping [ErrConfig].
func New(opts ...Option) (*Transformer, error) { return FromConfig(Config{}, opts...) }

// FromConfig returns the [Transformer] cfg describes, with opts applied after
// it. It is the build function of [transform.Configure], which decodes cfg
// from the access point payload:
//
//	transform.Configure("", func(cfg image.Config) (transform.Transform, error) {
//		return image.FromConfig(cfg)
//	})
//
// Invalid settings yield an error wrapping [ErrConfig].
func FromConfig(cfg Config, opts ...Option) (*Transformer, error) {
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.MaxInputBytes == 0 {
		cfg.MaxInputBytes = DefaultMaxInputBytes
	}
	if cfg.MaxPixels == 0 {
		cfg.MaxPixels = DefaultMaxPixels
	}
	if cfg.MaxWidth == 0 {
		cfg.MaxWidth = DefaultMaxDimension
	}
	if cfg.MaxHeight == 0 {
		cfg.MaxHeight = DefaultMaxDimension
	}
	if cfg.Quality == 0 {
		cfg.Quality = DefaultQuality
	}
	switch {
	case cfg.MaxInputBytes < 0 || cfg.MaxInputBytes > hardMaxInputBytes:
		return nil, fmt.Errorf("%w: maxInputBytes must be in 1..%d", ErrConfig, hardMaxInputBytes)
	case cfg.MaxPixels < 0 || cfg.MaxPixels > hardMaxPixels:
		return nil, fmt.Errorf("%w: maxPixels must be in 1..%d", ErrConfig, hardMaxPixels)
	case cfg.MaxWidth < 0 || cfg.MaxWidth > hardMaxDimension || cfg.MaxHeight < 0 || cfg.MaxHeight > hardMaxDimension:
		return nil, fmt.Errorf("%w: maxWidth and maxHeight must be in 1..%d", ErrConfig, hardMaxDimension)
	case cfg.Width < 0 || cfg.Width > cfg.MaxWidth || cfg.Height < 0 || cfg.Height > cfg.MaxHeight:
		return nil, fmt.Errorf("%w: width and height must be within maxWidth and maxHeight", ErrConfig)
	case cfg.Quality < 1 || cfg.Quality > 100:
		return nil, fmt.Errorf("%w: quality must be in 1..100", ErrConfig)
	}
	format, err := parseFormat(cfg.Format)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	cfg.Format = format
	switch strings.ToLower(cfg.Interpolation) {
	case "", "catmullrom":
		cfg.Interpolation = "catmullrom"
	case "bilinear", "approxbilinear":
		cfg.Interpolation = "bilinear"
	default:
		return nil, fmt.Errorf("%w: interpolation %q (want catmullrom or bilinear)", ErrConfig, cfg.Interpolation)
	}
	return &Transformer{cfg: cfg}, nil
}

func parseFormat(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return "", nil
	case "png":
		return PNG, nil
	case "jpeg", "jpg":
		return JPEG, nil
	}
	return "", fmt.Errorf("format %q (want png or jpeg)", s)
}

// params are the resolved settings for one request.
type params struct {
	Width, Height int    // 0: from the source
	Format        string // PNG, JPEG or "" (keep the input's)
	Quality       int
	// Accept is the user's Accept header, consulted when Format is "".
	Accept string
}

// resolve returns the settings for req: query parameters width, height,
// format (png|jpeg|jpg) and quality override the configured defaults;
// Accept is kept for format negotiation. Bad values yield an error wrapping
// ErrInvalidParam.
func (t *Transformer) resolve(req *transform.Request) (params, error) {
	p := params{Width: t.cfg.Width, Height: t.cfg.Height, Format: t.cfg.Format, Quality: t.cfg.Quality}
	if t.cfg.IgnoreRequest || req == nil {
		return p, nil
	}
	dim := func(name string, limit int, dst *int) error {
		v := req.Query(name)
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > limit {
			return fmt.Errorf("%w: %s must be an integer in 1..%d", ErrInvalidParam, name, limit)
		}
		*dst = n
		return nil
	}
	if err := dim("width", t.cfg.MaxWidth, &p.Width); err != nil {
		return p, err
	}
	if err := dim("height", t.cfg.MaxHeight, &p.Height); err != nil {
		return p, err
	}
	if err := dim("quality", 100, &p.Quality); err != nil {
		return p, err
	}
	if v := req.Query("format"); v != "" {
		f, err := parseFormat(v)
		if err != nil || f == "" {
			return p, fmt.Errorf("%w: format must be png or jpeg", ErrInvalidParam)
		}
		p.Format = f
	}
	p.Accept = strings.Join(req.Header.Values("Accept"), ",")
	return p, nil
}

// negotiate picks the output format from Accept when none was asked for:
// the natural format (the input's; PNG for GIF) unless Accept prefers the
// other one. An Accept that allows neither keeps the natural format.
func negotiate(accept, natural string) string {
	if strings.TrimSpace(accept) == "" {
		return natural
	}
	other := JPEG
	if natural == JPEG {
		other = PNG
	}
	qn, qo := acceptQ(accept, "image/"+natural), acceptQ(accept, "image/"+other)
	if qo > qn {
		return other
	}
	return natural
}

// acceptQ returns the q-value Accept gives to mediaType (exact, then
// type/*, then */*); 0 when not acceptable.
func acceptQ(accept, mediaType string) float64 {
	major, _, _ := strings.Cut(mediaType, "/")
	best, rank := 0.0, 0
	for _, item := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(item))
		if err != nil {
			continue
		}
		r := 0
		switch {
		case mt == mediaType:
			r = 3
		case mt == major+"/*":
			r = 2
		case mt == "*/*":
			r = 1
		default:
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(f) || f < 0 || f > 1 {
				f = 0
			}
			q = f
		}
		if r > rank || (r == rank && q > best) {
			best, rank = q, r
		}
	}
	return best
}

func contentType(format string) string {
	if format == JPEG {
		return "image/jpeg"
	}
	return "image/png"
}
