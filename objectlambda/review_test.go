package objectlambda

// Adversarial review of the rebuilt GetObject path (issue 13). Each test
// pins one defect and fails on the code it was written against; the comment
// above it says what is wrong, where, and what a caller or operator sees.
// Helpers are prefixed rv so that they cannot collide with other tests.

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestReviewConditionalDoesNotBypassATransformDenial: a transform that
// denies an object (403) is bypassed by any conditional header that makes S3
// answer 412. fetchForGet (get.go) and head (head.go) send If-Match and
// If-Unmodified-Since to S3, and S3's 412 goes straight to the caller as an
// error reply: the chain never runs. A caller who may not read the object
// gets an oracle instead of a denial: If-Unmodified-Since bisects the
// object's Last-Modified, and If-Match confirms a guessed ETag (the MD5 of a
// guessed content) with 403 (match) or 412 (no match). Contract 9 and
// issue 13 #2: a denied object stays denied whatever the conditional headers
// say. The 304 shortcut was fixed; 412 was not.
func TestReviewConditionalDoesNotBypassATransformDenial(t *testing.T) {
	past := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat)
	tests := []struct {
		name string
		cond []string
	}{
		{name: "If-Match with another ETag", cond: []string{"If-Match", `"guessed"`}},
		{name: "If-Unmodified-Since before the last change", cond: []string{"If-Unmodified-Since", past}},
	}
	for _, tt := range tests {
		t.Run("GET "+tt.name, func(t *testing.T) {
			hs, h := newHarness(t, WithTransform(metaTransform))
			hs.put("classified.txt", alphabet, map[string]string{"x-amz-meta-classification": "secret", "ETag": `"e1"`})
			_, err := invoke(t, h, hs.event("classified.txt", withHeaders(tt.cond...)))
			require.NoError(t, err)
			call := hs.onlyCall(t)
			assert.Equal(t, "403", call.Header.Get("X-Amz-Fwd-Status"), "the denial holds")
			assert.Equal(t, "AccessDenied", call.Header.Get("X-Amz-Fwd-Error-Code"))
		})
		t.Run("HEAD "+tt.name, func(t *testing.T) {
			hs, h := newHarness(t, WithTransform(metaTransform))
			hs.put("classified.txt", alphabet, map[string]string{"x-amz-meta-classification": "secret", "ETag": `"e1"`})
			reply := headInvoke(t, h, eventFor(hs, OpHeadObject, "classified.txt", withHeaders(tt.cond...)))
			assert.Equal(t, http.StatusForbidden, reply.StatusCode, "the denial holds")
			assert.Equal(t, "AccessDenied", reply.ErrorCode)
		})
	}
}

// TestReviewPartNumberPushedDownMatchesSlicing: the same partNumber request
// gets a different answer depending on whether the chain is range-safe (the
// part is pushed to S3 as a Range) or not (the part is cut after the
// transform), and HEAD agrees with only one of them.
//
//   - Part 1 of an empty object: slice (shape.go) and HEAD answer 200 with
//     the whole, empty object; with push-down the Range bytes=0-(size-1) is
//     unsatisfiable for S3 (S3 answers 416 for any range on an empty object,
//     as the harness does), and pushdownError turns it into 416
//     InvalidPartNumber. pushedDown's "S3 ignored the range (an empty
//     object)" branch assumes a 200 that S3 does not send.
//   - A part beyond the last: both answer 416 InvalidPartNumber, but only
//     the pushed-down one carries Content-Range "bytes */36" (pushdownError
//     wraps it in a rangeError; resolve does not).
func TestReviewPartNumberPushedDownMatchesSlicing(t *testing.T) {
	tests := []struct {
		name string
		body string
		part string
	}{
		{name: "part 1 of an empty object", body: "", part: "1"},
		{name: "a part beyond the last", body: alphabet, part: "2"},
	}
	headers := []string{"X-Amz-Fwd-Status", "X-Amz-Fwd-Error-Code", "X-Amz-Fwd-Header-Content-Range", "X-Amz-Fwd-Header-X-Amz-Mp-Parts-Count"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answers := map[string]wgorCall{}
			for name, pushdown := range map[string]bool{"pushed down": true, "sliced": false} {
				hs, h := newHarness(t, WithPartSize(1<<10), WithRangePushdown(pushdown))
				hs.put("doc.txt", tt.body, nil)
				_, err := invoke(t, h, hs.event("doc.txt", withQuery("partNumber="+tt.part)))
				require.NoError(t, err)
				answers[name] = hs.onlyCall(t)
				if pushdown {
					require.NotEmpty(t, hs.upstreamHit[0].Get("Range"), "the part was pushed down")
				}
			}
			for _, k := range headers {
				assert.Equal(t, answers["sliced"].Header.Get(k), answers["pushed down"].Header.Get(k), k)
			}
			assert.Equal(t, string(answers["sliced"].Body), string(answers["pushed down"].Body))

			hs, h := newHarness(t, WithPartSize(1<<10))
			hs.put("doc.txt", tt.body, nil)
			head := headInvoke(t, h, eventFor(hs, OpHeadObject, "doc.txt", withQuery("partNumber="+tt.part)))
			assert.Equal(t, answers["pushed down"].Header.Get("X-Amz-Fwd-Status"), itoa(head.StatusCode), "HEAD and GET agree")
		})
	}
}

