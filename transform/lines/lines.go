package lines

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"net/http"
	"regexp"
	"regexp/syntax"
	"strconv"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/internal/textkit"
)

// Sentinel errors.
var (
	// ErrConfig wraps every configuration error: the access point is
	// misconfigured (a server-side problem, reported as 500).
	ErrConfig = errors.New("lines: invalid configuration")
	// ErrLineTooLong is the cause when a line exceeds the maximum length and
	// long lines are not truncated.
	ErrLineTooLong = errors.New("lines: line too long")
)

// Defaults and limits.
const (
	DefaultMaxLineLength = 1 << 20
	maxMaxLineLength     = 64 << 20
	// QueryHead and QueryGrep are the query parameters read when query
	// overrides are enabled.
	QueryHead = "head"
	QueryGrep = "grep"
	// maxQueryPattern bounds the length of a ?grep= expression.
	maxQueryPattern = 256
	readChunk       = 32 << 10
)

// Filter is a [transform.Transform] that keeps, drops and counts lines.
// Create it with [New], [MustNew] or [FromConfig]; it is safe for concurrent
// use.
type Filter struct {
	keep, drop []*regexp.Regexp
	// keepLits and dropLits are keep and drop when every pattern is a
	// literal string (see literal); notLiteral counts those that are not.
	keepLits, dropLits [][]byte
	notLiteral         int
	head               int
	maxLine            int
	truncate           bool
	query              bool
	contentTypes       []string
}

// Option configures a [Filter], in [New] or after the [Config] of
// [FromConfig].
type Option func(*Filter) error

// New returns a [Filter] configured by opts. With no options it passes
// every line and only enforces the maximum line length. Invalid settings
// yield an error wrapping [ErrConfig].
func New(opts ...Option) (*Filter, error) {
	f := &Filter{maxLine: DefaultMaxLineLength}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(f); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// MustNew is [New] for static configurations: it panics on error.
func MustNew(opts ...Option) *Filter {
	f, err := New(opts...)
	if err != nil {
		panic(err)
	}
	return f
}

// compileAll compiles patterns, appending them to res and, when they are
// literal strings, to lits.
func (f *Filter) compileAll(patterns []string, res *[]*regexp.Regexp, lits *[][]byte) error {
	for _, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return fmt.Errorf("%w: pattern %q: %w", ErrConfig, p, err)
		}
		*res = append(*res, re)
		if lit, ok := literal(p); ok {
			*lits = append(*lits, lit)
		} else {
			f.notLiteral++
		}
	}
	return nil
}

// literal returns the string pattern matches when it matches exactly one
// string, and a line holds a match exactly when bytes.Contains finds that
// string in it: no case folding, no line break (a line has none), no
// U+FFFD (which the regexp also matches for invalid UTF-8).
func literal(pattern string) ([]byte, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, false
	}
	re = re.Simplify()
	switch {
	case re.Op == syntax.OpEmptyMatch:
		return []byte{}, true
	case re.Op != syntax.OpLiteral || re.Flags&syntax.FoldCase != 0:
		return nil, false
	}
	lit := []byte(string(re.Rune))
	if bytes.ContainsAny(lit, "\r\n\uFFFD") {
		return nil, false
	}
	return lit, true
}

// Keep keeps only lines matching at least one of patterns (Go RE2 syntax,
// matched against the line without its "\n" or "\r\n").
func Keep(patterns ...string) Option {
	return func(f *Filter) error { return f.compileAll(patterns, &f.keep, &f.keepLits) }
}

// Drop removes lines matching any of patterns. Drop wins over Keep.
func Drop(patterns ...string) Option {
	return func(f *Filter) error { return f.compileAll(patterns, &f.drop, &f.dropLits) }
}

// Head stops after n output lines (0 means no limit). Reading upstream
// stops too, and the upstream body is closed when it is an io.Closer.
func Head(n int) Option {
	return func(f *Filter) error {
		if n < 0 {
			return fmt.Errorf("%w: head %d is negative", ErrConfig, n)
		}
		f.head = n
		return nil
	}
}

// WithMaxLineLength bounds the bytes of one line (without its terminator),
// and so the memory the filter uses (default [DefaultMaxLineLength], 1 MiB;
// at most 64 MiB). Longer lines fail with [ErrLineTooLong] unless
// [TruncateLongLines] cuts them.
func WithMaxLineLength(n int) Option {
	return func(f *Filter) error {
		if n < 1 || n > maxMaxLineLength {
			return fmt.Errorf("%w: max line length %d out of range 1..%d", ErrConfig, n, maxMaxLineLength)
		}
		f.maxLine = n
		return nil
	}
}

