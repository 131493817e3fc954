package encryption

import (
	"context"
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
)

// Ranged decryption is not part of the API: objectlambda never serves a
// Range from ciphertext (decryption is not range-safe, so the whole object is
// decrypted, authenticated and sliced), and a plaintext range decrypted with
// AES-CTR is never authenticated. The code and its tests stay for the day an
// opt-in needs it.

var (
	// errUnauthenticatedRange: a ranged read was requested without the
	// withUnauthenticatedRange opt-in.
	errUnauthenticatedRange = errors.New("encryption: ranged reads are unauthenticated and not enabled")
	// errInvalidRange: the requested plaintext range cannot be served.
	errInvalidRange = errors.New("encryption: invalid range")
)

// rangePlan maps a plaintext byte range of a GCM-encrypted object to the
// ciphertext range to fetch. GCM encrypts plaintext block j with the counter
// IV || 2+j, so any block-aligned slice can be decrypted with AES-CTR.
type rangePlan struct {
	First, Last           int64 // plaintext bytes served, inclusive
	FetchFirst, FetchLast int64 // ciphertext bytes to fetch, inclusive
	PlaintextLen          int64
}

// planRange plans a ranged read. objectLen is the stored (ciphertext)
// length; first and last are inclusive plaintext offsets, already resolved
// by the caller's Range parser against PlaintextLen = objectLen-16 (last is
// clamped to the end). The tag is never fetched.
func planRange(e *Envelope, objectLen, first, last int64) (rangePlan, error) {
	if e == nil || (e.Content != ContentAESGCM && e.Content != ContentCommitting) {
		return rangePlan{}, fmt.Errorf("%w: ranged reads need AES-GCM content", ErrUnsupportedFormat)
	}
	p := objectLen - TagSize
	if p < 0 {
		return rangePlan{}, fmt.Errorf("%w: object shorter than the GCM tag", ErrMalformedEnvelope)
	}
	last = min(last, p-1)
	if first < 0 || first > last {
		return rangePlan{}, fmt.Errorf("%w: bytes %d-%d of %d", errInvalidRange, first, last, p)
	}
	return rangePlan{First: first, Last: last, FetchFirst: first / 16 * 16, FetchLast: last, PlaintextLen: p}, nil
}

// Length is the number of plaintext bytes served.
func (r rangePlan) Length() int64 { return r.Last - r.First + 1 }

// FetchRange is the Range header value for the ciphertext fetch.
func (r rangePlan) FetchRange() string { return fmt.Sprintf("bytes=%d-%d", r.FetchFirst, r.FetchLast) }

// ContentRange is the Content-Range header value of the plaintext answer.
func (r rangePlan) ContentRange() string {
	return fmt.Sprintf("bytes %d-%d/%d", r.First, r.Last, r.PlaintextLen)
}

type rangeReader struct {
	body   io.Reader
	r      io.Reader
	left   int64 // ciphertext bytes still expected
	ctr    cipher.Stream
	skip   int64
	closed bool
}

// Close closes the ciphertext body if it is an io.Closer.
func (r *rangeReader) Close() error { return closeOnce(&r.closed, r.body) }

// newRangeDecryptor decrypts the ciphertext bytes plan.FetchFirst..FetchLast
// (body) and returns plan.Length() plaintext bytes. The result is NOT
// authenticated, so it needs withUnauthenticatedRange. Options read:
// withUnauthenticatedRange, WithLegacyWrapping, WithRequireCommitment. The
// V3 key commitment is still checked. Close closes body if it is an
// io.Closer.
func newRangeDecryptor(ctx context.Context, body io.Reader, e *Envelope, kr Keyring, plan rangePlan, opts ...Option) (io.ReadCloser, error) {
	c := newConfig(opts)
	if !c.unauthRange {
		return nil, errUnauthenticatedRange
	}
	if err := checkPolicy(e, c); err != nil {
		return nil, err
	}
	if e.Content == ContentAESCBC {
		return nil, fmt.Errorf("%w: ranged reads of AES/CBC objects", ErrUnsupportedFormat)
	}
	if plan.FetchFirst%16 != 0 || plan.First < plan.FetchFirst || plan.Last < plan.First || plan.FetchLast != plan.Last {
		return nil, fmt.Errorf("%w: inconsistent range plan", errInvalidRange)
	}
	block, nonce, _, err := contentKey(ctx, e, kr)
	if err != nil {
		return nil, err
	}
	rr := &rangeReader{
		body: body,
		r:    io.LimitReader(body, plan.FetchLast-plan.FetchFirst+1),
		left: plan.FetchLast - plan.FetchFirst + 1,
		ctr:  cipher.NewCTR(block, ctrIV(nonce, uint64(plan.FetchFirst/16))),
		skip: plan.First - plan.FetchFirst,
	}
	return rr, nil
}

func (r *rangeReader) Read(p []byte) (int, error) {
	for {
		n, err := r.r.Read(p)
		r.left -= int64(n)
		if err == io.EOF && r.left > 0 {
			err = fmt.Errorf("encryption: ranged body ended early: %w", io.ErrUnexpectedEOF)
		}
		r.ctr.XORKeyStream(p[:n], p[:n])
		if r.skip > 0 {
			k := int(min(r.skip, int64(n)))
			r.skip -= int64(k)
			n = copy(p, p[k:n])
			if n == 0 && err == nil {
				continue
			}
		}
		return n, err
	}
}
