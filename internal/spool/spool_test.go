package spool

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKeepMatchesSlicing compares KeepRange and KeepTail with slicing the
// whole stream, over random sizes, ranges, budgets and read sizes: what is
// kept is the slice, and what is not kept verifies a second reading of
// exactly the slice.
func TestKeepMatchesSlicing(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	for i := 0; i < 500; i++ {
		size := rng.IntN(300 << 10)
		data := make([]byte, size)
		for j := range data {
			data[j] = byte(rng.IntN(256))
		}
		budget := int64(rng.IntN(200 << 10))
		var src io.Reader = bytes.NewReader(data)
		if rng.IntN(3) == 0 {
			src = iotest.HalfReader(src)
		}
		from := int64(rng.IntN(size + 10))
		limit := int64(rng.IntN(size+10)) - 5
		want := data[min(int(from), size):]
		if limit >= 0 && int64(len(want)) > limit {
			want = want[:limit]
		}

		k, err := KeepRange(src, from, limit, budget)
		require.NoError(t, err)
		require.EqualValues(t, size, k.Total)
		require.Equal(t, int64(len(want)) <= budget, k.Fit(), "case %d", i)
		if k.Fit() {
			got, err := io.ReadAll(k.Reader())
			require.NoError(t, err)
			require.Equal(t, want, got, "case %d: size %d from %d limit %d budget %d", i, size, from, limit, budget)
		} else {
			d, ok := k.Digest()
			require.True(t, ok)
			got, err := io.ReadAll(d.Verify(iotest.HalfReader(bytes.NewReader(want))))
			require.NoError(t, err, "a second reading of the same bytes verifies")
			require.Equal(t, want, got)
		}

		n := int64(rng.IntN(size + 10))
		k, err = KeepTail(iotest.HalfReader(bytes.NewReader(data)), n, budget)
		require.NoError(t, err)
		require.EqualValues(t, size, k.Total)
		require.Equal(t, n <= budget, k.Fit())
		if k.Fit() {
			got, err := io.ReadAll(k.Reader())
			require.NoError(t, err)
			require.Equal(t, data[max(0, size-int(n)):], got, "tail case %d: size %d n %d", i, size, n)
		}
	}
}

// TestVerifyRefusesADifferentSecondReading: a second reading that differs in
// one byte, is shorter or longer never yields the whole range.
func TestVerifyRefusesADifferentSecondReading(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 50_000)
	k, err := KeepRange(bytes.NewReader(data), 1000, 300_000, 1024)
	require.NoError(t, err)
	require.False(t, k.Fit())
	d, ok := k.Digest()
	require.True(t, ok)
	want := data[1000:301_000]

	changed := bytes.Clone(want)
	changed[len(changed)-1] ^= 1
	early := bytes.Clone(changed)
	early[10] ^= 1
	tests := map[string][]byte{
		"last byte differs":  changed,
		"early byte differs": early,
		"shorter":            want[:len(want)-1],
	}
	for name, second := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := io.ReadAll(d.Verify(bytes.NewReader(second)))
			require.ErrorIs(t, err, ErrChanged)
			assert.Less(t, len(got), len(want), "the range never arrives whole")
		})
	}
	t.Run("longer is cut to the range", func(t *testing.T) {
		got, err := io.ReadAll(d.Verify(bytes.NewReader(append(bytes.Clone(want), 'x'))))
		require.NoError(t, err)
		assert.Equal(t, want, got)
	})
	t.Run("a read error passes through", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := io.ReadAll(d.Verify(io.MultiReader(bytes.NewReader(want[:10]), iotest.ErrReader(boom))))
		require.ErrorIs(t, err, boom)
	})
}

// TestKeptMemoryStaysUnderTheBudget: the kept bytes never take more than the
// budget rounded up to a chunk, however the writes are sized (a doubling
// buffer would reach twice the budget).
func TestKeptMemoryStaysUnderTheBudget(t *testing.T) {
	const budget = 1<<20 + 123
	k, err := KeepRange(iotest.HalfReader(bytes.NewReader(make([]byte, budget))), 0, -1, budget)
	require.NoError(t, err)
	require.True(t, k.Fit())
	held := 0
	for _, c := range k.chunks {
		held += cap(c)
	}
	assert.LessOrEqual(t, held, budget+chunkSize)
}

func TestKeepReadError(t *testing.T) {
	boom := errors.New("boom")
	_, err := KeepRange(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), 0, -1, 10)
	assert.ErrorIs(t, err, boom)
	_, err = KeepTail(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), 2, 10)
	assert.ErrorIs(t, err, boom)
	_, err = KeepTail(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), 20, 10)
	assert.ErrorIs(t, err, boom)
}

func BenchmarkKeepRange(b *testing.B) {
	data := make([]byte, 64<<20)
	for _, tc := range []struct {
		name                string
		from, limit, budget int64
	}{
		{"8MiB-kept", 32 << 20, 8 << 20, 8 << 20},
		{"8MiB-digest", 32 << 20, 8 << 20, 1 << 20},
		{"count-only", 64 << 20, 0, 1 << 20},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := KeepRange(bytes.NewReader(data), tc.from, tc.limit, tc.budget); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
