package gateway

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errBroken = errors.New("broken")

func TestBufPipe(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, r *bufPipeReader, w *bufPipeWriter)
	}{
		{"the reader drains, then sees EOF", func(t *testing.T, r *bufPipeReader, w *bufPipeWriter) {
			n, err := w.Write([]byte("hello"))
			require.NoError(t, err)
			assert.Equal(t, 5, n)
			require.NoError(t, w.Close())
			b, err := io.ReadAll(r)
			require.NoError(t, err)
			assert.Equal(t, "hello", string(b))
		}},
		{"the reader drains, then sees the writer's error", func(t *testing.T, r *bufPipeReader, w *bufPipeWriter) {
			_, err := w.Write([]byte("part"))
			require.NoError(t, err)
			require.NoError(t, w.CloseWithError(errBroken))
			b, err := io.ReadAll(r)
			assert.Equal(t, "part", string(b))
			assert.ErrorIs(t, err, errBroken, "a broken transfer is never a short success")
		}},
		{"a write after the reader closed fails with the reader's error", func(t *testing.T, r *bufPipeReader, w *bufPipeWriter) {
			require.NoError(t, r.CloseWithError(errBroken))
			_, err := w.Write([]byte("x"))
			assert.ErrorIs(t, err, errBroken)
			_, err = r.Read(make([]byte, 1))
			assert.ErrorIs(t, err, io.ErrClosedPipe)
		}},
		{"a write after the writer closed fails", func(t *testing.T, r *bufPipeReader, w *bufPipeWriter) {
			require.NoError(t, w.Close())
			_, err := w.Write([]byte("x"))
			assert.ErrorIs(t, err, io.ErrClosedPipe)
		}},
		{"the first close wins", func(t *testing.T, r *bufPipeReader, w *bufPipeWriter) {
			require.NoError(t, w.CloseWithError(errBroken))
			require.NoError(t, w.Close())
			_, err := r.Read(make([]byte, 1))
			assert.ErrorIs(t, err, errBroken)
		}},
		{"a full pipe blocks the writer until the reader reads", func(t *testing.T, r *bufPipeReader, w *bufPipeWriter) {
			done := make(chan error, 1)
			go func() {
				_, err := w.Write(bytes.Repeat([]byte("a"), 40))
				done <- err
			}()
			assertBlocked(t, done)
			b := make([]byte, 64)
			n, err := r.Read(b)
			require.NoError(t, err)
			assert.Equal(t, 16, n, "the limit")
			got := n
			for got < 40 {
				n, err = r.Read(b)
				require.NoError(t, err)
				got += n
			}
			require.NoError(t, <-done)
		}},
		{"closing the reader releases a blocked writer", func(t *testing.T, r *bufPipeReader, w *bufPipeWriter) {
			done := make(chan error, 1)
			go func() {
				_, err := w.Write(make([]byte, 100))
				done <- err
			}()
			assertBlocked(t, done)
			require.NoError(t, r.Close())
			assert.ErrorIs(t, <-done, io.ErrClosedPipe)
		}},
		{"closing the writer releases a blocked reader", func(t *testing.T, r *bufPipeReader, w *bufPipeWriter) {
			done := make(chan error, 1)
			go func() {
				_, err := r.Read(make([]byte, 1))
				done <- err
			}()
			assertBlocked(t, done)
			require.NoError(t, w.Close())
			assert.ErrorIs(t, <-done, io.EOF)
		}},
		{"an empty read returns at once", func(t *testing.T, r *bufPipeReader, w *bufPipeWriter) {
			n, err := r.Read(nil)
			assert.Zero(t, n)
			assert.NoError(t, err)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, w := newBufPipe(16)
			tt.run(t, r, w)
		})
	}
}

// assertBlocked checks that nothing arrives on done for a while: the
// goroutine that would send on it is waiting.
func assertBlocked(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		t.Fatalf("returned (%v), should wait", err)
	case <-time.After(20 * time.Millisecond):
	}
}

// TestBufPipeModel streams random data through pipes of random limits with
// writes and reads of random sizes, the writer ending cleanly or with an
// error, or the reader giving up, on seeded schedules: the reader gets
// exactly the bytes written, in order, then exactly the writer's end; a
// writer is never left blocked.
func TestBufPipeModel(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 7))
		limit := 1 + rng.IntN(64)
		data := make([]byte, rng.IntN(2000))
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		var end error
		if rng.IntN(3) == 0 {
			end = errBroken
		}
		readerQuitsAt := -1
		if rng.IntN(4) == 0 {
			readerQuitsAt = rng.IntN(len(data) + 1)
		}
		wseed, rseed := rng.Uint64(), rng.Uint64()

		r, w := newBufPipe(limit)
		var wg sync.WaitGroup
		var written int
		var werr error
		wg.Go(func() {
			wr := rand.New(rand.NewPCG(wseed, 1))
			for written < len(data) && werr == nil {
				n := min(len(data)-written, wr.IntN(3*limit+1))
				var m int
				m, werr = w.Write(data[written : written+n])
				written += m
			}
			_ = w.CloseWithError(end)
		})
		var got []byte
		var rerr error
		rr := rand.New(rand.NewPCG(rseed, 2))
		for {
			if readerQuitsAt >= 0 && len(got) >= readerQuitsAt {
				_ = r.Close()
				break
			}
			b := make([]byte, rr.IntN(2*limit+1))
			n, err := r.Read(b)
			got = append(got, b[:n]...)
			if err != nil {
				rerr = err
				break
			}
		}
		wg.Wait()
		require.Equal(t, data[:len(got)], got, "seed %d", seed)
		if readerQuitsAt >= 0 && rerr == nil {
			continue // the reader quit: the writer may have failed
		}
		require.NoError(t, werr, "seed %d", seed)
		require.Len(t, got, len(data), "seed %d", seed)
		if end != nil {
			require.ErrorIs(t, rerr, end, "seed %d", seed)
		} else {
			require.ErrorIs(t, rerr, io.EOF, "seed %d", seed)
		}
	}
}
