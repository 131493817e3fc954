package faultproxy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const bodySize = 100_000

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	return b
}

// backend serves GET with a fixed body and answers a POST with the sha256 of
// the body it received, or 400 when the upload broke.
func backend(t *testing.T) *httptest.Server {
	t.Helper()
	body := pattern(bodySize)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Seen-Host", r.Host)
		if r.Method == http.MethodPost {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "broken upload", http.StatusBadRequest)
				return
			}
			sum := sha256.Sum256(b)
			_, _ = io.WriteString(w, hex.EncodeToString(sum[:]))
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// result is what a client saw for one request.
type result struct {
	status  int
	code    string
	body    []byte
	reqErr  bool // no response at all
	readErr bool // response, but the body broke
}

func do(t *testing.T, hc *http.Client, method, u string, upload []byte) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var rd io.Reader
	if upload != nil {
		rd = bytes.NewReader(upload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	require.NoError(t, err)
	resp, err := hc.Do(req)
	if err != nil {
		return result{reqErr: true}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	res := result{status: resp.StatusCode, body: b, readErr: err != nil}
	if i := bytes.Index(b, []byte("<Code>")); i >= 0 {
		res.code = string(b[i+6 : i+6+bytes.IndexByte(b[i+6:], '<')])
	}
	return res
}

// summary replaces the body by its length and hash, for short diffs.
func summary(r result) string {
	sum := sha256.Sum256(r.body)
	return fmt.Sprintf("status=%d code=%q reqErr=%v readErr=%v body=%v len=%d sha=%x",
		r.status, r.code, r.reqErr, r.readErr, r.body != nil, len(r.body), sum[:6])
}

func TestFaults(t *testing.T) {
	full := pattern(bodySize)
	upload := pattern(50_000)
	uploadSum := sha256.Sum256(upload)
	corrupted := append([]byte(nil), full...)
	corrupted[70_000] ^= 0xff

	tests := []struct {
		name   string
		fault  Fault
		method string
		// want, for each of three consecutive requests
		want []result
	}{
		{"pass", Fault{}, http.MethodGet, []result{{status: 200, body: full}}},
		{"reset", Fault{Kind: Reset}, http.MethodGet, []result{{reqErr: true}, {reqErr: true}}},
		{"reset burst", Fault{Kind: Reset, Times: 1}, http.MethodGet, []result{{reqErr: true}, {status: 200, body: full}}},
		{"stall headers resumes", Fault{Kind: StallHeaders, Delay: 30 * time.Millisecond}, http.MethodGet, []result{{status: 200, body: full}}},
		{"stall headers until the client gives up", Fault{Kind: StallHeaders}, http.MethodGet, []result{{reqErr: true}}},
		{"delay", Fault{Kind: Delay, Delay: 20 * time.Millisecond}, http.MethodGet, []result{{status: 200, body: full}}},
		{"503 burst of 2", Fault{Kind: Status, Times: 2}, http.MethodGet, []result{
			{status: 503, code: "ServiceUnavailable"}, {status: 503, code: "ServiceUnavailable"}, {status: 200, body: full}}},
		{"SlowDown", Fault{Kind: Status, Status: 503, Code: "SlowDown"}, http.MethodGet, []result{{status: 503, code: "SlowDown"}}},
		{"500", Fault{Kind: Status, Status: 500}, http.MethodGet, []result{{status: 500, code: "InternalError"}}},
		{"status on HEAD has no body", Fault{Kind: Status, Status: 404}, http.MethodHead, []result{{status: 404, body: []byte{}}}},
		{"stall body until the client gives up", Fault{Kind: StallBody, After: 40_000}, http.MethodGet, []result{{status: 200, body: full[:40_000], readErr: true}}},
		{"stall body resumes", Fault{Kind: StallBody, After: 40_000, Delay: 30 * time.Millisecond}, http.MethodGet, []result{{status: 200, body: full}}},
		{"truncate", Fault{Kind: Truncate, After: 1000}, http.MethodGet, []result{{status: 200, body: full[:1000], readErr: true}}},
		{"truncate at zero", Fault{Kind: Truncate}, http.MethodGet, []result{{status: 200, body: []byte{}, readErr: true}}},
		{"corrupt", Fault{Kind: Corrupt, After: 70_000}, http.MethodGet, []result{{status: 200, body: corrupted}}},
		{"truncate upload", Fault{Kind: Truncate, After: 1000, RequestBody: true}, http.MethodPost, []result{{status: 502, code: "BadGateway"}}},
		{"corrupt upload", Fault{Kind: Corrupt, After: 3, RequestBody: true}, http.MethodPost, []result{{status: 200}}},
		{"match", Fault{Kind: Status, Status: 500, Match: func(r *http.Request) bool { return r.URL.Path == "/other" }}, http.MethodGet,
			[]result{{status: 200, body: full}}},
	}
	be := backend(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(be.URL)
			require.NoError(t, err)
			defer p.Close()
			tr := &http.Transport{DisableKeepAlives: true}
			defer tr.CloseIdleConnections()
			hc := &http.Client{Transport: tr, Timeout: 300 * time.Millisecond}
			p.Set(tc.fault)
			for i, want := range tc.want {
				var up []byte
				if tc.method == http.MethodPost {
					up = upload
				}
				got := do(t, hc, tc.method, p.URL()+"/obj", up)
				if tc.name == "corrupt upload" {
					assert.NotEqual(t, hex.EncodeToString(uploadSum[:]), string(got.body), "the backend must have received a changed upload")
					got.body = nil
				}
				if want.body == nil {
					got.body = nil // only the status and code are compared
				}
				assert.Equal(t, summary(want), summary(got), "request %d", i+1)
			}
			st := p.Stats()
			assert.Equal(t, len(tc.want), st.Requests)
		})
	}
}

