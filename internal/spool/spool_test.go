package spool

import (
	"bytes"
	"errors"
	"io"
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
