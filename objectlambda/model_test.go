package objectlambda

// A model-based test of the GetObject contracts. A seeded generator builds
// schedules of requests: transform chains with errors, panics and stalls
// before and after the first byte, header values with CR/LF, errors that
// carry credentials, denials, upstream faults, conditional requests, Range
// and partNumber, WGOR endpoints that fail or hold the call, deadlines at
// random points, and legacy handlers behind Wrap. After each schedule it
// checks what must hold whatever happened:
//
//   - exactly one WriteGetObjectResponse reached the endpoint;
//   - a reply whose body arrived whole is exactly the transform's output (or
//     the requested slice of it): never a truncated body reported complete;
//   - the caller never sees what the chain hides, 304 included;
//   - every body a transform returned was closed exactly once, and no spool
//     file is left on disk or open;
//   - no credential, token or object byte in any output: the debug log, the
//     returned error, the observers' Metrics, span errors and attributes,
//     error messages sent to the caller;
//   - Invoke returned before the Lambda deadline;
//   - (once, at the end) no goroutine left.
//
// OBJECTLAMBDA_MODEL_SCHEDULES sets the number of schedules (default 200;
// scripts/fuzz.sh runs thousands), OBJECTLAMBDA_MODEL_SEED replays one.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/internal/httprange"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

const plaintextMarker = "PLAINTEXT-MARKER-never-logged"

// step is one member of a generated chain.
type step struct {
	kind string // upper, append, hideMeta, crlf, failApply, panicApply, stuckApply, failRead, panicRead, stuckRead, secretRead
	at   int    // for *Read: the output offset at which the fault fires
}

func (s step) String() string {
	if strings.HasSuffix(s.kind, "Read") {
		return fmt.Sprintf("%s@%d", s.kind, s.at)
	}
	return s.kind
}

// schedule is one generated request and the faults around it.
type schedule struct {
	seed     uint64
	size     int
	cond     string // "", "none-match" (304), "match-fail" (412)
	rangeH   string // Range header, "" for none
	part     int    // partNumber, 0 for none
	chain    []step
	authz    string // allow, deny, panic
	upstream string // ok, 500, reset, truncate, stall, untrusted
	wgor     string // ok, 500, hold, slowAccept
	legacy   string // "" for the Handler; else answer, stream, fail, panic, hang
	timeout  time.Duration
	margin   time.Duration
}

func (s *schedule) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed=%d size=%d", s.seed, s.size)
	if s.legacy != "" {
		fmt.Fprintf(&b, " legacy=%s", s.legacy)
	} else {
		fmt.Fprintf(&b, " chain=%v authz=%s", s.chain, s.authz)
	}
	fmt.Fprintf(&b, " cond=%q range=%q part=%d upstream=%s wgor=%s timeout=%v margin=%v",
		s.cond, s.rangeH, s.part, s.upstream, s.wgor, s.timeout, s.margin)
	return b.String()
}

// tight reports whether the schedule has a deadline short enough to fire.
func (s *schedule) tight() bool { return s.timeout < 5*time.Second }

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