// TestReviewReplyDeadlineIsNeverInThePast: the reply deadline is computed as
// work deadline + 3/4 margin (get.go newGetRun, grace), without looking at
// the clock or the Lambda deadline:
//
//   - WithDeadlineMargin(0) is accepted (options.go). The guard then fires
//     at the Lambda deadline itself and its error reply gets no time at
//     all: zero WGOR, the caller waits for S3's own timeout.
//   - When the invocation has less time left than a quarter of the margin
//     (a 1.5 s margin on a function with a 1 s timeout, say), the work
//     deadline is already past at the start and so is the reply deadline:
//     the LambdaTimeout reply is cancelled before it is sent although the
//     Lambda deadline is 300 ms away. Zero WGOR again.
//
// Either refuse such configurations in New or give the reply the time that
// is really left; a reply that can be delivered must be.
func TestReviewReplyDeadlineIsNeverInThePast(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	stuck := transform.Func(func(context.Context, *transform.Object) (*transform.Object, error) {
		<-release // ignores its context
		return nil, errors.New("released")
	})
	tests := []struct {
		name    string
		margin  time.Duration
		timeout time.Duration
		chain   []transform.Transform
	}{
		{name: "zero margin, a transform that ignores its context", margin: 0, timeout: 500 * time.Millisecond, chain: []transform.Transform{stuck}},
		{name: "less time left than a quarter of the margin", margin: 1500 * time.Millisecond, timeout: 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, _ := newHarness(t)
			hs.put("doc.txt", alphabet, nil)
			opts := append(append([]Option(nil), hs.baseOpts...), WithDeadlineMargin(tt.margin))
			if len(tt.chain) > 0 {
				opts = append(opts, WithTransform(tt.chain...))
			}
			h, err := New(opts...)
			if err != nil {
				return // refusing the configuration is a fix too
			}
			rvWarmUp(t, hs)
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			_, _ = h.Invoke(ctx, hs.event("doc.txt"))
			assert.EqualValues(t, 1, hs.arrivals.Load(), "exactly one WriteGetObjectResponse reached S3")
		})
	}
}

// rvWarmUp opens the connection to the WGOR endpoint, as a warm Lambda
// environment has it, and forgets the call.
func rvWarmUp(t *testing.T, hs *harness) {
	t.Helper()
	client := s3.NewFromConfig(hs.awsCfg, wgorClientOptions)
	_, err := client.WriteGetObjectResponse(t.Context(), &s3.WriteGetObjectResponseInput{
		RequestRoute: aws.String(testRoute), RequestToken: aws.String("warm-up"), StatusCode: aws.Int32(200)})
	require.NoError(t, err)
	hs.mu.Lock()
	hs.calls = nil
	hs.mu.Unlock()
	hs.arrivals.Store(0)
}

// rvNeverConnects is an HTTP client whose requests never reach a connection:
// it notices the end of the call's context late (a dial or TLS handshake in
// progress) and fails without writing anything.
type rvNeverConnects struct{ lag time.Duration }

func (c rvNeverConnects) Do(r *http.Request) (*http.Response, error) {
	<-r.Context().Done()
	time.Sleep(c.lag)
	return nil, context.Cause(r.Context())
}

