package objectlambdatest

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// RIE is a bootstrap running under AWS's Lambda Runtime Interface
// Emulator: a server of the Lambda Invoke API on loopback, which runs one
// invocation at a time. Its function is called "function".
type RIE struct {
	// Endpoint is the Invoke API's base URL, e.g. http://127.0.0.1:9000.
	Endpoint string
	proc     *process
}

// Output is what the emulator and the function printed so far (its last
// 64 KiB).
func (r *RIE) Output() string { return r.proc.log.String() }

// StartRIE runs bootstrap (see BuildBootstrap) under the RIE with env
// (KEY=VALUE) added to a minimal environment (PATH, HOME and TMPDIR, and
// placeholder AWS keys and region that env may override), and stops both
// when the test ends. The emulator's output is logged if the test fails.
// When the RIE is not installed the test is skipped, or fails when the CI
// environment variable is set.
func StartRIE(t testing.TB, bootstrap string, env ...string) *RIE {
	t.Helper()
	base := []string{"AWS_ACCESS_KEY_ID=objectlambdatest", "AWS_SECRET_ACCESS_KEY=objectlambdatest", "AWS_REGION=us-east-1"}
	r, err := startRIE(t, bootstrap, append(base, env...), nil)
	if err != nil {
		t.Fatalf("objectlambdatest: %v", err)
	}
	t.Cleanup(func() {
		r.proc.stop()
		if t.Failed() {
			t.Logf("objectlambdatest: aws-lambda-rie output:\n%s", r.Output())
		}
	})
	return r
}

// startRIE starts the emulator with env and copies its output to out
// (when not nil); the caller stops it.
func startRIE(t tb, bootstrap string, env []string, out io.Writer) (*RIE, error) {
	bin := findPeer(t, "aws-lambda-rie", EnvRIE)
	abs, err := filepath.Abs(bootstrap)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	dir := t.TempDir()
	var lastErr error
	for range 3 { // a free port may be taken between probe and use
		invokeAddr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		apiAddr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		cmd := exec.Command(bin, "--runtime-interface-emulator-address", invokeAddr, "--runtime-api-address", apiAddr, abs)
		cmd.Dir = dir
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir}, env...)
		setProcessGroup(cmd)
		p, err := startProcess("aws-lambda-rie", cmd, invokeAddr, out)
		if err != nil {
			lastErr = err
			continue
		}
		return &RIE{Endpoint: "http://" + invokeAddr, proc: p}, nil
	}
	return nil, lastErr
}

// startRIE starts the access point's bootstrap with the environment a
// deployed function would see (Env, then WithFunctionEnv).
func (ap *AccessPoint) startRIE(bootstrap string) (*RIE, error) {
	return startRIE(ap.t, bootstrap, append(ap.Env(), ap.cfg.functionEnv...), ap.cfg.functionOut)
}

// BuildBootstrap builds pkg (a main package, as a path or import path) as a
// Lambda "provided" runtime bootstrap: CGO_ENABLED=0, -tags lambda.norpc.
// It returns the binary's path in a temporary directory.
func BuildBootstrap(t testing.TB, pkg string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("objectlambdatest: go not found: %v", err)
	}
	out := filepath.Join(t.TempDir(), "bootstrap")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "build", "-tags", "lambda.norpc", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("objectlambdatest: go build %s: %v\n%s", pkg, err, b)
	}
	return out
}
