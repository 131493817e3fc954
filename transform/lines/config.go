package lines

import "fmt"

// Config is the JSON form of a [Filter]'s configuration, the access point
// payload that [transform.Configure] decodes (unknown fields are errors) and
// [FromConfig] builds:
//
//	{"keep":["ERROR|WARN"],"drop":["healthcheck"],"head":1000,"queryOverrides":true}
//
// Each field is the option of the same name.
type Config struct {
	// Keep lists patterns a line must match one of; see [Keep].
	Keep []string `json:"keep,omitempty"`
	// Drop lists patterns that remove a line; see [Drop].
	Drop []string `json:"drop,omitempty"`
	// Head is the number of lines to keep (0: all); see [Head].
	Head int `json:"head,omitempty"`
	// MaxLineLength in bytes; 0 means [DefaultMaxLineLength]. See
	// [WithMaxLineLength].
	MaxLineLength int `json:"maxLineLength,omitempty"`
	// LongLines is "error" (default) or "truncate" ([TruncateLongLines]).
	LongLines string `json:"longLines,omitempty"`
	// QueryOverrides enables ?head= and ?grep=; see [WithQueryOverrides].
	QueryOverrides bool `json:"queryOverrides,omitempty"`
	// ContentTypes restricts the media types filtered; see
	// [WithContentTypes].
	ContentTypes []string `json:"contentTypes,omitempty"`
}

// FromConfig returns the [Filter] cfg describes, with opts applied after it.
// It is the build function of [transform.Configure], which decodes cfg from
// the access point payload:
//
//	transform.Configure("", func(cfg lines.Config) (transform.Transform, error) {
//		return lines.FromConfig(cfg)
//	})
//
// Invalid settings yield an error wrapping [ErrConfig].
func FromConfig(cfg Config, opts ...Option) (*Filter, error) {
	o := []Option{Keep(cfg.Keep...), Drop(cfg.Drop...), Head(cfg.Head)}
	if cfg.MaxLineLength != 0 {
		o = append(o, WithMaxLineLength(cfg.MaxLineLength))
	}
	switch cfg.LongLines {
	case "", "error":
	case "truncate":
		o = append(o, TruncateLongLines())
	default:
		return nil, fmt.Errorf("%w: longLines %q (want error or truncate)", ErrConfig, cfg.LongLines)
	}
	if cfg.QueryOverrides {
		o = append(o, WithQueryOverrides())
	}
	if len(cfg.ContentTypes) > 0 {
		o = append(o, WithContentTypes(cfg.ContentTypes...))
	}
	return New(append(o, opts...)...)
}
