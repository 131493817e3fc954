package presign

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/crc64"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const signedQuery = "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20260101%2Fus-east-1%2Fs3%2Faws4_request" +
	"&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-Security-Token=TOKENSECRET" +
	"&X-Amz-SignedHeaders=host%3Bx-amz-checksum-mode&X-Amz-Signature=SIGSECRET"

var payload = []byte("hello, object lambda\n")

func TestFetch(t *testing.T) {
	type want struct {
		status  int
		body    string
		length  int64
		errCode string
		errStat int
		hits    int32
	}
	cases := []struct {
		name    string
		handler http.HandlerFunc
		req     Request
		want    want
	}{
		{
			name: "GET 200 replays signed headers, adds no x-amz",
			handler: func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("X-Amz-Checksum-Mode") != "ENABLED" || r.Header.Get("If-None-Match") != `"x"` ||
					r.Header.Get("X-Amz-Content-Sha256") != "" || r.Header.Get("Accept-Encoding") != "" {
					http.Error(w, fmt.Sprint(r.Header), 400)
					return
				}
				w.Header().Set("Content-Type", "text/plain")
				_, _ = w.Write(payload)
			},
			req: Request{
				UserHeaders: http.Header{"x-amz-checksum-mode": {"ENABLED"}, "X-Amz-Content-Sha256": {"e3b0"}, "Host": {"olap"}},
				Header:      http.Header{"If-None-Match": {`"x"`}},
			},
			want: want{status: 200, body: string(payload), length: int64(len(payload)), hits: 1},
		},
		{
			name: "206 with Range",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.ServeContent(w, r, "o", time.Time{}, bytes.NewReader(payload))
			},
			req:  Request{UserHeaders: http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}}, Header: http.Header{"Range": {"bytes=0-4"}}},
			want: want{status: 206, body: "hello", length: 5, hits: 1},
		},
		{
			name: "304 has an empty body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("ETag", `"abc"`)
				w.WriteHeader(http.StatusNotModified)
			},
			req:  Request{UserHeaders: http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}}, Header: http.Header{"If-None-Match": {`"abc"`}}},
			want: want{status: 304, body: "", length: 0, hits: 1},
		},
		{
			name: "412 comes back as PreconditionFailed, not retried",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(412)
				_, _ = io.WriteString(w, `<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>`)
			},
			req:  Request{UserHeaders: http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}}, Header: http.Header{"If-Match": {`"nope"`}}},
			want: want{errStat: 412, errCode: "PreconditionFailed", hits: 1},
		},
		{
			name: "404 NoSuchKey",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(404)
				_, _ = io.WriteString(w, `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`)
			},
			req:  Request{UserHeaders: http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}}},
			want: want{errStat: 404, errCode: "NoSuchKey", hits: 1},
		},
		{
			name: "HEAD 200 reports the object length",
			handler: func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodHead {
					w.WriteHeader(405)
					return
				}
				w.Header().Set("Content-Length", "12345")
			},
			req:  Request{Method: "HEAD", UserHeaders: http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}}},
			want: want{status: 200, length: 12345, hits: 1},
		},
		{
			name: "HEAD 403 has no body: code from status",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(403)
			},
			req:  Request{Method: "HEAD", UserHeaders: http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}}},
			want: want{errStat: 403, errCode: "AccessDenied", hits: 1},
		},
		{
			name:    "missing signed header: no request at all",
			handler: func(w http.ResponseWriter, r *http.Request) {},
			req:     Request{},
			want:    want{errStat: 400, errCode: "InvalidRequest", hits: 0},
		},
		{
			name:    "unsigned x-amz header: no request at all",
			handler: func(w http.ResponseWriter, r *http.Request) {},
			req:     Request{UserHeaders: http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}}, Header: http.Header{"X-Amz-Acl": {"public-read"}}},
			want:    want{errStat: 400, errCode: "InvalidRequest", hits: 0},
		},
		{
			name:    "unsupported method",
			handler: func(w http.ResponseWriter, r *http.Request) {},
			req:     Request{Method: "PUT", UserHeaders: http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}}},
			want:    want{errStat: 500, errCode: "InternalError", hits: 0},
		},
		{
			name: "204 is unexpected",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(204)
			},
			req:  Request{UserHeaders: http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}}},
			want: want{errStat: 500, errCode: "InternalError", hits: 1},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, hits := newTLSServer(t, tc.handler)
			c := testClient(t, srv)
			req := tc.req
			req.URL = srv.URL + "/bucket/key" + signedQuery
			resp, err := c.Fetch(t.Context(), &req)
			assert.Equal(t, tc.want.hits, hits.Load())
			if tc.want.errStat != 0 {
				require.Error(t, err)
				require.Nil(t, resp)
				e, ok := errors.AsType[*s3err.Error](err)
				require.True(t, ok, "%v", err)
				assert.Equal(t, tc.want.errStat, e.StatusCode)
				assert.Equal(t, tc.want.errCode, e.Code)
				assert.NotContains(t, err.Error(), "SECRET")
				return
			}
			require.NoError(t, err)
			require.NotNil(t, resp.Body)
			defer resp.Body.Close()
			assert.Equal(t, tc.want.status, resp.StatusCode)
			assert.Equal(t, tc.want.length, resp.ContentLength)
			assert.Equal(t, 1, resp.Attempts)
			assert.Positive(t, resp.FirstByte)
			got, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tc.want.body, string(got))
		})
	}
}

