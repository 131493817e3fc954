package objectlambda

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

// upper is a RangeSafe transform: it maps each byte on its own.
func upper() transform.Transform {
	return transform.Declare(transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Body = mapReader{o.Body, bytes.ToUpper}
		return o, nil
	}), transform.Properties{RangeSafe: true})
}

// appendSuffix changes length and content: not range-safe, length unknown.
func appendSuffix(s string) transform.Transform {
	return transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Body = io.MultiReader(o.Body, strings.NewReader(s))
		return o, nil
	})
}

type mapReader struct {
	r io.Reader
	f func([]byte) []byte
}

func (m mapReader) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	copy(p[:n], m.f(p[:n]))
	return n, err
}

func invoke(t *testing.T, h *Handler, ev []byte) (*getResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := h.Invoke(ctx, ev)
	if err != nil {
		return nil, err
	}
	var res getResult
	require.NoError(t, jsonUnmarshal(out, &res))
	return &res, nil
}

func TestGetObjectRanges(t *testing.T) {
	tests := []struct {
		name         string
		transforms   []transform.Transform
		opts         []eventOpt
		wantStatus   string
		wantBody     string
		wantRange    string
		wantCode     string
		wantParts    string
		wantPushdown bool
	}{
		{name: "whole object", wantStatus: "200", wantBody: alphabet},
		{name: "identity range pushed down", opts: []eventOpt{withHeaders("Range", "bytes=10-15")}, wantStatus: "206", wantBody: "abcdef", wantRange: "bytes 10-15/36", wantPushdown: true},
		{name: "suffix range", opts: []eventOpt{withHeaders("range", "bytes=-4")}, wantStatus: "206", wantBody: "wxyz", wantRange: "bytes 32-35/36", wantPushdown: true},
		{name: "open range", opts: []eventOpt{withHeaders("RANGE", "bytes=30-")}, wantStatus: "206", wantBody: "uvwxyz", wantRange: "bytes 30-35/36", wantPushdown: true},
		{name: "range past the end is clamped", opts: []eventOpt{withHeaders("Range", "bytes=34-100")}, wantStatus: "206", wantBody: "yz", wantRange: "bytes 34-35/36", wantPushdown: true},
		{name: "range as query parameter", opts: []eventOpt{withQuery("range=bytes%3D0-1")}, wantStatus: "206", wantBody: "01", wantRange: "bytes 0-1/36", wantPushdown: true},
		{name: "unsatisfiable range pushed down", opts: []eventOpt{withHeaders("Range", "bytes=36-")}, wantStatus: "416", wantCode: "InvalidRange", wantPushdown: true},
		{name: "range-safe transform pushed down", transforms: []transform.Transform{upper()}, opts: []eventOpt{withHeaders("Range", "bytes=10-12")}, wantStatus: "206", wantBody: "ABC", wantRange: "bytes 10-12/36", wantPushdown: true},
		{name: "length-changing transform sliced after", transforms: []transform.Transform{appendSuffix("!!")}, opts: []eventOpt{withHeaders("Range", "bytes=-3")}, wantStatus: "206", wantBody: "z!!", wantRange: "bytes 35-37/38"},
		{name: "length-changing transform unsatisfiable", transforms: []transform.Transform{appendSuffix("!!")}, opts: []eventOpt{withHeaders("Range", "bytes=38-")}, wantStatus: "416", wantCode: "InvalidRange"},
		{name: "multiple ranges ignored like S3", opts: []eventOpt{withHeaders("Range", "bytes=0-1,3-4")}, wantStatus: "200", wantBody: alphabet},
		{name: "bad unit ignored", opts: []eventOpt{withHeaders("Range", "items=0-1")}, wantStatus: "200", wantBody: alphabet},
		{name: "garbage range ignored", opts: []eventOpt{withHeaders("Range", "bytes=zz")}, wantStatus: "200", wantBody: alphabet},
		{name: "range and partNumber", opts: []eventOpt{withHeaders("Range", "bytes=0-1"), withQuery("partNumber=1")}, wantStatus: "400", wantCode: "InvalidRequest"},
		{name: "partNumber 0", opts: []eventOpt{withQuery("partNumber=0")}, wantStatus: "400", wantCode: "InvalidArgument"},
		{name: "partNumber negative", opts: []eventOpt{withQuery("partNumber=-1")}, wantStatus: "400", wantCode: "InvalidArgument"},
		{name: "partNumber huge", opts: []eventOpt{withQuery("partNumber=10001")}, wantStatus: "400", wantCode: "InvalidArgument"},
		{name: "partNumber not numeric", opts: []eventOpt{withQuery("partNumber=one")}, wantStatus: "400", wantCode: "InvalidArgument"},
		{name: "partNumber 1 of identity", opts: []eventOpt{withQuery("partNumber=1")}, wantStatus: "206", wantBody: alphabet[:1024%36+0], wantRange: "", wantParts: "1", wantPushdown: true},
		{name: "partNumber beyond the parts", transforms: []transform.Transform{appendSuffix("!")}, opts: []eventOpt{withQuery("partNumber=2")}, wantStatus: "416", wantCode: "InvalidPartNumber"},
		{name: "partNumber 1 after transform", transforms: []transform.Transform{appendSuffix("!")}, opts: []eventOpt{withQuery("partNumber=1")}, wantStatus: "206", wantBody: alphabet + "!", wantRange: "bytes 0-36/37", wantParts: "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []Option{WithPartSize(1 << 10)}
			if len(tt.transforms) > 0 {
				opts = append(opts, WithTransform(tt.transforms...))
			}
			hs, h := newHarness(t, opts...)
			hs.put("doc.txt", alphabet, map[string]string{"Content-Type": "text/plain", "x-amz-meta-color": "blue"})
			res, err := invoke(t, h, hs.event("doc.txt", tt.opts...))
			require.NoError(t, err)
			call := hs.onlyCall(t)
			assert.Equal(t, tt.wantStatus, call.Header.Get("X-Amz-Fwd-Status"))
			assert.Equal(t, tt.wantCode, call.Header.Get("X-Amz-Fwd-Error-Code"))
			assert.Equal(t, tt.wantStatus, itoa(res.StatusCode))
			if tt.wantCode != "" {
				assert.Empty(t, call.Body, "an error reply has no body")
				assert.NotEmpty(t, call.Header.Get("X-Amz-Fwd-Error-Message"))
				return
			}
			if tt.name == "partNumber 1 of identity" {
				tt.wantBody = alphabet
				tt.wantRange = "bytes 0-35/36"
			}
			assert.Equal(t, tt.wantBody, string(call.Body))
			assert.Equal(t, tt.wantRange, call.Header.Get("X-Amz-Fwd-Header-Content-Range"))
			assert.Equal(t, tt.wantParts, call.Header.Get("X-Amz-Fwd-Header-X-Amz-Mp-Parts-Count"))
			assert.Equal(t, "text/plain", call.Header.Get("X-Amz-Fwd-Header-Content-Type"))
			assert.Equal(t, "blue", call.Header.Get("X-Amz-Meta-Color"))
			if tt.wantPushdown {
				assert.NotEmpty(t, hs.upstreamHit[0].Get("Range"), "range pushed down to S3")
			} else {
				assert.Empty(t, hs.upstreamHit[0].Get("Range"), "whole object fetched")
			}
		})
	}
}

