package jsonmask

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/internal/textkit"
)

// Sentinel errors.
var (
	// ErrConfig wraps every configuration error (a misconfigured access
	// point: a server-side problem, reported as 500).
	ErrConfig = errors.New("jsonmask: invalid configuration")
	// ErrSyntax is the cause when the object is not valid JSON / NDJSON.
	ErrSyntax = errors.New("jsonmask: invalid JSON")
	// ErrTooLarge is the cause when a value, an NDJSON line or the nesting
	// depth exceeds its limit.
	ErrTooLarge = errors.New("jsonmask: limit exceeded")
)

// Format selects how the body is parsed.
type Format string

const (
	// FormatAuto picks JSON or NDJSON from the Content-Type, then from the
	// key's suffix (.json; .ndjson, .jsonl), and refuses anything else with
	// 415 UnsupportedMediaType.
	FormatAuto Format = ""
	// FormatJSON is one JSON document (several whitespace-separated
	// top-level values are accepted and written one per line).
	FormatJSON Format = "json"
	// FormatNDJSON is newline-delimited JSON: one value per line.
	FormatNDJSON Format = "ndjson"
)

// Defaults and limits.
const (
	DefaultMaxValueSize = 8 << 20
	DefaultMaxDepth     = 512
	maxPaths            = 1024
	maxSegments         = 256
	// holdback is how much output is kept back before the first byte is
	// released, so that documents that fail early get a proper S3 error.
	holdback = 16 << 10
	outChunk = 32 << 10
)

// DefaultMaskValue replaces masked values.
const DefaultMaskValue = `"[REDACTED]"`

// Masker is a transform.Transform that removes or masks fields of JSON and
// NDJSON objects by path. Create it with New, FromConfig or FromPayload; it
// is safe for concurrent use.
type Masker struct {
	paths     pathSet
	maskValue []byte
	format    Format
	maxValue  int
	maxDepth  int
	exempt    func(*transform.Request) bool
}

// Option configures a Masker.
type Option func(*Masker) error

// New returns a Masker configured by opts. At least one path is required.
func New(opts ...Option) (*Masker, error) {
	m := &Masker{maskValue: []byte(DefaultMaskValue), maxValue: DefaultMaxValueSize, maxDepth: DefaultMaxDepth}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(m); err != nil {
			return nil, err
		}
	}
	if len(m.paths.pats) == 0 {
		return nil, fmt.Errorf("%w: no paths to remove or mask", ErrConfig)
	}
	if len(m.paths.pats) > maxPaths {
		return nil, fmt.Errorf("%w: more than %d paths", ErrConfig, maxPaths)
	}
	return m, nil
}

// MustNew is New for static configurations: it panics on error.
func MustNew(opts ...Option) *Masker {
	m, err := New(opts...)
	if err != nil {
		panic(err)
	}
	return m
}

func addPaths(a action, paths []string) Option {
	return func(m *Masker) error {
		for _, p := range paths {
			segs, err := parsePath(p)
			if err != nil {
				return fmt.Errorf("%w: %w", ErrConfig, err)
			}
			if len(segs) > maxSegments {
				return fmt.Errorf("%w: path %q has more than %d segments", ErrConfig, p, maxSegments)
			}
			m.paths.pats = append(m.paths.pats, segs)
			m.paths.actions = append(m.paths.actions, a)
		}
		return nil
	}
}

// Remove deletes the fields (or array elements) at paths. See the package
// documentation for the path syntax.
func Remove(paths ...string) Option { return addPaths(actRemove, paths) }

// Mask replaces the values at paths, whatever their type, with the mask
// value. When a value matches both, Remove wins.
func Mask(paths ...string) Option { return addPaths(actMask, paths) }

// WithMaskValue sets the JSON value written in place of masked values
// (default "[REDACTED]"). It must be valid JSON.
func WithMaskValue(v json.RawMessage) Option {
	return func(m *Masker) error {
		var buf bytes.Buffer
		if err := json.Compact(&buf, v); err != nil || buf.Len() == 0 {
			return fmt.Errorf("%w: mask value is not valid JSON", ErrConfig)
		}
		m.maskValue = buf.Bytes()
		return nil
	}
}

// WithFormat forces the input format instead of detecting it.
func WithFormat(f Format) Option {
	return func(m *Masker) error {
		switch f {
		case FormatAuto, FormatJSON, FormatNDJSON:
			m.format = f
			return nil
		}
		return fmt.Errorf("%w: unknown format %q", ErrConfig, f)
	}
}