func TestFetchUntrustedURLErrors(t *testing.T) {
	c := NewClient()
	for _, raw := range []string{"https://evil.example/k", "http://s3.amazonaws.com/k", "::not a url", "https://[::1"} {
		_, err := c.Fetch(t.Context(), &Request{URL: raw + "?X-Amz-Signature=SIGSECRET"})
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrUntrustedURL)
		e, ok := errors.AsType[*s3err.Error](err)
		require.True(t, ok)
		assert.Equal(t, 500, e.StatusCode)
		assert.NotContains(t, err.Error(), "SIGSECRET")
	}
	_, err := c.Fetch(t.Context(), nil)
	assert.Error(t, err)
}

// TestFetchSSRF feeds hostile URLs to a default client and checks that none
// of them opens a connection to a local listener.
func TestFetchSSRF(t *testing.T) {
	cl := newCountingListener(t)
	port := cl.port()
	local := "127.0.0.1:" + port
	urls := append([]string(nil), hostileURLs...)
	for _, u := range []string{
		"https://127.0.0.1:%s/k", "http://127.0.0.1:%s/k", "https://localhost:%s/k", "http://localhost:%s/k",
		"https://[::ffff:127.0.0.1]:%s/k", "https://2130706433:%s/k", "https://0x7f.0.0.1:%s/k", "https://127.1:%s/k",
		"https://s3.amazonaws.com:%s/k", "https://s3.amazonaws.com.127.0.0.1.nip.io:%s/k", "https://localtest.me:%s/k",
	} {
		urls = append(urls, fmt.Sprintf(u, port))
	}
	// Names the policy accepts but which "resolve" to the listener: the dial
	// guard must refuse them after resolution.
	rebound := []string{
		"https://bucket.s3.us-east-1.amazonaws.com/k",
		"https://s3.amazonaws.com/bucket/k",
		"https://myap-111122223333.s3-accesspoint.us-east-1.amazonaws.com/k",
		"https://s3.cn-north-1.amazonaws.com.cn/bucket/k",
	}
	urls = append(urls, rebound...)
	require.GreaterOrEqual(t, len(urls), 40)

	c := NewClient(WithRetries(1, 0), WithConnectTimeout(time.Second))
	c.dialOverride = func(string) string { return local }
	t.Cleanup(c.CloseIdleConnections)
	isRebound := map[string]bool{}
	for _, u := range rebound {
		isRebound[u] = true
	}
	for _, raw := range urls {
		t.Run(raw, func(t *testing.T) {
			_, err := c.Fetch(t.Context(), &Request{URL: raw})
			require.Error(t, err)
			if isRebound[raw] {
				assert.ErrorIs(t, err, ErrForbiddenAddress, "the dial guard must refuse it")
			} else {
				assert.ErrorIs(t, err, ErrUntrustedURL, "the policy must refuse it before any dial")
			}
			e, _ := errors.AsType[*s3err.Error](err)
			require.NotNil(t, e)
			assert.Equal(t, 500, e.StatusCode)
			assert.Equal(t, "InternalError", e.Code)
		})
	}
	assert.Equal(t, 0, cl.settle(t), "a hostile URL reached the listener")

	// Control: the same override with 127.0.0.0/8 explicitly allowed does
	// connect, so the counting above would have seen a leak.
	allowed := NewClient(WithRetries(1, 0), WithPolicy(NewPolicy(WithAllowedAddresses(netip.MustParsePrefix("127.0.0.0/8")))))
	allowed.dialOverride = func(string) string { return local }
	t.Cleanup(allowed.CloseIdleConnections)
	_, err := allowed.Fetch(t.Context(), &Request{URL: rebound[0]})
	require.Error(t, err) // the listener hangs up
	assert.ErrorIs(t, err, ErrUpstreamUnreachable)
	assert.Equal(t, 1, cl.settle(t))
}