func TestGetObjectHeaders(t *testing.T) {
	hs, h := newHarness(t)
	hs.put("h.txt", "hello", map[string]string{
		"Content-Type": "text/markdown", "Cache-Control": "max-age=60", "Content-Disposition": "inline",
		"Content-Language": "en", "x-amz-version-id": "v1", "x-amz-storage-class": "STANDARD_IA",
		"x-amz-meta-owner": "ana", "ETag": `"abc"`, "x-amz-checksum-crc32": "NhCmhg==", "x-amz-request-id": "UPSTREAMID",
	})
	_, err := invoke(t, h, hs.event("h.txt"))
	require.NoError(t, err)
	call := hs.onlyCall(t)
	want := map[string]string{
		"X-Amz-Fwd-Status":                      "200",
		"X-Amz-Fwd-Header-Content-Type":         "text/markdown",
		"X-Amz-Fwd-Header-Cache-Control":        "max-age=60",
		"X-Amz-Fwd-Header-Content-Disposition":  "inline",
		"X-Amz-Fwd-Header-Content-Language":     "en",
		"X-Amz-Fwd-Header-X-Amz-Version-Id":     "v1",
		"X-Amz-Fwd-Header-X-Amz-Storage-Class":  "STANDARD_IA",
		"X-Amz-Fwd-Header-Etag":                 `"abc"`,
		"X-Amz-Fwd-Header-X-Amz-Checksum-Crc32": "NhCmhg==",
		"X-Amz-Fwd-Header-Last-Modified":        "Tue, 02 Jan 2024 03:04:05 GMT",
		"X-Amz-Fwd-Header-Accept-Ranges":        "bytes",
		"X-Amz-Meta-Owner":                      "ana",
	}
	for k, v := range want {
		assert.Equal(t, v, call.Header.Get(k), k)
	}
	assert.EqualValues(t, 5, call.ContentLn, "identity keeps Content-Length")
	assert.Empty(t, call.Header.Get("X-Amz-Fwd-Header-X-Amz-Request-Id"))

	// A transform that changes the body drops ETag and checksums.
	hs2, h2 := newHarness(t, WithTransform(appendSuffix("?")))
	hs2.put("h.txt", "hello", map[string]string{"ETag": `"abc"`, "x-amz-checksum-crc32": "NhCmhg=="})
	_, err = invoke(t, h2, hs2.event("h.txt"))
	require.NoError(t, err)
	call = hs2.onlyCall(t)
	assert.Empty(t, call.Header.Get("X-Amz-Fwd-Header-Etag"))
	assert.Empty(t, call.Header.Get("X-Amz-Fwd-Header-X-Amz-Checksum-Crc32"))
	assert.Equal(t, "hello?", string(call.Body))
	assert.False(t, call.Chunked, "an output that ends within the first chunk has a known length")
	assert.EqualValues(t, 6, call.ContentLn)

	// Past the first chunk the length stays unknown: the body streams chunked.
	big := strings.Repeat("b", 3*firstChunk)
	hs2.put("big.txt", big, nil)
	hs2.calls = nil
	_, err = invoke(t, h2, hs2.event("big.txt"))
	require.NoError(t, err)
	call = hs2.onlyCall(t)
	assert.Equal(t, big+"?", string(call.Body))
	assert.True(t, call.Chunked, "unknown length streams chunked")
}

