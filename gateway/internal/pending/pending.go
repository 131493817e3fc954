package pending

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// NewToken returns a fresh output token: 256 random bits, hex-encoded.
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// Entry is a GetObject waiting for its WriteGetObjectResponse.
type Entry struct {
	Route       string
	Deadline    time.Time // the end of the request's time limit
	AccessPoint string
	Function    string // the function the event went to
	// AccessKeyID is the key the function must sign with; "" when its
	// signature cannot be checked and the token alone authorizes it.
	AccessKeyID string
	// Deliver hands the call over to the waiting request; unbuffered.
	Deliver chan any
}

// Table holds the outstanding tokens.
type Table struct {
	mu sync.Mutex
	m  map[[32]byte]*Entry
}

// NewTable returns an empty table.
func NewTable() *Table { return &Table{m: map[[32]byte]*Entry{}} }

func digest(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// Add registers token for e.
func (t *Table) Add(token string, e *Entry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.m[digest(token)] = e
}

// Peek returns the entry of token without taking it.
func (t *Table) Peek(token string) (*Entry, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.m[digest(token)]
	return e, ok
}

// Take removes token and returns its entry; of all callers for one token,
// exactly one gets true.
func (t *Table) Take(token string) (*Entry, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := digest(token)
	e, ok := t.m[d]
	delete(t.m, d)
	return e, ok
}

// Len is the number of outstanding tokens.
func (t *Table) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}
