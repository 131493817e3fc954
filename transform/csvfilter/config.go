package csvfilter

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/objectlambda/sdk-go/internal/arnmatch"
	"github.com/objectlambda/sdk-go/transform"
)

// Sentinel errors; every error from this package wraps one of them.
var (
	// ErrConfig marks an invalid configuration (payload or options).
	ErrConfig = errors.New("csvfilter: invalid configuration")
	// ErrUnknownColumn marks a column named by the configuration or the
	// request that the object's header does not have (400 InvalidArgument).
	ErrUnknownColumn = errors.New("csvfilter: unknown column")
	// ErrAccessDenied marks a caller without a column allow-list, or asking
	// for a column outside it (403 AccessDenied).
	ErrAccessDenied = errors.New("csvfilter: access denied")
	// ErrMalformed marks input that is not CSV this filter can parse:
	// bad quoting, a row whose field count differs from the header's.
	ErrMalformed = errors.New("csvfilter: malformed CSV")
	// ErrTooLarge marks a row or field beyond MaxRowBytes or MaxFieldBytes.
	ErrTooLarge = errors.New("csvfilter: row or field too large")
)

// Defaults for the memory guards.
const (
	DefaultMaxFieldBytes = 1 << 20 // 1 MiB
	DefaultMaxRowBytes   = 4 << 20 // 4 MiB
	// DefaultColumnsParam is the query parameter that lets a request narrow
	// the columns further: ?columns=id,name.
	DefaultColumnsParam = "columns"
)

// Predicate operators.
const (
	OpEq       = "eq"       // field == value
	OpNe       = "ne"       // field != value
	OpContains = "contains" // strings.Contains(field, value)
	OpPrefix   = "prefix"   // strings.HasPrefix(field, value)
	OpRegex    = "regex"    // Go RE2 syntax, unanchored
	OpLt       = "lt"       // numeric field < value; non-numeric fields do not match
	OpGt       = "gt"       // numeric field > value; non-numeric fields do not match
)

// Predicate is one row condition. A row is kept when every predicate holds.
type Predicate struct {
	Column string `json:"column"`
	Op     string `json:"op"`
	Value  string `json:"value"`
}

// Access maps callers to the columns they may see.
//
// Keys of Allow are matched against the caller as IAM matches ARNs (and as
// objectlambda.AllowPrincipals does): '*' in a key matches any run of
// characters, '?' any one character:
//
//   - keys starting with "arn:" match the caller's principal ARN
//     (arn:aws:sts::123456789012:assumed-role/analyst/alice) or its session
//     issuer ARN (arn:aws:iam::123456789012:role/analyst);
//   - other keys match the role name (analyst), taken from the session
//     issuer or the assumed-role ARN.
//
// A caller matching several keys sees the union of their columns. A caller
// matching none gets Default; when Default is empty the request fails with
// 403 AccessDenied before any byte is sent. The column "*" means all.
type Access struct {
	Allow   map[string][]string `json:"allow,omitempty"`
	Default []string            `json:"default,omitempty"`
}

