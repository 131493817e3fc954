package gateway

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errBroken = errors.New("broken")

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestLocalTransport(t *testing.T) {
	var seen *http.Request
	handed := &closeCounter{Reader: strings.NewReader("stored")}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/ok":
			w.Header().Set("Content-Length", "5")
			w.Header().Set("X-Echo", string(body))
			_, _ = io.WriteString(w, "hello")
			w.Header().Set("X-Late", "ignored") // after the header went out
		case "/status":
			w.WriteHeader(http.StatusTeapot)
		case "/abort":
			_, _ = io.WriteString(w, "partial")
			panic(http.ErrAbortHandler)
		case "/panic":
			panic("boom")
		case "/nothing":
		case "/handover":
			w.Header().Set("Content-Length", "6")
			w.(bodyTaker).takeBody(http.StatusPartialContent, handed)
		case "/handover-broken":
			w.(bodyTaker).takeBody(http.StatusOK, io.NopCloser(io.MultiReader(strings.NewReader("par"), iotest.ErrReader(errBroken))))
		}
	})
	next := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusAccepted, Body: http.NoBody, Request: r}, nil
	})
	c := &http.Client{Transport: &localTransport{host: "10.0.0.1:8080", handler: handler, next: next}}

	req, err := http.NewRequest(http.MethodPost, "http://10.0.0.1:8080/ok?x=1", strings.NewReader("in"))
	require.NoError(t, err)
	resp, err := c.Do(req)
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(b))
	assert.Equal(t, int64(5), resp.ContentLength)
	assert.Equal(t, "in", resp.Header.Get("X-Echo"))
	assert.Empty(t, resp.Header.Get("X-Late"))
	assert.Equal(t, "/ok?x=1", seen.RequestURI, "as a server sees it")
	assert.Equal(t, "10.0.0.1:8080", seen.Host)
	assert.Equal(t, int64(2), seen.ContentLength)

	tests := []struct {
		path    string
		status  int
		body    string
		readErr bool
	}{
		{"/status", http.StatusTeapot, "", false},
		{"/nothing", http.StatusOK, "", false},
		{"/abort", http.StatusOK, "partial", true},
		{"/panic", http.StatusOK, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := c.Get("http://10.0.0.1:8080" + tt.path)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tt.status, resp.StatusCode)
			b, err := io.ReadAll(resp.Body)
			assert.Equal(t, tt.body, string(b))
			if tt.readErr {
				assert.ErrorIs(t, err, errHandlerAborted, "a broken transfer, never a short success")
			} else {
				assert.NoError(t, err)
			}
		})
	}

	t.Run("a handler hands its body over", func(t *testing.T) {
		resp, err := c.Get("http://10.0.0.1:8080/handover")
		require.NoError(t, err)
		assert.Equal(t, http.StatusPartialContent, resp.StatusCode)
		assert.Equal(t, int64(6), resp.ContentLength)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		assert.Equal(t, "stored", string(b))
		assert.Zero(t, handed.closed.Load(), "the reader owns the body")
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, int32(1), handed.closed.Load())

		resp, err = c.Get("http://10.0.0.1:8080/handover-broken")
		require.NoError(t, err)
		b, err = io.ReadAll(resp.Body)
		assert.Equal(t, "par", string(b))
		assert.ErrorIs(t, err, errBroken, "a broken body stays broken")
	})

	resp, err = c.Get("http://10.0.0.2:8080/ok")
	require.NoError(t, err)
	assert.Equal(t, http.StatusAccepted, resp.StatusCode, "another host goes over the network")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, "http://10.0.0.1:8080/ok", nil)
	require.NoError(t, err)
	_, err = c.Do(req)
	assert.ErrorIs(t, err, context.Canceled)
}

type closeCounter struct {
	io.Reader
	closed atomic.Int32
}

func (c *closeCounter) Close() error { c.closed.Add(1); return nil }

// TestLocalTransportAbandoned: a body handed over after the requester gave
// up is closed, not leaked, whichever comes first.
func TestLocalTransportAbandoned(t *testing.T) {
	for _, handFirst := range []bool{false, true} {
		body := &closeCounter{Reader: strings.NewReader("x")}
		w := &pipeWriter{header: http.Header{}, ready: make(chan struct{})}
		if handFirst {
			w.takeBody(http.StatusOK, body)
			w.abandon()
		} else {
			w.abandon()
			w.takeBody(http.StatusOK, body)
		}
		assert.Equal(t, int32(1), body.closed.Load(), "handed over first: %v", handFirst)
	}
}
