package encryption

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// spillChunk is the unit in which the spill file is authenticated.
const spillChunk = 64 << 10

// spillFile keeps the ciphertext that does not fit in memory while the
// decryptor waits for the GCM tag. The file lives in /tmp, outside the
// process, and is read back after the tag verified, so what is read back is
// checked again: every chunk gets a GMAC tag (AES-GCM with the chunk as
// additional data) under a one-off random key, with the chunk's index as
// nonce, and the tags stay in memory (16 bytes per 64 KiB). A changed,
// reordered, shortened or extended file fails the read with
// ErrAuthentication instead of changing the plaintext.
//
// The file is unlinked as soon as it is created: the open descriptor keeps
// the data until Close, and no path (a failed later stage, an abandoned
// body, a crash) can leave it behind.
type spillFile struct {
	f     *os.File
	mac   cipher.AEAD
	tags  []byte // TagSize per chunk, in order
	buf   []byte // the chunk being written, then the chunk being read
	size  int64  // bytes written
	left  int64  // bytes still to read back
	chunk int    // index of the next chunk to read back
	out   []byte // verified bytes of the current chunk not yet read
	iv    [12]byte
	tag   [TagSize]byte
}

func newSpillFile(dir string) (*spillFile, error) {
	f, err := os.CreateTemp(dir, "objectlambda-cse-*")
	if err != nil {
		return nil, fmt.Errorf("encryption: creating spill file: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("encryption: unlinking spill file: %w", err)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails
	block, _ := aes.NewCipher(key)
	clear(key)
	mac, _ := cipher.NewGCM(block) // cannot fail for AES
	return &spillFile{f: f, mac: mac, buf: make([]byte, 0, spillChunk)}, nil
}

func (s *spillFile) nonce(i int) []byte {
	binary.BigEndian.PutUint64(s.iv[4:], uint64(i))
	return s.iv[:]
}

// write appends p, a chunk at a time.
func (s *spillFile) write(p []byte) error {
	for len(p) > 0 {
		k := copy(s.buf[len(s.buf):spillChunk], p)
		s.buf = s.buf[:len(s.buf)+k]
		p = p[k:]
		s.size += int64(k)
		if len(s.buf) == spillChunk {
			if err := s.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *spillFile) flush() error {
	if len(s.buf) == 0 {
		return nil
	}
	// Seal into a fixed buffer: appending to s.tags directly would make GCM
	// reallocate the whole slice for every chunk.
	s.tags = append(s.tags, s.mac.Seal(s.tag[:0], s.nonce(len(s.tags)/TagSize), nil, s.buf)...)
	_, err := s.f.Write(s.buf)
	s.buf = s.buf[:0]
	if err != nil {
		return fmt.Errorf("encryption: writing spill file: %w", err)
	}
	return nil
}

// rewind ends writing; reads then start from the first byte.
func (s *spillFile) rewind() error {
	if err := s.flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("encryption: rewinding spill file: %w", err)
	}
	s.left, s.chunk = s.size, 0
	return nil
}

// Read returns verified bytes only.
func (s *spillFile) Read(p []byte) (int, error) {
	if len(s.out) == 0 {
		if s.left == 0 {
			return 0, io.EOF
		}
		if err := s.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, s.out)
	s.out = s.out[n:]
	return n, nil
}

func (s *spillFile) next() error {
	n := int(min(s.left, spillChunk))
	buf := s.buf[:n]
	if _, err := io.ReadFull(s.f, buf); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w: the spill file was shortened after the object was authenticated", ErrAuthentication)
		}
		return fmt.Errorf("encryption: reading spill file: %w", err)
	}
	i := s.chunk
	if _, err := s.mac.Open(nil, s.nonce(i), s.tags[i*TagSize:(i+1)*TagSize], buf); err != nil {
		return fmt.Errorf("%w: the spill file changed after the object was authenticated", ErrAuthentication)
	}
	s.chunk++
	s.left -= int64(n)
	s.out = buf
	return nil
}

func (s *spillFile) Close() error { return s.f.Close() }
