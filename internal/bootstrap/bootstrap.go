// Package bootstrap builds Go main packages as Lambda "provided" runtime
// bootstraps for tests, the way they are deployed: CGO_ENABLED=0 and
// -tags lambda.norpc.
package bootstrap

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Build builds pkg (a main package, as a path or import path) and returns
// the binary's path in a temporary directory of t.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("bootstrap: go not found: %v", err)
	}
	out := filepath.Join(t.TempDir(), "bootstrap")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "build", "-tags", "lambda.norpc", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bootstrap: go build %s: %v\n%s", pkg, err, b)
	}
	return out
}
