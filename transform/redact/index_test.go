package redact

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

// TestIndexDenseSparse builds the index of the same windows with and
// without the maps of upper-case letters and card separators (build picks
// one by the density of digits) and requires the same candidates: near
// misses, prose and logs, and digit-dense prose.
func TestIndexDenseSparse(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	inputs := map[string][]byte{
		"near misses": nearMisses(rng, 64<<10),
		"text":        transformtest.Text(64<<10, true),
		"logs":        transformtest.Logs(64<<10, 4),
		"digit text":  bytes.ReplaceAll(transformtest.Text(64<<10, true), []byte("e"), []byte("4 ")),
	}
	const all = 1<<kindCard | 1<<kindSSN | 1<<kindPhone | 1<<kindIBAN | 1<<kindSecret
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			for _, want := range []kinds{all, 1 << kindCard, 1 << kindIBAN} {
				for off := 0; off < len(in); off += 8<<10 + 13 { // windows at every alignment
					w := in[off:min(len(in), off+16<<10)]
					dense, sparse := text{want: want}, text{want: want}
					dense.reset(w)
					dense.mapDigits()
					dense.index(true)
					sparse.reset(w)
					sparse.mapDigits()
					sparse.index(false)
					require.Equal(t, dense.cands, sparse.cands, "window at %d", off)
				}
			}
		})
	}
}
