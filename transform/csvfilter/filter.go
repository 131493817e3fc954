package csvfilter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
)

// Filter is a transform that removes CSV columns and rows as the object
// streams. Build one with [New] or [FromConfig]; it is safe for concurrent use.
type Filter struct {
	comma      rune
	header     bool
	writeHead  bool
	keep, drop []string
	where      []predicate
	access     *Access
	colsParam  string
	crlf       bool
	lazyQuotes bool
	maxField   int
	maxRow     int
}

// Properties: rows and columns change, so nothing is preserved.
func (f *Filter) Properties() transform.Properties { return transform.Properties{} }

// Apply implements transform.Transform. It decides the caller's column
// allow-list (403 AccessDenied when there is none) and wraps the body; the
// header row is parsed on the first Read, where unknown columns (400
// InvalidArgument) and unparseable headers (415 UnsupportedMediaType)
// surface as S3 errors before any output.
func (f *Filter) Apply(ctx context.Context, obj *transform.Object) (*transform.Object, error) {
	var allowed map[string]bool // nil: all
	if f.access != nil {
		var caller transform.Caller
		if obj.Request != nil {
			caller = obj.Request.Caller
		}
		set, ok := f.access.allowedColumns(caller)
		if !ok {
			return nil, s3err.Wrap(ErrAccessDenied, http.StatusForbidden, s3err.CodeAccessDenied, "Access Denied")
		}
		allowed = set
	}
	var requested []string
	if f.colsParam != "-" && obj.Request != nil {
		if q := obj.Request.Query(f.colsParam); q != "" {
			for _, c := range strings.Split(q, ",") {
				if c = strings.TrimSpace(c); c != "" {
					requested = append(requested, c)
				}
			}
		}
	}
	if allowed != nil {
		for _, c := range requested {
			if !allowed[c] {
				return nil, s3err.Wrap(fmt.Errorf("%w: requested column not allowed", ErrAccessDenied),
					http.StatusForbidden, s3err.CodeAccessDenied, "Access Denied")
			}
		}
	}
	if obj.Header == nil {
		obj.Header = http.Header{}
	}
	if obj.Header.Get("Content-Type") == "" {
		if f.comma == '\t' {
			obj.Header.Set("Content-Type", "text/tab-separated-values")
		} else {
			obj.Header.Set("Content-Type", "text/csv")
		}
	}
	comma := byte(f.comma)
	r := &reader{ctx: ctx, f: f, src: obj.Body, allowed: allowed, requested: requested,
		sc: newScanner(obj.Body, comma, f.lazyQuotes, f.maxRow)}
	r.w = writer{comma: comma, crlf: f.crlf}
	if !f.crlf {
		r.sc.verbatimMax = f.maxField // rows fastRows may copy in spans
	}
	obj.Body = r
	obj.Length = -1
	return obj, nil
}

// reader parses the upstream body and writes the kept rows and columns.
type reader struct {
	ctx       context.Context
	f         *Filter
	src       io.Reader
	sc        *scanner
	w         writer
	allowed   map[string]bool
	requested []string

	out    []byte // output not handed out yet: out[outPos:]
	outPos int

	started bool
	sent    bool     // some output byte was returned
	runs    []colRun // the output columns
	spans   []span   // what a verbatim row is written as (spansOf)
	where   []boundPredicate
	ticks   int // rows since the context was last looked at
	ps, pe  int // fastRows: sc.buf[ps:pe] is due after out
	err     error
}

type boundPredicate struct {
	idx int
	p   *predicate
}

func (r *reader) Read(p []byte) (int, error) {
	for {
		if r.err != nil && r.err != io.EOF && !r.sent {
			// Nothing was sent yet: drop the pending rows and fail cleanly.
			r.out, r.outPos = r.out[:0], 0
			return 0, r.s3(r.err)
		}
		if r.outPos < len(r.out) {
			break
		}
		if r.err != nil {
			return 0, r.err
		}
		r.out, r.outPos = r.out[:0], 0
		r.err = r.fill(max(len(p), 512))
	}
	n := copy(p, r.out[r.outPos:])
	r.outPos += n
	if n > 0 {
		r.sent = true
	}
	return n, nil
}

