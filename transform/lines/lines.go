package lines

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
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

// Filter is a transform.Transform that keeps, drops and counts lines.
// Create it with New, FromConfig or FromPayload; it is safe for concurrent
// use.
type Filter struct {
	keep, drop   []*regexp.Regexp
	head         int
	maxLine      int
	truncate     bool
	query        bool
	contentTypes []string
}

// Option configures a Filter.
type Option func(*Filter) error

// New returns a Filter configured by opts. With no options it passes
// every line and only enforces the maximum line length.
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

// MustNew is New for static configurations: it panics on error.
func MustNew(opts ...Option) *Filter {
	f, err := New(opts...)
	if err != nil {
		panic(err)
	}
	return f
}

func compileAll(patterns []string) ([]*regexp.Regexp, error) {
	out := make([]*regexp.Regexp, 0, len(patterns))
	for _, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("%w: pattern %q: %w", ErrConfig, p, err)
		}
		out = append(out, re)
	}
	return out, nil
}

// Keep keeps only lines matching at least one of patterns (Go RE2 syntax,
// matched against the line without its "\n" or "\r\n").
func Keep(patterns ...string) Option {
	return func(f *Filter) error {
		res, err := compileAll(patterns)
		f.keep = append(f.keep, res...)
		return err
	}
}

// Drop removes lines matching any of patterns. Drop wins over Keep.
func Drop(patterns ...string) Option {
	return func(f *Filter) error {
		res, err := compileAll(patterns)
		f.drop = append(f.drop, res...)
		return err
	}
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

// MaxLineLength bounds the bytes of one line (without its terminator),
// and so the memory the filter uses (default 1 MiB, at most 64 MiB).
func MaxLineLength(n int) Option {
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
		return nil, s3err.New(http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMedia,
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
	in.Body = &reader{f: f, src: in.Body, head: head, grep: grep, chunk: make([]byte, readChunk)}
	if !f.passthrough() {
		in.Length = -1
	}
	return in, nil
}

// reader splits src into lines and emits the kept ones.
type reader struct {
	f     *Filter
	src   io.Reader
	head  int
	grep  *regexp.Regexp
	count int // lines emitted

	chunk      []byte // read buffer; chunk[cpos:cend] unconsumed
	cpos, cend int
	line       []byte // partial line carried across reads
	cut        bool   // the current line was truncated; skip to its end
	eof        bool
	done       bool
	closed     bool // the upstream body is closed
	err        error

	out     []byte
	outPos  int
	emitted int64
}

func (r *reader) Read(p []byte) (int, error) {
	for r.outPos == len(r.out) {
		if r.err != nil {
			return 0, r.err
		}
		if r.done {
			return 0, io.EOF
		}
		r.out, r.outPos = r.out[:0], 0
		r.step()
	}
	n := copy(p, r.out[r.outPos:])
	r.outPos += n
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

// step processes buffered input into r.out, reading upstream once when the
// buffer is empty.
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
	for r.cpos < r.cend && !r.done && r.err == nil && len(r.out) < readChunk {
		rest := r.chunk[r.cpos:r.cend]
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			r.appendPartial(rest)
			r.cpos = r.cend
			return
		}
		r.cpos += i + 1
		if len(r.line) == 0 && !r.cut {
			r.lineDone(rest[:i], true) // fast path: the whole line is in the chunk
			continue
		}
		r.appendPartial(rest[:i])
		if r.err != nil {
			return
		}
		r.lineDone(r.line, true)
		r.line = r.line[:0]
	}
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
	if r.emitted == 0 && len(r.out) == 0 {
		// Nothing sent yet: the caller gets a proper S3 error.
		r.err = s3err.Wrap(ErrLineTooLong, http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMedia,
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
