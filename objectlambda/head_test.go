package objectlambda

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// statedSuffix appends s and states its output length without reading.
type statedSuffix struct{ s string }

func (t statedSuffix) Apply(_ context.Context, o *transform.Object) (*transform.Object, error) {
	o.Body = io.MultiReader(o.Body, strings.NewReader(t.s))
	return o, nil
}

func (t statedSuffix) OutputLength(_ http.Header, n int64) (int64, bool) {
	return n + int64(len(t.s)), true
}

// lengthFromHeader knows its output length from object metadata, as a
// decryptor knows the plaintext length from the envelope.
func lengthFromHeader() transform.Transform {
	return transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		n, err := strconv.ParseInt(o.Header.Get("X-Amz-Meta-Plain-Length"), 10, 64)
		if err != nil {
			return nil, err
		}
		o.Body = io.LimitReader(o.Body, n)
		o.Length = n
		o.Header.Set("X-Amz-Meta-Decoded", "yes")
		return o, nil
	})
}

// readsInApply reads the whole body in Apply: HEAD cannot run it without a body.
func readsInApply() transform.Transform {
	return transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		b, err := io.ReadAll(o.Body)
		if err != nil {
			return nil, err
		}
		o.Body = bytes.NewReader(append(b, b...))
		return o, nil
	})
}

func TestHeadObjectLength(t *testing.T) {
	tests := []struct {
		name       string
		transforms []transform.Transform
		header     map[string]string
		wantLength float64
		wantETag   bool
		wantMeta   string
	}{
		{name: "no transform", wantLength: 36, wantETag: true},
		{name: "range-safe transform keeps the length", transforms: []transform.Transform{upper()}, wantLength: 36},
		{name: "body-unchanged transform keeps the ETag", transforms: []transform.Transform{transform.Declare(transform.Identity(), transform.Properties{BodyUnchanged: true})}, wantLength: 36, wantETag: true},
		{name: "LengthStater states the length", transforms: []transform.Transform{statedSuffix{"12345"}}, wantLength: 41},
		{name: "transform sets Length from headers", transforms: []transform.Transform{lengthFromHeader()}, header: map[string]string{"X-Amz-Meta-Plain-Length": "30"}, wantLength: 30, wantMeta: "yes"},
		{name: "chain: stated then preserved", transforms: []transform.Transform{statedSuffix{"ab"}, upper()}, wantLength: 38},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, WithTransform(tt.transforms...))
			hs.put("k.txt", alphabet, tt.header)
			r := headInvoke(t, h, eventFor(hs, OpHeadObject, "k.txt"))
			require.Equal(t, http.StatusOK, r.StatusCode, r.ErrorMessage)
			assert.Empty(t, r.ErrorCode)
			assert.Equal(t, 1, hs.upstreamHits(), "only the HEAD: the URL is presigned for HEAD")
			assert.Equal(t, tt.wantLength, r.Headers["Content-Length"])
			assert.Equal(t, "bytes", r.Headers["Accept-Ranges"])
			assert.Equal(t, "text/plain", r.Headers["Content-Type"])
			assert.Equal(t, "Tue, 02 Jan 2024 03:04:05 GMT", r.Headers["Last-Modified"])
			if tt.wantETag {
				assert.Equal(t, `"etag-36"`, r.Headers["ETag"])
			} else {
				assert.NotContains(t, r.Headers, "ETag", "a changed body has another ETag")
			}
			if tt.wantMeta != "" {
				assert.Equal(t, tt.wantMeta, r.Headers["x-amz-meta-decoded"])
			}
		})
	}
}

