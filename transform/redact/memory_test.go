//go:build !race

// The race detector makes sync.Pool drop items at random, so regexp
// allocates per match under -race; allocation counts are only meaningful
// without it.

package redact

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

func TestMemoryDoesNotGrowWithSize(t *testing.T) {
	r := MustNew(withDetectors("default"), WithPattern(`EMP-[0-9]{6}`))
	small, err := transformtest.StreamAlloc(r, 1<<20)
	require.NoError(t, err)
	large, err := transformtest.StreamAlloc(r, 32<<20)
	require.NoError(t, err)
	assert.Less(t, large, 2*small+(256<<10), "allocations: %d bytes for 1 MiB, %d bytes for 32 MiB", small, large)
}
