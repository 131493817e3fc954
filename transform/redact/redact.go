package redact

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/internal/textkit"
)

// Sentinel errors. Configuration errors wrap ErrConfig (and a more precise
// sentinel when there is one): the access point is misconfigured, which the
// objectlambda package reports as a 500, not as the caller's fault.
var (
	ErrConfig         = errors.New("redact: invalid configuration")
	ErrInvalidPattern = errors.New("redact: invalid pattern")
	ErrNoRules        = errors.New("redact: no detectors or patterns configured")
)

// maskStyle selects how a match is replaced: WithFixed, WithSameLength and
// WithHash choose it (Config.Mask in a payload).
type maskStyle int

const (
	// styleFixed replaces every match with a fixed string ("[REDACTED]" by
	// default). The output length changes.
	styleFixed maskStyle = iota
	// styleSameLength replaces every byte of a match with one mask byte
	// ('*' by default). The output is exactly as long as the input, so the
	// transform declares LengthPreserving and Content-Length survives; it
	// is not RangeSafe, because whether a byte is masked depends on its
	// neighbours.
	styleSameLength
	// styleHash replaces a match with a prefix ("HMAC:" by default) and the
	// first HashLength hex digits of HMAC-SHA256(key, match). Equal values
	// give equal tokens, so redacted data can still be joined or counted,
	// and without the key the tokens cannot be reversed by guessing.
	styleHash
)

// Defaults.
const (
	DefaultReplacement = "[REDACTED]"
	DefaultHashPrefix  = "HMAC:"
	DefaultHashLength  = 16
	DefaultMaskChar    = '*'
	// DefaultMaxMatch bounds the longest match a custom pattern may have, and
	// so the look-ahead the stream keeps. Raise it with WithMaxMatch.
	DefaultMaxMatch = 1024
	maxMaxMatch     = 64 << 10
)

// Option configures a [Redactor], in [New] or after the [Config] of
// [FromConfig].
type Option func(*settings) error

type settings struct {
	matchers     []matcher
	names        []string
	patterns     []string
	style        maskStyle
	replacement  *string
	maskChar     byte
	key          []byte
	hashLen      int
	maxMatch     int
	contentTypes []string
	exempt       func(*transform.Request) bool
	block        int
}

// Redactor is a [transform.Transform] that masks sensitive data in text as
// it streams. Create it with [New], [MustNew] or [FromConfig]; it is safe for
// concurrent use.
type Redactor struct {
	matchers     []matcher
	style        maskStyle
	replacement  string
	maskChar     byte
	key          []byte
	hashLen      int
	contentTypes []string
	exempt       func(*transform.Request) bool
	block        int
}

// New returns a [Redactor] configured by opts. At least one detector (such
// as [Emails]) or pattern ([WithPattern]) is required, or the error wraps
// [ErrNoRules]; matches are replaced by [DefaultReplacement] unless
// [WithFixed], [WithSameLength] or [WithHash] choose another mask. Invalid
// settings yield an error wrapping [ErrConfig].
func New(opts ...Option) (*Redactor, error) {
	st := settings{maskChar: DefaultMaskChar, hashLen: DefaultHashLength, maxMatch: DefaultMaxMatch, block: defaultBlock}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&st); err != nil {
			return nil, err
		}
	}
	for _, p := range st.patterns {
		m, err := compileRegex(p, st.maxMatch)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
		st.matchers = append(st.matchers, m)
	}
	if len(st.matchers) == 0 {
		return nil, fmt.Errorf("%w: %w", ErrConfig, ErrNoRules)
	}
	r := &Redactor{
		matchers:     st.matchers,
		style:        st.style,
		maskChar:     st.maskChar,
		hashLen:      st.hashLen,
		contentTypes: st.contentTypes,
		exempt:       st.exempt,
		block:        st.block,
	}
	switch st.style {
	case styleFixed:
		r.replacement = DefaultReplacement
	case styleHash:
		r.replacement = DefaultHashPrefix
		if len(st.key) < 16 {
			return nil, fmt.Errorf("%w: the hash mask needs a key of at least 16 bytes", ErrConfig)
		}
		r.key = append([]byte(nil), st.key...)
	case styleSameLength:
	default:
		return nil, fmt.Errorf("%w: unknown mask style %d", ErrConfig, st.style)
	}
	if st.replacement != nil {
		r.replacement = *st.replacement
	}
	return r, nil
}

// MustNew is [New] for static configurations: it panics on error.
func MustNew(opts ...Option) *Redactor {
	r, err := New(opts...)
	if err != nil {
		panic(err)
	}
	return r
}

