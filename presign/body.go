package presign

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// crc64NVME is the bit-reversed CRC-64/NVME polynomial, as hash/crc64 wants it.
const crc64NVME = 0x9a6c9329ac4bc9b5

// errStall and errBodyClosed are context causes; they never leave the package
// unwrapped.
var (
	errStall         = errors.New("presign: upstream stalled")
	errHeaderTimeout = errors.New("presign: timeout awaiting response headers")
	errBodyClosed    = errors.New("presign: body closed")
)

type checksum struct {
	header string // e.g. x-amz-checksum-crc32c
	h      hash.Hash
	want   []byte
}

// checksumHeaders lists the full-object checksum headers S3 may send, with a
// constructor for the matching hash.
var checksumHeaders = []struct {
	name string
	new  func() hash.Hash
}{
	{"X-Amz-Checksum-Crc32", func() hash.Hash { return crc32.NewIEEE() }},
	{"X-Amz-Checksum-Crc32c", func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) }},
	{"X-Amz-Checksum-Crc64nvme", func() hash.Hash { return crc64.New(crc64.MakeTable(crc64NVME)) }},
	{"X-Amz-Checksum-Sha1", sha1.New},
	{"X-Amz-Checksum-Sha256", sha256.New},
}

// checksumsFrom returns the verifiable full-object checksums declared in h.
// Composite (multipart "-N") values and x-amz-checksum-type: COMPOSITE are
// skipped because they cannot be checked from the object bytes alone; so are
// values that are not valid base64 of the right length.
func checksumsFrom(h http.Header) []checksum {
	if strings.EqualFold(strings.TrimSpace(h.Get("X-Amz-Checksum-Type")), "COMPOSITE") {
		return nil
	}
	var out []checksum
	for _, c := range checksumHeaders {
		v := strings.TrimSpace(h.Get(c.name))
		if v == "" || isComposite(v) {
			continue
		}
		want, err := base64.StdEncoding.DecodeString(v)
		hh := c.new()
		if err != nil || len(want) != hh.Size() {
			continue
		}
		out = append(out, checksum{header: strings.ToLower(c.name), h: hh, want: want})
	}
	return out
}

func isComposite(v string) bool {
	i := strings.LastIndexByte(v, '-')
	if i < 0 || i == len(v)-1 {
		return false
	}
	_, err := strconv.Atoi(v[i+1:])
	return err == nil
}

// contentRangeLength returns the length of "bytes a-b/total" (b-a+1), or -1.
func contentRangeLength(v string) int64 {
	v, ok := strings.CutPrefix(strings.TrimSpace(v), "bytes ")
	if !ok {
		return -1
	}
	r, _, ok := strings.Cut(v, "/")
	if !ok {
		return -1
	}
	a, b, ok := strings.Cut(r, "-")
	if !ok {
		return -1
	}
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || first < 0 || last < first {
		return -1
	}
	return last - first + 1
}

// body is the integrity-checking reader handed out as Response.Body. Read is
// not safe for concurrent use (like any io.Reader); Close may be called from
// another goroutine to abort a blocked Read.
type body struct {
	rc      io.ReadCloser
	want    int64 // declared length, -1 if unknown
	n       int64
	sums    []checksum
	parent  context.Context // the caller's context
	attempt context.Context // parent + header/stall timers, cancelled on Close
	cancel  context.CancelCauseFunc
	stall   time.Duration
	timer   *time.Timer
	err     error // sticky; only Read touches it
	closed  atomic.Bool
	total   atomic.Int64 // copy of n for Close's log record (Close may race with Read)
	clean   atomic.Bool  // reached a verified EOF

	logger *slog.Logger
	host   string
	start  time.Time
}

func newBody(parent, attempt context.Context, cancel context.CancelCauseFunc, rc io.ReadCloser, want int64, sums []checksum, stall time.Duration) *body {
	b := &body{rc: rc, want: want, sums: sums, parent: parent, attempt: attempt, cancel: cancel, stall: stall}
	if stall > 0 {
		b.timer = time.AfterFunc(stall, func() { cancel(errStall) })
		b.timer.Stop()
	}
	return b
}

func (b *body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.closed.Load() {
		return 0, errBodyClosed
	}
	if len(p) == 0 {
		return 0, nil
	}
	if b.want >= 0 && b.n == b.want && len(p) > 1 {
		// Everything declared has arrived: probe with a small buffer so an
		// overlong body is noticed without consuming much of it.
		p = p[:1]
	}
	if b.timer != nil {
		b.timer.Reset(b.stall)
	}
	n, err := b.rc.Read(p)
	if b.timer != nil {
		b.timer.Stop()
	}
	if b.want >= 0 && b.n+int64(n) > b.want {
		keep := int(b.want - b.n)
		b.feed(p[:keep])
		b.n = b.want
		b.err = internal(fmt.Errorf("%w: more than the %d bytes declared", ErrOverlong, b.want),
			"the original object was longer than S3 declared")
		return keep, b.err
	}
	b.feed(p[:n])
	b.n += int64(n)
	b.total.Store(b.n)
	switch {
	case err == nil:
		return n, nil
	case errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF):
		if b.want >= 0 && b.n < b.want {
			b.err = unavailable(fmt.Errorf("%w: %d of %d bytes: %w", ErrTruncated, b.n, b.want, io.ErrUnexpectedEOF),
				"the connection to S3 ended before the whole object arrived")
			return n, b.err
		}
		if err := b.verify(); err != nil {
			b.err = err
			return n, b.err
		}
		b.err = io.EOF
		b.clean.Store(true)
		return n, io.EOF
	default:
		b.err = b.classify(err)
		return n, b.err
	}
}

func (b *body) feed(p []byte) {
	for i := range b.sums {
		b.sums[i].h.Write(p)
	}
}

func (b *body) verify() error {
	for _, s := range b.sums {
		if got := s.h.Sum(nil); !bytes.Equal(got, s.want) {
			return internal(fmt.Errorf("%w: %s", ErrChecksumMismatch, s.header),
				"the original object did not match the checksum S3 declared")
		}
	}
	return nil
}

// classify turns a transport read error into the package's errors.
func (b *body) classify(err error) error {
	if b.closed.Load() {
		return errBodyClosed
	}
	if perr := b.parent.Err(); perr != nil {
		if errors.Is(perr, context.DeadlineExceeded) {
			return fmt.Errorf("presign: reading body: %w: %w", ErrUpstreamTimeout, perr)
		}
		return fmt.Errorf("presign: reading body: %w", perr)
	}
	if errors.Is(context.Cause(b.attempt), errStall) {
		return unavailable(fmt.Errorf("%w: no data for %s", ErrUpstreamTimeout, b.stall),
			"S3 stopped sending the original object")
	}
	return unavailable(fmt.Errorf("%w after %d bytes: %w", ErrTruncated, b.n, err),
		"the connection to S3 broke while the original object was being read")
}

func (b *body) Close() error {
	if b.closed.Swap(true) {
		return nil
	}
	if b.timer != nil {
		b.timer.Stop()
	}
	err := b.rc.Close()
	b.cancel(errBodyClosed)
	if b.logger != nil {
		b.logger.LogAttrs(context.Background(), slog.LevelDebug, "presign body closed",
			slog.String("host", b.host), slog.Int64("bytes", b.total.Load()),
			slog.Bool("complete", b.clean.Load()), slog.Duration("duration", time.Since(b.start)))
	}
	return err
}
