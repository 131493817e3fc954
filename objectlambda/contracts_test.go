package objectlambda

// Regression tests for the contracts of issue 13: one exit for every reply,
// nothing left behind, nothing leaked. Each failed on the GET path before it
// was rebuilt as named stages over an owned pipeline.

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"
	"github.com/objectlambda/sdk-go/presign"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closeCount is a body that counts its Close calls.
type closeCount struct {
	io.Reader
	n atomic.Int32
}

func (c *closeCount) Close() error {
	c.n.Add(1)
	return nil
}

// tracked is a transform whose output body records how often it is closed.
// closeInput makes it close its own input as well when its output is
// closed, as well-behaved wrappers do.
type tracked struct {
	mu         sync.Mutex
	bodies     []*closeCount
	closeInput bool
}

func (tr *tracked) Apply(_ context.Context, o *transform.Object) (*transform.Object, error) {
	in := o.Body
	cc := &closeCount{Reader: in}
	if tr.closeInput {
		cc = &closeCount{Reader: io.MultiReader(in)}
		inner := cc
		o.Body = &closerFunc{Reader: inner, close: func() error {
			inner.Close()
			if c, ok := in.(io.Closer); ok {
				return c.Close()
			}
			return nil
		}}
	} else {
		o.Body = cc
	}
	tr.mu.Lock()
	tr.bodies = append(tr.bodies, cc)
	tr.mu.Unlock()
	return o, nil
}

// closes returns the Close count of every body the transform handed out.
func (tr *tracked) closes() []int32 {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var out []int32
	for _, b := range tr.bodies {
		out = append(out, b.n.Load())
	}
	return out
}

type closerFunc struct {
	io.Reader
	close func() error
}

func (c *closerFunc) Close() error { return c.close() }

// TestPipelineClosesEveryStage: every body a stage returns is closed exactly
// once before Invoke returns, whatever ends the request.
func TestPipelineClosesEveryStage(t *testing.T) {
	failApply := transform.Func(func(context.Context, *transform.Object) (*transform.Object, error) {
		return nil, errors.New("later stage refuses")
	})
	panicApply := transform.Func(func(context.Context, *transform.Object) (*transform.Object, error) { panic("later stage panics") })
	big := strings.Repeat("y", 300<<10)
	failMid := transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Body = io.MultiReader(strings.NewReader(big), errReader{errors.New("mid-stream failure")})
		return o, nil
	})
	grow := transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Body = io.MultiReader(o.Body, strings.NewReader("!"))
		return o, nil
	})
	tests := []struct {
		name       string
		after      []transform.Transform
		closeInput bool
		wgorStatus int
		range_     string
	}{
		{name: "success"},
		{name: "a later Apply fails", after: []transform.Transform{failApply}},
		{name: "a later Apply panics", after: []transform.Transform{panicApply}},
		{name: "the stream breaks mid-way", after: []transform.Transform{failMid}},
		{name: "WGOR fails", wgorStatus: http.StatusInternalServerError},
		{name: "Range over output of unknown length", after: []transform.Transform{grow}, range_: "bytes=2-5"},
		{name: "the transform closes its input too", closeInput: true, after: []transform.Transform{&tracked{closeInput: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := &tracked{closeInput: tt.closeInput}
			chain := append([]transform.Transform{first}, tt.after...)
			hs, h := newHarness(t, WithTransform(chain...))
			hs.put("doc.txt", alphabet, nil)
			hs.wgorStatus = tt.wgorStatus
			var opts []eventOpt
			if tt.range_ != "" {
				opts = append(opts, withHeaders("Range", tt.range_))
			}
			_, _ = invoke(t, h, hs.event("doc.txt", opts...))
			hs.waitCalls(t, 1)
			assert.Equal(t, []int32{1}, first.closes(), "the first stage's body is closed exactly once")
			for _, tr := range tt.after {
				if tr, ok := tr.(*tracked); ok {
					assert.Equal(t, []int32{1}, tr.closes(), "every stage's body is closed exactly once")
				}
			}
		})
	}
}