func TestHeadObjectUnknownLength(t *testing.T) {
	tests := []struct {
		name       string
		transforms []transform.Transform
		opts       []Option
		wantStatus int
		wantLength float64
	}{
		// 405 MethodNotAllowed: no client retries it (500 made the AWS CLI,
		// boto3, rclone and s3cmd retry for seconds to minutes), and none
		// mistakes it for a missing object (404), a permission problem (403)
		// or a wrong region (botocore answers a HEAD 400 with a region probe).
		{name: "default: a clear, non-retryable error", wantStatus: 405},
		{name: "original length on request", opts: []Option{WithHeadOriginalLength()}, wantStatus: 200, wantLength: 36},
		{name: "a transform that reads in Apply", transforms: []transform.Transform{readsInApply()}, wantStatus: 405},
		{name: "chain: stated then unknown", transforms: []transform.Transform{statedSuffix{"ab"}, appendSuffix("cd")}, wantStatus: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := tt.transforms
			if ts == nil {
				ts = []transform.Transform{appendSuffix("!!")}
			}
			hs, h := newHarness(t, append([]Option{WithTransform(ts...)}, tt.opts...)...)
			hs.put("k", alphabet, nil)
			r := headInvoke(t, h, eventFor(hs, OpHeadObject, "k"))
			require.Equal(t, tt.wantStatus, r.StatusCode)
			assert.Equal(t, 1, hs.upstreamHits(), "only the HEAD: the URL is presigned for HEAD")
			if tt.wantStatus != 200 {
				assert.Equal(t, "MethodNotAllowed", r.ErrorCode)
				assert.Contains(t, r.ErrorMessage, "length")
				assert.Contains(t, r.ErrorMessage, "HeadObject", "the message says how to fix the configuration")
				return
			}
			assert.Equal(t, tt.wantLength, r.Headers["Content-Length"])
			assert.NotContains(t, r.Headers, "ETag")
			assert.Equal(t, "text/plain", r.Headers["Content-Type"])
		})
	}
}

func TestHeadObjectRangeAndPart(t *testing.T) {
	big := strings.Repeat("x", 2500)
	tests := []struct {
		name       string
		transforms []transform.Transform
		body       string
		opts       []eventOpt
		wantStatus int
		wantCode   string
		wantLength float64
		wantRange  string
		wantParts  float64
	}{
		{name: "range", opts: []eventOpt{withHeaders("Range", "bytes=10-15")}, wantStatus: 206, wantLength: 6, wantRange: "bytes 10-15/36"},
		{name: "suffix range", opts: []eventOpt{withHeaders("range", "bytes=-4")}, wantStatus: 206, wantLength: 4, wantRange: "bytes 32-35/36"},
		{name: "range in query", opts: []eventOpt{withQuery("Range=bytes%3D0-0")}, wantStatus: 206, wantLength: 1, wantRange: "bytes 0-0/36"},
		{name: "range clamped", opts: []eventOpt{withHeaders("Range", "bytes=30-99")}, wantStatus: 206, wantLength: 6, wantRange: "bytes 30-35/36"},
		{name: "unsatisfiable range", opts: []eventOpt{withHeaders("Range", "bytes=36-")}, wantStatus: 416, wantCode: "InvalidRange", wantRange: "bytes */36"},
		{name: "range over the transformed length", transforms: []transform.Transform{statedSuffix{"!!"}}, opts: []eventOpt{withHeaders("Range", "bytes=-3")}, wantStatus: 206, wantLength: 3, wantRange: "bytes 35-37/38"},
		{name: "unsatisfiable on the transformed length", transforms: []transform.Transform{statedSuffix{"!!"}}, opts: []eventOpt{withHeaders("Range", "bytes=38-")}, wantStatus: 416, wantCode: "InvalidRange", wantRange: "bytes */38"},
		{name: "garbage range ignored", opts: []eventOpt{withHeaders("Range", "bytes=zz")}, wantStatus: 200, wantLength: 36},
		{name: "part 2 of 3", body: big, opts: []eventOpt{withQuery("partNumber=2")}, wantStatus: 206, wantLength: 1024, wantRange: "bytes 1024-2047/2500", wantParts: 3},
		{name: "last part", body: big, opts: []eventOpt{withQuery("partNumber=3")}, wantStatus: 206, wantLength: 452, wantRange: "bytes 2048-2499/2500", wantParts: 3},
		{name: "part beyond the end", body: big, opts: []eventOpt{withQuery("partNumber=4")}, wantStatus: 416, wantCode: "InvalidPartNumber"},
		{name: "part of an empty object", body: "-", opts: []eventOpt{withQuery("partNumber=1")}, wantStatus: 200, wantLength: 0, wantParts: 1},
		{name: "bad part number", opts: []eventOpt{withQuery("partNumber=0")}, wantStatus: 400, wantCode: "InvalidArgument"},
		{name: "range and part", opts: []eventOpt{withHeaders("Range", "bytes=0-1"), withQuery("partNumber=1")}, wantStatus: 400, wantCode: "InvalidRequest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, WithTransform(tt.transforms...), WithPartSize(1024))
			body := alphabet
			switch tt.body {
			case "":
			case "-":
				body = ""
			default:
				body = tt.body
			}
			sum := crc32.ChecksumIEEE([]byte(body))
			hs.put("k", body, map[string]string{"X-Amz-Checksum-Crc32": base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint32(nil, sum))})
			r := headInvoke(t, h, eventFor(hs, OpHeadObject, "k", tt.opts...))
			require.Equal(t, tt.wantStatus, r.StatusCode, r.ErrorMessage)
			assert.Equal(t, tt.wantCode, r.ErrorCode)
			if tt.wantRange != "" {
				assert.Equal(t, tt.wantRange, r.Headers["Content-Range"])
			} else {
				assert.NotContains(t, r.Headers, "Content-Range")
			}
			if tt.wantCode != "" {
				assert.NotEmpty(t, r.ErrorMessage)
				return
			}
			assert.Equal(t, tt.wantLength, r.Headers["Content-Length"])
			if tt.wantParts > 0 {
				assert.Equal(t, tt.wantParts, r.Headers["x-amz-mp-parts-count"])
			} else {
				assert.NotContains(t, r.Headers, "x-amz-mp-parts-count")
			}
			if tt.wantStatus == 206 {
				assert.NotContains(t, r.Headers, "x-amz-checksum-crc32", "a part has not the object's checksum")
			}
		})
	}
}

