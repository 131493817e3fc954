package compress

import (
	"errors"
	"fmt"
	"strings"

	"github.com/objectlambda/sdk-go/transform"
)

// Sentinel errors. Errors returned by this package wrap one of them, so
// callers can test with errors.Is whether or not an *s3err.Error sits on top.
var (
	// ErrConfig marks an invalid configuration (payload or options).
	ErrConfig = errors.New("compress: invalid configuration")
	// ErrBomb marks output refused by the decompression-bomb guard: more
	// bytes than MaxOutputBytes, or more than MaxRatio times the compressed
	// bytes read so far.
	ErrBomb = errors.New("compress: decompression limit exceeded")
	// ErrUnsupported marks an object whose encoding is unknown, missing or
	// not one this package decodes.
	ErrUnsupported = errors.New("compress: unsupported content encoding")
	// ErrCorrupt marks compressed data that does not decode.
	ErrCorrupt = errors.New("compress: corrupt compressed data")
)

// Mode selects what the transform does ([Config].Mode).
const (
	ModeDecompress = "decompress"
	ModeCompress   = "compress"
)

// Encodings, as they appear in Content-Encoding.
const (
	Gzip = "gzip"
	Zstd = "zstd"
	// Auto, for a Compressor only, picks gzip or zstd from the user's
	// Accept-Encoding header and leaves the body alone when neither is
	// acceptable.
	Auto = "auto"
)

// Defaults for the decompression-bomb guard and decoder memory.
const (
	// DefaultMaxOutputBytes caps the decompressed size of one object: 1 GiB.
	DefaultMaxOutputBytes int64 = 1 << 30
	// DefaultMaxRatio caps decompressed/compressed bytes: 200. Ordinary text
	// compresses 3-20x; gzip cannot exceed about 1032x, zstd far more.
	DefaultMaxRatio = 200.0
	// DefaultRatioFloorBytes is the output size under which the ratio is not
	// checked: 1 MiB. Tiny, highly repetitive objects are legitimate.
	DefaultRatioFloorBytes int64 = 1 << 20
	// DefaultMaxWindowBytes caps the zstd window (the decoder's history
	// buffer, its main memory cost): 32 MiB. zstd levels up to 19 use at most
	// 8 MiB; "zstd --long" or --ultra levels may need more.
	DefaultMaxWindowBytes int64 = 32 << 20
)

// Config configures a compress transform. Its JSON form is the access point
// payload, which [transform.Configure] decodes and [FromConfig] builds; zero
// fields take the documented defaults.
//
//	{"mode": "decompress", "maxOutputBytes": 104857600, "maxRatio": 100}
//	{"mode": "compress", "encoding": "auto", "level": 6}
type Config struct {
	// Mode is "decompress" (the default) or "compress".
	Mode string `json:"mode,omitempty"`

	// MaxOutputBytes caps the decompressed size (default 1 GiB).
	MaxOutputBytes int64 `json:"maxOutputBytes,omitempty"`
	// MaxRatio caps output/input bytes once output exceeds RatioFloorBytes
	// (default 200). Set it to a negative value to disable the ratio check.
	MaxRatio float64 `json:"maxRatio,omitempty"`
	// RatioFloorBytes is the output size below which the ratio is not
	// checked (default 1 MiB).
	RatioFloorBytes int64 `json:"ratioFloorBytes,omitempty"`
	// MaxWindowBytes caps the zstd window size (default 32 MiB, minimum 1 KiB).
	MaxWindowBytes int64 `json:"maxWindowBytes,omitempty"`
	// Passthrough, for decompress: objects that are not compressed pass
	// through unchanged instead of failing with 415 UnsupportedMediaType.
	Passthrough bool `json:"passthrough,omitempty"`
	// ContentTypes adds or overrides inner-extension → Content-Type entries
	// used after decompressing "name.ext.gz" (keys with the dot: ".csv").
	ContentTypes map[string]string `json:"contentTypes,omitempty"`

	// Encoding, for compress: "gzip" (default), "zstd" or "auto".
	Encoding string `json:"encoding,omitempty"`
	// Level, for compress: gzip 1-9, zstd 1-22 (mapped onto the four
	// klauspost/compress speeds); 0 means the library default.
	Level int `json:"level,omitempty"`
}