// Properties reports LengthPreserving for the same-length style and nothing
// otherwise. No style is RangeSafe: a match can straddle a range edge.
func (r *Redactor) Properties() transform.Properties {
	return transform.Properties{LengthPreserving: r.style == styleSameLength}
}

// Apply wraps the body in a redacting reader. It fails with 415
// UnsupportedMediaType when content types are restricted and the object's
// Content-Type is not allowed. Callers for whom the exemption predicate
// holds get the object unchanged.
func (r *Redactor) Apply(_ context.Context, in *transform.Object) (*transform.Object, error) {
	if r.exempt != nil && r.exempt(in.Request) {
		return in, nil
	}
	if ct := in.Header.Get("Content-Type"); !textkit.MediaTypeMatches(ct, r.contentTypes) {
		return nil, s3err.New(http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMediaType,
			"redaction is not configured for this object's content type")
	}
	mk := newMasker(r.style, r.replacement, r.maskChar, r.key, r.hashLen)
	in.Body = newReader(in.Body, r.matchers, mk, r.block)
	if r.style != styleSameLength {
		in.Length = -1
	}
	return in, nil
}

// Detector names, for [Config].Detectors. Each is also an option:
// [Emails], [CardNumbers], [SSNs], [PhoneNumbers], [IBANs],
// [AWSAccessKeyIDs], [AWSSecretKeys], [HighEntropyTokens].
const (
	DetectorEmail            = "email"
	DetectorCard             = "card"
	DetectorSSN              = "ssn"
	DetectorPhone            = "phone"
	DetectorIBAN             = "iban"
	DetectorAWSAccessKeyID   = "aws_access_key_id"
	DetectorAWSSecretKey     = "aws_secret_key"
	DetectorHighEntropyToken = "high_entropy_token"
)

// DefaultDetectors is the set used for the detector name "default" in
// [Config].Detectors: every built-in except the generic high-entropy
// heuristic ([DetectorHighEntropyToken]), which has more false positives.
func DefaultDetectors() []string {
	return []string{DetectorEmail, DetectorCard, DetectorSSN, DetectorPhone, DetectorIBAN, DetectorAWSAccessKeyID, DetectorAWSSecretKey}
}

// detector returns the matchers of a built-in detector (some detectors are
// two matchers; see phoneNANPMatcher).
func detector(name string) ([]matcher, bool) {
	switch name {
	case DetectorEmail:
		return []matcher{emailMatcher{}}, true
	case DetectorCard:
		return []matcher{cardMatcher{}}, true
	case DetectorSSN:
		return []matcher{ssnMatcher{}}, true
	case DetectorPhone:
		return []matcher{phoneNANPMatcher{}, phoneIntlMatcher{}}, true
	case DetectorIBAN:
		return []matcher{ibanMatcher{}}, true
	case DetectorAWSAccessKeyID:
		return []matcher{awsKeyIDMatcher{}}, true
	case DetectorAWSSecretKey:
		return []matcher{awsSecretMatcher{}}, true
	case DetectorHighEntropyToken:
		return []matcher{entropyMatcher{minLen: 32, minBits: 4.0}}, true
	}
	return nil, false
}

func addDetector(name string) Option {
	return func(s *settings) error {
		if name == "default" {
			for _, n := range DefaultDetectors() {
				if err := addDetector(n)(s); err != nil {
					return err
				}
			}
			return nil
		}
		for _, have := range s.names {
			if have == name {
				return nil
			}
		}
		ms, ok := detector(name)
		if !ok {
			return fmt.Errorf("%w: unknown detector %q", ErrConfig, name)
		}
		s.names = append(s.names, name)
		s.matchers = append(s.matchers, ms...)
		return nil
	}
}

// withDetectors enables built-in detectors by name (see the Detector*
// constants; "default" means DefaultDetectors): Config.Detectors. In Go the
// detector options (Emails, ...) say the same.
func withDetectors(names ...string) Option {
	return func(s *settings) error {
		for _, n := range names {
			if err := addDetector(n)(s); err != nil {
				return err
			}
		}
		return nil
	}
}

// Emails detects e-mail addresses (local part up to 64 characters, a
// domain of at least two labels with an alphabetic top-level label).
func Emails() Option { return addDetector(DetectorEmail) }

// CardNumbers detects payment card numbers: 13 to 19 digits, optionally
// grouped by single spaces or dashes, that pass the Luhn check.
func CardNumbers() Option { return addDetector(DetectorCard) }

// SSNs detects US social security numbers written AAA-GG-SSSS, skipping
// impossible ones (area 000, 666 or 9xx, group 00, serial 0000).
func SSNs() Option { return addDetector(DetectorSSN) }

