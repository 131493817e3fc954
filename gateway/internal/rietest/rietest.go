//go:build unix

// Package rietest starts AWS's Lambda Runtime Interface Emulator (RIE) on
// loopback for tests: a real server of the Lambda Invoke API, running a
// real bootstrap binary, at http://127.0.0.1:PORT.
//
// The RIE binary is found through OBJECTLAMBDATEST_RIE, then
// <module root>/.peers/bin/aws-lambda-rie (scripts/install-peers.sh puts it
// there), then PATH. When it is missing the test is skipped, or fails when
// the CI environment variable is set.
package rietest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// EnvRIE names the environment variable that points at the RIE binary.
const EnvRIE = "OBJECTLAMBDATEST_RIE"

// RIE is a running emulator with one function.
type RIE struct {
	// Endpoint is the Invoke API's base URL; the function's name is
	// "function".
	Endpoint string
	out      *syncBuffer
}

// Output is what the emulator and the function printed so far.
func (r *RIE) Output() string { return r.out.String() }

// Start runs bootstrap under the RIE with env (KEY=VALUE) added to a
// minimal environment, and stops both when the test ends.
func Start(t testing.TB, bootstrap string, env ...string) *RIE {
	t.Helper()
	bin := find(t)
	dir := t.TempDir()
	var lastErr error
	for range 3 { // a free port may be taken between probe and use
		invokeAddr, err1 := freeAddr()
		apiAddr, err2 := freeAddr()
		if err := errors.Join(err1, err2); err != nil {
			t.Fatalf("rietest: %v", err)
		}
		out := &syncBuffer{}
		cmd := exec.Command(bin, "--runtime-interface-emulator-address", invokeAddr, "--runtime-api-address", apiAddr, bootstrap)
		cmd.Dir = dir
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir,
			"AWS_ACCESS_KEY_ID=rietest", "AWS_SECRET_ACCESS_KEY=rietest", "AWS_REGION=us-east-1"}, env...)
		cmd.Stdout, cmd.Stderr = out, out
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			t.Fatalf("rietest: start %s: %v", bin, err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		stop := func() {
			// The group id is the pid of the leader we started: only that group.
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		if err := waitPort(invokeAddr, exited); err != nil {
			stop()
			lastErr = fmt.Errorf("%w\n%s", err, out.String())
			continue
		}
		r := &RIE{Endpoint: "http://" + invokeAddr, out: out}
		t.Cleanup(func() {
			stop()
			if t.Failed() {
				t.Logf("rietest: emulator output:\n%s", out.String())
			}
		})
		return r
	}
	t.Fatalf("rietest: %v", lastErr)
	return nil
}

func find(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(EnvRIE); p != "" {
		return p
	}
	if dir, err := os.Getwd(); err == nil {
		for {
			p := filepath.Join(dir, ".peers", "bin", "aws-lambda-rie")
			if _, err := os.Stat(p); err == nil {
				return p
			}
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		return p
	}
	const hint = "run scripts/install-peers.sh, or set " + EnvRIE
	if os.Getenv("CI") != "" {
		t.Fatalf("rietest: aws-lambda-rie not found: %s", hint)
	}
	t.Skipf("rietest: aws-lambda-rie not found: %s", hint)
	return ""
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	return addr, l.Close()
}

func waitPort(addr string, exited <-chan struct{}) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			return c.Close()
		}
		select {
		case <-exited:
			return errors.New("rietest: the emulator exited before listening")
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("rietest: nothing listening on %s after 20s", addr)
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
