package objectlambda

// Adversarial review of the rebuilt GetObject path (issue 13). Each test
// pins one defect and fails on the code it was written against; the comment
// above it says what is wrong, where, and what a caller or operator sees.
// Helpers are prefixed rv so that they cannot collide with other tests.

import (
	"bytes"
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
				hs, h := newHarness(t, WithPartSize(1<<10), withRangePushdown(pushdown))
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

// TestReviewABodyHandedBackTwiceIsClosedOnce: the pipeline's Close-once
// guarantee is per owned wrapper (pipeline.own), not per body. When two
// stages hand back the same reader (a later transform returning the body an
// earlier one produced, as a pass-through that caches its wrapper does),
// runChain owns it twice and closeAll closes it twice. A body whose Close is
// not idempotent (a pooled buffer put back into a sync.Pool on Close) is
// then returned to its pool twice and handed to two later requests at once.
func TestReviewABodyHandedBackTwiceIsClosedOnce(t *testing.T) {
	tests := []struct {
		name  string
		chain func(shared *closeCount) []transform.Transform
	}{
		{name: "a later stage returns an earlier stage's body", chain: func(shared *closeCount) []transform.Transform {
			first := transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
				shared.Reader = o.Body
				o.Body = shared
				return o, nil
			})
			again := transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
				o.Body = shared
				return o, nil
			})
			return []transform.Transform{first, again}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shared := &closeCount{}
			hs, h := newHarness(t, WithTransform(tt.chain(shared)...))
			hs.put("doc.txt", alphabet, nil)
			_, err := invoke(t, h, hs.event("doc.txt"))
			require.NoError(t, err)
			assert.Equal(t, alphabet, string(hs.onlyCall(t).Body))
			assert.EqualValues(t, 1, shared.n.Load(), "closed exactly once")
		})
	}
}

// rvFailsFirst fails its first request before anything is written, as a
// refused dial does, and sends the others.
type rvFailsFirst struct {
	n    atomic.Int32
	next s3.HTTPClient
}

func (f *rvFailsFirst) Do(r *http.Request) (*http.Response, error) {
	if f.n.Add(1) == 1 {
		return nil, errors.New("dial tcp 192.0.2.1:443: connect: connection refused")
	}
	return f.next.Do(r)
}

// TestReviewFallbackReplyKeepsTheCause: when the computed reply cannot be
// sent and the fallback error reply can, responder.call overwrites r.err
// with the fallback's nil, so getRun.deliver finds no failure() and end()
// no WGOR error: the summary line reports a 500 InternalError at INFO level
// with no error at all, and the observers get Err == ReplyErr == nil. The
// operator sees a function answering 500 for no reason.
func TestReviewFallbackReplyKeepsTheCause(t *testing.T) {
	tests := []struct {
		name  string
		cause string
	}{
		{name: "the reply's connection is refused", cause: "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, _ := newHarness(t)
			hs.put("doc.txt", alphabet, nil)
			client := s3.NewFromConfig(hs.awsCfg, wgorClientOptions, func(o *s3.Options) { o.HTTPClient = &rvFailsFirst{next: o.HTTPClient} })
			var m *Metrics
			h, err := New(append(hs.baseOpts, WithS3Client(client), WithObserver(ObserverFunc(func(_ context.Context, got *Metrics) { m = got })))...)
			require.NoError(t, err)
			_, _ = invoke(t, h, hs.event("doc.txt"))
			call := hs.onlyCall(t)
			require.Equal(t, "500", call.Header.Get("X-Amz-Fwd-Status"), "the fallback error reply")
			require.NotNil(t, m)
			reported := errors.Join(m.Err, m.ReplyErr)
			require.Error(t, reported, "the observers learn why the reply is an error")
			assert.Contains(t, reported.Error(), tt.cause)
			assert.Contains(t, hs.logText(), tt.cause, "so does the log")
			assert.Contains(t, hs.logText(), `"level":"ERROR"`)
		})
	}
}

// TestReviewConditionalsUseTheServedETag: a transform may set the ETag of
// its output (transform.Transform's documentation invites it), and the
// caller then holds that ETag. fetchForGet forwards If-Match and
// If-None-Match to S3 (presignedRequest), which compares them with the
// stored object's ETag, never with the one the caller was given: If-Match
// with the served ETag always fails with 412 (a resuming download can never
// resume), and If-None-Match with it never yields 304. Conditionals on an
// ETag must be evaluated against the ETag the reply carries.
func TestReviewConditionalsUseTheServedETag(t *testing.T) {
	const served = `"transformed-v1"`
	retag := transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Header.Set("ETag", served)
		o.Body = mapReader{o.Body, bytes.ToUpper}
		return o, nil
	})
	tests := []struct {
		name, header, status string
	}{
		{name: "If-Match with the served ETag", header: "If-Match", status: "200"},
		{name: "If-None-Match with the served ETag", header: "If-None-Match", status: "304"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, WithTransform(retag))
			hs.put("doc.txt", alphabet, map[string]string{"ETag": `"stored"`})
			_, err := invoke(t, h, hs.event("doc.txt"))
			require.NoError(t, err)
			require.Equal(t, served, hs.onlyCall(t).Header.Get("X-Amz-Fwd-Header-Etag"), "the caller is given the transform's ETag")

			hs.mu.Lock()
			hs.calls = nil
			hs.mu.Unlock()
			_, err = invoke(t, h, hs.event("doc.txt", withHeaders(tt.header, served)))
			require.NoError(t, err)
			assert.Equal(t, tt.status, hs.onlyCall(t).Header.Get("X-Amz-Fwd-Status"))
		})
	}
}