func TestFetchRedirects(t *testing.T) {
	other := newCountingListener(t)
	otherURL := "https://127.0.0.1:" + other.port()
	var target string
	srv, hits := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/hop/"):
			n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
			if n == 0 {
				if r.Header.Get("X-Amz-Checksum-Mode") != "ENABLED" {
					w.WriteHeader(400)
					return
				}
				_, _ = w.Write(payload)
				return
			}
			http.Redirect(w, r, fmt.Sprintf("/hop/%d?%s", n-1, r.URL.RawQuery), http.StatusTemporaryRedirect)
		case r.URL.Path == "/off":
			http.Redirect(w, r, target, http.StatusFound)
		case r.URL.Path == "/moved":
			w.WriteHeader(301)
			_, _ = io.WriteString(w, `<Error><Code>PermanentRedirect</Code><Message>use another endpoint</Message></Error>`)
		}
	})
	srvHTTP := "http://" + strings.TrimPrefix(srv.URL, "https://")
	cases := []struct {
		name   string
		path   string
		target string
		ok     bool
		hits   int32
	}{
		{"one same-origin hop", "/hop/1", "", true, 2},
		{"three same-origin hops", "/hop/3", "", true, 4},
		{"four hops is too many", "/hop/4", "", false, 4},
		{"other host, trusted too", "/off", otherURL + "/k", false, 1},
		{"other scheme", "/off", srvHTTP + "/k", false, 1},
		{"aws host", "/off", "https://s3.amazonaws.com/k", false, 1},
		{"metadata", "/off", "http://169.254.169.254/latest/meta-data/", false, 1},
		{"userinfo", "/off", strings.Replace(srv.URL, "https://", "https://u:p@", 1) + "/k", false, 1},
		{"301 without Location is not followed", "/moved", "", false, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hits.Store(0)
			target = tc.target
			c := testClient(t, srv, WithPolicy(NewPolicy(WithTrustedEndpoint(srv.URL), WithTrustedEndpoint(otherURL), WithTrustedEndpoint(srvHTTP))))
			resp, err := c.Fetch(t.Context(), &Request{URL: srv.URL + tc.path + signedQuery, UserHeaders: http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}}})
			assert.Equal(t, tc.hits, hits.Load())
			if tc.ok {
				require.NoError(t, err)
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				assert.Equal(t, payload, b)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrRedirectRefused)
			e, _ := errors.AsType[*s3err.Error](err)
			require.NotNil(t, e)
			assert.Equal(t, 500, e.StatusCode)
			assert.NotContains(t, err.Error(), "SECRET")
		})
	}
	assert.Equal(t, 0, other.settle(t), "bytes reached the other server")
}