// metaTransform removes X-Amz-Meta-Secret and marks its output; it refuses
// objects classified secret. It decides from headers alone, so it can run
// over a headers-only object.
var metaTransform = transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
	if o.Header.Get("X-Amz-Meta-Classification") == "secret" {
		return nil, s3err.New(http.StatusForbidden, s3err.CodeAccessDenied, "classified")
	}
	o.Header.Del("X-Amz-Meta-Secret")
	o.Header.Set("X-Amz-Meta-Transformed", "yes")
	o.Body = io.MultiReader(o.Body, strings.NewReader("."))
	return o, nil
})

// TestNotModifiedGoesThroughThePipeline: a 304 shows what the chain shows,
// and a denied object stays denied whatever the conditional headers say.
func TestNotModifiedGoesThroughThePipeline(t *testing.T) {
	etag := `"etag-36"`
	// After the objects' Last-Modified (2024-01-02), before now: not modified.
	since := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat)
	conditionals := map[string][]string{
		"If-None-Match":     {"If-None-Match", etag},
		"If-Modified-Since": {"If-Modified-Since", since},
	}
	for name, cond := range conditionals {
		t.Run("GET "+name, func(t *testing.T) {
			hs, h := newHarness(t, WithTransform(metaTransform))
			hs.put("doc.txt", alphabet, map[string]string{"x-amz-meta-secret": "hidden", "ETag": etag})
			hs.put("classified.txt", alphabet, map[string]string{"x-amz-meta-classification": "secret", "ETag": etag})

			_, err := invoke(t, h, hs.event("doc.txt", withHeaders(cond...)))
			require.NoError(t, err)
			call := hs.onlyCall(t)
			assert.Equal(t, "304", call.Header.Get("X-Amz-Fwd-Status"))
			assert.Empty(t, call.Header.Get("X-Amz-Meta-Secret"), "metadata the transform removes")
			assert.Equal(t, "yes", call.Header.Get("X-Amz-Meta-Transformed"), "headers the transform sets")
			assert.Empty(t, call.Header.Get("X-Amz-Fwd-Header-Etag"), "the original ETag describes other bytes")

			hs.calls = nil
			_, err = invoke(t, h, hs.event("classified.txt", withHeaders(cond...)))
			require.NoError(t, err)
			call = hs.onlyCall(t)
			assert.Equal(t, "403", call.Header.Get("X-Amz-Fwd-Status"), "a denial is not bypassed by a conditional")
			assert.Equal(t, "AccessDenied", call.Header.Get("X-Amz-Fwd-Error-Code"))
		})
		t.Run("HEAD "+name, func(t *testing.T) {
			deny := WithHeadHook(func(_ context.Context, r *Request, _ *HeadReply) error {
				if r.Key == "hooked.txt" {
					return s3err.New(http.StatusForbidden, s3err.CodeAccessDenied, "hook says no")
				}
				return nil
			})
			hs, h := newHarness(t, WithTransform(metaTransform), WithHeadOriginalLength(), deny)
			hs.put("doc.txt", alphabet, map[string]string{"x-amz-meta-secret": "hidden", "ETag": etag})
			hs.put("classified.txt", alphabet, map[string]string{"x-amz-meta-classification": "secret", "ETag": etag})
			hs.put("hooked.txt", alphabet, map[string]string{"ETag": etag})

			var reply HeadReply
			invokeJSON(t, h, eventFor(hs, OpHeadObject, "doc.txt", withHeaders(cond...)), &reply)
			assert.Equal(t, http.StatusNotModified, reply.StatusCode)
			assert.NotContains(t, reply.Headers, "x-amz-meta-secret")
			assert.Equal(t, "yes", reply.Headers["x-amz-meta-transformed"])
			assert.NotContains(t, reply.Headers, "ETag")

			for _, key := range []string{"classified.txt", "hooked.txt"} {
				reply = HeadReply{}
				invokeJSON(t, h, eventFor(hs, OpHeadObject, key, withHeaders(cond...)), &reply)
				assert.Equal(t, http.StatusForbidden, reply.StatusCode, key)
				assert.Equal(t, "AccessDenied", reply.ErrorCode, key)
			}
		})
	}
}

