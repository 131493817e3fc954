package encryption

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// checkPolicy applies the opt-ins before any key is touched.
func checkPolicy(e *Envelope, c *config) error {
	if e == nil {
		return fmt.Errorf("%w: nil envelope", ErrMalformedEnvelope)
	}
	if c.requireCommit && e.Format != FormatV3 {
		return fmt.Errorf("%w: object is format %s", ErrCommitmentRequired, e.Format)
	}
	if e.Format == FormatV1 && !c.legacyWrapping {
		return fmt.Errorf("%w: format V1 needs WithLegacyWrapping", ErrLegacyNotAllowed)
	}
	if e.Wrap.isLegacy() && !c.legacyWrapping {
		return fmt.Errorf("%w: wrap algorithm %s needs WithLegacyWrapping", ErrLegacyNotAllowed, e.Wrap)
	}
	switch e.Content {
	case ContentAESCBC:
		if !c.legacyContent {
			return fmt.Errorf("%w: %s is unauthenticated and needs WithLegacyUnauthenticatedModes", ErrLegacyNotAllowed, e.Content)
		}
	case ContentAESGCM:
		if e.Format != FormatV2 {
			return fmt.Errorf("%w: %s in format %s", ErrUnsupportedFormat, e.Content, e.Format)
		}
	case ContentCommitting:
		if e.Format != FormatV3 {
			return fmt.Errorf("%w: %s in format %s", ErrUnsupportedFormat, e.Content, e.Format)
		}
	default:
		return fmt.Errorf("%w: content algorithm %q", ErrUnsupportedFormat, clip(string(e.Content)))
	}
	return checkShape(e)
}

// checkShape re-validates sizes, so that hand-built envelopes cannot make
// the standard library panic (it panics on a wrong GCM nonce length).
func checkShape(e *Envelope) error {
	if len(e.EncryptedKey) == 0 {
		return fmt.Errorf("%w: no wrapped key", ErrMalformedEnvelope)
	}
	switch e.Content {
	case ContentAESGCM:
		if len(e.IV) != gcmIVSize {
			return fmt.Errorf("%w: IV must be %d bytes, got %d", ErrMalformedEnvelope, gcmIVSize, len(e.IV))
		}
	case ContentAESCBC:
		if len(e.IV) != cbcIVSize {
			return fmt.Errorf("%w: IV must be %d bytes, got %d", ErrMalformedEnvelope, cbcIVSize, len(e.IV))
		}
	case ContentCommitting:
		if len(e.MessageID) != messageIDSize || len(e.KeyCommitment) != commitmentSize {
			return fmt.Errorf("%w: message ID and commitment must be %d bytes", ErrMalformedEnvelope, messageIDSize)
		}
	}
	return nil
}