func TestHeadObjectErrors(t *testing.T) {
	deny := func(context.Context, *Request) error { return errors.New("not you") }
	tests := []struct {
		name       string
		opts       []Option
		key        string
		evOpts     []eventOpt
		upstream   http.HandlerFunc
		wantStatus int
		wantCode   string
	}{
		{name: "missing key", key: "nope", wantStatus: 404, wantCode: "NoSuchKey"},
		{name: "denied caller", opts: []Option{WithAuthorizer(deny)}, key: "k", wantStatus: 403, wantCode: "AccessDenied"},
		{name: "precondition failed", key: "k", evOpts: []eventOpt{withHeaders("If-Match", `"other"`)}, wantStatus: 412, wantCode: "PreconditionFailed"},
		{name: "not modified", key: "k", evOpts: []eventOpt{withHeaders("If-None-Match", `"etag-36"`)}, wantStatus: 304},
		{name: "signed header missing", key: "k", evOpts: []eventOpt{withSigned("x-amz-expected-bucket-owner")}, wantStatus: 400, wantCode: "InvalidRequest"},
		{name: "SSE-C request", key: "k", evOpts: []eventOpt{withHeaders("X-Amz-Server-Side-Encryption-Customer-Algorithm", "AES256")}, wantStatus: 400, wantCode: "InvalidRequest"},
		{name: "SSE-C object", key: "k", upstream: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Amz-Server-Side-Encryption-Customer-Algorithm", "AES256")
			w.Header().Set("Content-Length", "3")
		}, wantStatus: 400, wantCode: "InvalidRequest"},
		{name: "upstream 501 maps to 500", key: "k", upstream: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(501) }, wantStatus: 500, wantCode: "NotImplemented"},
		{name: "upstream 409 kept", key: "k", upstream: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(409) }, wantStatus: 409},
		{name: "upstream 418 maps to 400", key: "k", upstream: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(418) }, wantStatus: 400},
		{name: "upstream 502 maps to 503", key: "k", upstream: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }, wantStatus: 503},
		{name: "transform refuses by headers", key: "k", opts: []Option{WithTransform(transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
			return nil, s3err.Errorf(http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMediaType, "cannot transform %s", o.Header.Get("Content-Type"))
		}))}, wantStatus: 400, wantCode: "UnsupportedMediaType"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, tt.opts...)
			hs.put("k", alphabet, nil)
			hs.upstreamFn = tt.upstream
			r := headInvoke(t, h, eventFor(hs, OpHeadObject, tt.key, tt.evOpts...))
			assert.Equal(t, tt.wantStatus, r.StatusCode, r.ErrorMessage)
			if tt.wantCode != "" {
				assert.Equal(t, tt.wantCode, r.ErrorCode)
			}
			if r.StatusCode >= 400 {
				assert.NotEmpty(t, r.ErrorCode)
				assert.NotEmpty(t, r.ErrorMessage)
			} else {
				assert.Empty(t, r.ErrorCode)
			}
			assert.True(t, s3err.ValidCode(r.ErrorCode) || r.ErrorCode == "")
			assert.NotContains(t, hs.logs.String(), "caller-session-token-never-logged")
		})
	}
}