// TestNotModifiedEncryptedObject: a 304 for a client-side encrypted object
// carries no envelope, and an instruction file stays 404.
func TestNotModifiedEncryptedObject(t *testing.T) {
	kr := aesKeyring(t, 7, "k1")
	hs, h := newHarness(t, WithDecryption(kr))
	body, hdr := seal(t, kr, []byte(alphabet))
	hdr["ETag"] = `"sealed"`
	hs.put("sealed.bin", body, hdr)
	hs.put("sealed.bin.instruction", `{"x-amz-key-v2":"AAAA"}`, map[string]string{"ETag": `"instr"`, "x-amz-crypto-instr-file": ""})

	_, err := invoke(t, h, hs.event("sealed.bin", withHeaders("If-None-Match", `"sealed"`)))
	require.NoError(t, err)
	call := hs.onlyCall(t)
	assert.Equal(t, "304", call.Header.Get("X-Amz-Fwd-Status"))
	assert.Empty(t, envelopeHeaders(call.Header), "the envelope is key material, never a header")

	hs.calls = nil
	_, err = invoke(t, h, hs.event("sealed.bin.instruction", withHeaders("If-None-Match", `"instr"`)))
	require.NoError(t, err)
	call = hs.onlyCall(t)
	assert.Equal(t, "404", call.Header.Get("X-Amz-Fwd-Status"), "an instruction file is not an object")
}

// TestNoZeroWGOR: values that cannot travel in a header are made valid before
// the reply is claimed, so the one reply is always delivered.
func TestNoZeroWGOR(t *testing.T) {
	injected := "attachment; filename=\"a.txt\"\r\nX-Injected: 1"
	headerFromQuery := transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Header.Set("Content-Disposition", injected)
		o.Header.Set("X-Amz-Meta-Note", "line1\nline2")
		o.Header.Set("X-Amz-Meta-Bad Key", "v")
		return o, nil
	})
	t.Run("CR/LF in a transform's header", func(t *testing.T) {
		hs, h := newHarness(t, WithTransform(headerFromQuery))
		hs.put("doc.txt", alphabet, nil)
		_, err := invoke(t, h, hs.event("doc.txt"))
		require.NoError(t, err)
		call := hs.onlyCall(t)
		assert.Equal(t, "200", call.Header.Get("X-Amz-Fwd-Status"))
		assert.Equal(t, alphabet, string(call.Body))
		assert.Empty(t, call.Header.Get("X-Injected"))
		assert.NotContains(t, call.Header.Get("X-Amz-Fwd-Header-Content-Disposition"), "\n")
	})
	for name, deny := range map[string]error{
		"S3 error":    s3err.New(http.StatusForbidden, s3err.CodeAccessDenied, "denied\r\nbecause of policy"),
		"plain error": errors.New("no\nway"),
	} {
		t.Run("newline in an authorizer's "+name, func(t *testing.T) {
			hs, h := newHarness(t, WithAuthorizer(func(context.Context, *Request) error { return deny }))
			hs.put("doc.txt", alphabet, nil)
			_, err := invoke(t, h, hs.event("doc.txt"))
			require.NoError(t, err)
			call := hs.onlyCall(t)
			assert.Equal(t, "403", call.Header.Get("X-Amz-Fwd-Status"))
			assert.NotContains(t, call.Header.Get("X-Amz-Fwd-Error-Message"), "\n")
		})
	}
	t.Run("a reply started just before the work deadline is delivered", func(t *testing.T) {
		// Work deadline at 2 s (4 s Lambda deadline, 2 s margin), reply
		// deadline at 3.5 s; the object arrives at 1.4 s and the WGOR
		// endpoint takes 0.9 s to accept, so the call is still under way at
		// the work deadline: the reply must not be cancelled with the work.
		// The slack on either side (0.6 s, 1.2 s) holds on a loaded machine.
		hs, h := newHarness(t, WithDeadlineMargin(2*time.Second))
		hs.acceptDelay.Store(int64(900 * time.Millisecond))
		hs.upstreamFn = func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(1400 * time.Millisecond)
			w.Header().Set("Content-Length", itoa(len(alphabet)))
			io.WriteString(w, alphabet)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
		defer cancel()
		_, err := h.Invoke(ctx, hs.event("doc.txt"))
		require.NoError(t, err)
		call := hs.onlyCall(t)
		require.NoError(t, call.BodyErr)
		assert.Equal(t, "200", call.Header.Get("X-Amz-Fwd-Status"))
		assert.Equal(t, alphabet, string(call.Body))
	})
}

