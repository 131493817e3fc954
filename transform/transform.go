package transform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"

	"github.com/objectlambda/sdk-go/internal/arnmatch"
)

// Transform changes an object on its way to the caller.
//
// Apply may modify and return in, or return a new *Object. It should wrap
// in.Body rather than read it: reading happens later, as the response streams.
// Set Header fields the transform knows (Content-Type, Content-Encoding, a new
// ETag) and Length when the output length is known; leave Length at -1
// otherwise.
type Transform interface {
	Apply(ctx context.Context, in *Object) (*Object, error)
}

// Func adapts a function to a Transform with no declared properties.
type Func func(ctx context.Context, in *Object) (*Object, error)

// Apply calls f.
func (f Func) Apply(ctx context.Context, in *Object) (*Object, error) { return f(ctx, in) }

// Properties declare what a transform does to the body.
type Properties struct {
	// BodyUnchanged: body bytes pass through unaltered (headers may change).
	// Implies LengthPreserving and RangeSafe; ETag and checksums are kept.
	BodyUnchanged bool
	// LengthPreserving: the output has exactly as many bytes as the input.
	LengthPreserving bool
	// RangeSafe: output byte i depends only on input byte i, so transforming a
	// byte range of the input yields the same byte range of the output. The
	// pipeline may then push Range requests down to S3. Implies LengthPreserving.
	RangeSafe bool
}

func (p Properties) normalize() Properties {
	if p.BodyUnchanged {
		p.RangeSafe = true
	}
	if p.RangeSafe {
		p.LengthPreserving = true
	}
	return p
}

// Declarer is implemented by transforms that declare their properties.
type Declarer interface {
	Properties() Properties
}

// Describe returns the declared properties of t, normalized (BodyUnchanged
// implies RangeSafe, RangeSafe implies LengthPreserving). Transforms that do
// not implement Declarer get the zero Properties: nothing is assumed.
func Describe(t Transform) Properties {
	if d, ok := t.(Declarer); ok {
		return d.Properties().normalize()
	}
	return Properties{}
}

// Object is an object in flight.
type Object struct {
	// Body yields the object's bytes. Never nil inside the pipeline.
	Body io.Reader
	// Header holds the object's response headers with canonical names:
	// Content-Type, ETag, Last-Modified, Cache-Control, X-Amz-Meta-*,
	// X-Amz-Checksum-*, and so on. Content-Length is not kept here; see Length.
	Header http.Header
	// Length is the number of bytes Body yields, or -1 when unknown.
	Length int64
	// Request is the request being served. Never nil inside the pipeline.
	Request *Request
}

// Request describes the request a transform is serving: who asked, for what,
// and with which access point configuration.
type Request struct {
	// Operation is "GetObject" or "HeadObject".
	Operation string
	// Key is the object key, decoded from the user's request URL.
	Key string
	// URL is the user's request URL (decoded, without authentication
	// parameters). Its query carries per-request options such as ?width=.
	URL *url.URL
	// Header holds the user's request headers, canonicalized.
	Header http.Header
	// Caller identifies who made the request.
	Caller Caller
	// Payload is the access point's configuration payload, verbatim.
	Payload []byte
	// AccessPointARN is the Object Lambda access point's ARN.
	AccessPointARN string
}

// Caller is the authenticated identity that made the request.
type Caller struct {
	Type        string // IAMUser, AssumedRole, Root, FederatedUser, AWSAccount, AWSService
	PrincipalID string
	ARN         string
	AccountID   string
	AccessKeyID string
	UserName    string
	InvokedBy   string
	// SessionIssuerARN is the role (or user) that issued temporary credentials.
	SessionIssuerARN string
	// SessionAttributes holds sessionContext.attributes (mfaAuthenticated, ...).
	SessionAttributes map[string]string
}

