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
	// maxEmptyReads is how many reads in a row may return no bytes and no
	// error before the upstream is declared stuck (as bufio does).
	maxEmptyReads = 100
	outChunk      = 32 << 10
	// readChunk is the size of the input window (and of NDJSON reads).
	readChunk = 64 << 10
)

// DefaultMaskValue replaces masked values.
const DefaultMaskValue = `"[REDACTED]"`

// Masker is a [transform.Transform] that removes or masks fields of JSON and
// NDJSON objects by path. Create it with [New], [MustNew] or [FromConfig]; it
// is safe for concurrent use.
type Masker struct {
	paths     pathSet
	maskValue []byte
	format    Format
	maxValue  int
	maxDepth  int
	exempt    func(*transform.Request) bool
}

// Option configures a [Masker], in [New] or after the [Config] of
// [FromConfig].
type Option func(*Masker) error

// New returns a [Masker] configured by opts. At least one path ([Remove] or
// [Mask]) is required. Invalid settings yield an error wrapping [ErrConfig].
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

// MustNew is [New] for static configurations: it panics on error.
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
// (default [DefaultMaskValue]). It must be valid JSON.
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

// WithExempt lets requests for which f returns true through unchanged, for
// example those of trusted callers:
//
//	jsonmask.WithExempt(func(r *transform.Request) bool {
//		return r.Caller.Matches("arn:aws:iam::111122223333:role/auditor")
//	})
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
			return nil, s3err.New(http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMediaType,
				"field masking needs a JSON or NDJSON object (Content-Type application/json or application/x-ndjson)")
		}
	}
	r := &reader{m: m, src: in.Body, ndjson: format == FormatNDJSON}
	if r.ndjson {
		// A line is read whole and is at most maxValue bytes, so the
		// scanner needs no limit of its own (sc.maxTok stays 0).
		r.lines = bufio.NewReaderSize(in.Body, readChunk)
	} else {
		r.sc.maxTok = m.maxValue
		r.sc.reset(make([]byte, 0, readChunk), false)
	}
	r.sc.maxDepth = m.maxDepth
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

// reader scans the upstream body and writes the masked document.
type reader struct {
	m      *Masker
	src    io.Reader
	ndjson bool
	sc     scanner
	mach   machine

	lines   *bufio.Reader // NDJSON mode
	line    []byte
	lineNo  int
	readErr error // JSON mode: an upstream error that came with data

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
			r.err = s3err.Wrap(err, http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMediaType,
				"the JSON object exceeds the size or depth limits of field masking")
			return
		}
		if errors.Is(err, ErrSyntax) {
			r.err = s3err.Wrap(err, http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMediaType,
				"the object is not valid JSON")
			return
		}
	}
	r.err = err
}

// step writes at least outChunk bytes of output, or up to the end or the
// first error. It stops only between tokens, as the encoding/json version
// did, so that the same failures are early (an S3 error) or late.
func (r *reader) step() {
	if r.ndjson {
		r.stepNDJSON()
		return
	}
	target := len(r.mach.out) + outChunk
	for len(r.mach.out) < target {
		if r.fastTokens(target); len(r.mach.out) >= target {
			return
		}
		kind, err := r.sc.next()
		switch {
		case err == errNeedMore:
			if err := r.fill(); err != nil {
				r.fail(err)
				return
			}
			continue
		case err != nil:
			r.fail(err)
			return
		case kind == tokEOF:
			r.done = true
			return
		}
		r.mach.token(kind, &r.sc)
	}
}