func TestFetchRetries(t *testing.T) {
	slowDown := `<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`
	cases := []struct {
		name     string
		fails    int32
		status   int
		attempts int
		hits     int32
		errCode  string
	}{
		{"503 then 200", 1, 503, 2, 2, ""},
		{"503 twice then 200", 2, 503, 3, 3, ""},
		{"503 always", 99, 503, 0, 3, "SlowDown"},
		{"500 then 200", 1, 500, 2, 2, ""},
		{"429 then 200", 1, 429, 2, 2, ""},
		{"404 is final", 99, 404, 0, 1, "NoSuchKey"},
		{"403 is final", 99, 403, 0, 1, "AccessDenied"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv, hits := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) <= tc.fails {
					w.WriteHeader(tc.status)
					if tc.status == 503 {
						_, _ = io.WriteString(w, slowDown)
					}
					return
				}
				_, _ = w.Write(payload)
			})
			c := testClient(t, srv)
			resp, err := c.Fetch(t.Context(), &Request{URL: srv.URL + "/b/k"})
			assert.Equal(t, tc.hits, hits.Load())
			if tc.errCode != "" {
				require.Error(t, err)
				e, _ := errors.AsType[*s3err.Error](err)
				require.NotNil(t, e)
				assert.Equal(t, tc.errCode, e.Code)
				assert.Equal(t, tc.status, e.StatusCode)
				return
			}
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tc.attempts, resp.Attempts)
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, payload, b)
		})
	}
}

func TestFetchRetriesConnectionErrors(t *testing.T) {
	t.Run("reset before response is retried", func(t *testing.T) {
		var n atomic.Int32
		srv, hits := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				conn, _ := hijack(w)
				reset(conn)
				return
			}
			_, _ = w.Write(payload)
		})
		c := testClient(t, srv)
		resp, err := c.Fetch(t.Context(), &Request{URL: srv.URL + "/b/k"})
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, 2, resp.Attempts)
		assert.Equal(t, int32(2), hits.Load())
	})
	t.Run("refused connection exhausts attempts", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		var logs bytes.Buffer
		c := NewClient(WithPolicy(NewPolicy(WithTrustedEndpoint("http://"+addr))), WithRetries(3, time.Millisecond),
			WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		_, err = c.Fetch(t.Context(), &Request{URL: "http://" + addr + "/b/k" + signedQuery, UserHeaders: http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}}})
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrUpstreamUnreachable)
		e, _ := errors.AsType[*s3err.Error](err)
		require.NotNil(t, e)
		assert.Equal(t, 503, e.StatusCode)
		assert.Equal(t, "ServiceUnavailable", e.Code)
		assert.Equal(t, 3, strings.Count(logs.String(), "presign attempt failed"))
		assert.NotContains(t, logs.String(), "SECRET")
		assert.NotContains(t, err.Error(), "SECRET")
	})
	t.Run("untrusted certificate is not retried", func(t *testing.T) {
		srv, hits := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {})
		c := NewClient(WithPolicy(NewPolicy(WithTrustedEndpoint(srv.URL))), WithRetries(3, time.Millisecond))
		t.Cleanup(c.CloseIdleConnections)
		_, err := c.Fetch(t.Context(), &Request{URL: srv.URL + "/b/k"})
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrUpstreamUnreachable)
		assert.Contains(t, err.Error(), "certificate")
		assert.Zero(t, hits.Load())
	})
	t.Run("header timeout is retried then reported", func(t *testing.T) {
		stop := make(chan struct{})
		srv, hits := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-stop:
			}
			conn, _ := hijack(w) // never answer, whatever happens
			_ = conn.Close()
		})
		t.Cleanup(func() { close(stop) })
		// The timeout covers dial and TLS handshake too: it must be long
		// enough for a loaded machine to reach the handler on every attempt,
		// or an attempt expires before it is counted.
		c := testClient(t, srv, WithHeaderTimeout(250*time.Millisecond), WithRetries(2, time.Millisecond))
		_, err := c.Fetch(t.Context(), &Request{URL: srv.URL + "/b/k"})
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrUpstreamTimeout)
		e, _ := errors.AsType[*s3err.Error](err)
		require.NotNil(t, e)
		assert.Equal(t, 503, e.StatusCode)
		assert.Equal(t, int32(2), hits.Load())
	})
	t.Run("a context that ends while waiting to retry is the error", func(t *testing.T) {
		for _, tc := range []struct {
			name    string
			handler http.HandlerFunc
		}{
			{"after a 503", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }},
			{"after a dropped connection", func(w http.ResponseWriter, r *http.Request) {
				conn, _ := hijack(w)
				_ = conn.Close()
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				srv, hits := newTLSServer(t, tc.handler)
				c := testClient(t, srv, WithRetries(3, time.Hour))
				// The caller gives up as the backoff starts.
				_, err := c.Fetch(ctx, &Request{URL: srv.URL + "/b/k", OnRetry: func(int, error) { cancel() }})
				require.Error(t, err)
				assert.ErrorIs(t, err, context.Canceled)
				assert.Contains(t, err.Error(), "waiting to retry")
				assert.Equal(t, int32(1), hits.Load())
			})
		}
	})
	t.Run("no sleep past the deadline", func(t *testing.T) {
		srv, hits := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(503)
		})
		c := testClient(t, srv, WithRetries(5, time.Hour))
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		_, err := c.Fetch(ctx, &Request{URL: srv.URL + "/b/k"})
		require.Error(t, err)
		e, _ := errors.AsType[*s3err.Error](err)
		require.NotNil(t, e)
		assert.Equal(t, 503, e.StatusCode)
		assert.Equal(t, int32(1), hits.Load(), "a backoff longer than the deadline must not be slept")
		assert.NoError(t, ctx.Err())
	})
	t.Run("caller deadline while waiting for headers", func(t *testing.T) {
		srv, _ := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
			conn, _ := hijack(w)
			_ = conn.Close()
		})
		c := testClient(t, srv)
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
		defer cancel()
		_, err := c.Fetch(ctx, &Request{URL: srv.URL + "/b/k"})
		require.Error(t, err)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.ErrorIs(t, err, ErrUpstreamTimeout)
		_, isS3 := errors.AsType[*s3err.Error](err)
		assert.False(t, isS3, "the caller's deadline is left to s3err.From")
		assert.Equal(t, s3err.CodeLambdaTimeout, s3err.From(err).Code)
	})
}