// TestReviewWrapAnswersWhenATrackedCallEndsUnsent: the guard fires while a
// tracked WGOR call of the legacy handler is still connecting. tracker.claim
// (wrap.go) refuses to answer because a call is in flight, and nobody looks
// again: the call, bound to the work context, then fails before anything
// was written, and the request gets no reply at all. TrackResponses
// documents the opposite ("answered ... unless that call ends without
// having written anything to the network"), and issue 13 #3(c) asks that a
// claimed call that sent nothing falls back to an error reply.
func TestReviewWrapAnswersWhenATrackedCallEndsUnsent(t *testing.T) {
	tests := []struct {
		name string
		lag  time.Duration // how long after the deadline the call gives up
	}{
		{name: "the connection attempt gives up just after the guard", lag: 150 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, _ := newHarness(t)
			hs.put("doc.txt", alphabet, nil)
			rvWarmUp(t, hs)
			var client *s3.Client
			legacy := func(ctx context.Context, ev events.S3ObjectLambdaEvent) (any, error) {
				_, err := client.WriteGetObjectResponse(ctx, &s3.WriteGetObjectResponseInput{
					RequestRoute: aws.String(ev.GetObjectContext.OutputRoute), RequestToken: aws.String(ev.GetObjectContext.OutputToken),
					StatusCode: aws.Int32(200), Body: strings.NewReader("legacy")})
				return nil, err
			}
			w, err := Wrap(legacy, append(hs.baseOpts, WithDeadlineMargin(400*time.Millisecond))...)
			require.NoError(t, err)
			client = s3.NewFromConfig(hs.awsCfg, wgorClientOptions, w.TrackResponses,
				func(o *s3.Options) { o.HTTPClient = rvNeverConnects{lag: tt.lag} })
			ctx, cancel := context.WithTimeout(context.Background(), 1200*time.Millisecond)
			defer cancel()
			_, _ = w.Invoke(ctx, hs.event("doc.txt"))
			calls := hs.wgorCalls() // a reply of the wrapper's has arrived by now
			require.Len(t, calls, 1, "exactly one WriteGetObjectResponse")
			assert.Equal(t, "500", calls[0].Header.Get("X-Amz-Fwd-Status"))
		})
	}
}

// TestReviewWrapTracksAHandlerThatIgnoresItsContext: TrackResponses finds the
// tracker in the call's context (ctx.Value(trackerKey{})), so a legacy
// handler that makes its WGOR call with context.Background() or
// context.TODO() (as much legacy code does) is not tracked at all. When such
// a handler is still streaming its reply at the deadline, the wrapper
// believes nothing was sent and answers LambdaTimeout with the same token:
// two WGOR calls, the double reply of issue 13 #4, back through a side door.
func TestReviewWrapTracksAHandlerThatIgnoresItsContext(t *testing.T) {
	tests := []struct {
		name    string
		callCtx func() (context.Context, context.CancelFunc)
	}{
		{name: "context.Background", callCtx: func() (context.Context, context.CancelFunc) { return context.Background(), func() {} }},
		{name: "a timeout of its own", callCtx: func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 30*time.Second)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, _ := newHarness(t)
			hs.put("doc.txt", alphabet, nil)
			rvWarmUp(t, hs)
			var client *s3.Client
			release := make(chan struct{})
			finished := make(chan struct{})
			legacy := func(_ context.Context, ev events.S3ObjectLambdaEvent) (any, error) {
				defer close(finished)
				callCtx, cancel := tt.callCtx()
				defer cancel()
				_, err := client.WriteGetObjectResponse(callCtx, &s3.WriteGetObjectResponseInput{
					RequestRoute: aws.String(ev.GetObjectContext.OutputRoute), RequestToken: aws.String(ev.GetObjectContext.OutputToken),
					StatusCode: aws.Int32(200), Body: &blockingBody{n: 64 << 10, release: release}})
				return nil, err
			}
			w, err := Wrap(legacy, append(hs.baseOpts, WithDeadlineMargin(300*time.Millisecond))...)
			require.NoError(t, err)
			client = s3.NewFromConfig(hs.awsCfg, wgorClientOptions, w.TrackResponses)
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_, _ = w.Invoke(ctx, hs.event("doc.txt"))
			arrived := hs.arrivals.Load() // a reply of the wrapper's has arrived by now
			close(release)
			<-finished
			assert.EqualValues(t, 1, arrived, "one WriteGetObjectResponse per request")
		})
	}
}