// Config configures a [Filter]. Its JSON form is the access point payload,
// which [transform.Configure] decodes and [FromConfig] builds:
//
//	{
//	  "drop": ["ssn"],
//	  "where": [{"column": "country", "op": "eq", "value": "PT"}],
//	  "access": {"allow": {"analyst": ["*"], "arn:aws:iam::*:role/support-*": ["id", "name"]}}
//	}
type Config struct {
	// Delimiter is "," (default), "\t" (or "tab"), ";" or "|".
	Delimiter string `json:"delimiter,omitempty"`
	// NoHeader: the first row is data. Columns are then named by their
	// 1-based position: "1", "2", ...
	NoHeader bool `json:"noHeader,omitempty"`
	// OmitHeader: do not write the header row to the output.
	OmitHeader bool `json:"omitHeader,omitempty"`
	// Keep lists the columns to keep (default all); output keeps the
	// object's column order.
	Keep []string `json:"keep,omitempty"`
	// Drop lists columns to remove.
	Drop []string `json:"drop,omitempty"`
	// Where lists row predicates, all of which must hold.
	Where []Predicate `json:"where,omitempty"`
	// Access restricts columns per caller. Nil means every caller sees the
	// columns Keep and Drop leave.
	Access *Access `json:"access,omitempty"`
	// ColumnsParam names the query parameter that narrows the columns per
	// request (default "columns"; "-" disables it).
	ColumnsParam string `json:"columnsParam,omitempty"`
	// CRLF ends output rows with \r\n as RFC 4180 says (default \n).
	CRLF bool `json:"crlf,omitempty"`
	// LazyQuotes accepts a quote in an unquoted field and a non-doubled
	// quote in a quoted field.
	LazyQuotes bool `json:"lazyQuotes,omitempty"`
	// MaxFieldBytes and MaxRowBytes bound memory (defaults 1 MiB, 4 MiB).
	MaxFieldBytes int `json:"maxFieldBytes,omitempty"`
	MaxRowBytes   int `json:"maxRowBytes,omitempty"`
}

// Option adjusts a [Config] in Go code. Options passed to [FromConfig] apply
// after its Config, so they override payload values.
type Option func(*Config)

// Keep appends columns to [Config].Keep: only they are kept.
func Keep(columns ...string) Option {
	return func(c *Config) { c.Keep = append(c.Keep[:len(c.Keep):len(c.Keep)], columns...) }
}

// Drop appends columns to [Config].Drop.
func Drop(columns ...string) Option {
	return func(c *Config) { c.Drop = append(c.Drop[:len(c.Drop):len(c.Drop)], columns...) }
}

// Where appends a row [Predicate] to [Config].Where: rows are kept when the
// column's value satisfies op (one of the Op constants, such as [OpEq]) with
// value.
func Where(column, op, value string) Option {
	return func(c *Config) {
		c.Where = append(c.Where[:len(c.Where):len(c.Where)], Predicate{Column: column, Op: op, Value: value})
	}
}

// WithAccess sets [Config].Access: the columns each caller may see.
func WithAccess(a Access) Option { return func(c *Config) { c.Access = &a } }

// WithDelimiter sets [Config].Delimiter: ',' (the default), '\t', ';' or '|'.
func WithDelimiter(d rune) Option { return func(c *Config) { c.Delimiter = string(d) } }

// WithNoHeader sets [Config].NoHeader: the object has no header row, its
// first row is data, and columns are named "1", "2", ...
func WithNoHeader(on bool) Option { return func(c *Config) { c.NoHeader = on } }

// WithOmitHeader sets [Config].OmitHeader: the output has no header row.
func WithOmitHeader(on bool) Option { return func(c *Config) { c.OmitHeader = on } }

// WithCRLF sets [Config].CRLF.
func WithCRLF(on bool) Option { return func(c *Config) { c.CRLF = on } }

// WithColumnsParam sets [Config].ColumnsParam ("-" disables per-request
// narrowing).
func WithColumnsParam(name string) Option { return func(c *Config) { c.ColumnsParam = name } }

// WithLimits sets [Config].MaxFieldBytes and MaxRowBytes.
func WithLimits(maxFieldBytes, maxRowBytes int) Option {
	return func(c *Config) { c.MaxFieldBytes, c.MaxRowBytes = maxFieldBytes, maxRowBytes }
}

// New returns a [Filter] configured by opts alone. With no options it keeps
// every column and row, and only the request's ?columns= narrows them.
// Invalid settings yield an error wrapping [ErrConfig].
func New(opts ...Option) (*Filter, error) { return FromConfig(Config{}, opts...) }