// rawResponse writes a hand-made response on a hijacked connection.
func rawResponse(head string, body []byte, then func(net.Conn)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, rw := hijack(w)
		_, _ = rw.WriteString(head)
		_, _ = rw.Write(body)
		_ = rw.Flush()
		then(conn)
	}
}

func TestBodyIntegrity(t *testing.T) {
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	half := bytes.Repeat([]byte("a"), 50)
	crc := func(b []byte) string {
		return base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint32(nil, crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli))))
	}
	sha := func(b []byte) string { s := sha256.Sum256(b); return base64.StdEncoding.EncodeToString(s[:]) }
	nvme := func(b []byte) string {
		return base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint64(nil, crc64.Checksum(b, crc64.MakeTable(crc64NVME))))
	}
	withHeader := func(k, v string, status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(k, v)
			if status == 206 {
				w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", len(payload)-1, len(payload)*2))
			}
			w.WriteHeader(status)
			_, _ = w.Write(payload)
		}
	}
	cases := []struct {
		name    string
		handler http.HandlerFunc
		opts    []Option
		read    int // bytes expected before the error
		errIs   []error
		status  int
	}{
		{"short body then FIN", rawResponse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", half, func(c net.Conn) { _ = c.Close() }),
			nil, 50, []error{ErrTruncated, io.ErrUnexpectedEOF}, 503},
		{"short body then RST", rawResponse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", half, reset),
			nil, 50, []error{ErrTruncated}, 503},
		{"chunked body cut", rawResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n", half, func(c net.Conn) { _ = c.Close() }),
			nil, 50, []error{ErrTruncated}, 503},
		{"overlong chunked 206", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Range", "bytes 0-4/100")
			w.WriteHeader(206)
			w.(http.Flusher).Flush() // force chunked: no Content-Length
			_, _ = w.Write(bytes.Repeat([]byte("b"), 10))
		}, nil, 5, []error{ErrOverlong}, 500},
		{"stall", rawResponse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", half, func(c net.Conn) { <-block; _ = c.Close() }),
			[]Option{WithStallTimeout(30 * time.Millisecond)}, 50, []error{ErrUpstreamTimeout}, 503},
		{"crc32c mismatch", withHeader("X-Amz-Checksum-Crc32c", crc([]byte("other")), 200), nil, len(payload), []error{ErrChecksumMismatch}, 500},
		{"sha256 mismatch", withHeader("X-Amz-Checksum-Sha256", sha([]byte("other")), 200), nil, len(payload), []error{ErrChecksumMismatch}, 500},
		{"crc64nvme mismatch", withHeader("X-Amz-Checksum-Crc64nvme", nvme([]byte("other")), 200), nil, len(payload), []error{ErrChecksumMismatch}, 500},
		{"crc32c ok", withHeader("X-Amz-Checksum-Crc32c", crc(payload), 200), nil, len(payload), nil, 0},
		{"sha256 ok", withHeader("X-Amz-Checksum-Sha256", sha(payload), 200), nil, len(payload), nil, 0},
		{"crc64nvme ok", withHeader("X-Amz-Checksum-Crc64nvme", nvme(payload), 200), nil, len(payload), nil, 0},
		{"composite skipped", withHeader("X-Amz-Checksum-Crc32c", crc([]byte("other"))+"-3", 200), nil, len(payload), nil, 0},
		{"206 not verified", withHeader("X-Amz-Checksum-Crc32c", crc([]byte("other")), 206), nil, len(payload), nil, 0},
		{"malformed checksum skipped", withHeader("X-Amz-Checksum-Sha256", "not base64!", 200), nil, len(payload), nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, hits := newTLSServer(t, tc.handler)
			c := testClient(t, srv, tc.opts...)
			resp, err := c.Fetch(t.Context(), &Request{URL: srv.URL + "/b/k"})
			require.NoError(t, err)
			defer resp.Body.Close()
			got, err := io.ReadAll(resp.Body)
			assert.Len(t, got, tc.read)
			assert.Equal(t, int32(1), hits.Load(), "never retried after the first byte")
			if tc.errIs == nil {
				require.NoError(t, err)
				assert.Equal(t, payload, got)
				return
			}
			require.Error(t, err)
			for _, want := range tc.errIs {
				assert.ErrorIs(t, err, want)
			}
			e, ok := errors.AsType[*s3err.Error](err)
			require.True(t, ok)
			assert.Equal(t, tc.status, e.StatusCode)
			// The error is sticky: no later Read turns it into a clean EOF.
			n, err2 := resp.Body.Read(make([]byte, 10))
			assert.Zero(t, n)
			assert.Equal(t, err, err2)
		})
	}
}