// TestReviewWrapEndsEveryRequest: wrapped.Invoke (wrap.go) starts the
// request's measurements and span (beginRequest) for every operation, but
// only the GetObject path ends them (logRequest). A wrapped HEAD or LIST
// leaves its request span open (a tracer never exports it), calls no
// observer and writes no summary line, whether the legacy handler succeeds
// or fails: the operator sees nothing of those requests.
func TestReviewWrapEndsEveryRequest(t *testing.T) {
	tests := []struct {
		name string
		op   Operation
		fail bool
	}{
		{name: "HEAD", op: OpHeadObject},
		{name: "HEAD that fails", op: OpHeadObject, fail: true},
		{name: "ListObjectsV2", op: OpListObjectsV2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, _ := newHarness(t)
			hs.put("doc.txt", alphabet, nil)
			tr := &recordingTracer{}
			var observed atomic.Int32
			legacy := func(context.Context, events.S3ObjectLambdaEvent) (any, error) {
				if tt.fail {
					return nil, errors.New("legacy failure")
				}
				return map[string]any{"statusCode": 200}, nil
			}
			w, err := Wrap(legacy, append(hs.baseOpts, WithTracer(tr),
				WithObserver(ObserverFunc(func(context.Context, *Metrics) { observed.Add(1) })))...)
			require.NoError(t, err)
			target := "doc.txt"
			if tt.op != OpHeadObject {
				target = "prefix=d"
			}
			_, _ = w.Invoke(context.Background(), eventFor(hs, tt.op, target))
			spans := tr.recorded()
			require.NotEmpty(t, spans)
			assert.Equal(t, "objectlambda."+string(tt.op), spans[0].name)
			assert.True(t, spans[0].ended, "the request span ends")
			assert.EqualValues(t, 1, observed.Load(), "the observers see the request")
			assert.Contains(t, hs.logText(), `"msg":"objectlambda request"`, "the summary line is written")
		})
	}
}

// rvReadsAll is a WGOR client that reads the whole body inside the call, as
// a transport does, without a network in between.
type rvReadsAll struct{}

func (rvReadsAll) WriteGetObjectResponse(_ context.Context, in *s3.WriteGetObjectResponseInput, _ ...func(*s3.Options)) (*s3.WriteGetObjectResponseOutput, error) {
	_, err := io.Copy(io.Discard, in.Body)
	return &s3.WriteGetObjectResponseOutput{}, err
}

// TestReviewPipelineIsReleasedBeforeInvokeReturns: after a complete reply
// the pump goroutine (responder.go) hands over the last chunk and only then
// leaves the pipeline (defer b.p.done()). Nothing waits for it: deliver
// returns as soon as the SDK has read the end, and end() (get.go) drops the
// invocation's share, logs, calls the observers and ends the request span
// while the pump may still hold its share. The pipeline then closes in the
// pump's goroutine after Invoke returned: the bodies (upstream connection,
// spool file) stay open into Lambda's freeze, contrary to contract 10; the
// transform spans end after the request span, or after the flush (stages
// Close), and Metrics.TransformTime and UpstreamReadTime are still zero when
// the observers run. This race is what makes TestSpanTreeOfAGet
// (otelobjectlambda) and TestContinuesLambdaTrace (examples/observability)
// fail now and then under load. Here the call reads the body in process, so
// the race is lost almost every time; 20 invocations make it certain.
func TestReviewPipelineIsReleasedBeforeInvokeReturns(t *testing.T) {
	tests := []struct {
		name string
		size int
	}{
		{name: "64 KiB of output", size: 64 << 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var out *closeCount
			produce := transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
				mu.Lock()
				defer mu.Unlock()
				out = &closeCount{Reader: strings.NewReader(strings.Repeat("m", tt.size))}
				o.Body = out
				return o, nil
			})
			tr := &recordingTracer{}
			var spanOpenAtObserve atomic.Int32
			observe := ObserverFunc(func(context.Context, *Metrics) {
				for _, s := range tr.recorded() {
					if s.name == "objectlambda.transform" && !s.ended {
						spanOpenAtObserve.Add(1)
					}
				}
			})
			hs, _ := newHarness(t)
			hs.put("doc.txt", alphabet, nil)
			h, err := New(append(hs.baseOpts, WithS3Client(rvReadsAll{}), WithTransform(produce), WithTracer(tr), WithObserver(observe))...)
			require.NoError(t, err)
			openAtReturn := 0
			for range 20 {
				tr.mu.Lock()
				tr.spans = nil
				tr.mu.Unlock()
				_, err := h.Invoke(context.Background(), hs.event("doc.txt"))
				require.NoError(t, err)
				mu.Lock()
				if out.n.Load() != 1 {
					openAtReturn++
				}
				mu.Unlock()
			}
			assert.Zero(t, openAtReturn, "invocations that returned with the transform's output still open")
			assert.Zero(t, spanOpenAtObserve.Load(), "transform spans still open when the request was reported")
		})
	}
}
