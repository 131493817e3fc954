package encryption

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spilledObject returns a 300 kB object that, with a 4 KiB memory limit,
// spills almost entirely to a file in dir.
func spilledObject(t *testing.T) ([]byte, []byte, *Envelope, Keyring) {
	t.Helper()
	kr := testKeyrings(t)["AES/GCM"]
	pt := make([]byte, 300_000)
	_, _ = rand.Read(pt)
	body, e := encryptAll(t, pt, kr)
	return pt, body, e, kr
}

// TestSpillFileUnlinkedAtCreation: Lambda's /tmp survives warm invocations,
// so a spill file must not outlive its decryptor on any path, including a
// body abandoned without Close.
func TestSpillFileUnlinkedAtCreation(t *testing.T) {
	_, body, e, kr := spilledObject(t)
	dir := t.TempDir()
	d, err := NewDecryptor(context.Background(), bytes.NewReader(body), e, kr, WithMemoryLimit(4096), WithSpillDir(dir))
	require.NoError(t, err)
	_, err = io.ReadFull(d, make([]byte, 10))
	require.NoError(t, err)
	require.Positive(t, d.spilled, "the object was spilled")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing in the spill directory while the body is open")
	// The body is abandoned here: no Close, no EOF.
}

// openSpillFile opens the decryptor's spill file a second time, through
// /proc/self/fd, as anyone with the function's user id could, unlinked or not.
func openSpillFile(t *testing.T, dir string) *os.File {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc/self/fd")
	}
	fds, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err != nil || !strings.HasPrefix(target, dir+string(filepath.Separator)) {
			continue
		}
		f, err := os.OpenFile(filepath.Join("/proc/self/fd", fd.Name()), os.O_RDWR, 0)
		require.NoError(t, err)
		return f
	}
	require.FailNow(t, "no open spill file found")
	return nil
}

// TestSpillReadBackAuthenticated: the ciphertext read back from the spill
// file after the tag verified must be what was verified. A byte changed in
// the file in between fails the read instead of changing the plaintext.
func TestSpillReadBackAuthenticated(t *testing.T) {
	for _, tt := range []struct {
		name   string
		tamper func(t *testing.T, f *os.File)
	}{
		{name: "flipped byte", tamper: func(t *testing.T, f *os.File) {
			b := make([]byte, 1)
			_, err := f.ReadAt(b, 100_000)
			require.NoError(t, err)
			b[0] ^= 1
			_, err = f.WriteAt(b, 100_000)
			require.NoError(t, err)
		}},
		{name: "truncated", tamper: func(t *testing.T, f *os.File) { require.NoError(t, f.Truncate(150_000)) }},
		{name: "swapped chunks", tamper: func(t *testing.T, f *os.File) {
			a, b := make([]byte, 1000), make([]byte, 1000)
			_, err := f.ReadAt(a, 0)
			require.NoError(t, err)
			_, err = f.ReadAt(b, 200_000)
			require.NoError(t, err)
			_, err = f.WriteAt(b, 0)
			require.NoError(t, err)
			_, err = f.WriteAt(a, 200_000)
			require.NoError(t, err)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pt, body, e, kr := spilledObject(t)
			dir := t.TempDir()
			d, err := NewDecryptor(context.Background(), bytes.NewReader(body), e, kr, WithMemoryLimit(4096), WithSpillDir(dir))
			require.NoError(t, err)
			defer d.Close()
			first := make([]byte, 10)
			_, err = io.ReadFull(d, first) // ingests and verifies the whole object
			require.NoError(t, err)
			f := openSpillFile(t, dir)
			tt.tamper(t, f)
			require.NoError(t, f.Close())
			rest, err := io.ReadAll(d)
			require.ErrorIs(t, err, ErrAuthentication)
			got := append(first, rest...)
			assert.Equal(t, pt[:len(got)], got, "every byte released is a byte that was authenticated")
		})
	}
}

// closeTracker records whether the reader it wraps was closed.
type closeTracker struct {
	io.Reader
	closed int
}

func (c *closeTracker) Close() error { c.closed++; return nil }

// TestBodiesCloseWhatTheyWrap: closing a decrypting or encrypting reader
// closes the stream under it (an upstream response body), whether or not
// it was read to the end, and only once.
func TestBodiesCloseWhatTheyWrap(t *testing.T) {
	kr := testKeyrings(t)["AES/GCM"]
	pt := bytes.Repeat([]byte("close me "), 1000)
	body, e := encryptAll(t, pt, kr)
	plan, err := planRange(e, int64(len(body)), 10, 20)
	require.NoError(t, err)
	makers := map[string]func(src io.Reader) (io.Reader, error){
		"Decryptor": func(src io.Reader) (io.Reader, error) {
			return NewDecryptor(context.Background(), src, e, kr)
		},
		"Decryptor, delayed": func(src io.Reader) (io.Reader, error) {
			return NewDecryptor(context.Background(), src, e, kr, WithDelayedAuthentication())
		},
		"Encryptor": func(src io.Reader) (io.Reader, error) {
			return NewEncryptor(context.Background(), src, kr)
		},
		"range decryptor": func(src io.Reader) (io.Reader, error) {
			return newRangeDecryptor(context.Background(), src, e, kr, plan, withUnauthenticatedRange())
		},
	}
	for name, mk := range makers {
		for _, readAll := range []bool{false, true} {
			t.Run(name+map[bool]string{false: ", abandoned", true: ", read to the end"}[readAll], func(t *testing.T) {
				in := body
				if name == "Encryptor" {
					in = pt
				} else if name == "range decryptor" {
					in = body[plan.FetchFirst : plan.FetchLast+1]
				}
				src := &closeTracker{Reader: bytes.NewReader(in)}
				r, err := mk(src)
				require.NoError(t, err)
				if readAll {
					_, err = io.ReadAll(r)
					require.NoError(t, err)
				}
				c, ok := r.(io.Closer)
				require.True(t, ok, "%T has a Close method", r)
				require.NoError(t, c.Close())
				require.NoError(t, c.Close())
				assert.Equal(t, 1, src.closed, "the wrapped stream is closed, once")
			})
		}
	}
}
