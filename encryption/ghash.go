package encryption

import (
	"crypto/cipher"
	"encoding/binary"
)

// The standard library has no streaming AES-GCM, so objects larger than
// memory cannot be authenticated with cipher.AEAD.Open. ghashStream computes
// the GCM tag incrementally while keeping the hardware-accelerated GHASH of
// the standard library: sealing an empty message with a chunk as additional
// data yields GHASH(chunk) masked by E(K, J0). GHASH is a polynomial in H, so
// chunk results combine as R = R·H^m ⊕ R_chunk, where m is the chunk length
// in blocks. Only a few software field multiplications per 64 KiB chunk
// remain.

const ghashChunk = 64 << 10

type gf struct{ hi, lo uint64 }

func gfLoad(b []byte) gf { return gf{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:16])} }

func (x gf) xor(y gf) gf { return gf{x.hi ^ y.hi, x.lo ^ y.lo} }

// gfMul multiplies in GF(2^128) with GCM's bit order (NIST SP 800-38D,
// algorithm 1), without secret-dependent branches.
func gfMul(x, y gf) gf {
	var z gf
	v := y
	for i := 0; i < 128; i++ {
		var bit uint64
		if i < 64 {
			bit = (x.hi >> (63 - i)) & 1
		} else {
			bit = (x.lo >> (127 - i)) & 1
		}
		mask := -bit
		z.hi ^= v.hi & mask
		z.lo ^= v.lo & mask
		lsb := v.lo & 1
		v.lo = v.lo>>1 | v.hi<<63
		v.hi = v.hi>>1 ^ (0xE1<<56)&-lsb
	}
	return z
}

func gfPow(h gf, m int) gf {
	r := gf{hi: 1 << 63} // the field's one
	for m > 0 {
		if m&1 == 1 {
			r = gfMul(r, h)
		}
		h = gfMul(h, h)
		m >>= 1
	}
	return r
}

type ghashStream struct {
	aead    cipher.AEAD
	nonce   []byte
	ekj0    gf
	h       gf
	hChunk  gf // H^(ghashChunk/16)
	r       gf
	aadLen  uint64
	ctLen   uint64
	pending []byte
	tagBuf  [16]byte
}

func newGHASHStream(block cipher.Block, nonce, aad []byte) *ghashStream {
	aead, _ := cipher.NewGCM(block) // AES blocks always give a GCM
	var zero, j0 [16]byte
	block.Encrypt(zero[:], zero[:])
	copy(j0[:], nonce)
	j0[15] = 1
	block.Encrypt(j0[:], j0[:])
	g := &ghashStream{aead: aead, nonce: nonce, h: gfLoad(zero[:]), ekj0: gfLoad(j0[:])}
	g.hChunk = gfPow(g.h, ghashChunk/16)
	g.pending = make([]byte, 0, ghashChunk)
	if len(aad) > 0 {
		g.process(aad, g.h) // the power is irrelevant while r is zero
		g.aadLen = uint64(len(aad))
	}
	return g
}

// process folds one segment (padded to whole blocks by GCM) into r; hm must
// be H^(blocks in seg).
func (g *ghashStream) process(seg []byte, hm gf) {
	tag := g.aead.Seal(g.tagBuf[:0], g.nonce, nil, seg)
	y := gfLoad(tag).xor(g.ekj0)
	l := gfMul(gf{hi: uint64(len(seg)) * 8}, g.h)
	g.r = gfMul(g.r, hm).xor(y).xor(l)
}

// Write feeds ciphertext.
func (g *ghashStream) Write(p []byte) {
	g.ctLen += uint64(len(p))
	if len(g.pending) > 0 {
		n := min(len(p), ghashChunk-len(g.pending))
		g.pending = append(g.pending, p[:n]...)
		p = p[n:]
		if len(g.pending) < ghashChunk {
			return
		}
		g.process(g.pending, g.hChunk)
		g.pending = g.pending[:0]
	}
	for len(p) >= ghashChunk {
		g.process(p[:ghashChunk], g.hChunk)
		p = p[ghashChunk:]
	}
	g.pending = append(g.pending, p...)
}

// Sum returns the GCM tag of everything written.
func (g *ghashStream) Sum() [16]byte {
	if len(g.pending) > 0 {
		g.process(g.pending, gfPow(g.h, (len(g.pending)+15)/16))
		g.pending = g.pending[:0]
	}
	s := g.r.xor(gfMul(gf{g.aadLen * 8, g.ctLen * 8}, g.h)).xor(g.ekj0)
	var out [16]byte
	binary.BigEndian.PutUint64(out[:8], s.hi)
	binary.BigEndian.PutUint64(out[8:], s.lo)
	return out
}
