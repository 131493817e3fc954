package objectlambdatest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/objectlambda/sdk-go/internal/faultproxy"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/objectlambda/sdk-go/presign"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// rewriteInputURL replaces the inputS3Url of whichever context the event has
// by what to returns for it.
func rewriteInputURL(payload []byte, to func(u string) string) ([]byte, error) {
	var ev map[string]json.RawMessage
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, err
	}
	for _, name := range []string{"getObjectContext", "headObjectContext", "listObjectsContext", "listObjectsV2Context"} {
		raw, ok := ev[name]
		if !ok {
			continue
		}
		var c map[string]any
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, err
		}
		in, _ := c["inputS3Url"].(string)
		c["inputS3Url"] = to(in)
		b, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		ev[name] = b
	}
	return json.Marshal(ev)
}

// faultRig is an access point whose function, an objectlambda.Handler, reaches
// the store (inputS3Url) through one fault proxy and the WriteGetObjectResponse
// endpoint through another:
//
//	client → access point → function ─(store proxy)→ access point's store front → versitygw
//	                            └───(wgor proxy)→ access point's WGOR endpoint → client
//
// The function rewrites the host of inputS3Url to the store proxy, which
// forwards with the access point's Host, so the presigned signature holds.
type faultRig struct {
	ap          *objectlambdatest.AccessPoint
	store, wgor *faultproxy.Proxy
	running     sync.WaitGroup // invocations of the function in progress
}

func newFaultRig(t *testing.T) *faultRig {
	t.Helper()
	rig := &faultRig{}
	rig.ap = objectlambdatest.New(t, objectlambdatest.WithTimeLimit(3*time.Second),
		objectlambdatest.WithFunctionFactory(func(cfg aws.Config) objectlambdatest.Function {
			ep := aws.ToString(cfg.BaseEndpoint)
			var err error
			rig.store, err = faultproxy.New(ep)
			require.NoError(t, err)
			t.Cleanup(rig.store.Close)
			rig.wgor, err = faultproxy.New(ep, faultproxy.WithPreserveHost())
			require.NoError(t, err)
			t.Cleanup(rig.wgor.Close)
			wcfg := cfg.Copy()
			wcfg.BaseEndpoint = aws.String(rig.wgor.URL())
			h, err := objectlambda.New(
				objectlambda.WithAWSConfig(wcfg),
				objectlambda.WithTrustedEndpoints(rig.store.URL()),
				objectlambda.WithDeadlineMargin(500*time.Millisecond),
				objectlambda.WithLogger(slog.New(slog.DiscardHandler)),
				objectlambda.WithFetchOptions(
					presign.WithRetries(3, 5*time.Millisecond),
					presign.WithHeaderTimeout(250*time.Millisecond),
					presign.WithStallTimeout(250*time.Millisecond)),
			)
			require.NoError(t, err)
			storeURL, _ := url.Parse(rig.store.URL())
			return objectlambdatest.FunctionFunc(func(ctx context.Context, payload []byte) ([]byte, error) {
				rig.running.Add(1)
				defer rig.running.Done()
				p, err := rewriteInputURL(payload, func(in string) string {
					u, err := url.Parse(in)
					if err != nil {
						return in
					}
					u.Host = storeURL.Host
					return u.String()
				})
				if err != nil {
					return nil, err
				}
				return h.Invoke(ctx, p)
			})
		}))
	return rig
}

// close stops everything the rig started, so goleak can check: it lets the
// function finish (its reply may already have reached the client), stops
// the proxies so no request reaches the access point any more, then stops
// the access point.
//
// The pause before AccessPoint.Close works around a race in the access
// point: its shutdown calls inflight.Wait while a request handler that
// aborted the client's connection may not have returned yet, and that
// handler's inflight.Add (0→1) is not ordered before the Wait, which the
// race detector reports. Until accesspoint.go guards Add with a lock and a
// closed flag, give such handlers time to return.
func (r *faultRig) close(t *testing.T) {
	done := make(chan struct{})
	go func() { r.running.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Error("the function was still running 5 s after the client's answer")
	}
	r.store.Close()
	r.wgor.Close()
	time.Sleep(200 * time.Millisecond)
	r.ap.Close()
}

// outcome is what the client saw.
type outcome struct {
	Status int
	Code   string
	Broken bool // the body read failed after a successful response
}

var (
	okOutcome     = outcome{Status: 200}
	brokenOutcome = outcome{Status: 200, Broken: true}
)

