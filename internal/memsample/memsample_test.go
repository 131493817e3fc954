package memsample

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSamplerSeesGrowth(t *testing.T) {
	tests := []struct {
		name     string
		allocMiB int
		minMiB   float64
	}{
		{"nothing held", 0, 0},
		{"32 MiB held", 32, 24},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Start()
			held := make([][]byte, tt.allocMiB)
			for i := range held {
				held[i] = make([]byte, 1<<20)
				held[i][0] = 1
			}
			time.Sleep(4 * Interval)
			heap, rss := s.Stop()
			runtime.KeepAlive(held)
			assert.GreaterOrEqual(t, heap, tt.minMiB)
			if tt.allocMiB == 0 {
				assert.Less(t, heap, 8.0, "no growth without allocation")
			}
			if runtime.GOOS == "linux" {
				assert.Positive(t, rss)
			}
			h2, r2 := s.Stop()
			assert.Equal(t, heap, h2, "Stop is idempotent")
			assert.Equal(t, rss, r2)
		})
	}
}

func TestRSS(t *testing.T) {
	if runtime.GOOS != "linux" {
		assert.Zero(t, RSS())
		return
	}
	require.Positive(t, RSS())
}
