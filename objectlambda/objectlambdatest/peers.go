package objectlambdatest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"
)

// Environment variables that point at the peer binaries.
const (
	EnvVersityGW = "OBJECTLAMBDATEST_VERSITYGW"
	EnvRIE       = "OBJECTLAMBDATEST_RIE"
)

const installHint = "run scripts/install-peers.sh from the repository root (installs versitygw v1.8.0 and aws-lambda-rie into .peers/bin)"

// findPeer locates an external binary: env var, then <module root>/.peers/bin, then PATH.
// When missing it skips the test, or fails it when CI is set.
func findPeer(t tb, name, env string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("objectlambdatest: %s=%s: %v", env, p, err)
		}
		return p
	}
	if root, ok := moduleRoot(); ok {
		p := filepath.Join(root, ".peers", "bin", name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("objectlambdatest: %s not found (set %s, or %s)", name, env, installHint)
	}
	t.Skipf("objectlambdatest: %s not found: %s, or set %s", name, installHint, env)
	return ""
}

// moduleRoot walks up from the working directory to the nearest go.mod.
func moduleRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// freeAddr returns a 127.0.0.1 address that was free a moment ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	return addr, l.Close()
}

// waitPort waits until addr accepts TCP connections, the process exits, or timeout.
func waitPort(addr string, exited <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			return c.Close()
		}
		select {
		case <-exited:
			return errors.New("process exited before listening")
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing listening on %s after %v", addr, timeout)
		}
	}
}

// logBuffer keeps the last bytes a peer process printed, to show when a test fails.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

const maxPeerLog = 64 << 10

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if b.buf.Len() > 2*maxPeerLog {
		tail := append([]byte(nil), b.buf.Bytes()[b.buf.Len()-maxPeerLog:]...)
		b.buf.Reset()
		b.buf.Write(tail)
	}
	return len(p), nil
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// ignoreErrors keeps a failing writer from stopping the copy of a peer's
// output (a peer blocks once its output pipe is full).
type ignoreErrors struct{ w io.Writer }

func (i ignoreErrors) Write(p []byte) (int, error) {
	_, _ = i.w.Write(p)
	return len(p), nil
}

// process is an external peer started for one test.
type process struct {
	name   string
	cmd    *exec.Cmd
	log    *logBuffer
	exited chan struct{}
	err    error
}

// startProcess starts cmd and waits until addr accepts connections. The
// process is killed and reaped by stop. Its output is kept for failure
// reports and, when tee is not nil, copied to tee too.
func startProcess(name string, cmd *exec.Cmd, addr string, tee io.Writer) (*process, error) {
	p := &process{name: name, cmd: cmd, log: &logBuffer{}, exited: make(chan struct{})}
	var out io.Writer = p.log
	if tee != nil {
		out = io.MultiWriter(p.log, ignoreErrors{tee})
	}
	cmd.Stdout, cmd.Stderr = out, out // one writer: exec calls it from one goroutine
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	if err := waitPort(addr, p.exited, 20*time.Second); err != nil {
		p.stop()
		return nil, fmt.Errorf("%s: %w\n%s", name, err, p.log.String())
	}
	return p, nil
}

// stop kills the process (and, for the RIE, its function child, which shares
// the process group) and waits for it.
func (p *process) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	killGroup(p.cmd)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
	}
}
