package transformtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing/iotest"
	"time"

	"github.com/objectlambda/sdk-go/transform"
)

// Input describes an object to feed a transform.
type Input struct {
	Body        []byte
	ContentType string
	Key         string
	Query       url.Values
	Caller      transform.Caller
}

// Object builds the *transform.Object for in, with its body wrapped by wrap
// (nil means no wrapping).
func (in Input) Object(wrap func(io.Reader) io.Reader) *transform.Object {
	var body io.Reader = bytes.NewReader(in.Body)
	if wrap != nil {
		body = wrap(body)
	}
	h := http.Header{}
	if in.ContentType != "" {
		h.Set("Content-Type", in.ContentType)
	}
	h.Set("ETag", `"abc"`)
	u := &url.URL{Path: "/" + in.Key, RawQuery: in.Query.Encode()}
	return &transform.Object{
		Body:    body,
		Header:  h,
		Length:  int64(len(in.Body)),
		Request: &transform.Request{Operation: "GetObject", Key: in.Key, URL: u, Header: http.Header{}, Caller: in.Caller},
	}
}

// Result is what a transform produced.
type Result struct {
	Object *transform.Object // nil when Apply failed
	Body   []byte            // bytes read before the error
	Err    error             // from Apply, or the first read error
}

// Apply runs t on in through transform.Run and reads the whole body, the
// upstream wrapped by wrap and the output read through readWrap (either may
// be nil).
func Apply(t transform.Transform, in Input, wrap, readWrap func(io.Reader) io.Reader) Result {
	out, err := transform.Run(context.Background(), t, in.Object(wrap))
	if err != nil {
		return Result{Err: err}
	}
	var r io.Reader = out.Body
	if readWrap != nil {
		r = readWrap(r)
	}
	body, err := io.ReadAll(r)
	return Result{Object: out, Body: body, Err: err}
}

// Mode is one way of feeding and reading a body.
type Mode struct {
	Name       string
	Wrap, Read func(io.Reader) io.Reader
}

// Modes returns the ways tests feed and read a body: whole, one byte at a
// time (upstream, and both sides), half reads, uneven chunks, data with EOF.
func Modes() []Mode {
	return []Mode{
		{"whole", nil, nil},
		{"one-byte-upstream", iotest.OneByteReader, nil},
		{"one-byte-both", iotest.OneByteReader, iotest.OneByteReader},
		{"half-reader", iotest.HalfReader, nil},
		{"chunky", Chunky(7), nil},
		{"data-err", iotest.DataErrReader, nil},
	}
}

// Chunky returns a wrapper whose reads return 1 to 97 bytes, sizes drawn
// from a generator seeded with seed.
func Chunky(seed uint64) func(io.Reader) io.Reader {
	return func(r io.Reader) io.Reader {
		return &chunky{r: r, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	}
}

type chunky struct {
	r   io.Reader
	rng *rand.Rand
}

func (c *chunky) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return c.r.Read(p)
	}
	n := 1 + c.rng.IntN(97)
	return c.r.Read(p[:min(n, len(p))])
}

// CopyBaseline returns the time one plain io.Copy of data takes (averaged
// over at least 50ms of runs), for benchmarks that report their cost
// relative to copying the same bytes.
func CopyBaseline(data []byte) time.Duration {
	var n int
	start := time.Now()
	for n == 0 || time.Since(start) < 50*time.Millisecond {
		if _, err := io.Copy(io.Discard, OnlyReader{bytes.NewReader(data)}); err != nil {
			panic(err)
		}
		n++
	}
	return time.Since(start) / time.Duration(n)
}

// OnlyReader hides WriterTo so that io.Copy goes through a 32 KiB buffer,
// like the pipeline does.
type OnlyReader struct{ io.Reader }

// Text returns about n bytes of English-like prose (deterministic), with
// one sensitive value roughly every 2 KiB when withPII is set.
func Text(n int, withPII bool) []byte {
	rng := rand.New(rand.NewPCG(uint64(n), 99))
	words := strings.Fields(`the of and to in is was that for on with as by at from it this be are or
		an have not which but all were when we there can more if no out so said what up its about into than
		them only other new some could time these two may then first any like now my such make over our even
		most made after also did many before must through back years where much your way well down should
		because each just those people how too little state good very world still own see men work long get
		here between both life being under never day same another know while last might great old year off`)
	pii := []string{"ana@example.com", "4111 1111 1111 1111", "078-05-1120", "(212) 555-0100",
		"AKIAIOSFODNN7EXAMPLE", "DE89 3704 0044 0532 0130 00"}
	var b bytes.Buffer
	next := 2048
	for b.Len() < n {
		if withPII && b.Len() >= next {
			b.WriteString(pii[rng.IntN(len(pii))])
			b.WriteByte(' ')
			next += 1024 + rng.IntN(2048)
		}
		w := words[rng.IntN(len(words))]
		if rng.IntN(12) == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
		switch rng.IntN(16) {
		case 0:
			b.WriteString(".\n")
		case 1:
			b.WriteString(", ")
		case 2:
			b.WriteString(" 2024 ")
		default:
			b.WriteByte(' ')
		}
	}
	return b.Bytes()
}