// WithMaxValueSize bounds the bytes of one scalar value (JSON) or of one
// line (NDJSON), and so the memory used (default 8 MiB).
func WithMaxValueSize(n int) Option {
	return func(m *Masker) error {
		if n < 64 {
			return fmt.Errorf("%w: max value size %d below 64", ErrConfig, n)
		}
		m.maxValue = n
		return nil
	}
}

// WithMaxDepth bounds object/array nesting (default 512).
func WithMaxDepth(n int) Option {
	return func(m *Masker) error {
		if n < 1 || n > 10000 {
			return fmt.Errorf("%w: max depth %d out of range 1..10000", ErrConfig, n)
		}
		m.maxDepth = n
		return nil
	}
}

// WithExempt lets requests for which f returns true through unchanged.
func WithExempt(f func(*transform.Request) bool) Option {
	return func(m *Masker) error {
		m.exempt = f
		return nil
	}
}

// Properties: masking changes bytes and length; nothing is declared.
func (m *Masker) Properties() transform.Properties { return transform.Properties{} }

// Apply detects the format and wraps the body. Content-Type is kept;
// Length becomes -1.
func (m *Masker) Apply(_ context.Context, in *transform.Object) (*transform.Object, error) {
	if m.exempt != nil && m.exempt(in.Request) {
		return in, nil
	}
	format := m.format
	if format == FormatAuto {
		key := ""
		if in.Request != nil {
			key = in.Request.Key
		}
		format = detect(in.Header.Get("Content-Type"), key)
		if format == FormatAuto {
			return nil, s3err.New(http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMedia,
				"field masking needs a JSON or NDJSON object (Content-Type application/json or application/x-ndjson)")
		}
	}
	r := &reader{m: m, ndjson: format == FormatNDJSON}
	if r.ndjson {
		r.lines = bufio.NewReaderSize(in.Body, 64<<10)
	} else {
		g := &guard{r: in.Body, max: int64(m.maxValue)}
		r.dec = json.NewDecoder(g)
		r.dec.UseNumber()
		g.dec = r.dec
	}
	r.src = in.Body
	r.mach.init(m)
	in.Body = r
	in.Length = -1
	return in, nil
}

func detect(contentType, key string) Format {
	switch mt := textkit.MediaType(contentType); {
	case mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json"):
		return FormatJSON
	case mt == "application/x-ndjson" || mt == "application/ndjson" || mt == "application/jsonl" ||
		mt == "application/x-jsonlines" || mt == "application/jsonlines" || mt == "application/json-lines":
		return FormatNDJSON
	}
	switch strings.ToLower(path.Ext(key)) {
	case ".json":
		return FormatJSON
	case ".ndjson", ".jsonl":
		return FormatNDJSON
	}
	return FormatAuto
}

// guard fails reads when the decoder has buffered more than max bytes past
// the start of the value it is scanning: one huge string or number must
// not take all memory.
type guard struct {
	r    io.Reader
	dec  *json.Decoder
	read int64
	max  int64
}

func (g *guard) Read(p []byte) (int, error) {
	if g.read-g.dec.InputOffset() > g.max {
		return 0, fmt.Errorf("%w: a JSON value is larger than %d bytes", ErrTooLarge, g.max)
	}
	n, err := g.r.Read(p)
	g.read += int64(n)
	return n, err
}

// reader pulls tokens and writes the masked document.
type reader struct {
	m      *Masker
	src    io.Reader
	ndjson bool
	dec    *json.Decoder // JSON mode
	lines  *bufio.Reader // NDJSON mode
	line   []byte
	lineNo int
	mach   machine

	released bool // some output has been handed out
	done     bool
	err      error
	outPos   int
}

func (r *reader) Read(p []byte) (int, error) {
	for {
		avail := len(r.mach.out) - r.outPos
		if avail > 0 && (r.released || r.done || r.err != nil || avail >= holdback) {
			break
		}
		if r.err != nil {
			return 0, r.err
		}
		if r.done {
			return 0, io.EOF
		}
		if avail == 0 {
			r.mach.out, r.outPos = r.mach.out[:0], 0
		}
		r.step()
	}
	r.released = true
	n := copy(p, r.mach.out[r.outPos:])
	r.outPos += n
	return n, nil
}