// contentKey unwraps the data key and returns the AES block for the content
// plus the GCM nonce and AAD. Key slices are overwritten before returning;
// the AES key schedule inside the block cannot be (a Go limitation).
func contentKey(ctx context.Context, e *Envelope, kr Keyring) (cipher.Block, []byte, []byte, error) {
	if kr == nil {
		return nil, nil, nil, ErrNoKeyring
	}
	dk, err := kr.UnwrapKey(ctx, e)
	if err != nil {
		return nil, nil, nil, err
	}
	defer clear(dk)
	if len(dk) != DataKeySize {
		return nil, nil, nil, fmt.Errorf("%w: keyring returned %d-byte data key", ErrInvalidKey, len(dk))
	}
	key := dk
	nonce, aad := e.IV, []byte(nil)
	if e.Format == FormatV3 {
		dek, err := deriveV3(dk, e.MessageID, e.KeyCommitment)
		if err != nil {
			return nil, nil, nil, err
		}
		defer clear(dek)
		key = dek
		nonce = bytes.Repeat([]byte{0x01}, gcmIVSize)
		aad = []byte{0x00, 0x73}
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	return block, nonce, aad, nil
}

// ctrIV returns the AES-CTR counter block for GCM plaintext block j.
func ctrIV(nonce []byte, j uint64) []byte {
	iv := make([]byte, 16)
	copy(iv, nonce)
	binary.BigEndian.PutUint32(iv[12:], uint32(2+j))
	return iv
}

// Decryptor is an io.ReadCloser of plaintext. By default it releases no
// byte before the whole object is authenticated: the ciphertext is buffered
// in memory, then in a temporary file, up to the configured limits. The file
// is unlinked when it is created and authenticated again, chunk by chunk,
// when it is read back. Close releases it and closes the ciphertext reader.
type Decryptor struct {
	src      io.Reader
	c        *config
	env      *Envelope
	ptLen    int64 // announced plaintext length, -1 while unknown
	hinted   bool  // ptLen is the metadata's hint: check it at EOF
	ptOut    int64 // plaintext bytes released
	ctr      cipher.Stream
	cbc      cipher.BlockMode
	gh       *ghashStream
	split    *tailSplitter
	released io.Reader // buffered mode, after the tag verified
	mem      []byte
	spill    *spillFile
	spilled  int64
	read     int64 // ciphertext bytes consumed
	out      []byte
	cbcDone  bool
	closed   bool
	err      error
}

// NewDecryptor returns a reader of the plaintext of the client-side encrypted
// body ciphertext described by e, unwrapping the data key with kr.
//
// Options read: WithMemoryLimit, WithSpillLimit, WithSpillDir,
// WithDelayedAuthentication, WithLegacyUnauthenticatedModes,
// WithLegacyWrapping, WithRequireCommitment, WithCiphertextLength.
//
// Policy checks run before the keyring is called. The key commitment of
// format V3 is checked here; a bad tag surfaces as ErrAuthentication from
// Read. Close closes the ciphertext reader if it is an io.Closer.
func NewDecryptor(ctx context.Context, ciphertext io.Reader, e *Envelope, kr Keyring, opts ...Option) (*Decryptor, error) {
	c := newConfig(opts)
	if err := checkPolicy(e, c); err != nil {
		return nil, err
	}
	d := &Decryptor{src: ciphertext, c: c, env: e, ptLen: -1}
	if err := d.computeLength(); err != nil {
		return nil, err
	}
	block, nonce, aad, err := contentKey(ctx, e, kr)
	if err != nil {
		return nil, err
	}
	if e.Content == ContentAESCBC {
		d.cbc = cipher.NewCBCDecrypter(block, e.IV)
		d.split = newTailSplitter(ciphertext, 16, 16)
		return d, nil
	}
	d.ctr = cipher.NewCTR(block, ctrIV(nonce, 0))
	d.gh = newGHASHStream(block, nonce, aad)
	if !c.delayedAuth && d.ptLen > 0 {
		d.mem = make([]byte, 0, min(d.ptLen, c.memLimit))
	}
	d.split = newTailSplitter(ciphertext, TagSize, 1)
	return d, nil
}

// computeLength decides the plaintext length announced up front. It comes
// from the stored (ciphertext) length, which the decryptor checks against
// the bytes it counts, never from x-amz-unencrypted-content-length alone:
// that metadata is not authenticated. For CBC, whose padding is only known
// at the end, the hint is used when it agrees with the stored length, and
// checked at EOF.
func (d *Decryptor) computeLength() error {
	e, c := d.env, d.c
	if e.Content == ContentAESCBC {
		if c.ctLen >= 0 && (c.ctLen%16 != 0 || c.ctLen == 0) {
			return fmt.Errorf("%w: CBC body length %d is not a positive multiple of 16", ErrMalformedEnvelope, c.ctLen)
		}
		if h := e.PlaintextLen; c.ctLen >= 0 && h >= 0 && h/16*16+16 == c.ctLen {
			d.ptLen, d.hinted = h, true
		}
		return nil
	}
	if c.ctLen < 0 {
		return nil // counted while reading
	}
	if c.ctLen < TagSize {
		return fmt.Errorf("%w: body of %d bytes is shorter than the GCM tag", ErrMalformedEnvelope, c.ctLen)
	}
	d.ptLen = c.ctLen - TagSize
	if d.ptLen > maxGCMPlaintext {
		return fmt.Errorf("%w: larger than the GCM limit", ErrTooLarge)
	}
	if !c.delayedAuth && d.ptLen > c.memLimit+c.spillLimit {
		return fmt.Errorf("%w: %d bytes exceed memory limit %d plus spill limit %d", ErrTooLarge, d.ptLen, c.memLimit, c.spillLimit)
	}
	return nil
}

// PlaintextLength returns the plaintext length once it is known from data
// the decryptor checks: up front from WithCiphertextLength (GCM: minus the
// 16-byte tag; a body of another length then fails with ErrAuthentication),
// after the first Read in the default authenticated mode (the whole object
// has been read and authenticated), or at io.EOF (counted). The
// unauthenticated x-amz-unencrypted-content-length is never enough on its
// own; for legacy CBC it is used when it agrees with WithCiphertextLength,
// and a plaintext of another length then fails at the end.
func (d *Decryptor) PlaintextLength() (int64, bool) { return d.ptLen, d.ptLen >= 0 }

// Read implements io.Reader.
func (d *Decryptor) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	var n int
	var err error
	switch {
	case d.cbc != nil:
		n, err = d.readCBC(p)
	case d.c.delayedAuth:
		n, err = d.readDelayed(p)
	default:
		n, err = d.readBuffered(p)
	}
	n, err = d.count(n, err)
	if err != nil {
		d.err = err
		if !errors.Is(err, io.EOF) {
			d.cleanup()
		}
	}
	return n, err
}