func fault503(code string) outcome { return outcome{Status: 503, Code: code} }

type op string

const (
	opGet  op = "GET"
	opHead op = "HEAD"
	opList op = "LIST"
)

const faultObjectSize = 256 << 10

// TestE2EFaults runs every fault of the fault proxy against GET, HEAD and
// LIST through the access point and checks, for each: the client gets one
// answer with the right status; a body that was cut, stalled or corrupted is
// never read as complete; the function answered exactly once; and nothing
// (goroutines) is left behind once the access point is closed.
func TestE2EFaults(t *testing.T) {
	object := bytes.Repeat([]byte("fault-injection body 0123456789\n"), faultObjectSize/32)
	objectSum := sha256.Sum256(object)

	type want map[op]outcome
	tests := []struct {
		name  string
		wgor  bool // the fault is in front of the WGOR endpoint (GET only)
		fault faultproxy.Fault
		want  want
	}{
		{"store reset", false, faultproxy.Fault{Kind: faultproxy.Reset},
			want{opGet: fault503("ServiceUnavailable"), opHead: fault503(""), opList: fault503("ServiceUnavailable")}},
		{"store reset burst then pass", false, faultproxy.Fault{Kind: faultproxy.Reset, Times: 2},
			want{opGet: okOutcome, opHead: okOutcome, opList: okOutcome}},
		{"store 503 burst then pass", false, faultproxy.Fault{Kind: faultproxy.Status, Status: 503, Times: 2},
			want{opGet: okOutcome, opHead: okOutcome, opList: okOutcome}},
		{"store SlowDown burst then pass", false, faultproxy.Fault{Kind: faultproxy.Status, Status: 503, Code: "SlowDown", Times: 2},
			want{opGet: okOutcome, opHead: okOutcome, opList: okOutcome}},
		{"store SlowDown", false, faultproxy.Fault{Kind: faultproxy.Status, Status: 503, Code: "SlowDown"},
			want{opGet: fault503("SlowDown"), opHead: fault503(""), opList: fault503("SlowDown")}},
		{"store 500", false, faultproxy.Fault{Kind: faultproxy.Status, Status: 500},
			want{opGet: {Status: 500, Code: "InternalError"}, opHead: {Status: 500}, opList: {Status: 500, Code: "InternalError"}}},
		{"store stall before headers", false, faultproxy.Fault{Kind: faultproxy.StallHeaders},
			want{opGet: fault503("ServiceUnavailable"), opHead: fault503(""), opList: fault503("ServiceUnavailable")}},
		{"store delay", false, faultproxy.Fault{Kind: faultproxy.Delay, Delay: 50 * time.Millisecond},
			want{opGet: okOutcome, opHead: okOutcome, opList: okOutcome}},
		{"store stall early in the body", false, faultproxy.Fault{Kind: faultproxy.StallBody, After: 100},
			want{opGet: fault503("ServiceUnavailable"), opHead: okOutcome, opList: fault503("ServiceUnavailable")}},
		{"store truncate early in the body", false, faultproxy.Fault{Kind: faultproxy.Truncate, After: 100},
			want{opGet: fault503("ServiceUnavailable"), opHead: okOutcome, opList: fault503("ServiceUnavailable")}},
		{"store stall late in the body", false, faultproxy.Fault{Kind: faultproxy.StallBody, After: 200 << 10},
			want{opGet: brokenOutcome}},
		{"store truncate late in the body", false, faultproxy.Fault{Kind: faultproxy.Truncate, After: 200 << 10},
			want{opGet: brokenOutcome}},
		{"store corrupt (checksum mode)", false, faultproxy.Fault{Kind: faultproxy.Corrupt, After: 0},
			want{opGet: brokenOutcome, opHead: okOutcome, opList: {Status: 500, Code: "InternalError"}}},
		{"wgor reset", true, faultproxy.Fault{Kind: faultproxy.Reset},
			want{opGet: {Status: 500, Code: "LambdaRuntimeError"}}},
		{"wgor 503", true, faultproxy.Fault{Kind: faultproxy.Status, Status: 503, Times: 1},
			want{opGet: {Status: 500, Code: "LambdaRuntimeError"}}},
		{"wgor delay", true, faultproxy.Fault{Kind: faultproxy.Delay, Delay: 50 * time.Millisecond},
			want{opGet: okOutcome}},
		{"wgor upload truncated", true, faultproxy.Fault{Kind: faultproxy.Truncate, After: 100 << 10, RequestBody: true},
			want{opGet: brokenOutcome}},
		{"wgor upload stalled", true, faultproxy.Fault{Kind: faultproxy.StallBody, After: 100 << 10, RequestBody: true},
			want{opGet: brokenOutcome}},
		// Corrupted after the function: the access point cannot tell, but
		// the checksum forwarded for the identity transform lets the SDK
		// fail the read.
		{"wgor upload corrupted", true, faultproxy.Fault{Kind: faultproxy.Corrupt, After: 1000, RequestBody: true},
			want{opGet: brokenOutcome}},
	}
	for _, tc := range tests {
		for _, o := range []op{opGet, opHead, opList} {
			w, ok := tc.want[o]
			if !ok {
				continue
			}
			t.Run(tc.name+"/"+string(o), func(t *testing.T) {
				ignore := goleak.IgnoreCurrent()
				rig := newFaultRig(t)
				ap := rig.ap
				ap.PutObjectBytes(t, "obj", object, func(in *s3.PutObjectInput) { in.ChecksumAlgorithm = types.ChecksumAlgorithmSha256 })
				ap.PutObject(t, "a.txt", "a")
				ap.PutObject(t, "b.txt", "b")
				if tc.wgor {
					rig.wgor.Set(tc.fault)
				} else {
					rig.store.Set(tc.fault)
				}
				ctx := t.Context()
				got := outcome{}
				switch o {
				case opGet:
					out, err := ap.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("obj"), ChecksumMode: types.ChecksumModeEnabled})
					if err != nil {
						got.Status, got.Code = statusOf(err)
						break
					}
					got.Status = 200
					b, err := io.ReadAll(out.Body)
					_ = out.Body.Close()
					switch {
					case err != nil:
						got.Broken = true
					case sha256.Sum256(b) != objectSum:
						got.Code = "corrupted" // a complete body with other bytes
						assert.Len(t, b, len(object))
					}
				case opHead:
					_, err := ap.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("obj")})
					if err != nil {
						got.Status, _ = statusOf(err) // HEAD errors have no body, hence no code
					} else {
						got.Status = 200
					}
				case opList:
					out, err := ap.Client().ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: ap.Bucket()})
					if err != nil {
						got.Status, got.Code = statusOf(err)
					} else {
						got.Status = 200
						assert.Len(t, out.Contents, 3, "a listing reported as complete has every key")
					}
				}
				raced := false
				if w.Broken && got.Status == 500 && got.Code == "LambdaRuntimeError" {
					raced = true
					// The function failed while its WGOR was still being handed
					// over: the access point reports the function error instead
					// of a broken stream. Both are failures the client sees.
					got = w
				}
				assert.Equal(t, w, got)

				// Exactly one invocation; for GET at most one WGOR reached the
				// access point and it was accepted only if the client got a
				// complete body.
				assert.Len(t, ap.Events(), 1, "one invocation")
				if o == opGet {
					calls := ap.WGORCalls()
					switch {
					case tc.wgor && (tc.fault.Kind == faultproxy.Reset || tc.fault.Kind == faultproxy.Status):
						assert.Empty(t, calls, "the WGOR never reached the access point")
					case raced:
						require.LessOrEqual(t, len(calls), 1, "at most one WGOR")
						for _, c := range calls {
							assert.False(t, c.Response == http.StatusOK && c.Err == nil, "a broken WGOR is not accepted: %+v", c)
						}
					default:
						require.Len(t, calls, 1, "exactly one WGOR")
						accepted := calls[0].Response == http.StatusOK && calls[0].Err == nil
						want := !w.Broken || (tc.wgor && tc.fault.Kind == faultproxy.Corrupt)
						assert.Equal(t, want, accepted, "WGOR accepted: %+v", calls[0])
					}
				}
				rig.close(t)
				// A server connection that was closed with unread request
				// bytes lingers 500 ms (net/http's RST avoidance): allow ~4 s.
				verifyNoLeak(t, ignore)
			})
		}
	}
}

