package spool

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuffer(t *testing.T) {
	tests := []struct {
		name     string
		size     int
		mem, max int64
		tooLarge bool
	}{
		{"empty", 0, 10, 100, false},
		{"in memory", 10, 10, 100, false},
		{"spilled", 50, 10, 100, false},
		{"exactly the cap", 100, 10, 100, false},
		{"over the cap", 101, 10, 100, true},
		{"over the cap in memory", 11, 64, 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := bytes.Repeat([]byte("x"), tt.size)
			rc, n, err := Buffer(iotest.OneByteReader(bytes.NewReader(data)), Options{Dir: t.TempDir(), MemLimit: tt.mem, MaxBytes: tt.max})
			if tt.tooLarge {
				require.ErrorIs(t, err, ErrTooLarge)
				return
			}
			require.NoError(t, err)
			defer rc.Close()
			assert.EqualValues(t, tt.size, n)
			got, err := io.ReadAll(rc)
			require.NoError(t, err)
			assert.Equal(t, data, got)
		})
	}
}

func TestBufferReadError(t *testing.T) {
	boom := errors.New("boom")
	_, _, err := Buffer(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), Options{MemLimit: 1, MaxBytes: 10, Dir: t.TempDir()})
	assert.ErrorIs(t, err, boom)
	_, _, err = Buffer(strings.NewReader("x"), Options{})
	assert.Error(t, err)
}

// TestWindowAndTailMatchSlicing compares Window and Tail with slicing the
// whole stream, over random sizes, windows, limits and read sizes.
func TestWindowAndTailMatchSlicing(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	for i := 0; i < 500; i++ {
		size := rng.IntN(300 << 10)
		data := make([]byte, size)
		for j := range data {
			data[j] = byte(rng.IntN(256))
		}
		o := Options{Dir: t.TempDir(), MemLimit: int64(rng.IntN(200 << 10)), MaxBytes: 1 << 30}
		var src io.Reader = bytes.NewReader(data)
		if rng.IntN(3) == 0 {
			src = iotest.HalfReader(src)
		}
		from := int64(rng.IntN(size + 10))
		limit := int64(rng.IntN(size+10)) - 5
		rc, total, err := Window(src, from, limit, o)
		require.NoError(t, err)
		got, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		want := data[min(int(from), size):]
		if limit >= 0 && int64(len(want)) > limit {
			want = want[:limit]
		}
		require.EqualValues(t, size, total)
		require.Equal(t, want, got, "case %d: size %d from %d limit %d mem %d", i, size, from, limit, o.MemLimit)

		n := int64(rng.IntN(size + 10))
		tailOpts := Options{MemLimit: n, MaxBytes: 1 << 30}
		rc, total, err = Tail(iotest.HalfReader(bytes.NewReader(data)), n, tailOpts)
		require.NoError(t, err)
		got, err = io.ReadAll(rc)
		require.NoError(t, err)
		want = data[max(0, size-int(n)):]
		require.EqualValues(t, size, total)
		require.Equal(t, want, got, "tail case %d: size %d n %d", i, size, n)
	}
}

// TestSpoolMemoryStaysUnderItsLimit: the memory a Spool holds never passes
// MemLimit, however the writes are sized (a doubling buffer would reach
// twice the limit).
func TestSpoolMemoryStaysUnderItsLimit(t *testing.T) {
	const limit = 1<<20 + 123
	s, err := New(Options{Dir: t.TempDir(), MemLimit: limit, MaxBytes: 64 << 20})
	require.NoError(t, err)
	defer s.Close()
	chunk := bytes.Repeat([]byte("m"), 40<<10+7)
	for s.Len() < 8<<20 {
		_, err := s.Write(chunk)
		require.NoError(t, err)
		held := 0
		for _, c := range s.chunks {
			held += cap(c)
		}
		require.LessOrEqual(t, held, limit, "memory held after %d bytes", s.Len())
	}
	require.NotNil(t, s.f, "the rest went to the file")
}

// TestWindowLeavesNoFile: the spill file is unlinked at creation, so the
// directory stays empty while the spool is open and after.
func TestWindowLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	rc, _, err := Window(bytes.NewReader(make([]byte, 1<<20)), 10, -1, Options{Dir: dir, MemLimit: 1024, MaxBytes: 2 << 20})
	require.NoError(t, err)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing visible while open")
	require.NoError(t, rc.Close())
	_, _, err = Window(bytes.NewReader(make([]byte, 3<<20)), 0, -1, Options{Dir: dir, MemLimit: 1024, MaxBytes: 2 << 20})
	require.ErrorIs(t, err, ErrTooLarge)
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func TestTailRefusesMoreThanMemory(t *testing.T) {
	_, _, err := Tail(strings.NewReader("abc"), 10, Options{MemLimit: 5, MaxBytes: 10})
	assert.Error(t, err)
}

func BenchmarkWindow(b *testing.B) {
	data := make([]byte, 64<<20)
	for _, tc := range []struct {
		name        string
		from, limit int64
	}{{"8MiB-slice", 32 << 20, 8 << 20}, {"count-only", 64 << 20, 0}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				rc, _, err := Window(bytes.NewReader(data), tc.from, tc.limit, Options{MemLimit: 8 << 20, MaxBytes: 1 << 30})
				if err != nil {
					b.Fatal(err)
				}
				rc.Close()
			}
		})
	}
}
