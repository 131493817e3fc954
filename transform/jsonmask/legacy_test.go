package jsonmask

// This file keeps the encoding/json Decoder.Token implementation that the
// hand-written scanner replaced, renamed, so that FuzzDifferential can check
// that the new code writes the same bytes and fails with the same error
// class. It is a verbatim copy apart from the names and legacyMasker; do not
// "fix" it: it is the reference.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"unicode/utf8"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
)

// legacyMasker runs a Masker's configuration through the old implementation.
type legacyMasker struct{ m *Masker }

func (l legacyMasker) Apply(_ context.Context, in *transform.Object) (*transform.Object, error) {
	m := l.m
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
	r := &legacyReader{m: m, ndjson: format == FormatNDJSON}
	if r.ndjson {
		r.lines = bufio.NewReaderSize(in.Body, 64<<10)
	} else {
		g := &legacyGuard{r: in.Body, max: int64(m.maxValue)}
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

// legacyGuard fails reads when the decoder has buffered more than max bytes past
// the start of the value it is scanning: one huge string or number must
// not take all memory.
type legacyGuard struct {
	r    io.Reader
	dec  *json.Decoder
	read int64
	max  int64
}

func (g *legacyGuard) Read(p []byte) (int, error) {
	if g.read-g.dec.InputOffset() > g.max {
		return 0, fmt.Errorf("%w: a JSON value is larger than %d bytes", ErrTooLarge, g.max)
	}
	n, err := g.r.Read(p)
	g.read += int64(n)
	return n, err
}

// legacyReader pulls tokens and writes the masked document.
type legacyReader struct {
	m      *Masker
	src    io.Reader
	ndjson bool
	dec    *json.Decoder // JSON mode
	lines  *bufio.Reader // NDJSON mode
	line   []byte
	lineNo int
	mach   legacyMachine

	released bool // some output has been handed out
	done     bool
	err      error
	outPos   int
}

func (r *legacyReader) Read(p []byte) (int, error) {
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
func (r *legacyReader) Close() error {
	if c, ok := r.src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// fail records err: an S3 error if nothing was released yet (pending output
// is discarded), a plain error otherwise.
func (r *legacyReader) fail(err error) {
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

func (r *legacyReader) step() {
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
			r.fail(legacyClassify(err))
			return
		}
		if err := r.mach.token(tok); err != nil {
			r.fail(err)
			return
		}
	}
}

// legacyClassify separates syntax errors from upstream read errors, which pass
// through unchanged.
func legacyClassify(err error) error {
	var se *json.SyntaxError
	var ue *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se), errors.As(err, &ue), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: %w", ErrSyntax, err)
	}
	return err
}

func (r *legacyReader) stepNDJSON() {
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
func (r *legacyReader) readLine() ([]byte, error) {
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

func (r *legacyReader) maskLine(line []byte) error {
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
			return fmt.Errorf("%w: line %d: %w", ErrSyntax, r.lineNo, legacyUnwrapSyntax(err))
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

func legacyUnwrapSyntax(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("unexpected end of line")
	}
	return err
}

// legacyMachine rewrites a token stream.
type legacyMachine struct {
	ps       *pathSet
	maxDepth int
	mask     []byte
	rootSet  []state

	stack    []legacyFrame
	next     []state // path states of the value about to start
	skipNext bool    // the next value is dropped (or already masked)
	skip     int     // depth inside a skipped container
	values   int     // complete top-level values
	out      []byte
	pool     [][]state
}

type legacyFrame struct {
	array   bool
	wantKey bool
	n       int // members written
	idx     int // next array index
	set     []state
}

func (mc *legacyMachine) init(m *Masker) {
	mc.ps = &m.paths
	mc.maxDepth = m.maxDepth
	mc.mask = m.maskValue
	mc.rootSet = mc.ps.root()
}

func (mc *legacyMachine) reset() {
	for len(mc.stack) > 0 {
		mc.pop()
	}
	mc.next, mc.skipNext, mc.skip, mc.values = nil, false, 0, 0
}

func (mc *legacyMachine) newSet() []state {
	if n := len(mc.pool); n > 0 {
		s := mc.pool[n-1]
		mc.pool = mc.pool[:n-1]
		return s[:0]
	}
	return make([]state, 0, 8)
}

func (mc *legacyMachine) pop() {
	f := mc.stack[len(mc.stack)-1]
	mc.stack = mc.stack[:len(mc.stack)-1]
	if f.set != nil && (len(mc.stack) > 0) {
		mc.pool = append(mc.pool, f.set)
	}
}

func (mc *legacyMachine) comma(f *legacyFrame) {
	if f.n > 0 {
		mc.out = append(mc.out, ',')
	}
	f.n++
}

func (mc *legacyMachine) valueDone() {
	if len(mc.stack) == 0 {
		mc.values++
		return
	}
	if top := &mc.stack[len(mc.stack)-1]; !top.array {
		top.wantKey = true
	}
}

func (mc *legacyMachine) token(tok json.Token) error {
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
	var top *legacyFrame
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
			mc.out = legacyAppendString(mc.out, key)
			mc.out = append(mc.out, ':')
			mc.out = append(mc.out, mc.mask...)
			mc.skipNext = true
		default:
			mc.comma(top)
			mc.out = legacyAppendString(mc.out, key)
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
		mc.stack = append(mc.stack, legacyFrame{array: d == '[', wantKey: d == '{', set: set})
		return nil
	}
	mc.out = legacyAppendScalar(mc.out, tok)
	if top != nil && set != nil {
		mc.pool = append(mc.pool, set)
	}
	mc.valueDone()
	return nil
}

func legacyAppendScalar(dst []byte, tok json.Token) []byte {
	switch v := tok.(type) {
	case string:
		return legacyAppendString(dst, v)
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

const legacyHexDigits = "0123456789abcdef"

// legacyAppendString writes s as a JSON string. Control characters are escaped,
// invalid UTF-8 becomes U+FFFD (as encoding/json does), and HTML characters
// are left alone.
func legacyAppendString(dst []byte, s string) []byte {
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
				dst = append(dst, '\\', 'u', '0', '0', legacyHexDigits[c>>4], legacyHexDigits[c&0xf])
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
			dst = append(dst, '\\', 'u', '2', '0', '2', legacyHexDigits[r&0xf])
			i += w
			start = i
			continue
		}
		i += w
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