// fill drops the bytes the scanner is done with and reads more. The window
// grows only while one token fills it, and the scanner gives up on a token
// at maxTok+1 bytes, so the window never exceeds maxTok+1+readChunk.
func (r *reader) fill() error {
	sc := &r.sc
	if k := sc.keep(); k > 0 {
		sc.buf = sc.buf[:copy(sc.buf, sc.buf[k:])]
		sc.shift(k)
	}
	if len(sc.buf) == cap(sc.buf) {
		grown := make([]byte, len(sc.buf), min(2*cap(sc.buf), sc.maxTok+1+readChunk))
		sc.buf = grown[:copy(grown, sc.buf)]
	}
	for empty := 0; ; empty++ {
		if r.readErr != nil {
			return r.readErr
		}
		if empty == maxEmptyReads {
			// A reader that keeps returning nothing would otherwise hang
			// the request until its deadline.
			return fmt.Errorf("jsonmask: reading the object: %w", io.ErrNoProgress)
		}
		n, err := r.src.Read(sc.buf[len(sc.buf):cap(sc.buf)])
		sc.buf = sc.buf[:len(sc.buf)+n]
		if errors.Is(err, io.EOF) {
			sc.eof = true
			return nil
		}
		if err != nil {
			// Scan what came with the error first, as encoding/json did.
			r.readErr = err
		}
		if n > 0 {
			return nil
		}
	}
}