// TruncateLongLines cuts lines longer than the maximum to that many bytes
// (patterns see the cut line) instead of failing. A cut may split a UTF-8
// character.
func TruncateLongLines() Option {
	return func(f *Filter) error {
		f.truncate = true
		return nil
	}
}

// WithQueryOverrides lets each request narrow the output with query
// parameters: ?head=N lowers the line limit (it never raises a configured
// one) and ?grep=RE additionally requires lines to match RE. Requests can
// only see less, never more. Invalid values are refused with 400
// InvalidArgument.
func WithQueryOverrides() Option {
	return func(f *Filter) error {
		f.query = true
		return nil
	}
}

// WithContentTypes restricts the filter to objects whose Content-Type
// matches one of patterns ("text/*", "application/x-ndjson"); others are
// refused with 415 UnsupportedMediaType.
func WithContentTypes(patterns ...string) Option {
	return func(f *Filter) error {
		f.contentTypes = append(f.contentTypes, patterns...)
		return nil
	}
}

func (f *Filter) passthrough() bool {
	return len(f.keep) == 0 && len(f.drop) == 0 && f.head == 0 && !f.query && !f.truncate
}

// Properties: a filter with no patterns, no head, no query overrides and no
// truncation leaves the body unchanged (it can only fail); any other filter
// changes it.
func (f *Filter) Properties() transform.Properties {
	return transform.Properties{BodyUnchanged: f.passthrough()}
}

// Apply wraps the body. Query overrides are parsed here, so a bad ?head=
// or ?grep= is refused before anything is read.
func (f *Filter) Apply(_ context.Context, in *transform.Object) (*transform.Object, error) {
	if ct := in.Header.Get("Content-Type"); !textkit.MediaTypeMatches(ct, f.contentTypes) {
		return nil, s3err.New(http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMediaType,
			"line filtering is not configured for this object's content type")
	}
	head := f.head
	var grep *regexp.Regexp
	if f.query && in.Request != nil {
		if v := in.Request.Query(QueryHead); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return nil, s3err.New(http.StatusBadRequest, s3err.CodeInvalidArgument, "head must be a positive integer")
			}
			if head == 0 || n < head {
				head = n
			}
		}
		if v := in.Request.Query(QueryGrep); v != "" {
			if len(v) > maxQueryPattern {
				return nil, s3err.Errorf(http.StatusBadRequest, s3err.CodeInvalidArgument, "grep pattern longer than %d bytes", maxQueryPattern)
			}
			re, err := regexp.Compile(v)
			if err != nil {
				return nil, s3err.New(http.StatusBadRequest, s3err.CodeInvalidArgument, "grep is not a valid regular expression")
			}
			grep = re
		}
	}
	in.Body = &reader{f: f, src: in.Body, head: head, grep: grep, chunk: make([]byte, readChunk),
		fast: grep == nil && f.notLiteral == 0 && walkable(f.keepLits) && (len(f.keepLits) > 0 || walkable(f.dropLits))}
	if !f.passthrough() {
		in.Length = -1
	}
	return in, nil
}

// reader splits src into lines and emits the kept ones.
//
// Output is handed out as pieces: runs of whole input lines, which are
// kept as they are, point into the read buffer, so that the bytes of most
// lines are copied once, from the buffer to the caller. Only lines that
// change (truncated, or assembled across reads) are copied to out first.
// A run of lines is found with bytes.IndexByte and bytes.LastIndexByte;
// with literal patterns, bitmaps of the run's line feeds and of the
// places where the literals start (index) find the lines that hold one
// (walk); lines are looked at one by one only when a regular expression
// must see each of them, or when a line may be longer than the maximum.
type reader struct {
	f     *Filter
	src   io.Reader
	head  int
	grep  *regexp.Regexp
	count int  // lines emitted
	fast  bool // whole runs of lines are decided at once (see lines)

	chunk      []byte // read buffer; chunk[cpos:cend] unconsumed
	cpos, cend int
	line       []byte // partial line carried across reads
	cut        bool   // the current line was truncated; skip to its end
	eof        bool
	done       bool
	closed     bool // the upstream body is closed
	err        error

	out     []byte   // output of changed lines; out[:flushed] is in pieces
	flushed int      // see out
	pieces  [][]byte // output waiting to be read: pieces[pi:]
	pi      int
	ix      index // of the run of lines being decided, see walk
	emitted int64
}