func TestGetObjectUpstreamErrors(t *testing.T) {
	tests := []struct {
		name     string
		fn       http.HandlerFunc
		opts     []eventOpt
		key      string
		status   string
		code     string
		minCalls int
	}{
		{name: "missing key", key: "nope", status: "404", code: "NoSuchKey", minCalls: 1},
		{name: "access denied", fn: xmlError(403, "AccessDenied", "Access Denied"), status: "403", code: "AccessDenied", minCalls: 1},
		{name: "precondition failed", opts: []eventOpt{withHeaders("If-Match", `"other"`)}, status: "412", code: "PreconditionFailed", minCalls: 1},
		{name: "not modified", opts: []eventOpt{withHeaders("If-None-Match", `"etag-36"`)}, status: "304", minCalls: 1},
		{name: "server error retried", fn: xmlError(500, "InternalError", "boom"), status: "500", code: "InternalError", minCalls: 3},
		{name: "slow down retried", fn: xmlError(503, "SlowDown", "Please reduce your request rate."), status: "503", code: "SlowDown", minCalls: 3},
		{name: "non-XML error body", fn: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(502)
			io.WriteString(w, "<html>bad gateway</html>")
		}, status: "503", code: "ServiceUnavailable", minCalls: 1},
		{name: "connection reset", fn: func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) }, status: "503", code: "ServiceUnavailable", minCalls: 3},
		{name: "truncated body", fn: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, "short")
		}, status: "503", code: "ServiceUnavailable", minCalls: 1},
		{name: "signed header missing from the user request", opts: []eventOpt{withSigned("x-amz-checksum-mode")}, status: "400", code: "InvalidRequest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t)
			hs.put("doc.txt", alphabet, map[string]string{"ETag": `"etag-36"`})
			hs.upstreamFn = tt.fn
			key := tt.key
			if key == "" {
				key = "doc.txt"
			}
			_, err := invoke(t, h, hs.event(key, tt.opts...))
			require.NoError(t, err)
			call := hs.onlyCall(t)
			assert.Equal(t, tt.status, call.Header.Get("X-Amz-Fwd-Status"))
			if tt.code != "" {
				assert.Equal(t, tt.code, call.Header.Get("X-Amz-Fwd-Error-Code"))
			}
			if tt.status == "304" {
				assert.Empty(t, call.Header.Get("X-Amz-Fwd-Error-Code"))
			}
			assert.Empty(t, call.Body)
			assert.GreaterOrEqual(t, hs.upstreamHits(), tt.minCalls)
		})
	}
}

