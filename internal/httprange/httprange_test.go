package httprange

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAndResolve(t *testing.T) {
	const size = 100
	tests := []struct {
		header  string
		ignored bool
		unsat   bool
		want    Resolved
	}{
		{header: "bytes=0-9", want: Resolved{0, 9, size}},
		{header: "bytes=10-", want: Resolved{10, 99, size}},
		{header: "bytes=-5", want: Resolved{95, 99, size}},
		{header: "bytes=-500", want: Resolved{0, 99, size}},
		{header: "bytes=90-200", want: Resolved{90, 99, size}},
		{header: "BYTES = 1-1", want: Resolved{1, 1, size}},
		{header: "bytes=99-99", want: Resolved{99, 99, size}},
		{header: "bytes=100-", unsat: true},
		{header: "bytes=100-200", unsat: true},
		{header: "bytes=-0", unsat: true},
		{header: "bytes=5-2", ignored: true},
		{header: "items=0-9", ignored: true},
		{header: "bytes=0-1,3-4", ignored: true},
		{header: "bytes=a-b", ignored: true},
		{header: "bytes=-", ignored: true},
		{header: "bytes=+1-2", ignored: true},
		{header: "bytes=1", ignored: true},
		{header: "garbage", ignored: true},
		{header: "bytes=99999999999999999999-", ignored: true},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			s, err := Parse(tt.header)
			if tt.ignored {
				require.ErrorIs(t, err, ErrIgnored)
				assert.Nil(t, s)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, s)
			r, err := s.Resolve(size)
			if tt.unsat {
				require.ErrorIs(t, err, ErrUnsatisfiable)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, r)
			// The canonical form parses back to the same spec.
			again, err := Parse(s.String())
			require.NoError(t, err)
			assert.Equal(t, *s, *again)
		})
	}
}

func TestEmptyHeaderAndEmptyObject(t *testing.T) {
	s, err := Parse("  ")
	require.NoError(t, err)
	assert.Nil(t, s)

	s, err = Parse("bytes=0-")
	require.NoError(t, err)
	_, err = s.Resolve(0)
	assert.ErrorIs(t, err, ErrUnsatisfiable)
	s, err = Parse("bytes=-3")
	require.NoError(t, err)
	_, err = s.Resolve(0)
	assert.ErrorIs(t, err, ErrUnsatisfiable)
}

func TestContentRange(t *testing.T) {
	r := Resolved{Start: 5, End: 9, Size: 20}
	assert.Equal(t, "bytes 5-9/20", r.ContentRange())
	assert.EqualValues(t, 5, r.Length())
	got, err := ParseContentRange(r.ContentRange())
	require.NoError(t, err)
	assert.Equal(t, r, got)
	got, err = ParseContentRange("bytes 0-0/*")
	require.NoError(t, err)
	assert.EqualValues(t, -1, got.Size)
	for _, bad := range []string{"", "bytes 5-4/10", "bytes 0-10/10", "items 0-1/2", "bytes 0-1", "bytes */10"} {
		_, err := ParseContentRange(bad)
		assert.Error(t, err, bad)
	}
	assert.Equal(t, "bytes */7", UnsatisfiedContentRange(7))
}

func TestParsePartNumber(t *testing.T) {
	tests := []struct {
		in   string
		want int
		bad  bool
	}{
		{"", 0, false}, {"1", 1, false}, {"10000", 10000, false}, {"0", 0, true}, {"-1", 0, true},
		{"10001", 0, true}, {"abc", 0, true}, {"1.5", 0, true}, {"99999999999", 0, true}, {" 1", 0, true},
	}
	for _, tt := range tests {
		got, err := ParsePartNumber(tt.in)
		if tt.bad {
			assert.ErrorIs(t, err, ErrBadPartNumber, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}

func TestPart(t *testing.T) {
	tests := []struct {
		n         int
		ps, size  int64
		want      Resolved
		wantCount int
		unsat     bool
	}{
		{1, 10, 25, Resolved{0, 9, 25}, 3, false},
		{3, 10, 25, Resolved{20, 24, 25}, 3, false},
		{4, 10, 25, Resolved{}, 3, true},
		{1, 10, 10, Resolved{0, 9, 10}, 1, false},
		{1, 10, 0, Resolved{0, -1, 0}, 1, false},
		{2, 10, 0, Resolved{}, 1, true},
	}
	for _, tt := range tests {
		r, count, err := Part(tt.n, tt.ps, tt.size)
		assert.Equal(t, tt.wantCount, count)
		if tt.unsat {
			assert.ErrorIs(t, err, ErrUnsatisfiable)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, r)
	}
	_, _, err := Part(1, 0, 10)
	assert.Error(t, err)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"bytes=0-9", "bytes=-5", "bytes=7-", "bytes=0-1,2-3", "items=1-2", "", "bytes=18446744073709551615-"} {
		f.Add(s, int64(100))
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		s, err := Parse(h)
		if err != nil || s == nil {
			return
		}
		if size < 0 {
			size = -size
			if size < 0 {
				return
			}
		}
		r, err := s.Resolve(size)
		if err != nil {
			return
		}
		if r.Start < 0 || r.End < r.Start || r.End >= size || r.Size != size {
			t.Fatalf("bad resolution %+v of %q for size %d", r, h, size)
		}
		back, err := ParseContentRange(r.ContentRange())
		if err != nil || back != r {
			t.Fatalf("content-range round trip failed for %+v: %v", r, err)
		}
	})
}