// Close closes the upstream body when it is an io.Closer.
func (r *reader) Close() error {
	if c, ok := r.src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// fail records err: an S3 error if nothing was released yet (pending output
// is discarded), a plain error otherwise.
func (r *reader) fail(err error) {
	if !r.released {
		r.mach.out, r.outPos = r.mach.out[:0], 0
		if errors.Is(err, ErrTooLarge) {
			r.err = s3err.Wrap(err, http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMedia,
				"the JSON object exceeds the size or depth limits of field masking")
			return
		}
		if errors.Is(err, ErrSyntax) {
			r.err = s3err.Wrap(err, http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMedia,
				"the object is not valid JSON")
			return
		}
	}
	r.err = err
}

func (r *reader) step() {
	if r.ndjson {
		r.stepNDJSON()
		return
	}
	target := len(r.mach.out) + outChunk
	for len(r.mach.out) < target {
		tok, err := r.dec.Token()
		if errors.Is(err, io.EOF) {
			if len(r.mach.stack) != 0 || r.mach.values == 0 {
				r.fail(fmt.Errorf("%w: unexpected end of document", ErrSyntax))
				return
			}
			r.done = true
			return
		}
		if err != nil {
			r.fail(classify(err))
			return
		}
		if err := r.mach.token(tok); err != nil {
			r.fail(err)
			return
		}
	}
}

// classify separates syntax errors from upstream read errors, which pass
// through unchanged.
func classify(err error) error {
	var se *json.SyntaxError
	var ue *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se), errors.As(err, &ue), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: %w", ErrSyntax, err)
	}
	return err
}

func (r *reader) stepNDJSON() {
	target := len(r.mach.out) + outChunk
	for len(r.mach.out) < target {
		line, err := r.readLine()
		if err != nil && !errors.Is(err, io.EOF) {
			r.fail(err)
			return
		}
		if len(line) > 0 || !errors.Is(err, io.EOF) {
			r.lineNo++
			if e := r.maskLine(line); e != nil {
				r.fail(e)
				return
			}
		}
		if errors.Is(err, io.EOF) {
			r.done = true
			return
		}
	}
}

// readLine returns the next line without its "\n", or io.EOF with the last
// unterminated line.
func (r *reader) readLine() ([]byte, error) {
	r.line = r.line[:0]
	for {
		chunk, err := r.lines.ReadSlice('\n')
		if len(r.line)+len(chunk) > r.m.maxValue+1 {
			return nil, fmt.Errorf("%w: an NDJSON line is longer than %d bytes", ErrTooLarge, r.m.maxValue)
		}
		switch {
		case err == nil:
			if len(r.line) == 0 {
				return chunk[:len(chunk)-1], nil
			}
			r.line = append(r.line, chunk[:len(chunk)-1]...)
			return r.line, nil
		case errors.Is(err, bufio.ErrBufferFull):
			r.line = append(r.line, chunk...)
		case errors.Is(err, io.EOF):
			r.line = append(r.line, chunk...)
			return r.line, io.EOF
		default:
			return nil, err
		}
	}
}

func (r *reader) maskLine(line []byte) error {
	if len(bytes.TrimSpace(line)) == 0 {
		r.mach.out = append(r.mach.out, '\n') // blank lines are kept
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	r.mach.reset()
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: line %d: %w", ErrSyntax, r.lineNo, unwrapSyntax(err))
		}
		if err := r.mach.token(tok); err != nil {
			return fmt.Errorf("line %d: %w", r.lineNo, err)
		}
		if r.mach.values > 1 {
			return fmt.Errorf("%w: line %d holds more than one JSON value", ErrSyntax, r.lineNo)
		}
	}
	if len(r.mach.stack) != 0 || r.mach.values != 1 {
		return fmt.Errorf("%w: line %d is not a complete JSON value", ErrSyntax, r.lineNo)
	}
	r.mach.out = append(r.mach.out, '\n')
	return nil
}

func unwrapSyntax(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("unexpected end of line")
	}
	return err
}

// machine rewrites a token stream.
type machine struct {
	ps       *pathSet
	maxDepth int
	mask     []byte
	rootSet  []state

	stack    []frame
	next     []state // path states of the value about to start
	skipNext bool    // the next value is dropped (or already masked)
	skip     int     // depth inside a skipped container
	values   int     // complete top-level values
	out      []byte
	pool     [][]state
}

type frame struct {
	array   bool
	wantKey bool
	n       int // members written
	idx     int // next array index
	set     []state
}

func (mc *machine) init(m *Masker) {
	mc.ps = &m.paths
	mc.maxDepth = m.maxDepth
	mc.mask = m.maskValue
	mc.rootSet = mc.ps.root()
}