// rvKeepsBody is a WGOR client that keeps the request body and returns at
// once without reading it, as an HTTP/1 transport does when the endpoint
// answers before the body was sent: the transport's write loop may start
// reading the body only after the call has returned.
type rvKeepsBody struct {
	mu   sync.Mutex
	body io.Reader
}

func (c *rvKeepsBody) WriteGetObjectResponse(_ context.Context, in *s3.WriteGetObjectResponseInput, _ ...func(*s3.Options)) (*s3.WriteGetObjectResponseOutput, error) {
	c.mu.Lock()
	c.body = in.Body
	c.mu.Unlock()
	return &s3.WriteGetObjectResponseOutput{}, nil
}

// rvCloseAwareBody is a pipeline body that counts its Closes and the Reads
// that come after one; such a Read blocks until release is closed.
type rvCloseAwareBody struct {
	closed          atomic.Bool
	closes          atomic.Int32
	readsAfterClose atomic.Int32
	release         chan struct{}
}

func (b *rvCloseAwareBody) Read(p []byte) (int, error) {
	if b.closed.Load() {
		b.readsAfterClose.Add(1)
		<-b.release
		return 0, io.ErrClosedPipe
	}
	return copy(p, "data"), nil
}

func (b *rvCloseAwareBody) Close() error {
	b.closed.Store(true)
	b.closes.Add(1)
	return nil
}

// TestReviewReplyBodyIsNotReadAfterThePipelineClosed: replyBody.Read starts
// the pump (and joins the pipeline) on its first call, whenever that is
// (responder.go). When the transport makes that first Read after the call
// returned, the invocation has already released the pipeline: join revives
// a closed pipeline, and the pump reads the transform's output after it was
// closed, racing closeAll, in a goroutine started after the invocation
// ended (here it stays blocked in the closed body's Read). A reply body
// whose reply is over must answer without starting anything.
func TestReviewReplyBodyIsNotReadAfterThePipelineClosed(t *testing.T) {
	tests := []struct {
		name   string
		length int64
	}{
		{name: "unknown length (chunked)", length: -1},
		{name: "known length", length: 1 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &rvCloseAwareBody{release: make(chan struct{})}
			defer close(src.release)
			client := &rvKeepsBody{}
			p := newPipeline()
			rs := newResponder(client, testRoute, testToken)
			rep := &reply{status: http.StatusOK, header: http.Header{}, length: tt.length, body: p.own(src)}
			require.NoError(t, rs.deliver(context.Background(), rep, p))
			p.done() // the invocation ends and releases the pipeline
			require.EqualValues(t, 1, src.closes.Load())

			before := goleak.IgnoreCurrent()
			client.mu.Lock()
			body := client.body
			client.mu.Unlock()
			_, err := body.Read(make([]byte, 16)) // the transport's first Read, late
			assert.Error(t, err, "a reply that is over yields nothing")
			assert.NoError(t, goleak.Find(before), "no goroutine starts after the reply is over")
			assert.Zero(t, src.readsAfterClose.Load(), "the closed output is not read")
		})
	}
}

// TestReviewPipelineSurvivesAPanickingClose: closeAll (pipeline.go) calls
// every Close without a recover. Close of a transform's body is user code
// (transform.Run's guardedReader recovers panics in Read, not in Close) and
// so is the stages' span End. A panicking Close stops the closing there (the
// bodies opened before it, the upstream connection and spool files among
// them, stay open) and propagates from whichever user was last: out of
// Invoke when the invocation is last, and when the abandoned compute
// goroutine or the pump is last, out of a goroutine, which ends the process.
func TestReviewPipelineSurvivesAPanickingClose(t *testing.T) {
	tests := []struct {
		name  string
		value any
	}{
		{name: "a string", value: "close panics"},
		{name: "an error carrying a URL", value: errors.New("close https://bucket.s3.amazonaws.com/k?X-Amz-Signature=0123456789abcdef")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPipeline()
			var mu sync.Mutex
			var closed []string
			closer := func(name string) io.Closer {
				return &closerFunc{Reader: strings.NewReader(""), close: func() error {
					mu.Lock()
					closed = append(closed, name)
					mu.Unlock()
					return nil
				}}
			}
			p.add(closer("upstream body"))
			p.add(&closerFunc{Reader: strings.NewReader(""), close: func() error { panic(tt.value) }})
			p.add(closer("spool"))
			assert.NotPanics(t, p.done, "a panic in a Close does not escape the pipeline")
			assert.ElementsMatch(t, []string{"spool", "upstream body"}, closed, "every other body is still closed")
		})
	}
}