func (r *reader) stepNDJSON() {
	target := len(r.mach.out) + outChunk
	for len(r.mach.out) < target {
		if r.bufferedLines(target) {
			if r.err != nil {
				return
			}
			continue
		}
		line, err := r.readLine()
		if err != nil && !errors.Is(err, io.EOF) {
			r.fail(err)
			return
		}
		if len(line) > 0 || !errors.Is(err, io.EOF) {
			r.lineNo++
			r.sc.clearMap()
			if e := r.maskLine(line, 0, len(line)); e != nil {
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

// bufferedLines masks the complete lines that the line reader holds
// already, up to target, without copying them: one window for all, so
// that the string map is built once for many short lines. It returns
// false if there is no such line; readLine then takes the next, and
// whatever is unusual about it (a line longer than the buffer or the
// limit, the last line, an upstream error).
func (r *reader) bufferedLines(target int) bool {
	win, _ := r.lines.Peek(r.lines.Buffered()) // no read: never fails
	r.sc.clearMap()
	pos := 0
	for len(r.mach.out) < target {
		n := bytes.IndexByte(win[pos:], '\n')
		if n < 0 || n > r.m.maxValue {
			break
		}
		r.lineNo++
		err := r.maskLine(win, pos, pos+n)
		pos += n + 1
		if err != nil {
			r.fail(err)
			break
		}
	}
	_, _ = r.lines.Discard(pos) // pos <= Buffered(): never fails
	return pos > 0
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
			// The last line has no "\n" to spare: it gets max bytes.
			if len(r.line)+len(chunk) > r.m.maxValue {
				return nil, fmt.Errorf("%w: an NDJSON line is longer than %d bytes", ErrTooLarge, r.m.maxValue)
			}
			r.line = append(r.line, chunk...)
			return r.line, io.EOF
		default:
			return nil, err
		}
	}
}

// maskLine scans one NDJSON line, win[start:end], held whole in memory.
func (r *reader) maskLine(win []byte, start, end int) error {
	// A line that starts with a printable ASCII byte is not blank; any
	// other is blank if bytes.TrimSpace (Unicode spaces too) says so.
	if start == end || !(win[start] > ' ' && win[start] < 0x80) && len(bytes.TrimSpace(win[start:end])) == 0 {
		r.mach.out = append(r.mach.out, '\n') // blank lines are kept
		return nil
	}
	r.sc.resetLine(win, start, end)
	r.mach.reset()
	for {
		if r.fastTokens(len(r.mach.out) + end - start + outChunk); r.mach.values > 1 {
			return fmt.Errorf("%w: line %d holds more than one JSON value", ErrSyntax, r.lineNo)
		}
		if r.sc.complete() {
			break // what next would say, without the call
		}
		kind, err := r.sc.next()
		if err != nil {
			return fmt.Errorf("line %d: %w", r.lineNo, err)
		}
		if kind == tokEOF {
			break
		}
		r.mach.token(kind, &r.sc)
		if r.mach.values > 1 {
			return fmt.Errorf("%w: line %d holds more than one JSON value", ErrSyntax, r.lineNo)
		}
	}
	r.mach.out = append(r.mach.out, '\n')
	return nil
}

// machine rewrites the token stream: it follows the path of every value,
// drops removed members and elements, and writes masks.
type machine struct {
	dfa  *dfa
	mask []byte
	root *dstate

	stack    []frame
	next     *dstate // path state of the value about to start
	skipNext bool    // the next value is dropped (or already masked)
	skip     int     // depth inside a skipped container
	values   int     // complete top-level values
	out      []byte
	scratch  []byte // decoded keys and strings
}

type frame struct {
	array   bool
	wantKey bool
	n       int // members written
	idx     int // next array index
	d       *dstate
}

func (mc *machine) init(m *Masker) {
	mc.dfa = newDFA(&m.paths)
	mc.mask = m.maskValue
	mc.root = mc.dfa.root()
}

func (mc *machine) reset() {
	mc.stack = mc.stack[:0]
	mc.next, mc.skipNext, mc.skip, mc.values = nil, false, 0, 0
}

func (mc *machine) pop() { mc.stack = mc.stack[:len(mc.stack)-1] }

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

// key handles an object key: it decides whether the member is written,
// masked or dropped.
func (mc *machine) key(top *frame, sc *scanner) {
	raw := sc.token()
	name := raw[1 : len(raw)-1]
	if !sc.plain {
		mc.scratch = unquote(mc.scratch[:0], raw)
		name = mc.scratch
	}
	child := mc.dfa.key(top.d, name)
	top.wantKey = false
	act := child.act
	if act != actRemove {
		mc.comma(top)
		if sc.plain {
			mc.out = append(mc.out, raw...)
		} else {
			mc.out = appendString(mc.out, name)
		}
		mc.out = append(mc.out, ':')
	}
	switch act {
	case actRemove:
		mc.skipNext = true
	case actMask:
		mc.out = append(mc.out, mc.mask...)
		mc.skipNext = true
	default:
		mc.next = child
	}
}

// token consumes one token of the scanner.
func (mc *machine) token(kind tokKind, sc *scanner) {
	open := kind == tokObjectStart || kind == tokArrayStart
	isClose := kind == tokObjectEnd || kind == tokArrayEnd
	if mc.skip > 0 {
		if open {
			mc.skip++
		} else if isClose {
			if mc.skip--; mc.skip == 0 {
				mc.valueDone()
			}
		}
		return
	}
	var top *frame
	if len(mc.stack) > 0 {
		top = &mc.stack[len(mc.stack)-1]
	}
	if top != nil && !top.array && top.wantKey {
		if kind == tokObjectEnd {
			mc.out = append(mc.out, '}')
			mc.pop()
			mc.valueDone()
			return
		}
		mc.key(top, sc)
		return
	}
	if top != nil && top.array && !mc.skipNext {
		if kind == tokArrayEnd {
			mc.out = append(mc.out, ']')
			mc.pop()
			mc.valueDone()
			return
		}
		child := mc.dfa.index(top.d, top.idx)
		top.idx++
		switch child.act {
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
	}
	if mc.skipNext {
		mc.skipNext = false
		if open {
			mc.skip = 1
		} else {
			mc.valueDone()
		}
		return
	}
	d := mc.next
	mc.next = nil
	if top == nil {
		if mc.values > 0 {
			mc.out = append(mc.out, '\n')
		}
		d = mc.root
	}
	if open {
		c := byte('{')
		if kind == tokArrayStart {
			c = '['
		}
		mc.out = append(mc.out, c)
		mc.stack = append(mc.stack, frame{array: c == '[', wantKey: c == '{', d: d})
		return
	}
	if kind == tokString {
		mc.out = appendRawString(mc.out, sc.token(), sc.plain, &mc.scratch)
	} else {
		mc.out = append(mc.out, sc.token()...)
	}
	mc.valueDone()
}
