package pending

import (
	"regexp"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok := NewToken()
		require.Regexp(t, regexp.MustCompile(`^[0-9a-f]{64}$`), tok, "256 bits")
		require.False(t, seen[tok])
		seen[tok] = true
	}
}

func TestTakeOnce(t *testing.T) {
	tb := NewTable()
	tok := NewToken()
	e := &Entry{Route: "r"}
	tb.Add(tok, e)
	got, ok := tb.Peek(tok)
	require.True(t, ok)
	assert.Same(t, e, got)
	_, ok = tb.Peek(NewToken())
	assert.False(t, ok)

	var winners atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, ok := tb.Take(tok); ok {
				winners.Add(1)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), winners.Load(), "exactly one taker")
	assert.Zero(t, tb.Len())
	_, ok = tb.Peek(tok)
	assert.False(t, ok, "a taken token is gone")
}
