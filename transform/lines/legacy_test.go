package lines

// This file keeps the line splitter this package used before it handed
// out whole runs of lines and searched literal patterns with bytes.Index,
// renamed, so that FuzzLegacy can check that the new code writes the same
// bytes and fails the same way. It is a verbatim copy apart from the names
// and legacyFilter; do not "fix" it: it is the reference.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/internal/textkit"
	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

// legacyFilter runs a Filter's configuration through the old reader.
type legacyFilter struct{ f *Filter }

func (l legacyFilter) Properties() transform.Properties { return l.f.Properties() }

const legacyReadChunk = 32 << 10

func (l legacyFilter) Apply(_ context.Context, in *transform.Object) (*transform.Object, error) {
	f := l.f
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
	in.Body = &legacyReader{f: f, src: in.Body, head: head, grep: grep, chunk: make([]byte, legacyReadChunk)}
	if !f.passthrough() {
		in.Length = -1
	}
	return in, nil
}

// legacyReader splits src into lines and emits the kept ones.
type legacyReader struct {
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

func (r *legacyReader) Read(p []byte) (int, error) {
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
func (r *legacyReader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if c, ok := r.src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

func (r *legacyReader) finish() {
	r.done = true
	if r.head > 0 && r.count >= r.head {
		_ = r.Close() // stop the upstream transfer early
	}
}

// step processes buffered input into r.out, reading upstream once when the
// buffer is empty.
func (r *legacyReader) step() {
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
	for r.cpos < r.cend && !r.done && r.err == nil && len(r.out) < legacyReadChunk {
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
func (r *legacyReader) appendPartial(b []byte) {
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

func (r *legacyReader) fail() {
	msg := fmt.Sprintf("a line is longer than %d bytes", r.f.maxLine)
	if r.emitted == 0 && len(r.out) == 0 {
		// Nothing sent yet: the caller gets a proper S3 error.
		r.err = s3err.Wrap(ErrLineTooLong, http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMediaType,
			"the object is not line-oriented text: "+msg)
		return
	}
	r.err = fmt.Errorf("%w: %s", ErrLineTooLong, msg)
}

// lineDone decides about one complete line (without its '\n').
func (r *legacyReader) lineDone(line []byte, newline bool) {
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

func (r *legacyReader) keep(content []byte) bool {
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

// TestLiteralsVsLegacy compares the literal search (index.go) with the
// line-at-a-time version on generated prose and logs of several read
// buffers' length, for keep and drop literals of every length the index
// treats apart (empty, one byte, two bytes, longer), alone and together,
// with and without Head, read whole and in uneven pieces.
func TestLiteralsVsLegacy(t *testing.T) {
	inputs := map[string][]byte{
		"text": transformtest.Text(100<<10, true),
		"logs": transformtest.Logs(100<<10, 16),
		"crlf": bytes.ReplaceAll(transformtest.Logs(20<<10, 4), []byte("\n"), []byte("\r\n")),
	}
	configs := map[string][]Option{
		"drop 4":             {Drop("2024")},
		"keep 4":             {Keep("2024")},
		"keep 1":             {Keep("7")},
		"drop 2":             {Drop("ab")},
		"keep empty":         {Keep("")},
		"drop empty":         {Drop("")},
		"keep two":           {Keep("ERROR", "the")},
		"keep drop":          {Keep("INFO", "of"), Drop("GET", "an")},
		"keep drop 1":        {Keep("0"), Drop("5")},
		"keep head":          {Keep("the"), Head(37)},
		"drop head":          {Drop("e"), Head(1000)},
		"drop overlap":       {Drop("aa", "aaa")},
		"keep repeat":        {Keep("1111")},
		"keep longer":        {Keep("example.com"), Drop("ana")},
		"keep at line start": {Keep("2024-11-28T10")},
		"drop 3":             {Drop("the")},
		"keep 3 and 5":       {Keep("the", "ERROR")},
		"drop many":          {Drop("2024", "of", "x", "health")},
		"keep 1 drop 3":      {Keep("e"), Drop("was")},
	}
	for name, in := range inputs {
		for cname, opts := range configs {
			t.Run(name+"/"+cname, func(t *testing.T) {
				fl := MustNew(opts...)
				for _, wrap := range []func(io.Reader) io.Reader{nil, transformtest.Chunky(7)} {
					want := transformtest.Apply(legacyFilter{fl}, transformtest.Input{Body: in}, wrap, nil)
					got := transformtest.Apply(fl, transformtest.Input{Body: in}, wrap, nil)
					require.NoError(t, want.Err)
					require.NoError(t, got.Err)
					require.Equal(t, string(want.Body), string(got.Body))
				}
			})
		}
	}
}
