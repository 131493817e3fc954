package csvfilter

// This file keeps the encoding/csv implementation this package used before
// its own scanner (scan.go), renamed, so that FuzzLegacy can check that the
// new code writes the same bytes and fails the same way. It is a verbatim
// copy apart from the names and legacyFilter; do not "fix" it: it is the
// reference.

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
)

// legacyFilter runs a Filter's configuration through the old reader.
type legacyFilter struct{ f *Filter }

func (l legacyFilter) Properties() transform.Properties { return l.f.Properties() }

// legacyBufioSlack is how far encoding/csv's internal bufio.Reader may read ahead
// of the record it is parsing (its default buffer size).
const legacyBufioSlack = 4096

// Apply implements transform.Transform. It decides the caller's column
// allow-list (403 AccessDenied when there is none) and wraps the body; the
// header row is parsed on the first Read, where unknown columns (400
// InvalidArgument) and unparseable headers (415 UnsupportedMediaType)
// surface as S3 errors before any output.
func (l legacyFilter) Apply(ctx context.Context, obj *transform.Object) (*transform.Object, error) {
	f := l.f
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
	g := &legacyRowGuard{r: obj.Body, max: int64(f.maxRow) + legacyBufioSlack}
	cr := csv.NewReader(g)
	cr.Comma = f.comma
	cr.LazyQuotes = f.lazyQuotes
	cr.ReuseRecord = true
	r := &legacyReader{ctx: ctx, f: f, guard: g, in: cr, allowed: allowed, requested: requested}
	r.w = csv.NewWriter(&r.out)
	r.w.Comma = f.comma
	r.w.UseCRLF = f.crlf
	obj.Body = r
	obj.Length = -1
	return obj, nil
}

// legacyRowGuard refuses to hand encoding/csv more than max bytes past the end of
// the last complete record, so one endless row cannot exhaust memory.
type legacyRowGuard struct {
	r         io.Reader
	delivered int64
	mark      int64 // input offset after the last record
	max       int64
}

func (g *legacyRowGuard) Read(p []byte) (int, error) {
	room := g.mark + g.max - g.delivered
	if room <= 0 {
		return 0, fmt.Errorf("%w: a row exceeds %d bytes", ErrTooLarge, g.max-legacyBufioSlack)
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := g.r.Read(p)
	g.delivered += int64(n)
	return n, err
}

type legacyReader struct {
	ctx       context.Context
	f         *Filter
	guard     *legacyRowGuard
	in        *csv.Reader
	w         *csv.Writer
	out       bytes.Buffer
	allowed   map[string]bool
	requested []string

	started bool
	sent    bool  // some output byte was returned
	cols    []int // output column indexes
	where   []legacyBoundPredicate
	row     []string // output row scratch
	rows    int
	err     error
}

type legacyBoundPredicate struct {
	idx int
	p   *predicate
}

func (r *legacyReader) Read(p []byte) (int, error) {
	for {
		if r.err != nil && r.err != io.EOF && !r.sent {
			// Nothing was sent yet: drop the pending rows and fail cleanly.
			r.out.Reset()
			return 0, r.s3(r.err)
		}
		if r.out.Len() > 0 {
			break
		}
		if r.err != nil {
			return 0, r.err
		}
		r.err = r.fill(max(len(p), 512))
	}
	n, _ := r.out.Read(p)
	if n > 0 {
		r.sent = true
	}
	return n, nil
}

// fill produces at least want bytes of output, or all that is left.
func (r *legacyReader) fill(want int) error {
	if !r.started {
		r.started = true
		if err := r.start(); err != nil {
			return err
		}
	}
	for r.out.Len() < want {
		if r.rows++; r.rows%256 == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := r.next()
		if err == io.EOF {
			r.w.Flush()
			if err := r.w.Error(); err != nil {
				return err
			}
			return io.EOF
		}
		if err != nil {
			r.w.Flush() // hand out the rows before the error
			return err
		}
		if !r.keepRow(rec) {
			continue
		}
		if err := r.write(rec); err != nil {
			return err
		}
	}
	r.w.Flush()
	return r.w.Error()
}

// next reads one record and enforces the size limits.
func (r *legacyReader) next() ([]string, error) {
	rec, err := r.in.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%w: line %d: %w", ErrMalformed, pe.StartLine, pe.Err)
		}
		return nil, fmt.Errorf("csvfilter: reading object: %w", err)
	}
	r.guard.mark = r.in.InputOffset()
	for _, field := range rec {
		if len(field) > r.f.maxField {
			return nil, fmt.Errorf("%w: a field exceeds %d bytes", ErrTooLarge, r.f.maxField)
		}
	}
	return rec, nil
}

// start reads the header (or peeks at the first row), resolves column names
// and writes the output header.
func (r *legacyReader) start() error {
	first, err := r.next()
	if err == io.EOF {
		return nil // empty object → empty output
	}
	if err != nil {
		return err
	}
	names := make([]string, len(first))
	if r.f.header {
		copy(names, first)
	} else {
		for i := range names {
			names[i] = strconv.Itoa(i + 1)
		}
	}
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
		if s {
			r.cols = append(r.cols, i)
		}
	}
	if len(r.cols) == 0 {
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
		r.where = append(r.where, legacyBoundPredicate{idx: idx[0], p: p})
	}
	r.row = make([]string, len(r.cols))
	if !r.f.header {
		if r.keepRow(first) {
			return r.write(first)
		}
		return nil
	}
	if r.f.writeHead {
		return r.write(first)
	}
	return nil
}

func (r *legacyReader) keepRow(rec []string) bool {
	for _, bp := range r.where {
		if !legacyMatch(bp.p, rec[bp.idx]) {
			return false
		}
	}
	return true
}

func (r *legacyReader) write(rec []string) error {
	for j, i := range r.cols {
		r.row[j] = rec[i]
	}
	return r.w.Write(r.row)
}

// s3 maps err to an S3 error while no byte has been sent; after that,
// errors stay plain and the pipeline aborts the stream.
func (r *legacyReader) s3(err error) error {
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

// legacyMatch is predicate.match as it was, on strings.
func legacyMatch(p *predicate, field string) bool {
	switch p.op {
	case OpEq:
		return field == p.value
	case OpNe:
		return field != p.value
	case OpContains:
		return strings.Contains(field, p.value)
	case OpPrefix:
		return strings.HasPrefix(field, p.value)
	case OpRegex:
		return p.re.MatchString(field)
	case OpLt, OpGt:
		n, err := strconv.ParseFloat(strings.TrimSpace(field), 64)
		if err != nil {
			return false
		}
		if p.op == OpLt {
			return n < p.num
		}
		return n > p.num
	}
	return false
}