func generate(seed uint64) *schedule {
	r := rand.New(rand.NewPCG(seed, 0x0b1ec7))
	s := &schedule{seed: seed, authz: "allow", upstream: "ok", wgor: "ok", timeout: 20 * time.Second, margin: time.Second}
	if r.IntN(3) == 0 {
		s.margin = 600 * time.Millisecond
		s.timeout = s.margin + time.Duration(400+r.IntN(800))*time.Millisecond
	}
	s.size = pick(r, 0, 1, 100, 5000, 40<<10, 150<<10)
	switch r.IntN(8) {
	case 0:
		s.cond = "none-match"
	case 1:
		s.cond = "match-fail"
	}
	switch r.IntN(6) {
	case 0:
		s.rangeH = fmt.Sprintf("bytes=%d-%d", r.IntN(s.size+5), r.IntN(s.size+5)+r.IntN(70000))
	case 1:
		s.rangeH = fmt.Sprintf("bytes=-%d", r.IntN(s.size+50))
	case 2:
		s.rangeH = fmt.Sprintf("bytes=%d-", r.IntN(s.size+5))
	case 3:
		s.part = 1 + r.IntN(3)
	}
	if r.IntN(8) == 0 {
		s.legacy = pick(r, "answer", "stream", "detached", "fail", "panic", "hang")
		if (s.legacy == "stream" || s.legacy == "detached" || s.legacy == "hang") && !s.tight() {
			s.legacy = "answer"
		}
		s.cond, s.rangeH, s.part = "", "", 0
		return s
	}
	s.chain = []step{{kind: "hideMeta"}}
	for n := r.IntN(3); n > 0; n-- {
		kinds := []string{"upper", "append", "crlf", "failApply", "panicApply", "failRead", "panicRead", "secretRead"}
		if s.tight() {
			kinds = append(kinds, "stuckApply", "stuckRead")
		}
		st := step{kind: pick(r, kinds...)}
		if strings.HasSuffix(st.kind, "Read") {
			st.at = r.IntN(s.size + 10)
			if r.IntN(3) == 0 {
				st.at = 0
			}
		}
		s.chain = append(s.chain, st)
	}
	s.authz = pick(r, "allow", "allow", "allow", "allow", "deny", "panic")
	s.upstream = pick(r, "ok", "ok", "ok", "ok", "ok", "500", "reset", "truncate", "untrusted")
	if s.tight() && r.IntN(5) == 0 {
		s.upstream = "stall"
	}
	s.wgor = pick(r, "ok", "ok", "ok", "ok", "500")
	switch {
	case s.tight() && r.IntN(6) == 0:
		s.wgor = "hold"
	case !s.tight() && r.IntN(10) == 0:
		s.wgor = "slowAccept"
	}
	return s
}

// run is the state of one schedule's execution.
type run struct {
	s       *schedule
	hs      *harness
	spool   string
	release chan struct{}

	mu     sync.Mutex
	bodies []*closeCount
	tracer *recordingTracer
}

func (m *run) track(r io.Reader) io.Reader {
	cc := &closeCount{Reader: r}
	m.mu.Lock()
	m.bodies = append(m.bodies, cc)
	m.mu.Unlock()
	return cc
}

// transform builds the Transform of a step.
func (m *run) transform(st step) transform.Transform {
	apply := func(f func(o *transform.Object) error) transform.Transform {
		return transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
			if err := f(o); err != nil {
				return nil, err
			}
			o.Body = m.track(o.Body)
			return o, nil
		})
	}
	switch st.kind {
	case "upper":
		return transform.Declare(apply(func(o *transform.Object) error {
			o.Body = mapReader{r: o.Body, f: bytes.ToUpper}
			return nil
		}), transform.Properties{RangeSafe: true})
	case "append":
		return apply(func(o *transform.Object) error {
			o.Body = io.MultiReader(o.Body, strings.NewReader("!"))
			return nil
		})
	case "hideMeta":
		return transform.Declare(apply(func(o *transform.Object) error {
			o.Header.Del("X-Amz-Meta-Secret")
			return nil
		}), transform.Properties{BodyUnchanged: true})
	case "crlf":
		return transform.Declare(apply(func(o *transform.Object) error {
			o.Header.Set("Content-Disposition", "attachment; filename=\"x\"\r\nX-Injected: 1")
			o.Header.Set("X-Amz-Meta-Note", "a\nb")
			return nil
		}), transform.Properties{BodyUnchanged: true})
	case "failApply":
		return apply(func(*transform.Object) error {
			return s3err.New(http.StatusForbidden, s3err.CodeAccessDenied, "no\r\nway")
		})
	case "panicApply":
		return apply(func(*transform.Object) error { panic("apply panics") })
	case "stuckApply":
		return apply(func(*transform.Object) error { <-m.release; return errors.New("released") })
	}
	return apply(func(o *transform.Object) error {
		o.Body = &faultyReader{r: o.Body, at: st.at, kind: st.kind, release: m.release, url: m.hs.presignedURL("doc.txt")}
		return nil
	})
}