func (mc *machine) reset() {
	for len(mc.stack) > 0 {
		mc.pop()
	}
	mc.next, mc.skipNext, mc.skip, mc.values = nil, false, 0, 0
}

func (mc *machine) newSet() []state {
	if n := len(mc.pool); n > 0 {
		s := mc.pool[n-1]
		mc.pool = mc.pool[:n-1]
		return s[:0]
	}
	return make([]state, 0, 8)
}

func (mc *machine) pop() {
	f := mc.stack[len(mc.stack)-1]
	mc.stack = mc.stack[:len(mc.stack)-1]
	if f.set != nil && (len(mc.stack) > 0) {
		mc.pool = append(mc.pool, f.set)
	}
}

func (mc *machine) comma(f *frame) {
	if f.n > 0 {
		mc.out = append(mc.out, ',')
	}
	f.n++
}

func (mc *machine) valueDone() {
	if len(mc.stack) == 0 {
		mc.values++
		return
	}
	if top := &mc.stack[len(mc.stack)-1]; !top.array {
		top.wantKey = true
	}
}

func (mc *machine) token(tok json.Token) error {
	d, isDelim := tok.(json.Delim)
	if mc.skip > 0 {
		if isDelim {
			if d == '{' || d == '[' {
				mc.skip++
			} else if mc.skip--; mc.skip == 0 {
				mc.valueDone()
			}
		}
		return nil
	}
	var top *frame
	if len(mc.stack) > 0 {
		top = &mc.stack[len(mc.stack)-1]
	}
	if top != nil && !top.array && top.wantKey {
		if isDelim { // '}'
			mc.out = append(mc.out, '}')
			mc.pop()
			mc.valueDone()
			return nil
		}
		key, _ := tok.(string)
		child := mc.ps.step(mc.newSet(), top.set, true, key, 0)
		top.wantKey = false
		switch mc.ps.action(child) {
		case actRemove:
			mc.skipNext = true
		case actMask:
			mc.comma(top)
			mc.out = appendString(mc.out, key)
			mc.out = append(mc.out, ':')
			mc.out = append(mc.out, mc.mask...)
			mc.skipNext = true
		default:
			mc.comma(top)
			mc.out = appendString(mc.out, key)
			mc.out = append(mc.out, ':')
			mc.next = child
			return nil
		}
		mc.pool = append(mc.pool, child)
		return nil
	}
	if top != nil && top.array && !mc.skipNext {
		if isDelim && d == ']' {
			mc.out = append(mc.out, ']')
			mc.pop()
			mc.valueDone()
			return nil
		}
		child := mc.ps.step(mc.newSet(), top.set, false, "", top.idx)
		top.idx++
		switch mc.ps.action(child) {
		case actRemove:
			mc.skipNext = true
		case actMask:
			mc.comma(top)
			mc.out = append(mc.out, mc.mask...)
			mc.skipNext = true
		default:
			mc.comma(top)
			mc.next = child
		}
		if mc.skipNext {
			mc.pool = append(mc.pool, child)
		}
	}
	if mc.skipNext {
		mc.skipNext = false
		if isDelim {
			mc.skip = 1
		} else {
			mc.valueDone()
		}
		return nil
	}
	set := mc.next
	mc.next = nil
	if top == nil {
		if mc.values > 0 {
			mc.out = append(mc.out, '\n')
		}
		set = mc.rootSet
	}
	if isDelim {
		if len(mc.stack) >= mc.maxDepth {
			return fmt.Errorf("%w: nesting deeper than %d", ErrTooLarge, mc.maxDepth)
		}
		mc.out = append(mc.out, byte(d))
		mc.stack = append(mc.stack, frame{array: d == '[', wantKey: d == '{', set: set})
		return nil
	}
	mc.out = appendScalar(mc.out, tok)
	if top != nil && set != nil {
		mc.pool = append(mc.pool, set)
	}
	mc.valueDone()
	return nil
}

func appendScalar(dst []byte, tok json.Token) []byte {
	switch v := tok.(type) {
	case string:
		return appendString(dst, v)
	case json.Number:
		return append(dst, v...)
	case bool:
		if v {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case nil:
		return append(dst, "null"...)
	case float64: // not produced with UseNumber; kept for safety
		b, _ := json.Marshal(v)
		return append(dst, b...)
	}
	return append(dst, "null"...)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string. Control characters are escaped,
// invalid UTF-8 becomes U+FFFD (as encoding/json does), and HTML characters
// are left alone.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += w
			start = i
			continue
		}
		i += w
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