// PhoneNumbers detects E.164 numbers ("+" and 8-15 digits, optionally
// grouped) and North American numbers such as (415) 555-2671,
// 415-555-2671, 415.555.2671 and 1 415 555 2671. Bare digit runs are not
// matched.
func PhoneNumbers() Option { return addDetector(DetectorPhone) }

// IBANs detects international bank account numbers, compact or in groups
// of four, from IBAN countries, that pass the MOD 97 check.
func IBANs() Option { return addDetector(DetectorIBAN) }

// AWSAccessKeyIDs detects AWS access key ids (AKIA, ASIA, ABIA, ACCA and
// 16 more upper-case letters or digits).
func AWSAccessKeyIDs() Option { return addDetector(DetectorAWSAccessKeyID) }

// AWSSecretKeys detects 40-character secret access keys assigned to a key
// such as aws_secret_access_key, SecretAccessKey or secret_key (":" or
// "=", quotes optional). Only the value is masked.
func AWSSecretKeys() Option { return addDetector(DetectorAWSSecretKey) }

// HighEntropyTokens detects generic secret-looking tokens: runs of 32 to
// 256 base64/base64url characters that mix upper case, lower case and
// digits and carry at least 4 bits of Shannon entropy per character. Expect
// false positives on long identifiers; pair it with the same-length or hash
// style if that matters.
func HighEntropyTokens() Option { return addDetector(DetectorHighEntropyToken) }

// WithPattern adds regular expressions (Go RE2 syntax). Each must have a
// bounded longest match (at most [WithMaxMatch] bytes: write [0-9]{1,20},
// not [0-9]+), must not match the empty string, and may not use \A, \z or
// non-multiline ^ and $; use (?m)^ and (?m)$ for line edges. A pattern
// that breaks these rules fails with an error wrapping [ErrInvalidPattern].
func WithPattern(patterns ...string) Option {
	return func(s *settings) error {
		s.patterns = append(s.patterns, patterns...)
		return nil
	}
}

// WithMaxMatch sets the longest match a pattern may have, in bytes
// ([DefaultMaxMatch], at most 65536). The stream holds this much look-ahead.
func WithMaxMatch(n int) Option {
	return func(s *settings) error {
		if n < 1 || n > maxMaxMatch {
			return fmt.Errorf("%w: max match %d out of range 1..%d", ErrConfig, n, maxMaxMatch)
		}
		s.maxMatch = n
		return nil
	}
}

// WithFixed replaces matches with s (the default mask, with
// [DefaultReplacement]). The output length changes, so Content-Length is
// dropped.
func WithFixed(s string) Option {
	return func(st *settings) error {
		st.style, st.replacement = styleFixed, &s
		return nil
	}
}

// WithSameLength replaces every byte of a match with c, which must be a
// printable ASCII character ([DefaultMaskChar] in a payload that names no
// other). The output is as long as the input: the Redactor declares
// LengthPreserving in its [transform.Properties], so Content-Length
// survives; not RangeSafe, because whether a byte is masked depends on its
// neighbours.
func WithSameLength(c byte) Option {
	return func(st *settings) error {
		if c < 0x20 || c > 0x7e {
			return fmt.Errorf("%w: mask character must be printable ASCII", ErrConfig)
		}
		st.style, st.maskChar = styleSameLength, c
		return nil
	}
}

// WithHash replaces matches with prefix followed by the first n hex digits
// (8 to 64) of HMAC-SHA256(key, match), so equal values give equal tokens:
// redacted data can still be joined or counted, and without the key the
// tokens cannot be reversed by guessing. The key must have at least 16
// bytes; it is copied and never logged or included in errors.
func WithHash(key []byte, prefix string, n int) Option {
	return func(st *settings) error {
		if n < 8 || n > 64 {
			return fmt.Errorf("%w: hash length %d out of range 8..64", ErrConfig, n)
		}
		st.style, st.key, st.hashLen, st.replacement = styleHash, key, n, &prefix
		return nil
	}
}

// WithContentTypes restricts redaction to objects whose Content-Type
// matches one of patterns ("text/*", "application/json", "+json"). Other
// objects are refused with 415 UnsupportedMediaType rather than passed
// through unredacted.
func WithContentTypes(patterns ...string) Option {
	return func(st *settings) error {
		st.contentTypes = append(st.contentTypes, patterns...)
		return nil
	}
}

// WithExempt lets requests for which f returns true through unredacted,
// for example an auditor role. f receives the request being served.
func WithExempt(f func(*transform.Request) bool) Option {
	return func(st *settings) error {
		st.exempt = f
		return nil
	}
}

// withBlock sets the search block size (tests use tiny blocks).
func withBlock(n int) Option {
	return func(st *settings) error {
		st.block = n
		return nil
	}
}