// FromConfig returns the [Filter] cfg describes, with opts applied after it.
// It is the build function of [transform.Configure], which decodes cfg from
// the access point payload:
//
//	transform.Configure("", func(cfg csvfilter.Config) (transform.Transform, error) {
//		return csvfilter.FromConfig(cfg)
//	})
//
// Invalid settings yield an error wrapping [ErrConfig].
func FromConfig(cfg Config, opts ...Option) (*Filter, error) {
	for _, o := range opts {
		o(&cfg)
	}
	f := &Filter{
		comma:      ',',
		header:     !cfg.NoHeader,
		writeHead:  !cfg.OmitHeader,
		keep:       cfg.Keep,
		drop:       cfg.Drop,
		colsParam:  cfg.ColumnsParam,
		crlf:       cfg.CRLF,
		lazyQuotes: cfg.LazyQuotes,
		maxField:   cfg.MaxFieldBytes,
		maxRow:     cfg.MaxRowBytes,
	}
	switch cfg.Delimiter {
	case "", ",", "comma":
	case "\t", "tab":
		f.comma = '\t'
	case ";", "|":
		f.comma, _ = utf8.DecodeRuneInString(cfg.Delimiter)
	default:
		return nil, fmt.Errorf("%w: delimiter %q (want \",\", \"tab\", \";\" or \"|\")", ErrConfig, cfg.Delimiter)
	}
	if f.colsParam == "" {
		f.colsParam = DefaultColumnsParam
	}
	switch {
	case f.maxField == 0:
		f.maxField = DefaultMaxFieldBytes
	case f.maxField < 0:
		return nil, fmt.Errorf("%w: maxFieldBytes must be positive", ErrConfig)
	}
	switch {
	case f.maxRow == 0:
		f.maxRow = max(DefaultMaxRowBytes, f.maxField)
	case f.maxRow < 0:
		return nil, fmt.Errorf("%w: maxRowBytes must be positive", ErrConfig)
	}
	for _, list := range [][]string{cfg.Keep, cfg.Drop} {
		for _, c := range list {
			if c == "" {
				return nil, fmt.Errorf("%w: empty column name", ErrConfig)
			}
		}
	}
	for _, p := range cfg.Where {
		cp, err := compilePredicate(p)
		if err != nil {
			return nil, err
		}
		f.where = append(f.where, cp)
	}
	if cfg.Access != nil {
		a := *cfg.Access
		if len(a.Allow) == 0 && len(a.Default) == 0 {
			return nil, fmt.Errorf("%w: access needs allow entries or a default", ErrConfig)
		}
		for k, cols := range a.Allow {
			if k == "" || len(cols) == 0 {
				return nil, fmt.Errorf("%w: access entry %q needs a pattern and at least one column", ErrConfig, k)
			}
		}
		f.access = &a
	}
	return f, nil
}

type predicate struct {
	col    string
	op     string
	code   opCode // op, switched on per row without comparing strings
	value  string
	bvalue []byte // value, for the bytes functions
	num    float64
	re     *regexp.Regexp
}

func compilePredicate(p Predicate) (predicate, error) {
	cp := predicate{col: p.Column, op: strings.ToLower(p.Op), value: p.Value, bvalue: []byte(p.Value)}
	cp.code = opCodeOf(cp.op)
	if cp.col == "" {
		return cp, fmt.Errorf("%w: predicate without a column", ErrConfig)
	}
	switch cp.op {
	case OpEq, OpNe, OpContains, OpPrefix:
	case OpRegex:
		re, err := regexp.Compile(p.Value)
		if err != nil {
			return cp, fmt.Errorf("%w: predicate on %q: %w", ErrConfig, p.Column, err)
		}
		cp.re = re
	case OpLt, OpGt:
		n, err := strconv.ParseFloat(strings.TrimSpace(p.Value), 64)
		if err != nil {
			return cp, fmt.Errorf("%w: predicate on %q: %q is not a number", ErrConfig, p.Column, p.Value)
		}
		cp.num = n
	default:
		return cp, fmt.Errorf("%w: predicate op %q (want eq, ne, contains, prefix, regex, lt or gt)", ErrConfig, p.Op)
	}
	return cp, nil
}

