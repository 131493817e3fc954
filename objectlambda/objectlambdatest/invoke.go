package objectlambdatest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// FunctionError is a function's failure as the Lambda service reports it.
type FunctionError struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
}

func (e *FunctionError) Error() string { return "function error " + e.Type + ": " + e.Message }

type invoker interface {
	invoke(ctx context.Context, payload []byte) ([]byte, error)
}

type invokeResult struct {
	out []byte
	err error
}

// invoke runs the function in the background; the result arrives on the
// returned channel. The access point waits for it at cleanup.
// The function's context ends at deadline (its time limit), or when the
// function returns, never when the client's request ends: as on Lambda, the
// function may go on after its WriteGetObjectResponse.
func (ap *AccessPoint) invoke(rt *route, payload []byte, reqID string, deadline time.Time) (context.Context, <-chan invokeResult) {
	res := make(chan invokeResult, 1)
	ap.inflight.enter(true) // started by a request that is already counted
	ctx, cancel := context.WithDeadline(ap.ctx, deadline)
	fctx := lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: reqID, InvokedFunctionArn: ap.functionARN(rt.name)})
	go func() {
		defer ap.inflight.leave()
		defer cancel()
		var ir invokeResult
		func() {
			defer func() {
				if v := recover(); v != nil {
					ir = invokeResult{err: &FunctionError{Type: "Runtime.Panic", Message: fmt.Sprint(v)}}
				}
			}()
			ir.out, ir.err = rt.fn.invoke(fctx, payload)
		}()
		res <- ir
	}()
	return ctx, res
}

type inProcess struct{ f Function }

func (p inProcess) invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return p.f.Invoke(ctx, payload)
}

// rie runs a bootstrap under AWS's Lambda Runtime Interface Emulator. The RIE
// runs one invocation at a time.
type rie struct {
	proc   *process
	url    string
	hc     *http.Client
	mu     sync.Mutex
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
	for range 3 {
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
		return &rie{proc: p, url: "http://" + invokeAddr + "/2015-03-31/functions/function/invocations", hc: &http.Client{}, logOut: func(s string) {
			if ap.t.Failed() {
				ap.t.Logf("objectlambdatest: aws-lambda-rie output:\n%s", s)
			}
		}}, nil
	}
	return nil, lastErr
}

func (f *rie) invoke(ctx context.Context, payload []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	resp, err := f.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("invoke through the RIE: %w", err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 6<<20+1))
	if err != nil {
		return nil, fmt.Errorf("invoke through the RIE: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &FunctionError{Type: "RIE", Message: fmt.Sprintf("HTTP %d", resp.StatusCode)}
	}
	// The RIE reports function errors as 200 with errorMessage/errorType.
	var fe struct {
		Type    *string `json:"errorType"`
		Message *string `json:"errorMessage"`
	}
	if json.Unmarshal(out, &fe) == nil && (fe.Type != nil || fe.Message != nil) {
		e := &FunctionError{}
		if fe.Type != nil {
			e.Type = *fe.Type
		}
		if fe.Message != nil {
			e.Message = *fe.Message
		}
		return nil, e
	}
	return out, nil
}

// Close stops the RIE and the function process.
func (f *rie) Close() error {
	f.proc.stop()
	f.hc.CloseIdleConnections()
	f.logOut(f.proc.log.String())
	return nil
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
