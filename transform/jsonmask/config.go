package jsonmask

import (
	"encoding/json"
	"fmt"

	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/internal/textkit"
)

// Config is the JSON form of a Masker's configuration, as found in an access
// point's payload:
//
//	{"remove":["user.email","*.password"],"mask":["items[*].card"],"mask_value":"***"}
//
// Unknown fields are rejected.
type Config struct {
	Remove []string `json:"remove,omitempty"`
	Mask   []string `json:"mask,omitempty"`
	// MaskValue is the JSON value written in place of masked values
	// (default "[REDACTED]").
	MaskValue json.RawMessage `json:"mask_value,omitempty"`
	// Format is "" (detect), "json" or "ndjson".
	Format       Format `json:"format,omitempty"`
	MaxValueSize int    `json:"max_value_size,omitempty"`
	MaxDepth     int    `json:"max_depth,omitempty"`
	// ExemptPrincipals lists caller ARNs (or session issuer ARNs; a trailing
	// '*' matches a prefix) that receive objects unchanged.
	ExemptPrincipals []string `json:"exempt_principals,omitempty"`
}

// FromPayload decodes an access point payload into a Config and builds the
// Masker; opts are applied after the payload's settings.
func FromPayload(payload []byte, opts ...Option) (*Masker, error) {
	var cfg Config
	if err := textkit.DecodePayload(payload, &cfg); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return FromConfig(cfg, opts...)
}

// FromConfig builds a Masker from cfg; opts are applied after it.
func FromConfig(cfg Config, opts ...Option) (*Masker, error) {
	o := []Option{Remove(cfg.Remove...), Mask(cfg.Mask...), WithFormat(cfg.Format)}
	if len(cfg.MaskValue) > 0 {
		o = append(o, WithMaskValue(cfg.MaskValue))
	}
	if cfg.MaxValueSize != 0 {
		o = append(o, WithMaxValueSize(cfg.MaxValueSize))
	}
	if cfg.MaxDepth != 0 {
		o = append(o, WithMaxDepth(cfg.MaxDepth))
	}
	if len(cfg.ExemptPrincipals) > 0 {
		principals := append([]string(nil), cfg.ExemptPrincipals...)
		o = append(o, WithExempt(func(r *transform.Request) bool {
			return r != nil && textkit.CallerMatches(r.Caller, principals)
		}))
	}
	return New(append(o, opts...)...)
}
