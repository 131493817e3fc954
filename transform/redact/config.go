package redact

import (
	"fmt"
	"os"

	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/internal/textkit"
)

// Config is the JSON form of a Redactor's configuration, as found in an
// access point's payload:
//
//	{"detectors":["email","card"],"mask":"fixed","replacement":"[REDACTED]"}
//
// Unknown fields are rejected, so a typo cannot silently switch redaction
// off.
type Config struct {
	// Detectors names built-in detectors (see the Detector* constants);
	// "default" stands for DefaultDetectors.
	Detectors []string `json:"detectors,omitempty"`
	// Patterns are extra regular expressions; see WithPattern.
	Patterns []string `json:"patterns,omitempty"`
	// MaxMatch bounds pattern match length in bytes; see WithMaxMatch.
	MaxMatch int `json:"max_match,omitempty"`
	// Mask is "fixed" (default), "same_length" or "hash".
	Mask string `json:"mask,omitempty"`
	// Replacement is the fixed string, or the prefix of hash tokens.
	Replacement *string `json:"replacement,omitempty"`
	// MaskChar is the single ASCII character of the same_length style.
	MaskChar string `json:"mask_char,omitempty"`
	// HashKeyEnv names the environment variable that holds the HMAC key
	// (its bytes are the key). Keys never go in the payload itself: anyone
	// allowed to read the access point configuration could read them.
	HashKeyEnv string `json:"hash_key_env,omitempty"`
	// HashLength is the number of hex digits of hash tokens (default 16).
	HashLength int `json:"hash_length,omitempty"`
	// ContentTypes restricts the media types redacted; see WithContentTypes.
	ContentTypes []string `json:"content_types,omitempty"`
	// ExemptPrincipals lists caller ARNs (user, role session, or the role
	// that issued the session; a trailing '*' matches a prefix) that receive
	// the object unredacted.
	ExemptPrincipals []string `json:"exempt_principals,omitempty"`
}

// FromPayload decodes an access point payload into a Config and builds the
// Redactor; opts are applied after the payload's settings. An empty payload
// is an empty Config, which fails with ErrNoRules unless opts add rules.
func FromPayload(payload []byte, opts ...Option) (*Redactor, error) {
	var cfg Config
	if err := textkit.DecodePayload(payload, &cfg); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return FromConfig(cfg, opts...)
}

// FromConfig builds a Redactor from cfg; opts are applied after it.
func FromConfig(cfg Config, opts ...Option) (*Redactor, error) {
	var o []Option
	o = append(o, WithDetectors(cfg.Detectors...))
	if cfg.MaxMatch != 0 {
		o = append(o, WithMaxMatch(cfg.MaxMatch))
	}
	o = append(o, WithPattern(cfg.Patterns...))
	switch cfg.Mask {
	case "", "fixed":
		repl := DefaultReplacement
		if cfg.Replacement != nil {
			repl = *cfg.Replacement
		}
		o = append(o, WithFixed(repl))
	case "same_length", "same":
		c := byte(DefaultMaskChar)
		if cfg.MaskChar != "" {
			if len(cfg.MaskChar) != 1 {
				return nil, fmt.Errorf("%w: mask_char must be one ASCII character", ErrConfig)
			}
			c = cfg.MaskChar[0]
		}
		o = append(o, WithSameLength(c))
	case "hash":
		if cfg.HashKeyEnv == "" {
			return nil, fmt.Errorf("%w: mask \"hash\" needs hash_key_env", ErrConfig)
		}
		key, ok := os.LookupEnv(cfg.HashKeyEnv)
		if !ok || key == "" {
			return nil, fmt.Errorf("%w: environment variable named by hash_key_env is not set", ErrConfig)
		}
		prefix := DefaultHashPrefix
		if cfg.Replacement != nil {
			prefix = *cfg.Replacement
		}
		n := DefaultHashLength
		if cfg.HashLength != 0 {
			n = cfg.HashLength
		}
		o = append(o, WithHash([]byte(key), prefix, n))
	default:
		return nil, fmt.Errorf("%w: unknown mask %q (want fixed, same_length or hash)", ErrConfig, cfg.Mask)
	}
	if len(cfg.ContentTypes) > 0 {
		o = append(o, WithContentTypes(cfg.ContentTypes...))
	}
	if len(cfg.ExemptPrincipals) > 0 {
		principals := append([]string(nil), cfg.ExemptPrincipals...)
		o = append(o, WithExempt(func(r *transform.Request) bool {
			return r != nil && textkit.CallerMatches(r.Caller, principals)
		}))
	}
	return New(append(o, opts...)...)
}