// rvPayload is an operator's payload type.
type rvPayload struct {
	Mask string `json:"mask"`
}

// TestReviewPayloadTypeErrorsDoNotEchoConfiguration: DecodePayload
// (request.go), behind WithPayloadType, puts the decoder's text in the
// message sent to the caller: the payload's unknown field names, the
// operator's Go type and field names. Commit 44c44bf stopped exactly this
// for transform.Configure; the objectlambda door stayed open. Issue 13 #5,
// contract 8: caller-facing messages must not echo operator configuration.
func TestReviewPayloadTypeErrorsDoNotEchoConfiguration(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		hidden  []string
	}{
		{name: "an unknown field", payload: `{"apiKey":"hunter2-payload-value"}`, hidden: []string{"apiKey", "hunter2"}},
		{name: "a value of the wrong type", payload: `{"mask":7}`, hidden: []string{"rvPayload", "mask"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, WithPayloadType[rvPayload]())
			hs.put("doc.txt", alphabet, nil)
			_, err := invoke(t, h, hs.event("doc.txt", withPayload(tt.payload)))
			require.NoError(t, err)
			call := hs.onlyCall(t)
			require.Equal(t, "InvalidPayload", call.Header.Get("X-Amz-Fwd-Error-Code"))
			msg := call.Header.Get("X-Amz-Fwd-Error-Message")
			for _, s := range tt.hidden {
				assert.NotContains(t, msg, s, "operator configuration in the caller's message")
			}
		})
	}
}

// TestReviewHeadRepliesCarryOnlyValidHeaders: GET drops header values and
// metadata keys that cannot travel in HTTP (issue 13 #3a), and HEAD does the
// same before its hooks, but not after them, and not for metadata keys a
// transform set in lower case: validHeaders (wgor.go) only recognises the
// canonical "X-Amz-Meta-" prefix, and hooked (head.go) passes whatever the
// hook wrote. A hook that copies a query value into Content-Disposition, as
// a transform does on GET, sends CR/LF to S3 in the HEAD reply.
func TestReviewHeadRepliesCarryOnlyValidHeaders(t *testing.T) {
	injected := "attachment; filename=\"a.txt\"\r\nX-Injected: 1"
	tests := []struct {
		name  string
		opts  []Option
		check string // the header that must not arrive as it was set
	}{
		{name: "a hook sets a value with CR/LF", check: "Content-Disposition", opts: []Option{WithHeadHook(func(_ context.Context, _ *Request, r *HeadReply) error {
			r.Headers["Content-Disposition"] = injected
			return nil
		})}},
		{name: "a hook sets a metadata key that is not a token", check: "x-amz-meta-bad key", opts: []Option{WithHeadHook(func(_ context.Context, _ *Request, r *HeadReply) error {
			r.Headers["x-amz-meta-bad key"] = "v"
			return nil
		})}},
		{name: "a transform sets a lower-case metadata key that is not a token", check: "x-amz-meta-bad key", opts: []Option{WithTransform(transform.Declare(
			transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
				o.Header["x-amz-meta-bad key"] = []string{"v"}
				return o, nil
			}), transform.Properties{BodyUnchanged: true}))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, tt.opts...)
			hs.put("doc.txt", alphabet, nil)
			reply := headInvoke(t, h, eventFor(hs, OpHeadObject, "doc.txt"))
			require.Equal(t, http.StatusOK, reply.StatusCode)
			for k, v := range reply.Headers {
				assert.True(t, validHeaderName(k), "header name %q", k)
				if s, ok := v.(string); ok {
					assert.True(t, validHeaderValue(s), "%s: %q", k, s)
				}
			}
			assert.NotEqual(t, "v", reply.Headers[tt.check])
		})
	}
}

