package objectlambdatest

import (
	"errors"
	"fmt"
	"os"
	"sync"
)

// ErrPeerMissing is wrapped by Start's error when versitygw or the RIE is not installed.
var ErrPeerMissing = errors.New("objectlambdatest: peer binary not installed")

// tb is the part of testing.TB the access point uses. New gets a real one;
// Start uses a standalone one that turns failures into errors.
type tb interface {
	Helper()
	Cleanup(func())
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
	TempDir() string
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
	Failed() bool
}

// Start starts an access point outside of a test, for programs such as a
// local demo server: the same as New, but failures are returned as errors
// and Close stops everything.
func Start(opts ...Option) (ap *AccessPoint, err error) {
	s := &standalone{}
	defer func() {
		if v := recover(); v != nil {
			se, ok := v.(startError)
			if !ok {
				panic(v)
			}
			s.runCleanups()
			ap, err = nil, se.err
		}
	}()
	ap = newAccessPoint(s, opts...)
	ap.closer = s.runCleanups
	return ap, nil
}

// Close stops the access point, its function and its store. Access points
// from New are closed by the test's cleanup; calling Close earlier is allowed.
func (ap *AccessPoint) Close() {
	if ap.closer != nil {
		ap.closer()
		return
	}
	ap.close()
}

type startError struct{ err error }

// standalone implements tb for Start.
type standalone struct {
	mu       sync.Mutex
	cleanups []func()
	failed   bool
}

func (s *standalone) Helper() {}

func (s *standalone) Cleanup(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cleanups = append(s.cleanups, f)
}

func (s *standalone) runCleanups() {
	for {
		s.mu.Lock()
		if len(s.cleanups) == 0 {
			s.mu.Unlock()
			return
		}
		f := s.cleanups[len(s.cleanups)-1]
		s.cleanups = s.cleanups[:len(s.cleanups)-1]
		s.mu.Unlock()
		f()
	}
}

func (s *standalone) Fatal(args ...any) { panic(startError{errors.New(fmt.Sprint(args...))}) }

func (s *standalone) Fatalf(format string, args ...any) {
	panic(startError{fmt.Errorf(format, args...)})
}

func (s *standalone) Skipf(format string, args ...any) {
	panic(startError{fmt.Errorf("%w: %s", ErrPeerMissing, fmt.Sprintf(format, args...))})
}

func (s *standalone) TempDir() string {
	dir, err := os.MkdirTemp("", "objectlambdatest-")
	if err != nil {
		s.Fatalf("objectlambdatest: temp dir: %v", err)
	}
	s.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func (s *standalone) Errorf(format string, args ...any) {
	s.mu.Lock()
	s.failed = true
	s.mu.Unlock()
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

func (s *standalone) Logf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

func (s *standalone) Failed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failed
}
