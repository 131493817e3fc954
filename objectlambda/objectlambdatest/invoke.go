package objectlambdatest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/objectlambda/sdk-go/internal/bootstrap"
)

// rie is a bootstrap running under AWS's Lambda Runtime Interface
// Emulator, whose Invoke API the gateway calls (one invocation at a time,
// as the emulator runs them).
type rie struct {
	proc   *process
	url    string // the Invoke API's base URL
	logOut func(string)
}

func (ap *AccessPoint) startRIE(bootstrap string) (*rie, error) {
	bin := findPeer(ap.t, "aws-lambda-rie", EnvRIE)
	abs, err := filepath.Abs(bootstrap)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	dir := ap.t.TempDir()
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
		cmd.Env = append(ap.Env(), "PATH="+os.Getenv("PATH"), "HOME="+dir, "TMPDIR="+dir)
		cmd.Env = append(cmd.Env, ap.cfg.functionEnv...)
		setProcessGroup(cmd)
		p, err := startProcess("aws-lambda-rie", cmd, invokeAddr, ap.cfg.functionOut)
		if err != nil {
			lastErr = err
			continue
		}
		return &rie{proc: p, url: "http://" + invokeAddr, logOut: func(s string) {
			if ap.t.Failed() {
				ap.t.Logf("objectlambdatest: aws-lambda-rie output:\n%s", s)
			}
		}}, nil
	}
	return nil, lastErr
}

// close stops the RIE and the function process.
func (f *rie) close() {
	f.proc.stop()
	f.logOut(f.proc.log.String())
}

// BuildBootstrap builds pkg (a main package, as a path or import path) as a
// Lambda "provided" runtime bootstrap: CGO_ENABLED=0, -tags lambda.norpc.
// It returns the binary's path in a temporary directory.
func BuildBootstrap(t testing.TB, pkg string) string {
	t.Helper()
	return bootstrap.Build(t, pkg)
}