// TestReviewMetadataKeyCaseReachesGetLikeHead: a transform that writes
// metadata under a non-canonical key (o.Header["x-amz-meta-transformed"],
// the spelling of AWS's own HEAD examples) has it shown by HEAD (headHeaders
// canonicalises every name) and silently dropped by GET (wgorInput matches
// the "X-Amz-Meta-" prefix case-sensitively). GET and HEAD should describe
// the same object.
func TestReviewMetadataKeyCaseReachesGetLikeHead(t *testing.T) {
	tests := []struct {
		name string
		key  string
	}{
		{name: "lower case", key: "x-amz-meta-transformed"},
		{name: "upper case", key: "X-AMZ-META-TRANSFORMED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mark := transform.Declare(transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
				o.Header[tt.key] = []string{"true"}
				return o, nil
			}), transform.Properties{BodyUnchanged: true})
			hs, h := newHarness(t, WithTransform(mark))
			hs.put("doc.txt", alphabet, nil)
			head := headInvoke(t, h, eventFor(hs, OpHeadObject, "doc.txt"))
			require.Equal(t, "true", head.Headers["x-amz-meta-transformed"], "HEAD shows it")
			_, err := invoke(t, h, hs.event("doc.txt"))
			require.NoError(t, err)
			assert.Equal(t, "true", hs.onlyCall(t).Header.Get("X-Amz-Meta-Transformed"), "GET shows it too")
		})
	}
}

// TestReviewRangedGetChecksTheAnnouncedLength: a transform that announces a
// length (LengthPreserving) and produces more is caught on a whole GET
// (readFirstChunk, exactReader: 500) but not on a Range: slice (shape.go)
// skips to the start and cuts with io.LimitReader, so the bytes past the
// announced end are never looked at. The caller asking for the tail gets a
// complete 206 whose bytes and Content-Range total are wrong ("wxyz" of
// "bytes 32-35/36", while the output ends in "xyz!").
func TestReviewRangedGetChecksTheAnnouncedLength(t *testing.T) {
	lying := transform.Declare(appendSuffix("!"), transform.Properties{LengthPreserving: true})
	tests := []struct {
		name   string
		range_ string
	}{
		{name: "whole object", range_: ""},
		{name: "suffix range", range_: "bytes=-4"},
		{name: "open range", range_: "bytes=30-"},
		{name: "range to the announced end", range_: "bytes=30-35"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, WithTransform(lying))
			hs.put("doc.txt", alphabet, nil)
			var opts []eventOpt
			if tt.range_ != "" {
				opts = append(opts, withHeaders("Range", tt.range_))
			}
			_, _ = invoke(t, h, hs.event("doc.txt", opts...))
			call := hs.waitCalls(t, 1)[0]
			complete := strings.HasPrefix(call.Header.Get("X-Amz-Fwd-Status"), "2") && call.BodyErr == nil
			assert.False(t, complete, "a body known to be longer than announced is never a complete reply (got %s %q, Content-Range %q)",
				call.Header.Get("X-Amz-Fwd-Status"), call.Body, call.Header.Get("X-Amz-Fwd-Header-Content-Range"))
		})
	}
}

// rvPanickingTracer panics when a span named name starts.
type rvPanickingTracer struct{ name string }

func (tr rvPanickingTracer) Start(ctx context.Context, name string, _ ...slog.Attr) (context.Context, Span) {
	if name == tr.name {
		panic("tracer: exporter gone")
	}
	return ctx, noopSpan{}
}

// TestReviewObserverAndTracerPanicsDoNotEscape: observers and tracers are
// user code called on the invocation's goroutine without a recover
// (logRequest and beginRequest in observe.go, log.go). A tracer that panics
// when the request span starts escapes Invoke before anything is answered:
// zero WGOR, and aws-lambda-go prints the panic value. An observer that
// panics escapes Invoke after the reply. SECURITY.md lists "a panic that
// escapes" as a broken promise.
func TestReviewObserverAndTracerPanicsDoNotEscape(t *testing.T) {
	tests := []struct {
		name string
		opt  Option
	}{
		{name: "the tracer panics at the request span", opt: WithTracer(rvPanickingTracer{name: "objectlambda.GetObject"})},
		{name: "the tracer panics at the reply span", opt: WithTracer(rvPanickingTracer{name: "objectlambda.WriteGetObjectResponse"})},
		{name: "an observer panics", opt: WithObserver(ObserverFunc(func(context.Context, *Metrics) { panic("observer") }))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, tt.opt)
			hs.put("doc.txt", alphabet, nil)
			assert.NotPanics(t, func() { _, _ = invoke(t, h, hs.event("doc.txt")) })
			assert.EqualValues(t, 1, hs.arrivals.Load(), "exactly one WriteGetObjectResponse")
		})
	}
}