func TestHeadObjectHook(t *testing.T) {
	tests := []struct {
		name       string
		hooks      []HeadHook
		wantStatus int
		wantCode   string
		check      func(t *testing.T, r headResult)
	}{
		{
			name: "hooks add and change headers in order",
			hooks: []HeadHook{
				func(_ context.Context, r *Request, rp *HeadReply) error {
					rp.Headers["x-amz-meta-seen-by"] = r.Caller.ARN
					return nil
				},
				func(_ context.Context, _ *Request, rp *HeadReply) error {
					rp.Headers["x-amz-meta-second"] = rp.Headers["x-amz-meta-seen-by"]
					rp.Headers["Content-Type"] = "text/markdown"
					return nil
				},
			},
			wantStatus: 200,
			check: func(t *testing.T, r headResult) {
				assert.Equal(t, "arn:aws:sts::111122223333:assumed-role/analyst/alice", r.Headers["x-amz-meta-second"])
				assert.Equal(t, "text/markdown", r.Headers["Content-Type"])
			},
		},
		{
			name:       "a removed Content-Length comes back",
			hooks:      []HeadHook{func(_ context.Context, _ *Request, rp *HeadReply) error { rp.Headers = nil; return nil }},
			wantStatus: 200,
			check:      func(t *testing.T, r headResult) { assert.Equal(t, 36.0, r.Headers["Content-Length"]) },
		},
		{name: "plain error denies", hooks: []HeadHook{func(context.Context, *Request, *HeadReply) error { return errors.New("no") }}, wantStatus: 403, wantCode: "AccessDenied"},
		{name: "S3 error is sent as it is", hooks: []HeadHook{func(context.Context, *Request, *HeadReply) error {
			return s3err.New(404, "NoSuchKey", "The specified key does not exist.")
		}}, wantStatus: 404, wantCode: "NoSuchKey"},
		{name: "panic", hooks: []HeadHook{func(context.Context, *Request, *HeadReply) error { panic("boom") }}, wantStatus: 500, wantCode: "InternalError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []Option
			for _, hk := range tt.hooks {
				opts = append(opts, WithHeadHook(hk))
			}
			hs, h := newHarness(t, opts...)
			hs.put("k", alphabet, nil)
			r := headInvoke(t, h, eventFor(hs, OpHeadObject, "k"))
			assert.Equal(t, tt.wantStatus, r.StatusCode)
			assert.Equal(t, tt.wantCode, r.ErrorCode)
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
	_, err := New(WithHeadHook(nil), WithS3Client(nopWGOR{}))
	require.Error(t, err)
}

type nopWGOR struct{ WGORAPI }

func TestHeadObjectDeadline(t *testing.T) {
	tests := []struct {
		name string
		opts func(release chan struct{}) []Option
		up   func(release chan struct{}) http.HandlerFunc
	}{
		{
			name: "stalled upstream",
			up: func(release chan struct{}) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					select {
					case <-release:
					case <-r.Context().Done():
					}
				}
			},
		},
		{
			name: "stuck hook",
			opts: func(release chan struct{}) []Option {
				return []Option{WithHeadHook(func(ctx context.Context, _ *Request, _ *HeadReply) error {
					<-release // ignores ctx on purpose
					return nil
				})}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			defer close(release)
			opts := []Option{WithTimeLimit(400 * time.Millisecond), WithDeadlineMargin(100 * time.Millisecond)}
			if tt.opts != nil {
				opts = append(opts, tt.opts(release)...)
			}
			hs, h := newHarness(t, opts...)
			hs.put("k", alphabet, nil)
			if tt.up != nil {
				hs.upstreamFn = tt.up(release)
			}
			r := headInvoke(t, h, eventFor(hs, OpHeadObject, "k"))
			assert.Equal(t, 500, r.StatusCode)
			assert.Equal(t, "LambdaTimeout", r.ErrorCode)
		})
	}
}
