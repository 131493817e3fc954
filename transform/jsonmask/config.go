package jsonmask

import (
	"encoding/json"

	"github.com/objectlambda/sdk-go/transform"
)

// Config is the JSON form of a [Masker]'s configuration, the access point
// payload that [transform.Configure] decodes (unknown fields are errors) and
// [FromConfig] builds:
//
//	{"remove":["user.email","*.password"],"mask":["items[*].card"],"maskValue":"***"}
//
// Each field is the option of the same name.
type Config struct {
	// Remove lists paths to delete; see [Remove].
	Remove []string `json:"remove,omitempty"`
	// Mask lists paths whose values are replaced; see [Mask].
	Mask []string `json:"mask,omitempty"`
	// MaskValue is the JSON value written in place of masked values
	// (default [DefaultMaskValue]); see [WithMaskValue].
	MaskValue json.RawMessage `json:"maskValue,omitempty"`
	// Format is "" (detect), "json" or "ndjson"; see [WithFormat].
	Format Format `json:"format,omitempty"`
	// MaxValueSize bounds one value or NDJSON line (default
	// [DefaultMaxValueSize]); see [WithMaxValueSize].
	MaxValueSize int `json:"maxValueSize,omitempty"`
	// MaxDepth bounds nesting (default [DefaultMaxDepth]); see
	// [WithMaxDepth].
	MaxDepth int `json:"maxDepth,omitempty"`
	// ExemptPrincipals lists ARN patterns of callers who receive objects
	// unchanged, matched against the caller's ARN and its session issuer's
	// as IAM matches ARNs ('*' any run of characters, '?' any one): the rule
	// of [transform.Caller.Matches].
	ExemptPrincipals []string `json:"exemptPrincipals,omitempty"`
}

// FromConfig returns the [Masker] cfg describes, with opts applied after it.
// It is the build function of [transform.Configure], which decodes cfg from
// the access point payload:
//
//	transform.Configure("", func(cfg jsonmask.Config) (transform.Transform, error) {
//		return jsonmask.FromConfig(cfg)
//	})
//
// Invalid settings yield an error wrapping [ErrConfig].
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
			return r != nil && r.Caller.Matches(principals...)
		}))
	}
	return New(append(o, opts...)...)
}