func xmlError(status int, code, msg string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		io.WriteString(w, "<Error><Code>"+code+"</Code><Message>"+msg+"</Message></Error>")
	}
}

func TestGetObjectSignedHeadersReplayed(t *testing.T) {
	hs, h := newHarness(t)
	hs.put("doc.txt", alphabet, nil)
	_, err := invoke(t, h, hs.event("doc.txt", withSigned("x-amz-checksum-mode", "x-amz-expected-bucket-owner"),
		withHeaders("X-Amz-Checksum-Mode", "ENABLED", "x-amz-expected-bucket-owner", "111122223333", "X-Amz-Unsigned", "nope", "If-Match", `"etag-36"`)))
	require.NoError(t, err)
	hs.onlyCall(t)
	got := hs.upstreamHit[0]
	assert.Equal(t, "ENABLED", got.Get("X-Amz-Checksum-Mode"))
	assert.Equal(t, "111122223333", got.Get("X-Amz-Expected-Bucket-Owner"))
	assert.Empty(t, got.Get("X-Amz-Unsigned"), "unsigned x-amz-* headers are never added")
	assert.Empty(t, got.Get("If-Match"), "conditionals are evaluated on the served object, not sent to S3")
}

func TestGetObjectTransformFailures(t *testing.T) {
	failNow := transform.Func(func(context.Context, *transform.Object) (*transform.Object, error) {
		return nil, s3err.New(http.StatusUnsupportedMediaType, "UnsupportedMediaType", "not text")
	})
	panicNow := transform.Func(func(context.Context, *transform.Object) (*transform.Object, error) { panic("boom") })
	failFirstRead := transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Body = io.MultiReader(errReader{errors.New("first read fails")})
		return o, nil
	})
	big := strings.Repeat("x", 200<<10)
	failLater := transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Body = io.MultiReader(strings.NewReader(big), errReader{errors.New("mid-stream failure")})
		return o, nil
	})
	panicLater := transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Body = io.MultiReader(strings.NewReader(big), panicReader{})
		return o, nil
	})
	// announce returns a transform that declares n bytes and produces body.
	announce := func(n int64, body string) transform.Transform {
		return transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
			o.Body, o.Length = strings.NewReader(body), n
			return o, nil
		})
	}
	tests := []struct {
		name      string
		t         transform.Transform
		status    string
		code      string
		broken    bool
		invokeErr bool
	}{
		{name: "error before the first byte (415 is sent as 400, WGOR has no 415)", t: failNow, status: "400", code: "UnsupportedMediaType"},
		{name: "more bytes than announced, found before the reply", t: announce(5, "hello!"), status: "500", code: "InternalError"},
		{name: "bytes for an announced empty object", t: announce(0, "x"), status: "500", code: "InternalError"},
		{name: "panic in Apply", t: panicNow, status: "500", code: "InternalError"},
		{name: "first read fails", t: failFirstRead, status: "500", code: "InternalError"},
		{name: "error after the first byte", t: failLater, status: "200", broken: true, invokeErr: true},
		{name: "panic after the first byte", t: panicLater, status: "200", broken: true, invokeErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, WithTransform(tt.t))
			hs.put("doc.txt", alphabet, nil)
			_, err := invoke(t, h, hs.event("doc.txt"))
			if tt.invokeErr {
				require.Error(t, err, "a broken stream fails the invocation")
			} else {
				require.NoError(t, err)
			}
			calls := hs.waitCalls(t, 1)
			call := calls[0]
			assert.Equal(t, tt.status, call.Header.Get("X-Amz-Fwd-Status"))
			assert.Equal(t, tt.code, call.Header.Get("X-Amz-Fwd-Error-Code"))
			if tt.broken {
				assert.Error(t, call.BodyErr, "the WGOR body must break, never end cleanly")
				assert.Less(t, len(call.Body), len(big)+1)
			} else {
				assert.Empty(t, call.Body)
			}
		})
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