func TestBodyCloseReleases(t *testing.T) {
	released := make(chan struct{})
	srv, _ := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		_, _ = w.Write(payload)
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the client hung up
		close(released)
	})
	c := testClient(t, srv)
	resp, err := c.Fetch(t.Context(), &Request{URL: srv.URL + "/b/k"})
	require.NoError(t, err)
	buf := make([]byte, len(payload))
	_, err = io.ReadFull(resp.Body, buf)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.NoError(t, resp.Body.Close(), "Close is idempotent")
	<-released
	_, err = resp.Body.Read(buf)
	assert.Error(t, err)
}

func TestBodyCloseWhileReading(t *testing.T) {
	srv, _ := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		_, _ = w.Write(payload)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	var logs bytes.Buffer
	c := testClient(t, srv, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	resp, err := c.Fetch(t.Context(), &Request{URL: srv.URL + "/b/k"})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, resp.Body) // blocks after the first bytes
		done <- err
	}()
	for !strings.Contains(logs.String(), "presign response") {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(10 * time.Millisecond)
	require.NoError(t, resp.Body.Close())
	err = <-done
	require.Error(t, err, "an aborted body never ends with a clean EOF")
	assert.Contains(t, logs.String(), "complete=false")
}

func TestFetchLogsNoSecrets(t *testing.T) {
	srv, _ := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(payload) })
	var logs bytes.Buffer
	c := testClient(t, srv, WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	resp, err := c.Fetch(t.Context(), &Request{URL: srv.URL + "/b/k" + signedQuery, UserHeaders: http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}}})
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	require.NoError(t, resp.Body.Close())
	out := logs.String()
	assert.Contains(t, out, `"status":200`)
	assert.Contains(t, out, strings.TrimPrefix(srv.URL, "https://"))
	assert.Contains(t, out, `"complete":true`)
	assert.NotContains(t, out, "SECRET")
	assert.NotContains(t, out, "X-Amz")
}