func (r *reader) Read(p []byte) (int, error) {
	for r.pi == len(r.pieces) {
		if r.err != nil {
			return 0, r.err
		}
		if r.done {
			return 0, io.EOF
		}
		r.pieces, r.pi, r.out, r.flushed = r.pieces[:0], 0, r.out[:0], 0
		r.step()
		r.flush()
	}
	n := 0
	for pieces := r.pieces; r.pi < len(pieces); r.pi++ {
		pc := pieces[r.pi]
		k := copy(p[n:], pc)
		if n += k; k < len(pc) {
			pieces[r.pi] = pc[k:] // p is full
			break
		}
	}
	r.emitted += int64(n)
	return n, nil
}

// Close closes the upstream body when it is an io.Closer, once: after
// Head's last line it is closed already.
func (r *reader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if c, ok := r.src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

func (r *reader) finish() {
	r.done = true
	if r.head > 0 && r.count >= r.head {
		_ = r.Close() // stop the upstream transfer early
	}
}

// flush makes the output of changed lines written so far a piece.
func (r *reader) flush() {
	if len(r.out) > r.flushed {
		r.pieces = append(r.pieces, r.out[r.flushed:])
		r.flushed = len(r.out)
	}
}

// emit hands out b, whole lines of the read buffer kept as they are.
func (r *reader) emit(b []byte) {
	if len(b) > 0 {
		r.flush()
		r.pieces = append(r.pieces, b)
	}
}

// step processes one read of input, reading upstream when the buffer is
// empty.
func (r *reader) step() {
	if r.cpos == r.cend {
		if r.eof {
			if len(r.line) > 0 || r.cut {
				r.lineDone(r.line, false)
				r.line = r.line[:0]
			}
			r.finish()
			return
		}
		n, err := r.src.Read(r.chunk)
		r.cpos, r.cend = 0, n
		if errors.Is(err, io.EOF) {
			r.eof = true
		} else if err != nil {
			r.err = err // upstream errors pass on unchanged
			return
		}
	}
	rest := r.chunk[r.cpos:r.cend]
	if len(r.line) > 0 || r.cut {
		// Finish the line carried from the previous read.
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			r.appendPartial(rest)
			r.cpos = r.cend
			return
		}
		r.cpos += i + 1
		if r.appendPartial(rest[:i]); r.err != nil {
			return
		}
		r.lineDone(r.line, true)
		r.line = r.line[:0]
		rest = rest[i+1:]
	}
	end := bytes.LastIndexByte(rest, '\n') + 1
	if !r.done && r.err == nil {
		r.lines(rest[:end])
	}
	r.cpos += end
	if !r.done && r.err == nil {
		r.appendPartial(rest[end:])
		r.cpos = r.cend
	}
}

// lines decides about run, whole lines of the read buffer. When the filter
// allows it (r.fast: no pattern but literal ones, no ?grep=) and no line of
// run can be longer than the maximum, it searches the whole run for the
// literals: the lines between two occurrences are all kept (drop patterns)
// or all dropped (keep patterns), and handed out or skipped in one piece.
func (r *reader) lines(run []byte) {
	if !r.fast || len(run) > r.f.maxLine {
		for len(run) > 0 && !r.done && r.err == nil {
			i := bytes.IndexByte(run, '\n')
			r.lineDone(run[:i], true)
			run = run[i+1:]
		}
		return
	}
	if len(r.f.keepLits)+len(r.f.dropLits) == 0 {
		r.emitLines(run) // no pattern: every line stays
		return
	}
	r.walk(run)
}