// Option adjusts a [Config] in Go code. Options passed to [FromConfig] apply
// after its Config, so they override payload values.
type Option func(*Config)

// WithMaxOutputBytes sets [Config].MaxOutputBytes.
func WithMaxOutputBytes(n int64) Option { return func(c *Config) { c.MaxOutputBytes = n } }

// WithMaxRatio sets [Config].MaxRatio and RatioFloorBytes; a negative ratio
// disables the ratio check.
func WithMaxRatio(ratio float64, floorBytes int64) Option {
	return func(c *Config) { c.MaxRatio, c.RatioFloorBytes = ratio, floorBytes }
}

// WithMaxWindowBytes sets [Config].MaxWindowBytes.
func WithMaxWindowBytes(n int64) Option { return func(c *Config) { c.MaxWindowBytes = n } }

// WithPassthrough sets [Config].Passthrough.
func WithPassthrough(on bool) Option { return func(c *Config) { c.Passthrough = on } }

// WithContentType maps an inner extension (".csv") to a Content-Type, as an
// entry of [Config].ContentTypes does.
func WithContentType(ext, contentType string) Option {
	return func(c *Config) {
		m := make(map[string]string, len(c.ContentTypes)+1)
		for k, v := range c.ContentTypes {
			m[k] = v
		}
		m[ext] = contentType
		c.ContentTypes = m
	}
}

// WithEncoding sets [Config].Encoding: [Gzip], [Zstd] or [Auto].
func WithEncoding(enc string) Option { return func(c *Config) { c.Encoding = enc } }

// WithLevel sets [Config].Level.
func WithLevel(level int) Option { return func(c *Config) { c.Level = level } }

// NewDecompressor returns a [Decompressor] configured by opts alone: the
// decompression-bomb guard at its defaults unless an option changes it.
// Invalid settings yield an error wrapping [ErrConfig].
func NewDecompressor(opts ...Option) (*Decompressor, error) {
	cfg := Config{Mode: ModeDecompress}
	for _, o := range opts {
		o(&cfg)
	}
	return newDecompressor(cfg)
}

// NewCompressor returns a [Compressor] configured by opts alone: gzip at the
// library's default level unless [WithEncoding] or [WithLevel] say otherwise.
// The decompression options ([WithMaxOutputBytes], [WithPassthrough], ...)
// are refused with an error wrapping [ErrConfig].
func NewCompressor(opts ...Option) (*Compressor, error) {
	cfg := Config{Mode: ModeCompress}
	for _, o := range opts {
		o(&cfg)
	}
	return newCompressor(cfg)
}

// FromConfig returns the transform cfg describes, with opts applied after
// it: a *[Decompressor] when cfg.Mode is "decompress" or empty, a
// *[Compressor] when it is "compress". It is the build function of
// [transform.Configure], which decodes cfg from the access point payload:
//
//	transform.Configure("", func(cfg compress.Config) (transform.Transform, error) {
//		return compress.FromConfig(cfg)
//	})
//
// Invalid settings yield an error wrapping [ErrConfig].
func FromConfig(cfg Config, opts ...Option) (transform.Transform, error) {
	for _, o := range opts {
		o(&cfg)
	}
	switch strings.ToLower(cfg.Mode) {
	case "", ModeDecompress:
		return newDecompressor(cfg)
	case ModeCompress:
		return newCompressor(cfg)
	default:
		return nil, fmt.Errorf("%w: mode %q (want %q or %q)", ErrConfig, cfg.Mode, ModeDecompress, ModeCompress)
	}
}