// LogPII lists the sensitive values Logs plants, one per kind the redact
// package's default detectors find.
var LogPII = []string{
	"user=ana.silva@example.com", "card=4111 1111 1111 1111", "ssn=078-05-1120", "phone=(212) 555-0100",
	"key=AKIAIOSFODNN7EXAMPLE", "iban=DE89 3704 0044 0532 0130 00", "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	"phone=+44 20 7946 0958",
}

// Logs returns about n bytes of application log lines (deterministic):
// timestamps, levels, request ids, paths, status codes, durations, IP
// addresses and user agents, digits everywhere, as real logs have them.
// When matchEvery > 0, one line in matchEvery carries one of LogPII.
func Logs(n, matchEvery int) []byte {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(matchEvery)))
	levels := []string{"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"}
	methods := []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
	paths := []string{"/v1/users/%d/orders", "/v1/items/%d", "/healthz", "/v2/search?q=shoes&page=%d", "/static/app.%d.js", "/v1/accounts/%d/balance"}
	agents := []string{`"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"`,
		`"aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux"`, `"curl/8.5.0"`, `"kube-probe/1.29"`}
	var b bytes.Buffer
	for line := 0; b.Len() < n; line++ {
		ts := time.Date(2024, 11, 28, 10, 0, 0, 0, time.UTC).Add(time.Duration(line) * 137 * time.Millisecond)
		b.WriteString(ts.Format("2006-01-02T15:04:05.000Z"))
		fmt.Fprintf(&b, " %-5s [%s] req=%08x %s ", levels[rng.IntN(len(levels))], []string{"api", "worker", "auth"}[rng.IntN(3)],
			rng.Uint32(), methods[rng.IntN(len(methods))])
		p := paths[rng.IntN(len(paths))]
		if strings.Contains(p, "%d") {
			p = fmt.Sprintf(p, rng.IntN(100000))
		}
		fmt.Fprintf(&b, "%s status=%d bytes=%d dur=%d.%dms ip=10.%d.%d.%d ua=%s", p, []int{200, 200, 200, 201, 304, 404, 500}[rng.IntN(7)],
			rng.IntN(50000), rng.IntN(300), rng.IntN(10), rng.IntN(256), rng.IntN(256), rng.IntN(256), agents[rng.IntN(len(agents))])
		if matchEvery > 0 && line%matchEvery == matchEvery-1 {
			b.WriteByte(' ')
			b.WriteString(LogPII[rng.IntN(len(LogPII))])
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// StreamAlloc streams n bytes of repeated text through t (via transform.Run
// and io.Copy to io.Discard) and returns the bytes allocated meanwhile. Tests
// compare two sizes to show that memory does not grow with the object.
func StreamAlloc(t transform.Transform, n int64) (uint64, error) {
	unit := Text(64<<10, true)
	src := io.LimitReader(&repeat{b: unit}, n)
	obj := Input{}.Object(nil)
	obj.Body = src
	obj.Length = n
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	out, err := transform.Run(context.Background(), t, obj)
	if err != nil {
		return 0, err
	}
	if _, err := io.Copy(io.Discard, out.Body); err != nil {
		return 0, err
	}
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, nil
}

type repeat struct {
	b   []byte
	off int
}

func (r *repeat) Read(p []byte) (int, error) {
	n := copy(p, r.b[r.off:])
	r.off = (r.off + n) % len(r.b)
	return n, nil
}

// CloseRecorder is an upstream body that counts its Close calls, for the
// tests that a transform's body passes Close through to the body it wraps.
type CloseRecorder struct {
	io.Reader
	Closes int
}

// Close counts the call.
func (c *CloseRecorder) Close() error {
	c.Closes++
	return nil
}

// CloseOutput runs t on body (through transform.Run, with in's headers and
// request), reads n bytes of the output, closes it and reports how often
// the upstream was closed.
func CloseOutput(t transform.Transform, in Input, n int64) (closes int, err error) {
	src := &CloseRecorder{Reader: bytes.NewReader(in.Body)}
	obj := in.Object(nil)
	obj.Body = src
	out, err := transform.Run(context.Background(), t, obj)
	if err != nil {
		return 0, err
	}
	if _, err := io.CopyN(io.Discard, out.Body, n); err != nil && err != io.EOF {
		return 0, err
	}
	c, ok := out.Body.(io.Closer)
	if !ok {
		return 0, nil
	}
	if err := c.Close(); err != nil {
		return 0, err
	}
	return src.Closes, nil
}