// matchBytes reports whether the field's value satisfies the predicate.
func (p *predicate) matchBytes(field []byte) bool {
	switch p.code {
	case opEq:
		return string(field) == p.value
	case opNe:
		return string(field) != p.value
	case opContains:
		return bytes.Contains(field, p.bvalue)
	case opPrefix:
		return bytes.HasPrefix(field, p.bvalue)
	case opRegex:
		return p.re.Match(field)
	case opLt, opGt:
		n, ok := parseNumber(field)
		if !ok {
			return false
		}
		if p.code == opLt {
			return n < p.num
		}
		return n > p.num
	}
	return false
}

// opCode is a predicate's operator as a number.
type opCode uint8

const (
	opNone opCode = iota
	opEq
	opNe
	opContains
	opPrefix
	opRegex
	opLt
	opGt
)

func opCodeOf(op string) opCode {
	switch op {
	case OpEq:
		return opEq
	case OpNe:
		return opNe
	case OpContains:
		return opContains
	case OpPrefix:
		return opPrefix
	case OpRegex:
		return opRegex
	case OpLt:
		return opLt
	case OpGt:
		return opGt
	}
	return opNone
}

// allowedColumns returns the columns caller may see: all (nil, true), a set
// (set, true), or nothing (nil, false).
func (a *Access) allowedColumns(c transform.Caller) (map[string]bool, bool) {
	role := roleName(c)
	var set map[string]bool
	matched := false
	for pattern, cols := range a.Allow {
		var hit bool
		if strings.HasPrefix(pattern, "arn:") {
			hit = arnmatch.Any([]string{pattern}, c.ARN, c.SessionIssuerARN)
		} else {
			hit = role != "" && arnmatch.Match(pattern, role)
		}
		if !hit {
			continue
		}
		matched = true
		for _, col := range cols {
			if col == "*" {
				return nil, true
			}
			if set == nil {
				set = map[string]bool{}
			}
			set[col] = true
		}
	}
	if matched {
		return set, true
	}
	if len(a.Default) == 0 {
		return nil, false
	}
	set = map[string]bool{}
	for _, col := range a.Default {
		if col == "*" {
			return nil, true
		}
		set[col] = true
	}
	return set, true
}

// roleName extracts the IAM role name from the session issuer
// (arn:aws:iam::123:role/path/name) or the assumed-role ARN
// (arn:aws:sts::123:assumed-role/name/session).
func roleName(c transform.Caller) string {
	if _, res, ok := strings.Cut(c.SessionIssuerARN, ":role/"); ok {
		if i := strings.LastIndexByte(res, '/'); i >= 0 {
			res = res[i+1:]
		}
		return res
	}
	if _, res, ok := strings.Cut(c.ARN, ":assumed-role/"); ok {
		name, _, _ := strings.Cut(res, "/")
		return name
	}
	return ""
}

// pow10 holds the powers of ten a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseNumber is strconv.ParseFloat(strings.TrimSpace(field), 64) with a
// fast path for plain decimals ("-12.50"): up to 15 digits make an exact
// integer, and dividing it by an exact power of ten rounds correctly
// (Clinger's fast path, as strconv itself takes after its general parse).
func parseNumber(field []byte) (float64, bool) {
	b := field
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	// Digits, then maybe a dot and digits: two tight loops, no branch on
	// the kind of byte.
	var m uint64
	i := 0
	for ; i < len(b) && b[i]-'0' < 10; i++ {
		m = m*10 + uint64(b[i]-'0')
	}
	digits, frac := i, 0
	if i < len(b) && b[i] == '.' {
		i++
		for ; i < len(b) && b[i]-'0' < 10; i++ {
			m = m*10 + uint64(b[i]-'0')
		}
		frac = i - digits - 1
		digits += frac
	}
	if i < len(b) || digits == 0 || digits > 15 { // anything else: the general parse decides
		n, err := strconv.ParseFloat(string(bytes.TrimSpace(field)), 64)
		return n, err == nil
	}
	n := float64(m) / pow10[frac]
	if neg {
		n = -n
	}
	return n, true
}
