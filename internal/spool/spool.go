// Package spool holds a stream of unknown length so that its length becomes
// known: in memory up to a limit, then in an unlinked temporary file up to a
// cap. The pipeline uses it to answer Range requests on transformed output
// whose length a transform could not state in advance.
package spool

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrTooLarge is returned when the stream exceeds the spool's cap.
var ErrTooLarge = errors.New("spool: stream exceeds the size cap")

// Options configure Buffer.
type Options struct {
	Dir      string // temporary directory; "" means os.TempDir()
	MemLimit int64  // bytes kept in memory before spilling to disk
	MaxBytes int64  // total cap; beyond it Buffer fails with ErrTooLarge
}

// Buffer reads r to EOF and returns a reader over the same bytes and their
// count. Close the reader to release the temporary file. On error nothing is
// left behind.
func Buffer(r io.Reader, o Options) (io.ReadCloser, int64, error) {
	if o.MaxBytes <= 0 {
		return nil, 0, errors.New("spool: MaxBytes must be positive")
	}
	memLimit := min(o.MemLimit, o.MaxBytes)
	var mem bytes.Buffer
	n, err := io.Copy(&mem, io.LimitReader(r, memLimit+1))
	if err != nil {
		return nil, 0, err
	}
	if n <= memLimit {
		return io.NopCloser(bytes.NewReader(mem.Bytes())), n, nil
	}
	f, err := os.CreateTemp(o.Dir, "objectlambda-spool-*")
	if err != nil {
		return nil, 0, fmt.Errorf("spool: %w", err)
	}
	// Unlink at once: the open descriptor keeps the data until Close, and a
	// crash leaves nothing on disk.
	_ = os.Remove(f.Name())
	fail := func(err error) (io.ReadCloser, int64, error) {
		f.Close()
		return nil, 0, err
	}
	if _, err := f.Write(mem.Bytes()); err != nil {
		return fail(fmt.Errorf("spool: %w", err))
	}
	mem = bytes.Buffer{}
	m, err := io.Copy(f, io.LimitReader(r, o.MaxBytes-n+1))
	if err != nil {
		return fail(err)
	}
	total := n + m
	if total > o.MaxBytes {
		return fail(fmt.Errorf("%w (%d bytes)", ErrTooLarge, o.MaxBytes))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(fmt.Errorf("spool: %w", err))
	}
	return f, total, nil
}