type panicReader struct{}

func (panicReader) Read([]byte) (int, error) { panic("read panic") }

func TestGetObjectBadEvents(t *testing.T) {
	hs, h := newHarness(t)
	hs.put("doc.txt", alphabet, nil)
	good := hs.event("doc.txt")
	tests := []struct {
		name     string
		mutate   func(string) string
		answered bool
		status   string
	}{
		{name: "not JSON", mutate: func(string) string { return "{" }},
		{name: "no context", mutate: func(s string) string { return strings.Replace(s, `"getObjectContext"`, `"otherContext"`, 1) }},
		{name: "two contexts", mutate: func(s string) string {
			return strings.Replace(s, `"protocolVersion"`, `"headObjectContext":{"inputS3Url":"https://x"},"protocolVersion"`, 1)
		}, answered: true, status: "500"},
		{name: "empty route", mutate: func(s string) string { return strings.Replace(s, testRoute, "", 1) }},
		{name: "route not a host label", mutate: func(s string) string { return strings.Replace(s, testRoute, "io.use1/../x", 1) }},
		{name: "empty token", mutate: func(s string) string { return strings.Replace(s, testToken, "", 1) }},
		{name: "protocol version 2", mutate: func(s string) string { return strings.Replace(s, `"1.01"`, `"2.00"`, 1) }, answered: true, status: "500"},
		{name: "http inputS3Url", mutate: func(s string) string {
			return strings.Replace(s, hs.upstream.URL, strings.Replace(hs.upstream.URL, "https", "http", 1), 1)
		}, answered: true, status: "500"},
		{name: "metadata service", mutate: func(s string) string { return strings.Replace(s, hs.upstream.URL, "https://169.254.169.254", 1) }, answered: true, status: "500"},
		{name: "localhost", mutate: func(s string) string { return strings.Replace(s, hs.upstream.URL, "https://localhost", 1) }, answered: true, status: "500"},
		{name: "userinfo", mutate: func(s string) string { return strings.Replace(s, "https://", "https://user:pass@", 1) }, answered: true, status: "500"},
		{name: "untrusted host", mutate: func(s string) string { return strings.Replace(s, hs.upstream.URL, "https://evil.example.com", 1) }, answered: true, status: "500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(hs.wgorCalls())
			hitsBefore := hs.upstreamHits()
			_, err := invoke(t, h, []byte(tt.mutate(string(good))))
			calls := hs.wgorCalls()[before:]
			assert.Equal(t, hitsBefore, hs.upstreamHits(), "no request may reach the upstream")
			if !tt.answered {
				require.Error(t, err)
				assert.Empty(t, calls, "no usable route/token: no WGOR")
				return
			}
			require.NoError(t, err)
			require.Len(t, calls, 1)
			assert.Equal(t, tt.status, calls[0].Header.Get("X-Amz-Fwd-Status"))
		})
	}
}

func TestGetObjectAuthorizerAndPayload(t *testing.T) {
	type cfg struct {
		Mode string `json:"mode"`
	}
	deny := WithAuthorizer(func(_ context.Context, r *Request) error {
		if strings.Contains(r.Caller.ARN, "/analyst/") {
			return nil
		}
		return errors.New("not an analyst")
	})
	tests := []struct {
		name    string
		opts    []Option
		evOpts  []eventOpt
		status  string
		code    string
		fetched bool
	}{
		{name: "allowed", opts: []Option{deny}, status: "200", fetched: true},
		{name: "denied", opts: []Option{WithAuthorizer(func(context.Context, *Request) error { return errors.New("no") })}, status: "403", code: "AccessDenied"},
		{name: "payload ok", opts: []Option{WithPayloadType[cfg]()}, evOpts: []eventOpt{withPayload(`{"mode":"x"}`)}, status: "200", fetched: true},
		{name: "payload not JSON", opts: []Option{WithPayloadType[cfg]()}, evOpts: []eventOpt{withPayload(`{mode`)}, status: "500", code: "InvalidPayload"},
		{name: "payload unknown field", opts: []Option{WithPayloadType[cfg]()}, evOpts: []eventOpt{withPayload(`{"mood":"x"}`)}, status: "500", code: "InvalidPayload"},
		{name: "SSE-C requested", evOpts: []eventOpt{withHeaders("x-amz-server-side-encryption-customer-algorithm", "AES256")}, status: "400", code: "InvalidRequest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, tt.opts...)
			hs.put("doc.txt", alphabet, nil)
			_, err := invoke(t, h, hs.event("doc.txt", tt.evOpts...))
			require.NoError(t, err)
			call := hs.onlyCall(t)
			assert.Equal(t, tt.status, call.Header.Get("X-Amz-Fwd-Status"))
			assert.Equal(t, tt.code, call.Header.Get("X-Amz-Fwd-Error-Code"))
			assert.Equal(t, tt.fetched, hs.upstreamHits() > 0)
		})
	}
}