// Matches reports whether the caller's ARN, or the ARN of its session issuer
// (the role behind an assumed-role session), matches one of patterns as IAM
// matches ARNs: '*' matches any run of characters (also '/'), '?' any one
// character, and nothing else is special. Empty ARNs never match. It is the
// rule objectlambda.AllowPrincipals applies:
//
//	r.Caller.Matches("arn:aws:iam::111122223333:role/analyst", "arn:aws:sts::111122223333:assumed-role/auditor/*")
func (c Caller) Matches(patterns ...string) bool {
	return arnmatch.Any(patterns, c.ARN, c.SessionIssuerARN)
}

// Query returns the first value of the user request's query parameter name.
func (r *Request) Query(name string) string {
	if r == nil || r.URL == nil {
		return ""
	}
	return r.URL.Query().Get(name)
}

// ErrPanic marks an error recovered from a panic in a transform.
var ErrPanic = errors.New("transform panicked")

// bodyDependent lists headers whose value depends on the exact body bytes.
func dropBodyDependent(h http.Header) {
	for k := range h {
		lk := strings.ToLower(k)
		if lk == "etag" || lk == "content-md5" || strings.HasPrefix(lk, "x-amz-checksum-") {
			delete(h, k)
		}
	}
}

// delegate is implemented by transforms that only choose which transforms
// to apply (Chain, Configure) and apply them through Run: Run leaves the
// length and the headers to those.
type delegate interface{ delegates() }

func (chain) delegates()       {}
func (*configured) delegates() {}

// Unchanged marks the body a transform returns as exactly the bytes of its
// input: for an object the transform decided to leave alone, after it had to
// wrap the input to decide (to peek at its first bytes, say). Run then keeps
// the input's length and the headers that describe its bytes (ETag,
// Content-MD5, checksums), which it would otherwise drop. The caller sees
// the object as if the transform were not there.
func Unchanged(r io.Reader) io.Reader { return unchanged{r} }

type unchanged struct{ io.Reader }

// restoreBodyDependent copies ETag, Content-MD5 and checksums back from the
// input's headers, unless the transform set them itself.
func restoreBodyDependent(out, in http.Header) {
	for k, vs := range in {
		lk := strings.ToLower(k)
		if lk == "etag" || lk == "content-md5" || strings.HasPrefix(lk, "x-amz-checksum-") {
			if _, set := out[k]; !set {
				out[k] = append([]string(nil), vs...)
			}
		}
	}
}

// Run applies t to in with the pipeline's rules: body-dependent headers
// (ETag, Content-MD5, X-Amz-Checksum-*) are removed before Apply unless t
// declares BodyUnchanged; Length becomes -1 unless t is LengthPreserving or
// a LengthStater (whose OutputLength then sets the output length); a body
// marked Unchanged keeps the input's length and body-dependent headers;
// Chain and Configure leave all of this to the Run of the transforms they
// apply; panics in Apply and in the returned body's Read become errors
// wrapping ErrPanic. in.Header is cloned, so the caller's map is never
// changed.
func Run(ctx context.Context, t Transform, in *Object) (out *Object, err error) {
	if in == nil {
		return nil, errors.New("transform: nil object")
	}
	p := Describe(t)
	obj := *in
	obj.Header = in.Header.Clone()
	if obj.Header == nil {
		obj.Header = http.Header{}
	}
	obj.Header.Del("Content-Length")
	_, delegates := t.(delegate) // the transforms it applies go through Run themselves
	if !p.BodyUnchanged && !delegates {
		dropBodyDependent(obj.Header)
	}
	_, stater := asLengthStater(t)
	if !p.LengthPreserving && !stater && !delegates {
		obj.Length = -1
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, panicError(r)
		}
	}()
	out, err = t.Apply(ctx, &obj)
	if err != nil {
		return nil, err
	}
	if out == nil || out.Body == nil {
		return nil, errors.New("transform: Apply returned no body")
	}
	if out.Header == nil {
		out.Header = http.Header{}
	}
	out.Header.Del("Content-Length")
	if stater && in.Length >= 0 {
		// The stated length is the contract, whatever Apply left in Length.
		if n, ok := outputLength(t, in.Header, in.Length); ok {
			out.Length = n
		}
	}
	if out.Request == nil {
		out.Request = in.Request
	}
	if u, ok := out.Body.(unchanged); ok {
		// The transform passed this object's bytes through as they came:
		// their length and the headers that describe them still hold.
		out.Body, out.Length = u.Reader, in.Length
		restoreBodyDependent(out.Header, in.Header)
	}
	if _, ok := out.Body.(*guardedReader); !ok {
		out.Body = &guardedReader{r: out.Body}
	}
	return out, nil
}