// walk decides about run, whole lines no longer than the maximum, when
// every pattern is a non-empty literal. The index maps the run's line
// feeds and the occurrences of the picking literals (the keep ones, or the
// drop ones when there are none), one bit per byte. One addition per word
// then finds the lines that hold an occurrence: with the line-feed bits
// cleared and every other bit set, an occurrence's bit carries up to the
// line feed that ends its line (however many occurrences the line holds)
// and sets it there. The walk visits those line ends only, takes the start
// of each line from the line-feed bits below it (or the last one of an
// earlier word), and hands out or skips lines between them in one piece:
// with drop literals only, the lines between two matching lines go out
// together; with keep literals, the kept lines in a row do. No search
// loop runs per line.
//
// Measured (BenchmarkLines, 4 MiB of 84-byte lines, half of them holding
// the literal): about 2100 cpu-MB/s before, with a search for the next
// set bit from each occurrence and then for its line's bounds, and a map
// per literal pair of bytes; 1550-1750 with bytes.Index and IndexByte per
// occurrence instead of the maps (short searches pay the vector set-up
// each time); about 3300 with this walk and the one-pass AVX2 maps. What
// is left (pprof): the walk's per-word loop and its unpredictable
// branches (about 35%), copying in and out (25%: the upstream read, the
// kept runs to the caller), the maps (15%), Read's piece loop (10%).
func (r *reader) walk(run []byte) {
	if len(run) == 0 {
		return
	}
	f, ix := r.f, &r.ix
	keep := len(f.keepLits) > 0
	if keep {
		ix.reset(run, f.keepLits)
	} else {
		ix.reset(run, f.dropLits)
	}
	nl, cand, exact, dropToo := ix.nl, ix.cand, ix.exact, keep && len(f.dropLits) > 0
	a := 0                // drop: run[a:] is not decided yet
	kept, keptEnd := 0, 0 // keep: run[kept:keptEnd] is waiting to go out
	start := 0            // the start of the line that word w begins in
	var carry uint64
	for w, nw := range nl {
		m := cand[w]
		if !exact && m != 0 {
			m = ix.occ(w, nw)
		}
		var sum uint64
		sum, carry = bits.Add64(^nw, m, carry)
		base := w * 64
		for ends := sum & nw; ends != 0; ends &= ends - 1 {
			b := bits.TrailingZeros64(ends)
			// The line starts after the line feed below b in this word,
			// or at start (written so as to compile without a branch).
			below := nw & (1<<uint(b) - 1)
			ls := base + 64 - bits.LeadingZeros64(below)
			if below == 0 {
				ls = start
			}
			le := base + b + 1
			if !keep {
				if ls > a {
					if r.emitLines(run[a:ls]); r.done {
						return
					}
				}
				a = le
				continue
			}
			if dropToo && containsAny(trimCR(run[ls:le-1]), f.dropLits) {
				continue
			}
			if ls != keptEnd {
				if r.emitLines(run[kept:keptEnd]); r.done {
					return
				}
				kept = ls
			}
			keptEnd = le
		}
		next := base + 64 - bits.LeadingZeros64(nw)
		if nw != 0 {
			start = next
		}
	}
	if keep {
		r.emitLines(run[kept:keptEnd])
	} else {
		r.emitLines(run[a:])
	}
}

// trimCR returns line without a trailing '\r'.
func trimCR(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1]
	}
	return line
}

func containsAny(b []byte, lits [][]byte) bool {
	for _, lit := range lits {
		if bytes.Contains(b, lit) {
			return true
		}
	}
	return false
}

// emitLines hands out run, whole lines kept as they are, up to Head.
func (r *reader) emitLines(run []byte) {
	if r.head > 0 {
		n := bytes.Count(run, []byte{'\n'})
		if r.count+n >= r.head {
			for ; r.count < r.head; r.count++ {
				i := bytes.IndexByte(run, '\n')
				r.emit(run[:i+1])
				run = run[i+1:]
			}
			r.finish()
			return
		}
		r.count += n
	}
	r.emit(run)
}

// appendPartial adds b to the line being assembled, enforcing the limit.
func (r *reader) appendPartial(b []byte) {
	if r.cut {
		return
	}
	if room := r.f.maxLine + 1 - len(r.line); len(b) > room { // +1 leaves room for a '\r'
		if !r.f.truncate {
			r.fail()
			return
		}
		b = b[:room]
		r.cut = true
	}
	r.line = append(r.line, b...)
}

func (r *reader) fail() {
	msg := fmt.Sprintf("a line is longer than %d bytes", r.f.maxLine)
	if r.emitted == 0 && len(r.pieces) == 0 && len(r.out) == 0 {
		// Nothing sent yet: the caller gets a proper S3 error.
		r.err = s3err.Wrap(ErrLineTooLong, http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMediaType,
			"the object is not line-oriented text: "+msg)
		return
	}
	r.err = fmt.Errorf("%w: %s", ErrLineTooLong, msg)
}

// lineDone decides about one complete line (without its '\n').
func (r *reader) lineDone(line []byte, newline bool) {
	wasCut := r.cut
	r.cut = false
	content := line
	cr := !wasCut && len(content) > 0 && content[len(content)-1] == '\r'
	if cr {
		content = content[:len(content)-1]
	}
	if len(content) > r.f.maxLine {
		if !r.f.truncate {
			r.fail()
			return
		}
		content, cr = content[:r.f.maxLine], false
	}
	if !r.keep(content) {
		return
	}
	r.out = append(r.out, content...)
	if cr {
		r.out = append(r.out, '\r')
	}
	if newline {
		r.out = append(r.out, '\n')
	}
	r.count++
	if r.head > 0 && r.count >= r.head {
		r.finish()
	}
}

func (r *reader) keep(content []byte) bool {
	if len(r.f.keep) > 0 {
		ok := false
		for _, re := range r.f.keep {
			if re.Match(content) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	for _, re := range r.f.drop {
		if re.Match(content) {
			return false
		}
	}
	return r.grep == nil || r.grep.Match(content)
}