// blockingBody yields n bytes, then blocks until release is closed, then
// fails: a legacy handler's stream that outlives the deadline.
type blockingBody struct {
	n       int
	release <-chan struct{}
}

func (b *blockingBody) Read(p []byte) (int, error) {
	if b.n > 0 {
		k := min(len(p), b.n)
		for i := range p[:k] {
			p[i] = 'z'
		}
		b.n -= k
		return k, nil
	}
	<-b.release
	return 0, errors.New("stream gave up")
}

// TestWrapCountsAStartedReplyAsAnswered: a legacy handler whose own WGOR is
// still streaming at the deadline is not answered a second time.
func TestWrapCountsAStartedReplyAsAnswered(t *testing.T) {
	hs, _ := newHarness(t)
	hs.put("doc.txt", alphabet, nil)
	var client *s3.Client
	release := make(chan struct{})
	legacy := func(ctx context.Context, ev events.S3ObjectLambdaEvent) (any, error) {
		go func() { <-ctx.Done(); time.Sleep(50 * time.Millisecond); close(release) }()
		_, err := client.WriteGetObjectResponse(ctx, &s3.WriteGetObjectResponseInput{
			RequestRoute: aws.String(ev.GetObjectContext.OutputRoute), RequestToken: aws.String(ev.GetObjectContext.OutputToken),
			StatusCode: aws.Int32(200), Body: &blockingBody{n: 64 << 10, release: release},
		})
		return nil, err
	}
	w, err := Wrap(legacy, WithAWSConfig(hs.awsCfg), WithTrustedEndpoints(hs.upstream.URL), WithDeadlineMargin(300*time.Millisecond),
		withLookupEnv(func(string) (string, bool) { return "", false }))
	require.NoError(t, err)
	client = s3.NewFromConfig(hs.awsCfg, wgorClientOptions, w.TrackResponses)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, _ = w.Invoke(ctx, hs.event("doc.txt"))
	time.Sleep(300 * time.Millisecond) // a second reply would arrive now
	calls := hs.wgorCalls()
	require.Len(t, calls, 1, "one WriteGetObjectResponse per request")
	assert.Equal(t, "200", calls[0].Header.Get("X-Amz-Fwd-Status"))
}

// TestErrorsLeavingTheLibraryAreScrubbed: Invoke's error, observers and the
// WGOR client's own logging carry no presigned credentials, tokens or
// payload values.
func TestErrorsLeavingTheLibraryAreScrubbed(t *testing.T) {
	secrets := []string{"0123456789abcdef0123456789abcdef", "caller-session-token-never-logged", "ASIACALLER", testToken, "hunter2-payload-value"}
	noSecrets := func(t *testing.T, where, text string) {
		t.Helper()
		for _, s := range secrets {
			assert.NotContains(t, text, s, where)
		}
	}
	t.Run("a url.Error after the first byte", func(t *testing.T) {
		var observed []error
		var mu sync.Mutex
		obs := WithObserver(ObserverFunc(func(_ context.Context, m *Metrics) {
			mu.Lock()
			defer mu.Unlock()
			observed = append(observed, m.Err)
		}))
		var hsRef *harness
		leaky := transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
			uerr := &url.Error{Op: "Get", URL: hsRef.presignedURL("doc.txt"), Err: io.ErrUnexpectedEOF}
			o.Body = io.MultiReader(strings.NewReader(strings.Repeat("a", 100<<10)), errReader{uerr})
			return o, nil
		})
		hs, h := newHarness(t, WithTransform(leaky), obs)
		hsRef = hs
		hs.put("doc.txt", alphabet, nil)
		_, err := invoke(t, h, hs.event("doc.txt"))
		require.Error(t, err, "a broken stream fails the invocation")
		noSecrets(t, "Invoke's error", err.Error())
		noSecrets(t, "log", hs.logs.String())
		mu.Lock()
		defer mu.Unlock()
		require.Len(t, observed, 1)
		require.Error(t, observed[0])
		noSecrets(t, "Metrics.Err", observed[0].Error())
	})
	t.Run("the WGOR client's SDK logging stays off", func(t *testing.T) {
		var sdkLog bytes.Buffer
		hs, _ := newHarness(t)
		hs.put("doc.txt", "body-bytes-never-logged", nil)
		cfg := hs.awsCfg.Copy()
		cfg.Logger = logging.LoggerFunc(func(_ logging.Classification, format string, v ...any) {
			sdkLog.WriteString(format)
			for _, x := range v {
				if s, ok := x.(string); ok {
					sdkLog.WriteString(s)
				}
			}
		})
		cfg.ClientLogMode = aws.LogRequestWithBody | aws.LogResponseWithBody | aws.LogSigning | aws.LogRetries
		h, err := New(append(hs.baseOpts, WithAWSConfig(cfg))...)
		require.NoError(t, err)
		_, err = invoke(t, h, hs.event("doc.txt"))
		require.NoError(t, err)
		noSecrets(t, "SDK log", sdkLog.String())
		assert.NotContains(t, sdkLog.String(), "body-bytes-never-logged")
	})
	t.Run("payload values are not echoed to the caller", func(t *testing.T) {
		type cfg struct {
			Mask string `json:"mask"`
		}
		configured := transform.Configure("t", func(c cfg) (transform.Transform, error) {
			return transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) { return o, nil }), nil
		})
		hs, h := newHarness(t, WithTransform(configured))
		hs.put("doc.txt", alphabet, nil)
		_, err := invoke(t, h, hs.event("doc.txt", withPayload(`{"t":{"apiKey":"hunter2-payload-value"}}`)))
		require.NoError(t, err)
		call := hs.onlyCall(t)
		assert.Equal(t, "500", call.Header.Get("X-Amz-Fwd-Status"))
		noSecrets(t, "error message to the caller", call.Header.Get("X-Amz-Fwd-Error-Message"))
		assert.NotContains(t, call.Header.Get("X-Amz-Fwd-Error-Message"), "apiKey", "operator configuration is not echoed")
		assert.NotContains(t, call.Header.Get("X-Amz-Fwd-Error-Message"), "objectlambda.", "nor internal type names")
	})
}

