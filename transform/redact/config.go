package redact

import (
	"fmt"
	"os"

	"github.com/objectlambda/sdk-go/transform"
)

// Config is the JSON form of a [Redactor]'s configuration, the access point
// payload that [transform.Configure] decodes and [FromConfig] builds:
//
//	{"detectors":["email","card"],"mask":"fixed","replacement":"[REDACTED]"}
//
// Unknown fields are errors, so a typo cannot silently switch redaction
// off.
type Config struct {
	// Detectors names built-in detectors (the Detector* constants, such as
	// [DetectorEmail]); "default" stands for [DefaultDetectors].
	Detectors []string `json:"detectors,omitempty"`
	// Patterns are extra regular expressions; see [WithPattern].
	Patterns []string `json:"patterns,omitempty"`
	// MaxMatch bounds pattern match length in bytes; see [WithMaxMatch].
	MaxMatch int `json:"maxMatch,omitempty"`
	// Mask is "fixed" (the default, [WithFixed]), "same_length"
	// ([WithSameLength]) or "hash" ([WithHash]).
	Mask string `json:"mask,omitempty"`
	// Replacement is the fixed string (default [DefaultReplacement]), or the
	// prefix of hash tokens (default [DefaultHashPrefix]).
	Replacement *string `json:"replacement,omitempty"`
	// MaskChar is the single ASCII character of the same_length mask
	// (default [DefaultMaskChar]).
	MaskChar string `json:"maskChar,omitempty"`
	// HashKeyEnv names the environment variable that holds the HMAC key
	// (its bytes are the key). Keys never go in the payload itself: anyone
	// allowed to read the access point configuration could read them.
	HashKeyEnv string `json:"hashKeyEnv,omitempty"`
	// HashLength is the number of hex digits of hash tokens (default
	// [DefaultHashLength]).
	HashLength int `json:"hashLength,omitempty"`
	// ContentTypes restricts the media types redacted; see
	// [WithContentTypes].
	ContentTypes []string `json:"contentTypes,omitempty"`
	// ExemptPrincipals lists ARN patterns of callers who receive objects
	// unredacted, matched against the caller's ARN and its session issuer's
	// as IAM matches ARNs ('*' any run of characters, '?' any one): the rule
	// of [transform.Caller.Matches].
	ExemptPrincipals []string `json:"exemptPrincipals,omitempty"`
}

// FromConfig returns the [Redactor] cfg describes, with opts applied after
// it. It is the build function of [transform.Configure], which decodes cfg
// from the access point payload:
//
//	transform.Configure("", func(cfg redact.Config) (transform.Transform, error) {
//		return redact.FromConfig(cfg)
//	})
//
// An empty Config fails with an error wrapping [ErrNoRules] unless opts add
// rules; invalid settings yield an error wrapping [ErrConfig].
func FromConfig(cfg Config, opts ...Option) (*Redactor, error) {
	var o []Option
	o = append(o, withDetectors(cfg.Detectors...))
	if cfg.MaxMatch != 0 {
		o = append(o, WithMaxMatch(cfg.MaxMatch))
	}
	o = append(o, WithPattern(cfg.Patterns...))
	mask, err := cfg.mask()
	if err != nil {
		return nil, err
	}
	o = append(o, mask)
	if len(cfg.ContentTypes) > 0 {
		o = append(o, WithContentTypes(cfg.ContentTypes...))
	}
	if len(cfg.ExemptPrincipals) > 0 {
		principals := append([]string(nil), cfg.ExemptPrincipals...)
		o = append(o, WithExempt(func(r *transform.Request) bool {
			return r != nil && r.Caller.Matches(principals...)
		}))
	}
	return New(append(o, opts...)...)
}

// mask returns the option of cfg.Mask.
func (cfg Config) mask() (Option, error) {
	switch cfg.Mask {
	case "", "fixed":
		repl := DefaultReplacement
		if cfg.Replacement != nil {
			repl = *cfg.Replacement
		}
		return WithFixed(repl), nil
	case "same_length", "same":
		c := byte(DefaultMaskChar)
		if cfg.MaskChar != "" {
			if len(cfg.MaskChar) != 1 {
				return nil, fmt.Errorf("%w: maskChar must be one ASCII character", ErrConfig)
			}
			c = cfg.MaskChar[0]
		}
		return WithSameLength(c), nil
	case "hash":
		if cfg.HashKeyEnv == "" {
			return nil, fmt.Errorf("%w: mask \"hash\" needs hashKeyEnv", ErrConfig)
		}
		key, ok := os.LookupEnv(cfg.HashKeyEnv)
		if !ok || key == "" {
			return nil, fmt.Errorf("%w: environment variable named by hashKeyEnv is not set", ErrConfig)
		}
		prefix := DefaultHashPrefix
		if cfg.Replacement != nil {
			prefix = *cfg.Replacement
		}
		n := DefaultHashLength
		if cfg.HashLength != 0 {
			n = cfg.HashLength
		}
		return WithHash([]byte(key), prefix, n), nil
	default:
		return nil, fmt.Errorf("%w: unknown mask %q (want fixed, same_length or hash)", ErrConfig, cfg.Mask)
	}
}