// faultyReader passes bytes through until at bytes were read, then fails,
// panics, blocks (ignoring every context) or fails with an error whose text
// carries credentials.
type faultyReader struct {
	r       io.Reader
	at, n   int
	kind    string
	release <-chan struct{}
	url     string
}

func (f *faultyReader) Read(p []byte) (int, error) {
	if f.n >= f.at {
		switch f.kind {
		case "failRead":
			return 0, errors.New("transform read failed")
		case "panicRead":
			panic("read panics")
		case "stuckRead":
			<-f.release
			return 0, errors.New("released")
		default:
			return 0, fmt.Errorf("%w; request had Authorization: AWS4-HMAC-SHA256 Credential=ASIACALLER/20260101/us-east-1/s3/aws4_request, Signature=0123456789abcdef0123456789abcdef and X-Amz-Security-Token: caller-session-token-never-logged",
				&url.Error{Op: "Get", URL: f.url, Err: io.ErrUnexpectedEOF})
		}
	}
	if len(p) > f.at-f.n {
		p = p[:f.at-f.n]
	}
	n, err := f.r.Read(p)
	f.n += n
	return n, err
}

func modelSchedules(t *testing.T) []uint64 {
	if v := os.Getenv("OBJECTLAMBDA_MODEL_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		require.NoError(t, err)
		return []uint64{seed}
	}
	n := 200
	if v := os.Getenv("OBJECTLAMBDA_MODEL_SCHEDULES"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err)
	}
	base := uint64(time.Now().UnixNano())
	if v := os.Getenv("OBJECTLAMBDA_MODEL_BASE"); v != "" {
		var err error
		base, err = strconv.ParseUint(v, 10, 64)
		require.NoError(t, err)
	}
	t.Logf("model: %d schedules from base seed %d (OBJECTLAMBDA_MODEL_BASE=%d replays them)", n, base, base)
	seeds := make([]uint64, n)
	for i := range seeds {
		seeds[i] = base + uint64(i)
	}
	return seeds
}

func TestModelGetObject(t *testing.T) {
	seeds := modelSchedules(t)
	t.Run("schedules", func(t *testing.T) {
		// Most of a schedule's time is spent waiting for a deadline: run
		// several at once (subtests may be run from several goroutines).
		next := make(chan uint64)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for seed := range next {
					s := generate(seed)
					t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) { runSchedule(t, s) })
				}
			})
		}
		for _, seed := range seeds {
			next <- seed
		}
		close(next)
		wg.Wait()
	})
	// Every schedule released what it blocked: nothing may be left running.
	goleak.VerifyNone(t, goleak.IgnoreCurrent())
}

