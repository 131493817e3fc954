package lines

import (
	"fmt"

	"github.com/objectlambda/sdk-go/transform/internal/textkit"
)

// Config is the JSON form of a Filter's configuration, as found in an access
// point's payload:
//
//	{"keep":["ERROR|WARN"],"drop":["healthcheck"],"head":1000,"query_overrides":true}
//
// Unknown fields are rejected.
type Config struct {
	Keep []string `json:"keep,omitempty"`
	Drop []string `json:"drop,omitempty"`
	Head int      `json:"head,omitempty"`
	// MaxLineLength in bytes; 0 means DefaultMaxLineLength.
	MaxLineLength int `json:"max_line_length,omitempty"`
	// LongLines is "error" (default) or "truncate".
	LongLines string `json:"long_lines,omitempty"`
	// QueryOverrides enables ?head= and ?grep=; see WithQueryOverrides.
	QueryOverrides bool     `json:"query_overrides,omitempty"`
	ContentTypes   []string `json:"content_types,omitempty"`
}

// FromPayload decodes an access point payload into a Config and builds the
// Filter; opts are applied after the payload's settings.
func FromPayload(payload []byte, opts ...Option) (*Filter, error) {
	var cfg Config
	if err := textkit.DecodePayload(payload, &cfg); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return FromConfig(cfg, opts...)
}

// FromConfig builds a Filter from cfg; opts are applied after it.
func FromConfig(cfg Config, opts ...Option) (*Filter, error) {
	o := []Option{Keep(cfg.Keep...), Drop(cfg.Drop...), Head(cfg.Head)}
	if cfg.MaxLineLength != 0 {
		o = append(o, MaxLineLength(cfg.MaxLineLength))
	}
	switch cfg.LongLines {
	case "", "error":
	case "truncate":
		o = append(o, TruncateLongLines())
	default:
		return nil, fmt.Errorf("%w: long_lines %q (want error or truncate)", ErrConfig, cfg.LongLines)
	}
	if cfg.QueryOverrides {
		o = append(o, WithQueryOverrides())
	}
	if len(cfg.ContentTypes) > 0 {
		o = append(o, WithContentTypes(cfg.ContentTypes...))
	}
	return New(append(o, opts...)...)
}
