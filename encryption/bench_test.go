package encryption

import (
	"bytes"
	"context"
	"io"
	"os"
	"runtime"
	"testing"
	"time"
)

// zeroReader yields n zero bytes without allocating.
type sizedReader struct{ n int64 }

func (r *sizedReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), r.n))
	clear(p[:k])
	r.n -= int64(k)
	return k, nil
}

// copyRate measures the baseline: a plain io.Copy of the same number of
// bytes from memory through a 64 KiB buffer.
func copyRate(b *testing.B, size int64) float64 {
	src := bytes.Repeat([]byte{1}, int(size))
	buf := make([]byte, 64<<10)
	_, _ = io.CopyBuffer(io.Discard, struct{ io.Reader }{bytes.NewReader(src)}, buf) // warm up
	start := time.Now()
	_, _ = io.CopyBuffer(io.Discard, struct{ io.Reader }{bytes.NewReader(src)}, buf)
	return float64(size) / time.Since(start).Seconds()
}

func benchRatio(b *testing.B, size int64, elapsed time.Duration) {
	base := copyRate(b, size)
	rate := float64(size) * float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate/1e9, "GB/s")
	b.ReportMetric(rate/base, "x_of_io.Copy")
}

func BenchmarkEncrypt(b *testing.B) {
	kr, _ := NewAESKeyring(seq(1, 32), nil)
	const size = 64 << 20
	buf := make([]byte, 64<<10)
	for _, f := range []Format{FormatV2, FormatV3} {
		b.Run(f.String(), func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				x, err := NewEncryptor(context.Background(), &sizedReader{size}, kr, WithFormat(f))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.CopyBuffer(io.Discard, x, buf); err != nil {
					b.Fatal(err)
				}
			}
			benchRatio(b, size, time.Since(start))
		})
	}
}

func BenchmarkDecrypt(b *testing.B) {
	kr, _ := NewAESKeyring(seq(1, 32), nil)
	const size = 32 << 20
	x, _ := NewEncryptor(context.Background(), &sizedReader{size}, kr)
	body, _ := io.ReadAll(x)
	e, _ := parseEnvelope(x.Metadata())
	buf := make([]byte, 64<<10)
	modes := map[string][]Option{
		"buffered":      {WithMemoryLimit(64 << 20), WithCiphertextLength(size + TagSize)},
		"delayed":       {WithDelayedAuthentication()},
		"spill_to_file": {WithMemoryLimit(1 << 20), WithSpillDir(b.TempDir())},
	}
	for name, opts := range modes {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				d, err := NewDecryptor(context.Background(), bytes.NewReader(body), e, kr, opts...)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.CopyBuffer(io.Discard, d, buf); err != nil {
					b.Fatal(err)
				}
				d.Close()
			}
			benchRatio(b, size, time.Since(start))
		})
	}
}

// BenchmarkMemory256MiB reports heap growth while a 256 MiB object is
// encrypted and then decrypted (default limits: 8 MiB memory, rest spilled).
func BenchmarkMemory256MiB(b *testing.B) {
	kr, _ := NewAESKeyring(seq(1, 32), nil)
	const size = 256 << 20
	dir := b.TempDir()
	buf := make([]byte, 64<<10)
	b.SetBytes(size)
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		x, err := NewEncryptor(context.Background(), &sizedReader{size}, kr)
		if err != nil {
			b.Fatal(err)
		}
		md := x.Metadata()
		e, _ := parseEnvelope(md)
		d, err := NewDecryptor(context.Background(), x, e, kr, WithSpillDir(dir), WithCiphertextLength(size+TagSize))
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.CopyBuffer(io.Discard, d, buf)
		if err != nil || n != size {
			b.Fatal(err, n)
		}
		runtime.ReadMemStats(&after)
		d.Close()
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), "MiB_allocated")
		b.ReportMetric(float64(after.HeapInuse)/(1<<20), "MiB_heap_inuse_end")
		b.ReportMetric(float64(after.HeapSys-before.HeapSys)/(1<<20), "MiB_heap_growth")
	}
}

// BenchmarkSpillFile isolates the cost of authenticating the spill file:
// 32 MiB written in 32 KiB pieces, rewound and read back, through spillFile
// (unlinked, GMAC per 64 KiB chunk) and through a plain temporary file, the
// baseline measured in the same run.
func BenchmarkSpillFile(b *testing.B) {
	const size = 32 << 20
	piece := bytes.Repeat([]byte{7}, 32<<10)
	buf := make([]byte, 64<<10)
	dir := b.TempDir()
	plain := func() (io.Writer, func() (io.Reader, error), func()) {
		f, err := os.CreateTemp(dir, "plain-*")
		if err != nil {
			b.Fatal(err)
		}
		_ = os.Remove(f.Name())
		return f, func() (io.Reader, error) { _, err := f.Seek(0, io.SeekStart); return f, err }, func() { f.Close() }
	}
	authenticated := func() (io.Writer, func() (io.Reader, error), func()) {
		s, err := newSpillFile(dir)
		if err != nil {
			b.Fatal(err)
		}
		w := writerFunc(func(p []byte) (int, error) { return len(p), s.write(p) })
		return w, func() (io.Reader, error) { return s, s.rewind() }, func() { s.Close() }
	}
	run := func(b *testing.B, open func() (io.Writer, func() (io.Reader, error), func())) float64 {
		b.SetBytes(size)
		start := time.Now()
		for b.Loop() {
			w, rewind, done := open()
			for n := 0; n < size; n += len(piece) {
				if _, err := w.Write(piece); err != nil {
					b.Fatal(err)
				}
			}
			r, err := rewind()
			if err != nil {
				b.Fatal(err)
			}
			if n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, buf); err != nil || n != size {
				b.Fatal(n, err)
			}
			done()
		}
		rate := float64(size) * float64(b.N) / time.Since(start).Seconds()
		b.ReportMetric(rate/1e9, "GB/s")
		return rate
	}
	var base float64
	b.Run("plain_file", func(b *testing.B) { base = run(b, plain) })
	b.Run("authenticated", func(b *testing.B) {
		rate := run(b, authenticated)
		if base > 0 {
			b.ReportMetric(rate/base, "x_of_plain_file")
		}
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