func TestUploadPasses(t *testing.T) {
	be := backend(t)
	p, err := New(be.URL)
	require.NoError(t, err)
	defer p.Close()
	up := pattern(12345)
	sum := sha256.Sum256(up)
	got := do(t, &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}, http.MethodPost, p.URL()+"/x?a=1&b=%2F", up)
	assert.Equal(t, 200, got.status)
	assert.Equal(t, hex.EncodeToString(sum[:]), string(got.body))
	assert.Equal(t, Stats{Requests: 1}, p.Stats())
}

func TestHost(t *testing.T) {
	be := backend(t)
	for _, preserve := range []bool{false, true} {
		t.Run("preserve="+strconv.FormatBool(preserve), func(t *testing.T) {
			var opts []Option
			if preserve {
				opts = append(opts, WithPreserveHost())
			}
			p, err := New(be.URL, opts...)
			require.NoError(t, err)
			defer p.Close()
			resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Get(p.URL() + "/h")
			require.NoError(t, err)
			_ = resp.Body.Close()
			want := strings.TrimPrefix(be.URL, "http://")
			if preserve {
				want = strings.TrimPrefix(p.URL(), "http://")
			}
			assert.Equal(t, want, resp.Header.Get("X-Seen-Host"))
		})
	}
}

func TestBadGateway(t *testing.T) {
	be := backend(t)
	addr := be.URL
	be.Close()
	p, err := New(addr)
	require.NoError(t, err)
	defer p.Close()
	got := do(t, &http.Client{}, http.MethodGet, p.URL()+"/", nil)
	assert.Equal(t, result{status: 502, code: "BadGateway"}, result{status: got.status, code: got.code})
}

func TestCloseEndsStalls(t *testing.T) {
	be := backend(t)
	for _, f := range []Fault{{Kind: StallHeaders}, {Kind: StallBody, After: 10}} {
		t.Run(f.Kind.String(), func(t *testing.T) {
			p, err := New(be.URL)
			require.NoError(t, err)
			p.Set(f)
			done := make(chan error, 1)
			go func() {
				resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Get(p.URL() + "/")
				if err == nil {
					_, err = io.ReadAll(resp.Body)
					_ = resp.Body.Close()
				}
				done <- err
			}()
			require.Eventually(t, func() bool { return p.Stats().Requests == 1 }, 5*time.Second, 5*time.Millisecond)
			p.Close() // must not wait for the (unbounded) stall
			assert.Error(t, <-done, "a stalled request ends with an error when the proxy closes")
		})
	}
}

func TestNewErrors(t *testing.T) {
	for _, target := range []string{"", "127.0.0.1:80", "ftp://x", "http://", "://bad"} {
		_, err := New(target)
		assert.True(t, errors.Is(err, ErrInvalidTarget), "target %q: %v", target, err)
	}
}

func TestKindString(t *testing.T) {
	assert.Equal(t, "truncate", Truncate.String())
	assert.Equal(t, "kind(99)", Kind(99).String())
	assert.Equal(t, "pass", Pass.String())
}