// verifyNoLeak is goleak.VerifyNone with a longer grace period: a server
// connection closed with unread request bytes lingers 500 ms in net/http
// (its RST avoidance delay) after the server itself was closed.
func verifyNoLeak(t *testing.T, opts ...goleak.Option) {
	t.Helper()
	for deadline := time.Now().Add(4 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if goleak.Find(opts...) == nil {
			return
		}
	}
	goleak.VerifyNone(t, opts...)
}

// countingListener accepts connections on 127.0.0.1 and counts them and the
// bytes they send: an SSRF canary.
type countingListener struct {
	ln    net.Listener
	conns atomic.Int64
	bytes atomic.Int64
	wg    sync.WaitGroup
}

func newCountingListener(t *testing.T) *countingListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	c := &countingListener{ln: ln}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			c.conns.Add(1)
			c.wg.Add(1)
			go func() {
				defer c.wg.Done()
				_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
				n, _ := io.Copy(io.Discard, conn)
				c.bytes.Add(n)
				_ = conn.Close()
			}()
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); c.wg.Wait() })
	return c
}

func (c *countingListener) port() string {
	_, p, _ := net.SplitHostPort(c.ln.Addr().String())
	return p
}

// hostileURLs returns inputS3Url values that must never be fetched. P is the
// canary's port; R is a trusted endpoint that redirects to wherever its
// "to" parameter says.
func hostileURLs(p, r string) []string {
	sig := "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc"
	redirect := func(status int, to string) string {
		return r + "/bucket/key?status=" + strconv.Itoa(status) + "&to=" + url.QueryEscape(to)
	}
	return []string{
		// plain http
		"http://s3.us-east-1.amazonaws.com/bucket/key" + sig,
		"http://127.0.0.1:" + p + "/bucket/key" + sig,
		"http://localhost:" + p + "/bucket/key" + sig,
		// userinfo
		"https://user:pass@s3.us-east-1.amazonaws.com/bucket/key" + sig,
		"https://s3.us-east-1.amazonaws.com@127.0.0.1:" + p + "/bucket/key" + sig,
		"https://s3.amazonaws.com:443@127.0.0.1:" + p + "/" + sig,
		"https://s3.us-east-1.amazonaws.com\\@127.0.0.1:" + p + "/" + sig,
		// IP literals
		"https://127.0.0.1:" + p + "/bucket/key" + sig,
		"https://127.0.0.1/bucket/key" + sig,
		"https://169.254.169.254/latest/meta-data/iam/security-credentials/",
		"http://169.254.169.254/latest/api/token",
		"https://[::1]:" + p + "/bucket/key" + sig,
		"https://[::ffff:127.0.0.1]:" + p + "/" + sig,
		"https://[::ffff:7f00:1]:" + p + "/" + sig,
		"https://[0:0:0:0:0:0:0:1]:" + p + "/" + sig,
		"https://[fd00:ec2::254]/latest/meta-data/",
		"https://[fe80::1%25eth0]/" + sig,
		"https://0.0.0.0:" + p + "/" + sig,
		"https://10.0.0.1/bucket/key" + sig,
		"https://192.168.0.1/bucket/key" + sig,
		// decimal, octal, hex and short IPv4 forms
		"https://2130706433:" + p + "/" + sig,
		"https://017700000001:" + p + "/" + sig,
		"https://0x7f000001:" + p + "/" + sig,
		"https://0177.0.0.1:" + p + "/" + sig,
		"https://127.1:" + p + "/" + sig,
		"https://2852039166/latest/meta-data/",
		// localhost names (resolve to loopback)
		"https://localhost:" + p + "/" + sig,
		"https://LOCALHOST:" + p + "/" + sig,
		"https://localhost./" + sig,
		"https://foo.localhost:" + p + "/" + sig,
		"https://ip6-localhost/" + sig,
		"https://s3.localhost/bucket/key" + sig,
		// look-alike hosts
		"https://s3.amazonaws.com.evil.example/bucket/key" + sig,
		"https://s3.us-east-1.amazonaws.com.127.0.0.1.nip.io:" + p + "/" + sig,
		"https://s3-amazonaws.com/bucket/key" + sig,
		"https://s3.amazonaws.co/bucket/key" + sig,
		"https://amazonaws.com/bucket/key" + sig,
		"https://evil-amazonaws.com/bucket/key" + sig,
		"https://s3.us-east-1.amazonaws.com./bucket/key" + sig,
		"https://S3.US-EAST-1.AMAZONAWS.COM/bucket/key" + sig,
		"https://s3.us-east-1.amazonaws.com%2e127.0.0.1/" + sig,
		"https://s3.us-east-1.amazonaws.com:" + p + "/bucket/key" + sig,
		"https://s3.us-east-1.amazonaws.com:8443/bucket/key" + sig,
		// IDN and punycode
		"https://s3.us-east-1.amaz\u043enaws.com/bucket/key" + sig,
		"https://\u04553.amazonaws.com/bucket/key" + sig,
		"https://s3.us-east-1.xn--amazonws-4fg.com/bucket/key" + sig,
		// S3 hosts of partitions the policy does not trust (aws only)
		"https://s3.cn-north-1.amazonaws.com.cn/bucket/key" + sig,
		"https://bucket.s3.cn-northwest-1.amazonaws.com.cn/key" + sig,
		"https://s3.us-gov-west-1.amazonaws.com/bucket/key" + sig,
		"https://s3-fips.us-gov-east-1.amazonaws.com/bucket/key" + sig,
		// redirects from a trusted endpoint to untrusted places
		redirect(http.StatusFound, "http://127.0.0.1:"+p+"/bucket/key"),
		redirect(http.StatusMovedPermanently, "https://169.254.169.254/latest/meta-data/"),
		redirect(http.StatusTemporaryRedirect, "http://localhost:"+p+"/"),
		redirect(http.StatusPermanentRedirect, "http://[::1]:"+p+"/"),
		redirect(http.StatusSeeOther, "//127.0.0.1:"+p+"/"),
		// other schemes and malformed URLs
		"ftp://s3.amazonaws.com/bucket/key",
		"file:///etc/passwd",
		"//127.0.0.1:" + p + "/bucket/key" + sig,
		"gopher://127.0.0.1:" + p + "/_GET",
		"https:///bucket/key" + sig,
		" https://127.0.0.1:" + p + "/" + sig,
	}
}