// count tracks the plaintext released, holds a hinted length to its word
// and makes the length known at EOF.
func (d *Decryptor) count(n int, err error) (int, error) {
	if d.hinted && (d.ptOut+int64(n) > d.ptLen || err == io.EOF && d.ptOut+int64(n) != d.ptLen) {
		return 0, fmt.Errorf("%w: plaintext length differs from %s", ErrAuthentication, keyPlaintextLen)
	}
	d.ptOut += int64(n)
	if err == io.EOF {
		d.ptLen = d.ptOut
	}
	return n, err
}

func (d *Decryptor) checkCount(final bool) error {
	if d.c.ctLen >= 0 && (d.read > d.c.ctLen || final && d.read != d.c.ctLen) {
		return fmt.Errorf("%w: body length differs from the declared %d bytes", ErrAuthentication, d.c.ctLen)
	}
	if d.cbc == nil && d.read-TagSize > maxGCMPlaintext {
		return fmt.Errorf("%w: larger than the GCM limit", ErrTooLarge)
	}
	return nil
}

func (d *Decryptor) verifyTag() error {
	tag := d.split.tail()
	if len(tag) != TagSize {
		return fmt.Errorf("%w: body shorter than the GCM tag", ErrAuthentication)
	}
	sum := d.gh.Sum()
	if subtle.ConstantTimeCompare(sum[:], tag) != 1 {
		return fmt.Errorf("%w: GCM tag mismatch (object altered or wrong key)", ErrAuthentication)
	}
	return nil
}

func (d *Decryptor) readDelayed(p []byte) (int, error) {
	for {
		ct, n, err := d.split.next(len(p))
		d.read += int64(n)
		if cerr := d.checkCount(false); cerr != nil {
			return 0, cerr
		}
		if len(ct) > 0 {
			d.gh.Write(ct)
			d.ctr.XORKeyStream(p[:len(ct)], ct)
			return len(ct), nil
		}
		if err == io.EOF {
			if cerr := d.checkCount(true); cerr != nil {
				return 0, cerr
			}
			if verr := d.verifyTag(); verr != nil {
				return 0, verr
			}
			return 0, io.EOF
		}
		if err != nil {
			return 0, fmt.Errorf("encryption: reading ciphertext: %w", err)
		}
	}
}

func (d *Decryptor) readBuffered(p []byte) (int, error) {
	if d.released == nil {
		if err := d.ingest(); err != nil {
			return 0, err
		}
	}
	n, err := d.released.Read(p)
	d.ctr.XORKeyStream(p[:n], p[:n])
	if err == io.EOF {
		d.cleanup()
	}
	return n, err
}

