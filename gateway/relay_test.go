package gateway

import (
	"bytes"
	"errors"
	"io"
	"net/http/httptest"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeCounter is a flushable response writer that records its writes.
type writeCounter struct {
	*httptest.ResponseRecorder
	writes []int
	fail   error // returned by Write when set
}

func (w *writeCounter) Write(p []byte) (int, error) {
	if w.fail != nil {
		return 0, w.fail
	}
	w.writes = append(w.writes, len(p))
	return w.ResponseRecorder.Write(p)
}

func TestCopyFlush(t *testing.T) {
	body := func(n int) []byte { return bytes.Repeat([]byte("0123456789abcdef"), n/16+1)[:n] }
	tests := []struct {
		name string
		size int // bytes the source holds
	}{
		{name: "empty", size: 0},
		{name: "small", size: 1000},
		{name: "one buffer exactly", size: copyBuffer},
		{name: "one byte more", size: copyBuffer + 1},
		{name: "large", size: 300 << 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := &Gateway{}
			w := &writeCounter{ResponseRecorder: httptest.NewRecorder()}
			src := body(tc.size)
			n, err := g.copyFlush(w, bytes.NewReader(src))
			require.NoError(t, err)
			assert.Equal(t, int64(tc.size), n)
			assert.Equal(t, string(src), w.Body.String())
			assert.Equal(t, writesOf(copyBuffer, tc.size), w.writes, "one write per full buffer")
			assert.Equal(t, tc.size > 0, w.Flushed, "what is written is flushed to the caller")
		})
	}
}

// writesOf lists the writes of n bytes through a buffer of size.
func writesOf(size, n int) []int {
	var w []int
	for ; n > 0; n -= size {
		w = append(w, min(size, n))
	}
	return w
}

func TestCopyFlushErrors(t *testing.T) {
	t.Run("the source breaks", func(t *testing.T) {
		g := &Gateway{}
		w := &writeCounter{ResponseRecorder: httptest.NewRecorder()}
		src := io.MultiReader(bytes.NewReader(make([]byte, 200<<10)), iotest.ErrReader(errBroken))
		n, err := g.copyFlush(w, src)
		require.ErrorIs(t, err, errBroken)
		assert.Equal(t, int64(200<<10), n, "what was read went out before the error")
		var we writeErr
		assert.False(t, errors.As(err, &we), "a broken source is not the caller's fault")
	})
	t.Run("the caller goes away", func(t *testing.T) {
		g := &Gateway{}
		gone := errors.New("connection reset")
		w := &writeCounter{ResponseRecorder: httptest.NewRecorder(), fail: gone}
		n, err := g.copyFlush(w, bytes.NewReader(make([]byte, 1000)))
		var we writeErr
		require.ErrorAs(t, err, &we)
		assert.ErrorIs(t, we.err, gone)
		assert.Zero(t, n)
	})
}