func panicError(r any) error {
	return &PanicError{Value: r, Stack: debug.Stack()}
}

// PanicError is a panic recovered from a transform. Its message names the
// panic value only; the stack is kept apart (the objectlambda handler logs
// it at debug level) so that error lines stay one line.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("%v: %v", ErrPanic, e.Value) }

// Unwrap returns ErrPanic.
func (e *PanicError) Unwrap() error { return ErrPanic }

// guardedReader turns a panic inside Read into an error and makes the error
// sticky, so a broken transform cannot be read past its failure.
type guardedReader struct {
	r   io.Reader
	err error
}

func (g *guardedReader) Read(p []byte) (n int, err error) {
	if g.err != nil {
		return 0, g.err
	}
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, panicError(r)
			g.err = err
		}
	}()
	n, err = g.r.Read(p)
	if err != nil && err != io.EOF {
		g.err = err
	}
	return n, err
}

// Unwrap returns the reader it guards, so that a pipeline can tell when two
// stages hand back the same body.
func (g *guardedReader) Unwrap() io.Reader { return g.r }

// Close closes the underlying reader if it is an io.Closer.
func (g *guardedReader) Close() error {
	if c, ok := g.r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// LengthStater is implemented by transforms that can tell their output length
// from the input's headers and length alone, without reading the body (for
// example decryption: ciphertext length minus the tag). HEAD answers use it
// to report Content-Length without fetching the object.
type LengthStater interface {
	OutputLength(h http.Header, inputLength int64) (int64, bool)
}

// outputLength reports the length t will produce for an input of the given
// headers and length (-1 if unknown), if that can be known without reading the
// body: through LengthPreserving, LengthStater, or, for a Chain, each member
// in turn.
func outputLength(t Transform, h http.Header, inputLength int64) (int64, bool) {
	if c, ok := t.(chain); ok {
		n := inputLength
		for _, m := range c {
			var ok bool
			if n, ok = outputLength(m, h, n); !ok {
				return -1, false
			}
		}
		return n, true
	}
	if Describe(t).LengthPreserving {
		return inputLength, inputLength >= 0
	}
	if ls, ok := asLengthStater(t); ok && inputLength >= 0 {
		return ls.OutputLength(h, inputLength)
	}
	return -1, false
}

// asLengthStater finds a LengthStater, also behind Declare.
func asLengthStater(t Transform) (LengthStater, bool) {
	if d, ok := t.(declared); ok {
		return asLengthStater(d.t)
	}
	ls, ok := t.(LengthStater)
	return ls, ok
}

// ErrHeadersOnly is what reading a HeadersOnly body returns.
var ErrHeadersOnly = errors.New("transform: the object carries headers only (HEAD)")

// HeadersOnly returns the Body of an object that carries only headers: a
// HEAD request runs the transform chain over it to learn the headers and the
// length (Object.Length, or LengthStater) a GET would serve. Reading it fails
// with ErrHeadersOnly. Transforms that look at the body in Apply should check
// IsHeadersOnly and answer from the headers alone.
func HeadersOnly() io.Reader { return headersOnly{} }

// IsHeadersOnly reports whether r is a HeadersOnly body, possibly wrapped by Run.
func IsHeadersOnly(r io.Reader) bool {
	if g, ok := r.(*guardedReader); ok {
		r = g.r
	}
	_, ok := r.(headersOnly)
	return ok
}

type headersOnly struct{}

func (headersOnly) Read([]byte) (int, error) { return 0, ErrHeadersOnly }
