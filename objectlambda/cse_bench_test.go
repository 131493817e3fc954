package objectlambda

import "testing"

// BenchmarkCSEGet measures a whole GetObject through the harness (TLS
// upstream, signed WGOR) with and without decryption of the same plaintext
// size, and reports decryption's cost as a ratio to the plain passthrough.
func BenchmarkCSEGet(b *testing.B) {
	const size = 8 << 20
	kr := aesKeyring(b, 1, "a")
	plain := csePlaintext(size)
	body, hdr := seal(b, kr, plain)

	run := func(b *testing.B, opts []Option, stored string, hdr map[string]string) float64 {
		hs, h := newHarness(b, opts...)
		hs.put("obj", stored, hdr)
		ev := hs.event("obj")
		b.SetBytes(size)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := h.Invoke(b.Context(), ev); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		return perOp
	}
	var base float64
	b.Run("plain", func(b *testing.B) { base = run(b, nil, string(plain), nil) })
	b.Run("decrypt", func(b *testing.B) {
		ns := run(b, []Option{WithDecryption(kr)}, body, hdr)
		if base > 0 {
			b.ReportMetric(ns/base, "x-plain")
		}
	})
	b.Run("decrypt+encrypt", func(b *testing.B) {
		ns := run(b, []Option{WithDecryption(kr), WithEncryption(aesKeyring(b, 2, "b"))}, body, hdr)
		if base > 0 {
			b.ReportMetric(ns/base, "x-plain")
		}
	})
}