func TestGetObjectDeadline(t *testing.T) {
	t.Run("upstream stalls before headers", func(t *testing.T) {
		hs, h := newHarness(t, WithDeadlineMargin(time.Second))
		release := make(chan struct{})
		defer close(release)
		hs.upstreamFn = func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := h.Invoke(ctx, hs.event("doc.txt"))
		require.NoError(t, err)
		call := hs.onlyCall(t)
		assert.Equal(t, "500", call.Header.Get("X-Amz-Fwd-Status"))
		assert.Equal(t, "LambdaTimeout", call.Header.Get("X-Amz-Fwd-Error-Code"))
	})
	t.Run("upstream stalls mid-stream", func(t *testing.T) {
		hs, h := newHarness(t, WithDeadlineMargin(time.Second))
		release := make(chan struct{})
		defer close(release)
		hs.upstreamFn = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000000")
			w.Write(bytes.Repeat([]byte("a"), 100<<10))
			w.(http.Flusher).Flush()
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
		defer cancel()
		_, err := h.Invoke(ctx, hs.event("doc.txt"))
		require.Error(t, err)
		calls := hs.waitCalls(t, 1)
		assert.Equal(t, "200", calls[0].Header.Get("X-Amz-Fwd-Status"))
		assert.Error(t, calls[0].BodyErr, "the stream is aborted, not ended")
	})
	t.Run("transform ignores the context", func(t *testing.T) {
		block := make(chan struct{})
		defer close(block)
		stuck := transform.Func(func(context.Context, *transform.Object) (*transform.Object, error) {
			<-block
			return nil, errors.New("unreachable")
		})
		hs, h := newHarness(t, WithTransform(stuck), WithDeadlineMargin(time.Second))
		hs.put("doc.txt", alphabet, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := h.Invoke(ctx, hs.event("doc.txt"))
		require.NoError(t, err)
		call := hs.onlyCall(t)
		assert.Equal(t, "LambdaTimeout", call.Header.Get("X-Amz-Fwd-Error-Code"))
	})
}

func TestGetObjectWGORFails(t *testing.T) {
	hs, h := newHarness(t)
	hs.put("doc.txt", alphabet, nil)
	hs.wgorStatus = http.StatusBadRequest
	_, err := invoke(t, h, hs.event("doc.txt"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "WriteGetObjectResponse")
	assert.Len(t, hs.wgorCalls(), 1, "no SDK retry of a consumed stream")
}

func TestGetObjectLogsNoSecrets(t *testing.T) {
	hs, h := newHarness(t)
	hs.put("doc.txt", "secret-plaintext-marker", nil)
	_, err := invoke(t, h, hs.event("doc.txt"))
	require.NoError(t, err)
	hs.upstreamFn = func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) }
	_, err = invoke(t, h, hs.event("doc.txt"))
	require.NoError(t, err)
	logs := hs.logs.String()
	require.Contains(t, logs, "req-doc.txt", "the request id is logged")
	for _, secret := range []string{testToken, testSecretKey, "caller-session-token-never-logged", "0123456789abcdef0123456789abcdef", "secret-plaintext-marker", "X-Amz-Signature"} {
		assert.NotContains(t, logs, secret)
	}
}
