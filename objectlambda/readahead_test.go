package objectlambda

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// released reports whether p released everything within a few seconds.
func released(p *pipeline) bool {
	select {
	case <-p.released:
		return true
	case <-time.After(5 * time.Second):
		return false
	}
}

func TestReadAheadDeliversTheStream(t *testing.T) {
	errBroke := errors.New("upstream broke")
	data := func(n int) []byte { return bytes.Repeat([]byte("abcdefghij"), n/10+1)[:n] }
	tests := []struct {
		name    string
		size    int // of the read-ahead's buffers
		src     func(b []byte) io.Reader
		n       int   // bytes in the source
		readLen int   // the consumer's buffer
		wantErr error // after all n bytes; nil: io.EOF
	}{
		{name: "empty", size: 512, n: 0, readLen: 100, src: func(b []byte) io.Reader { return bytes.NewReader(b) }},
		{name: "one byte", size: 512, n: 1, readLen: 100, src: func(b []byte) io.Reader { return bytes.NewReader(b) }},
		{name: "exactly one buffer", size: 512, n: 512, readLen: 512, src: func(b []byte) io.Reader { return bytes.NewReader(b) }},
		{name: "many buffers, small reads", size: 512, n: 5000, readLen: 7, src: func(b []byte) io.Reader { return bytes.NewReader(b) }},
		{name: "many buffers, large reads", size: 512, n: 5000, readLen: 4096, src: func(b []byte) io.Reader { return bytes.NewReader(b) }},
		{name: "one byte at a time", size: 512, n: 2000, readLen: 100, src: func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) }},
		{name: "data with EOF", size: 512, n: 3000, readLen: 100, src: func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) }},
		{name: "broken mid-stream", size: 512, n: 3000, readLen: 100, wantErr: errBroke,
			src: func(b []byte) io.Reader { return io.MultiReader(bytes.NewReader(b), iotest.ErrReader(errBroke)) }},
		{name: "broken at once", size: 512, n: 0, readLen: 100, wantErr: errBroke,
			src: func([]byte) io.Reader { return iotest.ErrReader(errBroke) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPipeline()
			var noted []error
			want := data(tc.n)
			a := newReadAhead(context.Background(), tc.src(want), tc.size, p, make(chan struct{}))
			a.onErr = func(err error) { noted = append(noted, err) }
			var got []byte
			buf := make([]byte, tc.readLen)
			var err error
			for err == nil {
				var n int
				n, err = a.Read(buf)
				got = append(got, buf[:n]...)
			}
			assert.Equal(t, string(want), string(got), "every byte before the end, in order")
			if tc.wantErr == nil {
				assert.ErrorIs(t, err, io.EOF)
				assert.Empty(t, noted, "an end is not a failure")
			} else {
				assert.ErrorIs(t, err, tc.wantErr)
				assert.Equal(t, []error{tc.wantErr}, noted, "the failure is noted once")
			}
			_, again := a.Read(buf)
			assert.Equal(t, err, again, "the end is sticky")
			p.done() // the invocation's share
			assert.True(t, released(p), "the filler gave its share of the pipeline back")
		})
	}
}

// gatedReader answers reads one at a time as the test allows them.
type gatedReader struct {
	reads atomic.Int32
	gate  chan struct{}
}

func (g *gatedReader) Read(p []byte) (int, error) {
	g.reads.Add(1)
	<-g.gate
	return copy(p, "0123456789"), nil
}

func TestReadAheadReadsWhileItsReaderWorks(t *testing.T) {
	p := newPipeline()
	src := &gatedReader{gate: make(chan struct{}, 10)}
	quit := make(chan struct{})
	a := newReadAhead(context.Background(), src, 512, p, quit)
	for range 3 {
		src.gate <- struct{}{}
	}
	buf := make([]byte, 512)
	n, err := a.Read(buf)
	require.NoError(t, err)
	require.Equal(t, "0123456789", string(buf[:n]))
	// The reader is busy elsewhere with the first chunk: the filler goes on
	// and fills the other buffer, and stops there.
	require.Eventually(t, func() bool { return src.reads.Load() == 2 }, 10*time.Second, time.Millisecond,
		"the source is read ahead of the reader")
	time.Sleep(20 * time.Millisecond)
	assert.EqualValues(t, 2, src.reads.Load(), "one buffer ahead, no more: the memory is bounded")
	close(quit)
	close(src.gate)
	p.done()
	assert.True(t, released(p), "quit stops the filler")
}

func TestReadAheadEnds(t *testing.T) {
	t.Run("quit before the first read starts nothing", func(t *testing.T) {
		p := newPipeline()
		quit := make(chan struct{})
		close(quit)
		before := goleak.IgnoreCurrent()
		a := newReadAhead(context.Background(), bytes.NewReader([]byte("data")), 512, p, quit)
		_, err := a.Read(make([]byte, 8))
		assert.ErrorIs(t, err, errReplyOver)
		assert.NoError(t, goleak.Find(before), "no filler goroutine")
		p.done()
		assert.True(t, released(p))
	})
	t.Run("the context ends while the source is stuck", func(t *testing.T) {
		p := newPipeline()
		ctx, cancel := context.WithCancelCause(context.Background())
		src := &gatedReader{gate: make(chan struct{})}
		var noted atomic.Int32
		a := newReadAhead(ctx, src, 512, p, make(chan struct{}))
		a.onErr = func(error) { noted.Add(1) }
		stop := errors.New("work deadline")
		go func() {
			for src.reads.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
			cancel(stop)
		}()
		_, err := a.Read(make([]byte, 8))
		require.ErrorIs(t, err, stop, "the reader does not wait for the stuck source")
		assert.Contains(t, err.Error(), "reply body")
		assert.EqualValues(t, 1, noted.Load())
		p.done()
		select {
		case <-p.released:
			t.Fatal("the pipeline closed under a Read still running")
		case <-time.After(20 * time.Millisecond):
		}
		close(src.gate) // the source's Read returns at last
		assert.True(t, released(p), "the filler leaves once its Read returned")
	})
}