// TestInvokeReturnsSoonAfterTheGuard: a transform that ignores its context
// does not hold the invocation to the Lambda deadline once the guard has
// answered.
func TestInvokeReturnsSoonAfterTheGuard(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	stuckApply := transform.Func(func(context.Context, *transform.Object) (*transform.Object, error) {
		<-release
		return nil, errors.New("too late")
	})
	stuckRead := transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Body = io.MultiReader(strings.NewReader(strings.Repeat("b", 100<<10)), &blockingBody{release: release})
		return o, nil
	})
	for name, tr := range map[string]transform.Transform{"stuck in Apply": stuckApply, "stuck in Read mid-stream": stuckRead} {
		t.Run(name, func(t *testing.T) {
			// The margin leaves a quarter of it, 300 ms, between the end of
			// the grace and the Lambda deadline: room for a loaded machine.
			hs, h := newHarness(t, WithTransform(tr), WithDeadlineMargin(1200*time.Millisecond))
			hs.put("doc.txt", alphabet, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
			defer cancel()
			_, _ = h.Invoke(ctx, hs.event("doc.txt"))
			assert.NoError(t, ctx.Err(), "Invoke returned within the margin, before the Lambda deadline")
			hs.waitCalls(t, 1)
		})
	}
}

// TestFetchOptionsCannotReplaceTheTrustPolicy: a presign.WithPolicy passed
// through WithFetchOptions does not widen what the handler fetches from.
func TestFetchOptionsCannotReplaceTheTrustPolicy(t *testing.T) {
	hs, _ := newHarness(t)
	hs.put("doc.txt", alphabet, nil)
	// The harness trusts its upstream through WithTrustedEndpoints; drop
	// that and try to trust it through a fetch option instead.
	h, err := New(WithAWSConfig(hs.awsCfg), withLookupEnv(func(string) (string, bool) { return "", false }),
		WithFetchOptions(presign.WithTLSConfig(&tls.Config{RootCAs: hs.rootCAs()}), presign.WithPolicy(presign.NewPolicy(presign.WithTrustedEndpoint(hs.upstream.URL)))))
	require.NoError(t, err)
	_, err = invoke(t, h, hs.event("doc.txt"))
	require.NoError(t, err)
	call := hs.onlyCall(t)
	assert.Equal(t, "500", call.Header.Get("X-Amz-Fwd-Status"), "the upstream is not trusted by the handler")
	assert.Zero(t, hs.upstreamHits())
}