func runSchedule(t *testing.T, s *schedule) {
	m := &run{s: s, release: make(chan struct{}), spool: t.TempDir(), tracer: &recordingTracer{}}
	released := false
	releaseAll := func() {
		if !released {
			released = true
			close(m.release)
		}
	}
	defer releaseAll()
	if t.Failed() {
		return
	}
	defer func() {
		if t.Failed() {
			t.Logf("schedule: %s (replay: OBJECTLAMBDA_MODEL_SEED=%d)", s, s.seed)
			if m.hs != nil {
				t.Logf("function log:\n%s", m.hs.logText())
			}
		}
	}()

	var observed []string
	var obsMu sync.Mutex
	opts := []Option{
		WithDeadlineMargin(s.margin),
		WithRangeMemory(16 << 10),
		WithPartSize(64 << 10),
		WithTracer(m.tracer),
		WithObserver(ObserverFunc(func(_ context.Context, mt *Metrics) {
			obsMu.Lock()
			defer obsMu.Unlock()
			for _, e := range []error{mt.Err, mt.ReplyErr} {
				if e != nil {
					observed = append(observed, e.Error())
				}
			}
		})),
	}
	hs, _ := newHarness(t)
	m.hs = hs
	body := modelBody(s.size)
	hs.put("doc.txt", body, map[string]string{"ETag": `"e1"`, "x-amz-meta-secret": "hidden-by-the-chain"})
	configureUpstream(m, body)
	if s.wgor != "slowAccept" {
		warmUp(t, hs)
	}
	switch s.wgor {
	case "500":
		hs.wgorStatus = http.StatusInternalServerError
	case "hold":
		hs.wgorHold = m.release
	case "slowAccept":
		hs.acceptDelay.Store(int64(300 * time.Millisecond))
	}

	ev := modelEvent(m)
	var handler invoker
	if s.legacy != "" {
		handler = legacyHandler(t, m, opts)
	} else {
		var chain []transform.Transform
		for _, st := range s.chain {
			chain = append(chain, m.transform(st))
		}
		h2, err := New(append(hs.baseOpts, append(opts, WithTransform(chain...), withAuthz(s.authz))...)...)
		require.NoError(t, err)
		handler = h2
	}

	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	start := time.Now()
	_, invokeErr := handler.Invoke(ctx, ev)
	elapsed := time.Since(start)
	// Stuck user code is released only after Invoke returns: an Invoke that
	// waited for it would never return. The bound leaves room for a loaded
	// test machine; TestInvokeReturnsSoonAfterTheGuard checks the grace
	// itself.
	require.Less(t, elapsed, s.timeout+5*time.Second, "Invoke waited past the Lambda deadline")

	// Let everything that was held go, and wait for the pipeline to settle.
	releaseAll()
	settle(t, m)

	arrived := hs.arrivals.Load()
	require.LessOrEqual(t, arrived, int32(1), "never two WriteGetObjectResponse calls")
	if arrived == 0 && (abortedStream(m, invokeErr) || (s.tight() && replyTimedOut(m))) {
		// The one reply started streaming and broke, and the transport
		// closed the connection before the endpoint had read the request;
		// or, with a deadline this short on a loaded machine, the reply
		// could not reach the endpoint in time. Either way it was the one
		// attempt.
		return
	}
	require.EqualValues(t, 1, arrived, "exactly one WriteGetObjectResponse")
	calls := hs.waitCalls(t, 1)
	checkReply(t, m, body, calls[0])

	// Nothing leaked into any output.
	outputs := map[string]string{"log": hs.logText()}
	if invokeErr != nil {
		outputs["Invoke error"] = invokeErr.Error()
	}
	obsMu.Lock()
	outputs["metrics"] = strings.Join(observed, "\n")
	obsMu.Unlock()
	var spans strings.Builder
	for _, sp := range m.tracer.recorded() {
		if sp.err != nil {
			fmt.Fprintln(&spans, sp.err.Error())
		}
		for _, v := range sp.attrs {
			fmt.Fprintln(&spans, v.String())
		}
	}
	outputs["spans"] = spans.String()
	outputs["error message"] = calls[0].Header.Get("X-Amz-Fwd-Error-Message")
	for where, text := range outputs {
		for _, secret := range []string{"0123456789abcdef0123456789abcdef", "caller-session-token-never-logged", "ASIACALLER", testToken, testSecretKey, plaintextMarker} {
			require.NotContains(t, text, secret, "a secret in the %s", where)
		}
	}
}

// warmUp opens the connection to the WGOR endpoint before the timed part,
// as a warm Lambda environment has it: the schedule's deadline then measures
// the library, not the TLS handshake of a loaded test machine.
func warmUp(t *testing.T, hs *harness) {
	client := s3.NewFromConfig(hs.awsCfg, wgorClientOptions)
	_, err := client.WriteGetObjectResponse(t.Context(), &s3.WriteGetObjectResponseInput{
		RequestRoute: aws.String(testRoute), RequestToken: aws.String("warm-up"), StatusCode: aws.Int32(200)})
	require.NoError(t, err)
	hs.mu.Lock()
	hs.calls = nil
	hs.mu.Unlock()
	hs.arrivals.Store(0)
}