// Close closes the upstream body when it is an io.Closer.
func (r *reader) Close() error {
	if c, ok := r.src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// fill produces at least want bytes of output, or all that is left.
func (r *reader) fill(want int) error {
	if !r.started {
		r.started = true
		if err := r.start(); err != nil {
			return err
		}
	}
	for len(r.out) < want {
		if err := r.fastRows(want); err != nil || len(r.out) >= want {
			return err
		}
		// A record fastRecord does not take, or the end of the buffer.
		if err := r.tick(); err != nil {
			return err
		}
		if err := r.next(); err != nil {
			return err // io.EOF at the end; rows before an error are kept
		}
		if r.keepRow() {
			r.write()
		}
	}
	return nil
}

// tick counts a row and checks the context every 256 rows.
func (r *reader) tick() error {
	if r.ticks++; r.ticks == 256 {
		r.ticks = 0
		return r.ctx.Err()
	}
	return nil
}

// fastRows writes the rows that follow while the fast path takes them,
// until out holds want bytes. A row whose fields are all written as their
// raw bytes and whose LF stays one is written as the spans r.spans names;
// spans that follow each other in the scanner's buffer, as runs of whole
// rows do, are joined and copied at once, before fastRows returns (the
// scanner may then move them).
func (r *reader) fastRows(want int) error {
	sc := r.sc
	r.ps, r.pe = 0, 0
	// The loop keeps its state in r: after a call Go reloads only what it
	// uses, where locals live across the calls would all be reloaded.
	for len(r.out)+r.pe-r.ps < want && sc.fastRecord() {
		if r.ticks++; r.ticks == 256 {
			r.ticks = 0
			if err := r.ctx.Err(); err != nil {
				r.flushSpan()
				return err
			}
		}
		if sc.recLen > r.f.maxField { // before the predicates, as next does
			if err := r.checkFields(); err != nil {
				r.flushSpan()
				return err
			}
		}
		if len(r.where) > 0 && !r.keepRow() {
			continue
		}
		if sc.verbatim {
			ends := sc.ends
			for _, sp := range r.spans {
				rs, re := ends[sp.from]+sp.fromAdd, ends[sp.to]+sp.toAdd
				if rs != r.pe {
					r.out = append(r.out, sc.buf[r.ps:r.pe]...)
					r.ps = rs
				}
				r.pe = re
			}
			continue
		}
		// Another line end, a row the writer changes, or a long one.
		r.flushSpan()
		r.write()
	}
	r.flushSpan()
	return nil
}

// flushSpan copies the pending span sc.buf[ps:pe] to out.
func (r *reader) flushSpan() {
	r.out = append(r.out, r.sc.buf[r.ps:r.pe]...)
	r.ps, r.pe = 0, 0
}

// span is a part of a row: from ends[from]+fromAdd to ends[to]+toAdd
// (scanner.ends).
type span struct{ from, fromAdd, to, toAdd int }

// spansOf returns the spans a verbatim row of n fields is written as, for
// the output columns runs: each run with the delimiter before it (but the
// first) and the LF after it when it ends the row, and the LF alone else.
func spansOf(runs []colRun, n int) []span {
	var spans []span
	for g, run := range runs {
		sp := span{run.first, 1, run.last + 1, 0}
		if g > 0 {
			sp.fromAdd = 0 // the delimiter
		}
		if run.last == n-1 {
			sp.toAdd = 1 // the LF
		}
		spans = append(spans, sp)
	}
	if runs[len(runs)-1].last != n-1 {
		spans = append(spans, span{n, 0, n, 1})
	}
	return spans
}

// next reads one record and enforces the field size limit.
func (r *reader) next() error {
	if err := r.sc.next(); err != nil {
		return err
	}
	return r.checkFields()
}

// checkFields enforces the field size limit on the current record.
func (r *reader) checkFields() error {
	if r.sc.recLen <= r.f.maxField {
		return nil // no value is longer than its record
	}
	rec := r.sc.fieldList()
	for i := range rec {
		if rec[i].ve-rec[i].vs > r.f.maxField {
			return fmt.Errorf("%w: a field exceeds %d bytes", ErrTooLarge, r.f.maxField)
		}
	}
	return nil
}

// start reads the header (or peeks at the first row), resolves column names
// and writes the output header.
func (r *reader) start() error {
	err := r.next()
	if err == io.EOF {
		return nil // empty object → empty output
	}
	if err != nil {
		return err
	}
	first := r.sc.fieldList()
	names := make([]string, len(first))
	for i := range names {
		if r.f.header {
			names[i] = string(r.sc.value(&first[i]))
		} else {
			names[i] = strconv.Itoa(i + 1)
		}
	}
	if err := r.selectColumns(names); err != nil {
		return err
	}
	if !r.f.header {
		if r.keepRow() {
			r.write()
		}
		return nil
	}
	if r.f.writeHead {
		r.write()
	}
	return nil
}

// selectColumns decides the output columns and binds the predicates.
func (r *reader) selectColumns(names []string) error {
	index := make(map[string][]int, len(names))
	for i, n := range names {
		index[n] = append(index[n], i)
	}
	lookup := func(col, what string) ([]int, error) {
		idx, ok := index[col]
		if !ok {
			return nil, fmt.Errorf("%w: %s column %q", ErrUnknownColumn, what, col)
		}
		return idx, nil
	}
	selected := make([]bool, len(names))
	if len(r.f.keep) == 0 {
		for i := range selected {
			selected[i] = true
		}
	}
	for _, c := range r.f.keep {
		idx, err := lookup(c, "keep")
		if err != nil {
			return err
		}
		for _, i := range idx {
			selected[i] = true
		}
	}
	for _, c := range r.f.drop {
		idx, err := lookup(c, "drop")
		if err != nil {
			return err
		}
		for _, i := range idx {
			selected[i] = false
		}
	}
	if len(r.requested) > 0 {
		want := make([]bool, len(names))
		for _, c := range r.requested {
			idx, err := lookup(c, "requested")
			if err != nil {
				return err
			}
			for _, i := range idx {
				want[i] = true
			}
		}
		for i := range selected {
			selected[i] = selected[i] && want[i]
		}
	}
	picked := false
	for i := range selected {
		picked = picked || selected[i]
	}
	if r.allowed != nil {
		for i := range selected {
			selected[i] = selected[i] && r.allowed[names[i]]
		}
	}
	for i, s := range selected {
		switch {
		case !s:
		case len(r.runs) > 0 && r.runs[len(r.runs)-1].last == i-1:
			r.runs[len(r.runs)-1].last = i
		default:
			r.runs = append(r.runs, colRun{i, i})
		}
	}
	if len(r.runs) > 0 {
		r.spans = spansOf(r.runs, len(names))
	}
	if len(r.runs) == 0 {
		if picked {
			return fmt.Errorf("%w: no visible columns", ErrAccessDenied)
		}
		return fmt.Errorf("%w: no columns selected", ErrUnknownColumn)
	}
	for i := range r.f.where {
		p := &r.f.where[i]
		idx, err := lookup(p.col, "predicate")
		if err != nil {
			return err
		}
		r.where = append(r.where, boundPredicate{idx: idx[0], p: p})
	}
	return nil
}

// keepRow reports whether the current record satisfies every predicate,
// reading only the columns they name.
func (r *reader) keepRow() bool {
	if !r.sc.compact {
		for _, bp := range r.where {
			if !bp.p.matchBytes(r.sc.valueAt(bp.idx)) {
				return false
			}
		}
		return true
	}
	ends, buf := r.sc.ends, r.sc.buf
	for _, bp := range r.where {
		rs, re := ends[bp.idx]+1, ends[bp.idx+1]
		if rs < re && buf[rs] == '"' {
			rs, re = rs+1, re-1 // the fast path takes no quote inside
		}
		if bp.p.code == opEq { // the common case, without a call
			if string(buf[rs:re]) != bp.p.value {
				return false
			}
			continue
		}
		if !bp.p.matchBytes(buf[rs:re]) {
			return false
		}
	}
	return true
}

// write appends the output columns of the current record.
func (r *reader) write() {
	switch {
	case r.sc.plain && r.sc.compact:
		r.writeSpans()
	case r.sc.plain:
		r.writeRuns()
	default:
		r.writeFields()
	}
}

// writeSpans writes a record fastRecord parsed whose fields are all
// written as their raw bytes: a span of the input per run of output
// columns, with the delimiter before it (all runs but the first).
func (r *reader) writeSpans() {
	out, buf, ends := r.out, r.sc.buf, r.sc.ends
	for g, run := range r.runs {
		rs := ends[run.first] + 1
		if g > 0 {
			rs-- // the delimiter
		}
		out = append(out, buf[rs:ends[run.last+1]]...)
	}
	r.out = r.w.appendEnd(out)
}

// writeRuns writes a record record parsed whose fields are all written as
// their raw bytes: one copy per run of output columns.
func (r *reader) writeRuns() {
	rec, out := r.sc.fields, r.out
	buf, comma := r.sc.buf, r.w.comma
	for g, run := range r.runs {
		if g > 0 {
			out = append(out, comma)
		}
		out = append(out, buf[rec[run.first].rs:rec[run.last].re]...)
	}
	r.out = r.w.appendEnd(out)
}

// writeFields writes the current record field by field, but for runs of
// fields that are all written as their raw bytes.
func (r *reader) writeFields() {
	rec, out := r.sc.fieldList(), r.out
	for g, run := range r.runs {
		if g > 0 {
			out = append(out, r.w.comma)
		}
		fields := rec[run.first : run.last+1]
		if r.w.allVerbatim(r.sc, fields) {
			out = append(out, r.sc.buf[fields[0].rs:fields[len(fields)-1].re]...)
			continue
		}
		for k := range fields {
			if k > 0 {
				out = append(out, r.w.comma)
			}
			out = r.w.appendField(out, &fields[k], r.sc.value(&fields[k]))
		}
	}
	r.out = r.w.appendEnd(out)
}

// colRun is a run of adjacent output columns, first to last.
type colRun struct{ first, last int }

// s3 maps err to an S3 error while no byte has been sent; after that,
// errors stay plain and the pipeline aborts the stream.
func (r *reader) s3(err error) error {
	if r.sent {
		return err
	}
	switch {
	case errors.Is(err, ErrAccessDenied):
		return s3err.Wrap(err, http.StatusForbidden, s3err.CodeAccessDenied, "Access Denied")
	case errors.Is(err, ErrUnknownColumn):
		return s3err.Wrap(err, http.StatusBadRequest, s3err.CodeInvalidArgument,
			"the requested or configured columns do not match the object's header")
	case errors.Is(err, ErrMalformed):
		return s3err.Wrap(err, http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMediaType, "the object is not valid CSV")
	case errors.Is(err, ErrTooLarge):
		return s3err.Wrap(err, http.StatusBadRequest, s3err.CodeEntityTooLarge, "a CSV row or field exceeds the configured limit")
	}
	return err
}
