package encryption

import (
	"crypto/aes"
	"crypto/cipher"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The streaming tag must equal the standard library's GCM tag for every
// length and every way of splitting the writes.
func TestGHASHStreamMatchesGCM(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	key := make([]byte, 32)
	nonce := make([]byte, 12)
	for i := range key {
		key[i] = byte(rng.Uint32())
	}
	for i := range nonce {
		nonce[i] = byte(rng.Uint32())
	}
	block, err := aes.NewCipher(key)
	require.NoError(t, err)
	aead, err := cipher.NewGCM(block)
	require.NoError(t, err)
	sizes := []int{0, 1, 15, 16, 17, 100, ghashChunk - 1, ghashChunk, ghashChunk + 1, 3*ghashChunk + 77}
	for _, aad := range [][]byte{nil, {0x00, 0x73}} {
		for _, n := range sizes {
			pt := make([]byte, n)
			for i := range pt {
				pt[i] = byte(rng.Uint32())
			}
			sealed := aead.Seal(nil, nonce, pt, aad)
			ct, want := sealed[:n], sealed[n:]
			for _, step := range []int{1, 7, 4096, ghashChunk + 3, n + 1} {
				if step == 1 && n > 5000 {
					continue
				}
				g := newGHASHStream(block, nonce, aad)
				for off := 0; off < n; off += step {
					g.Write(ct[off:min(off+step, n)])
				}
				got := g.Sum()
				require.Equal(t, want, got[:], "n=%d step=%d aad=%x", n, step, aad)
			}
		}
	}
}