// abortedStream reports whether the request's one reply was a stream that
// broke after its first bytes were handed to the transport.
func abortedStream(m *run, invokeErr error) bool {
	if m.s.legacy == "stream" || m.s.legacy == "detached" {
		return true
	}
	if invokeErr == nil {
		return false
	}
	for _, line := range strings.Split(strings.TrimSpace(m.hs.logText()), "\n") {
		var rec struct {
			Msg       string `json:"msg"`
			BytesOut  int64  `json:"bytesOut"`
			WGORError string `json:"wgorError"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "objectlambda request" {
			return rec.BytesOut > 0 && rec.WGORError != ""
		}
	}
	return false
}

// replyTimedOut reports whether the request's one reply ran out of time
// before it reached the endpoint.
func replyTimedOut(m *run) bool {
	return strings.Contains(m.hs.logText(), `"wgorError":"operation error S3: WriteGetObjectResponse, https response error StatusCode: 0`) &&
		strings.Contains(m.hs.logText(), "context deadline exceeded")
}

// settle waits until every body the chain returned has been closed, then
// checks each was closed exactly once and no spool file remains.
func settle(t *testing.T, m *run) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		m.mu.Lock()
		open := 0
		for _, b := range m.bodies {
			if b.n.Load() == 0 {
				open++
			}
		}
		m.mu.Unlock()
		if open == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, b := range m.bodies {
		require.EqualValues(t, 1, b.n.Load(), "body %d closed exactly once", i)
	}
	entries, err := os.ReadDir(m.spool)
	require.NoError(t, err)
	require.Empty(t, entries, "no spool file on disk")
	require.Empty(t, openFilesUnder(t, m.spool), "no spool file held open")
}

// openFilesUnder lists this process's open files under dir, unlinked ones
// included (Linux /proc; elsewhere nothing is found).
func openFilesUnder(t *testing.T, dir string) []string {
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return nil
	}
	var out []string
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err == nil && strings.HasPrefix(target, dir+"/") {
			out = append(out, target)
		}
	}
	return out
}

// checkReply checks the one reply against the model.
func checkReply(t *testing.T, m *run, body string, call wgorCall) {
	status, err := strconv.Atoi(call.Header.Get("X-Amz-Fwd-Status"))
	require.NoError(t, err)
	require.True(t, wgorStatuses[status], "status %d is one WGOR documents", status)
	require.Empty(t, call.Header.Get("X-Amz-Meta-Secret"), "metadata the chain hides")
	require.Empty(t, call.Header.Get("X-Injected"))
	if status >= 400 {
		code := call.Header.Get("X-Amz-Fwd-Error-Code")
		require.True(t, s3err.ValidCode(code), "error code %q", code)
		require.Empty(t, call.Body, "an error reply has no body")
		return
	}
	if status == http.StatusNotModified {
		require.Empty(t, call.Body)
		return
	}
	if call.BodyErr != nil {
		return // an aborted transfer: the caller knows it failed
	}
	// A body that arrived whole must be exactly the chain's output.
	want := m.expected(body)
	if status == http.StatusPartialContent {
		cr, err := httprange.ParseContentRange(call.Header.Get("X-Amz-Fwd-Header-Content-Range"))
		require.NoError(t, err)
		require.EqualValues(t, len(want), cr.Size, "Content-Range size")
		want = want[cr.Start : cr.End+1]
	}
	require.Equal(t, len(want), len(call.Body), "a complete reply has the whole output")
	require.True(t, want == string(call.Body), "a complete reply is the chain's output")
}