func TestNewClientOptions(t *testing.T) {
	c := NewClient(nil, WithRetries(0, -1), WithConnectTimeout(0), WithHeaderTimeout(-1), WithStallTimeout(0), WithLogger(nil), WithTLSConfig(nil))
	assert.Equal(t, 1, c.maxAttempts)
	assert.Zero(t, c.baseBackoff)
	assert.Equal(t, DefaultConnectTimeout, c.connectTimeout)
	assert.Equal(t, DefaultHeaderTimeout, c.headerTimeout)
	assert.Equal(t, DefaultStallTimeout, c.stallTimeout)
	assert.NotNil(t, c.logger)
	assert.Nil(t, c.transport.Proxy, "proxies would bypass the dial guard")
	assert.True(t, c.transport.DisableCompression)
	assert.GreaterOrEqual(t, c.transport.TLSClientConfig.MinVersion, uint16(0x0303))

	c = NewClient(WithRetries(4, 100*time.Millisecond))
	for attempt := 1; attempt <= 30; attempt++ {
		d := c.backoff(attempt)
		assert.GreaterOrEqual(t, d, time.Duration(0))
		assert.LessOrEqual(t, d, maxBackoff)
	}
	assert.LessOrEqual(t, c.backoff(1), 100*time.Millisecond)
	assert.GreaterOrEqual(t, c.backoff(1), 50*time.Millisecond)
}

func TestContentRangeLength(t *testing.T) {
	for in, want := range map[string]int64{
		"bytes 0-4/100": 5, "bytes 10-10/*": 1, "bytes 5-4/10": -1, "bytes */100": -1, "items 0-4/5": -1, "": -1, "bytes -1-4/5": -1,
	} {
		assert.Equal(t, want, contentRangeLength(in), in)
	}
}

func TestCRC64NVMECheckValue(t *testing.T) {
	// CRC-64/NVME check value from the CRC catalogue.
	assert.Equal(t, uint64(0xae8b14860a799888), crc64.Checksum([]byte("123456789"), crc64.MakeTable(crc64NVME)))
}

func TestBodyCallerContextEnds(t *testing.T) {
	cases := []struct {
		name string
		end  func(context.CancelFunc)
		want []error
	}{
		{"cancel", func(cancel context.CancelFunc) { cancel() }, []error{context.Canceled}},
		{"deadline", func(context.CancelFunc) {}, []error{context.DeadlineExceeded, ErrUpstreamTimeout}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "100")
				_, _ = w.Write(payload)
				w.(http.Flusher).Flush()
				<-r.Context().Done()
			})
			c := testClient(t, srv)
			ctx, cancel := context.WithTimeout(t.Context(), 24*time.Hour)
			if tc.name == "deadline" {
				ctx, cancel = context.WithTimeout(t.Context(), 50*time.Millisecond)
			}
			defer cancel()
			resp, err := c.Fetch(ctx, &Request{URL: srv.URL + "/b/k"})
			require.NoError(t, err)
			defer resp.Body.Close()
			buf := make([]byte, len(payload))
			_, err = io.ReadFull(resp.Body, buf)
			require.NoError(t, err)
			tc.end(cancel)
			_, err = resp.Body.Read(buf)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.ErrorIs(t, err, w)
			}
			_, isS3 := errors.AsType[*s3err.Error](err)
			assert.False(t, isS3, "left to s3err.From")
		})
	}
}