// TestE2ESSRF sends GETs whose inputS3Url the function replaces by hostile
// values. Each must get exactly one error reply, and no byte may reach the
// canary listener on 127.0.0.1.
func TestE2ESSRF(t *testing.T) {
	canary := newCountingListener(t)
	var redirected atomic.Int64
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		redirected.Add(1)
		st, _ := strconv.Atoi(r.URL.Query().Get("status"))
		http.Redirect(w, r, r.URL.Query().Get("to"), st)
	}))
	defer redirector.Close()

	urls := hostileURLs(canary.port(), redirector.URL)
	require.GreaterOrEqual(t, len(urls), 40)
	var fetchedUpstream atomic.Int64
	ap := objectlambdatest.New(t, objectlambdatest.WithFunctionFactory(func(cfg aws.Config) objectlambdatest.Function {
		h, err := objectlambda.New(
			objectlambda.WithAWSConfig(cfg),
			objectlambda.WithTrustedEndpoints(redirector.URL),
			objectlambda.WithTrustPolicy(presign.WithPartitions(presign.PartitionAWS)),
			objectlambda.WithFetchOptions(presign.WithConnectTimeout(time.Second), presign.WithRetries(1, time.Millisecond)),
			objectlambda.WithLogger(slog.New(slog.DiscardHandler)),
			objectlambda.WithObserver(objectlambda.ObserverFunc(func(_ context.Context, m *objectlambda.Metrics) {
				if m.UpstreamStatus != 0 && m.UpstreamStatus < 300 {
					fetchedUpstream.Add(1)
				}
			})),
		)
		require.NoError(t, err)
		return objectlambdatest.FunctionFunc(func(ctx context.Context, payload []byte) ([]byte, error) {
			p, err := rewriteInputURL(payload, func(in string) string {
				u, _ := url.Parse(in)
				i, _ := strconv.Atoi(strings.TrimPrefix(u.Path, "/test-bucket/ssrf-"))
				return urls[i]
			})
			if err != nil {
				return nil, err
			}
			return h.Invoke(ctx, p)
		})
	}))
	ctx := t.Context()
	for i, hostile := range urls {
		_, err := ap.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(fmt.Sprintf("ssrf-%d", i))})
		st, code := statusOf(err)
		assert.Equal(t, outcome{Status: 500, Code: "InternalError"}, outcome{Status: st, Code: code}, "inputS3Url %q", hostile)
	}
	calls := ap.WGORCalls()
	require.Len(t, calls, len(urls), "exactly one reply per request")
	for i, c := range calls {
		assert.Equal(t, http.StatusOK, c.Response, "WGOR %d accepted", i)
		assert.Equal(t, 500, c.StatusCode)
		assert.Zero(t, c.BodySize)
	}
	assert.Zero(t, canary.conns.Load(), "no connection to the untrusted address")
	assert.Zero(t, canary.bytes.Load(), "no byte to the untrusted address")
	assert.Zero(t, fetchedUpstream.Load(), "nothing was fetched")
	assert.Equal(t, int64(5), redirected.Load(), "the trusted redirector was asked once per redirect case, and not followed")
}
