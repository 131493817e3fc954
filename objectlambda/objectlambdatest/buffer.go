package objectlambdatest

import (
	"bytes"
	"strings"
	"sync"
)

// Buffer collects output that a function writes while the test reads it: a
// bytes.Buffer safe for concurrent use. Give it to WithFunctionOutput, to a
// slog handler (objectlambda.WithLogger) or to emf.WithWriter, and read it
// at any time. The zero value is ready to use.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Lines returns the complete lines written so far, without their newlines
// (a line still being written is left out, so a JSON line is never seen
// half-written).
func (b *Buffer) Lines() []string {
	s := b.String()
	end := strings.LastIndexByte(s, '\n')
	if end < 0 {
		return nil
	}
	return strings.Split(s[:end], "\n")
}

// Reset discards everything written so far.
func (b *Buffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}