// expected is the chain's output for body when no fault fires.
func (m *run) expected(body string) string {
	if m.s.legacy != "" {
		return legacyBody
	}
	out := body
	for _, st := range m.s.chain {
		switch st.kind {
		case "upper":
			out = strings.ToUpper(out)
		case "append":
			out += "!"
		}
	}
	return out
}

func modelBody(size int) string {
	unit := "ana@example.com " + plaintextMarker + " 4111 1111 1111 1111\n"
	return strings.Repeat(unit, size/len(unit)+1)[:size]
}

func withAuthz(kind string) Option {
	return WithAuthorizer(func(context.Context, *Request) error {
		switch kind {
		case "deny":
			return s3err.New(http.StatusForbidden, s3err.CodeAccessDenied, "denied\r\nX-Amz-Request-Token: "+testToken)
		case "panic":
			panic("authorizer panics")
		}
		return nil
	})
}

// configureUpstream installs the schedule's upstream fault.
func configureUpstream(m *run, body string) {
	hs := m.hs
	switch m.s.upstream {
	case "500":
		hs.upstreamFn = func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `<Error><Code>InternalError</Code><Message>boom</Message></Error>`)
		}
	case "reset":
		hs.upstreamFn = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)+1))
			io.WriteString(w, body[:len(body)/2])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}
	case "truncate":
		hs.upstreamFn = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)+10))
			io.WriteString(w, body)
		}
	case "stall":
		hs.upstreamFn = func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-m.release:
			case <-r.Context().Done():
			}
		}
	}
}

// modelEvent builds the schedule's GetObject event.
func modelEvent(m *run) []byte {
	s := m.s
	var opts []eventOpt
	switch s.cond {
	case "none-match":
		opts = append(opts, withHeaders("If-None-Match", `"e1"`))
	case "match-fail":
		opts = append(opts, withHeaders("If-Match", `"other"`))
	}
	if s.rangeH != "" {
		opts = append(opts, withHeaders("Range", s.rangeH))
	}
	if s.part > 0 {
		opts = append(opts, withQuery("partNumber="+strconv.Itoa(s.part)))
	}
	ev := m.hs.event("doc.txt", opts...)
	if s.upstream == "untrusted" {
		ev = bytes.Replace(ev, []byte(m.hs.upstream.URL), []byte("https://169.254.169.254"), 1)
	}
	return ev
}

const legacyBody = "legacy handler body"

// legacyHandler is a Wrap'd handler that answers (or not) on its own.
func legacyHandler(t *testing.T, m *run, opts []Option) invoker {
	hs := m.hs
	var client *s3.Client
	fn := func(ctx context.Context, ev events.S3ObjectLambdaEvent) (any, error) {
		callCtx := ctx
		if m.s.legacy == "detached" {
			callCtx = context.Background() // as much legacy code does
		}
		send := func(body io.Reader) error {
			_, err := client.WriteGetObjectResponse(callCtx, &s3.WriteGetObjectResponseInput{
				RequestRoute: aws.String(ev.GetObjectContext.OutputRoute), RequestToken: aws.String(ev.GetObjectContext.OutputToken),
				StatusCode: aws.Int32(200), Body: body,
			})
			return err
		}
		switch m.s.legacy {
		case "answer":
			return nil, send(strings.NewReader(legacyBody))
		case "stream", "detached":
			return nil, send(io.MultiReader(strings.NewReader(legacyBody), &blockingBody{release: m.release}))
		case "fail":
			return nil, errors.New("legacy failure at " + ev.GetObjectContext.InputS3URL)
		case "panic":
			panic("legacy panic")
		}
		<-m.release // hang, ignoring the context
		return nil, errors.New("released")
	}
	w, err := Wrap(fn, append(hs.baseOpts, opts...)...)
	require.NoError(t, err)
	client = s3.NewFromConfig(hs.awsCfg, wgorClientOptions, w.TrackResponses)
	return w
}

// invoker is a Lambda handler: *Handler, or what Wrap returns.
type invoker interface {
	Invoke(context.Context, []byte) ([]byte, error)
}