// ingest reads the whole body, buffering ciphertext and hashing it, then
// checks the tag.
func (d *Decryptor) ingest() error {
	for {
		ct, n, err := d.split.next(ghashChunk)
		d.read += int64(n)
		if cerr := d.checkCount(false); cerr != nil {
			return cerr
		}
		if len(ct) > 0 {
			d.gh.Write(ct)
			if serr := d.store(ct); serr != nil {
				return serr
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("encryption: reading ciphertext: %w", err)
		}
	}
	if err := d.checkCount(true); err != nil {
		return err
	}
	if err := d.verifyTag(); err != nil {
		return err
	}
	d.ptLen = d.read - TagSize
	d.released = bytes.NewReader(d.mem)
	if d.spill != nil {
		if err := d.spill.rewind(); err != nil {
			return err
		}
		d.released = io.MultiReader(d.released, d.spill)
	}
	return nil
}

func (d *Decryptor) store(ct []byte) error {
	if room := d.c.memLimit - int64(len(d.mem)); d.spill == nil && room > 0 {
		k := int(min(room, int64(len(ct))))
		if len(d.mem)+k > cap(d.mem) {
			nc := min(max(2*cap(d.mem), 64<<10, len(d.mem)+k), int(d.c.memLimit))
			m := make([]byte, len(d.mem), nc)
			copy(m, d.mem)
			d.mem = m
		}
		d.mem = append(d.mem, ct[:k]...)
		ct = ct[k:]
	}
	if len(ct) == 0 {
		return nil
	}
	if d.spilled+int64(len(ct)) > d.c.spillLimit {
		return fmt.Errorf("%w: more than %d bytes in memory plus %d in the spill file; raise WithSpillLimit or use WithDelayedAuthentication", ErrTooLarge, d.c.memLimit, d.c.spillLimit)
	}
	if d.spill == nil {
		f, err := newSpillFile(d.c.spillDir)
		if err != nil {
			return err
		}
		d.spill = f
	}
	if err := d.spill.write(ct); err != nil {
		return err
	}
	d.spilled += int64(len(ct))
	return nil
}

// readCBC decrypts legacy AES-CBC as it streams (unauthenticated: only
// reachable with WithLegacyUnauthenticatedModes).
func (d *Decryptor) readCBC(p []byte) (int, error) {
	for {
		if len(d.out) > 0 {
			n := copy(p, d.out)
			d.out = d.out[n:]
			return n, nil
		}
		ct, n, err := d.split.next(max(len(p), 16))
		d.read += int64(n)
		if cerr := d.checkCount(false); cerr != nil {
			return 0, cerr
		}
		if len(ct) > 0 {
			d.cbc.CryptBlocks(ct, ct)
			d.out = ct
			continue
		}
		if err == io.EOF {
			if d.cbcDone {
				return 0, io.EOF
			}
			if cerr := d.checkCount(true); cerr != nil {
				return 0, cerr
			}
			last := d.split.tail()
			if len(last) != 16 {
				return 0, fmt.Errorf("%w: CBC body is not a multiple of 16 bytes", ErrMalformedEnvelope)
			}
			d.cbc.CryptBlocks(last, last)
			pt, perr := pkcs7Unpad(last)
			if perr != nil {
				return 0, fmt.Errorf("%w: bad CBC padding (object altered or wrong key)", ErrAuthentication)
			}
			if len(pt) == 0 {
				return 0, io.EOF
			}
			d.out = pt
			d.cbcDone = true
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("encryption: reading ciphertext: %w", err)
		}
	}
}

func (d *Decryptor) cleanup() {
	if d.spill != nil {
		_ = d.spill.Close() // unlinked already: closing frees the space
		d.spill = nil
	}
	d.mem = nil
	d.released = nil
	clear(d.out)
	d.out = nil
}

// Close releases the spill file and buffers and closes the ciphertext
// reader if it is an io.Closer (only the first Close does). Further Reads
// fail.
func (d *Decryptor) Close() error {
	d.cleanup()
	if d.err == nil {
		d.err = errors.New("encryption: read after Close")
	}
	return closeOnce(&d.closed, d.src)
}

// closeOnce closes r if it is an io.Closer and *done is not yet set.
func closeOnce(done *bool, r io.Reader) error {
	if *done {
		return nil
	}
	*done = true
	if c, ok := r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// tailSplitter reads a stream and hands out its bytes except the last
// `hold`, in pieces that are multiples of `align`.
type tailSplitter struct {
	r     io.Reader
	hold  int
	align int
	buf   []byte
	out   []byte
	tl    int // bytes kept at buf[:tl]
	eof   bool
}

func newTailSplitter(r io.Reader, hold, align int) *tailSplitter {
	return &tailSplitter{r: r, hold: hold, align: align}
}

// next reads up to max new bytes and returns the bytes now known not to be
// in the tail (valid until the next call), how many bytes were read, and
// io.EOF once the input is exhausted (then tail() holds the remainder).
func (s *tailSplitter) next(max int) ([]byte, int, error) {
	if s.eof {
		return nil, 0, io.EOF
	}
	head := s.hold + s.align
	if need := head + max; cap(s.buf) < need {
		nb := make([]byte, need)
		copy(nb, s.buf[:s.tl])
		s.buf = nb
	}
	s.buf = s.buf[:cap(s.buf)]
	n, err := s.r.Read(s.buf[s.tl : s.tl+max])
	total := s.tl + n
	emit := 0
	if total > s.hold {
		emit = (total - s.hold) / s.align * s.align
	}
	var out []byte
	if emit > 0 {
		if cap(s.out) < emit {
			s.out = make([]byte, max+s.align)
		}
		out = s.out[:emit]
		copy(out, s.buf[:emit])
		s.tl = copy(s.buf, s.buf[emit:total])
	} else {
		s.tl = total
	}
	if err == io.EOF {
		s.eof = true
		if len(out) > 0 {
			return out, n, nil // report EOF on the next call
		}
	}
	return out, n, err
}

func (s *tailSplitter) tail() []byte { return s.buf[:s.tl] }
