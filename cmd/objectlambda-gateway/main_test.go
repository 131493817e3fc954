package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const example = "../../examples/gateway/gateway.yaml"

func TestVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, run([]string{"-version"}, &out, &errOut, nil))
	assert.Regexp(t, `^objectlambda-gateway \S+ \(go1\.\d+`, out.String())
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.yaml")
	data, err := os.ReadFile(example)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(broken, bytes.Replace(data, []byte("InProcess: redact"), []byte("InProcess: redact\n    Timeout: 3s"), 1), 0o600))
	unregistered := filepath.Join(dir, "unregistered.yaml")
	require.NoError(t, os.WriteFile(unregistered, bytes.Replace(data, []byte("InProcess: redact"), []byte("InProcess: thumbnail"), 1), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "callers.yaml"), mustRead(t, "../../examples/gateway/callers.yaml"), 0o600))

	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		status int
		stdout string
		stderr string
	}{
		{name: "the example", args: []string{"-check", "-config", example}, env: storeEnv, status: 0,
			stdout: example + ": OK: 1 access points, 1 functions, 1 stores, 1 callers"},
		{name: "a secret's variable is missing", args: []string{"-check", "-config", example}, status: 1,
			stderr: "Stores[0].Credentials.AccessKeyId: environment variable STORE_ACCESS_KEY_ID is not set"},
		{name: "unknown field, with its line", args: []string{"-check", "-config", broken}, env: storeEnv, status: 1,
			stderr: broken + ": line 34: field Timeout not found in type Function"},
		{name: "an InProcess name this binary lacks", args: []string{"-check", "-config", unregistered}, env: storeEnv, status: 1,
			stderr: `no function "thumbnail" is registered in this binary (registered: decompress, passthrough, redact)`},
		{name: "no such file", args: []string{"-check", "-config", filepath.Join(dir, "nope.yaml")}, status: 1, stderr: "no such file"},
		{name: "bad flag", args: []string{"-chekc"}, status: 2, stderr: "flag provided but not defined"},
		{name: "stray argument", args: []string{"-check", "gateway.yaml"}, status: 2, stderr: "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("STORE_ACCESS_KEY_ID", "")
			os.Unsetenv("STORE_ACCESS_KEY_ID")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var out, errOut bytes.Buffer
			assert.Equal(t, tt.status, run(tt.args, &out, &errOut, nil), "stderr: %s", errOut.String())
			assert.Contains(t, out.String(), tt.stdout)
			assert.Contains(t, errOut.String(), tt.stderr)
			assert.NotContains(t, errOut.String(), "adminsecret")
		})
	}
}

var storeEnv = map[string]string{"STORE_ACCESS_KEY_ID": "admin", "STORE_SECRET_ACCESS_KEY": "adminsecret"}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// testConfig is the example on free ports, with a short readiness delay,
// in front of the store at storeURL.
func testConfig(t *testing.T, storeURL string) string {
	t.Helper()
	dir := t.TempDir()
	doc := strings.NewReplacer(
		"Address: 127.0.0.1:8080", "Address: 127.0.0.1:0",
		"Address: 127.0.0.1:9090", "Address: 127.0.0.1:0",
		"Endpoint: http://127.0.0.1:7070", "Endpoint: "+storeURL,
	).Replace(string(mustRead(t, example)))
	doc += "Shutdown: {ReadinessDelay: 1s, DrainTimeout: 10s}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "gateway.yaml"), []byte(doc), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "callers.yaml"), mustRead(t, "../../examples/gateway/callers.yaml"), 0o600))
	return filepath.Join(dir, "gateway.yaml")
}

// logs collects JSON log lines and finds the listeners in them.
type logs struct {
	mu    sync.Mutex
	lines []map[string]any
	buf   bytes.Buffer
}

func (l *logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadBytes('\n')
		if err != nil {
			l.buf.Write(line)
			return len(p), nil
		}
		var rec map[string]any
		if json.Unmarshal(line, &rec) == nil {
			l.lines = append(l.lines, rec)
		}
	}
}

func (l *logs) find(msg string) map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, rec := range l.lines {
		if rec["msg"] == msg {
			return rec
		}
	}
	return nil
}

func (l *logs) waitFor(t *testing.T, msg string) map[string]any {
	t.Helper()
	var rec map[string]any
	require.Eventually(t, func() bool { rec = l.find(msg); return rec != nil }, 20*time.Second, 5*time.Millisecond, "no %q log line", msg)
	return rec
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// TestServe runs the command in-process over versitygw with the example
// configuration: a redacted object through the access point with the SDK,
// the probes and the metrics, and the drain on SIGTERM.
func TestServe(t *testing.T) {
	st := objectlambdatest.NewStore(t, "us-east-1")
	st.CreateBucket(t, "documents")
	_, err := st.Client().PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("documents"), Key: aws.String("notes.txt"),
		Body: strings.NewReader("write to ana@example.com, card 4111 1111 1111 1111\n"), ContentType: aws.String("text/plain")})
	require.NoError(t, err)
	t.Setenv("STORE_ACCESS_KEY_ID", st.AccessKeyID)
	t.Setenv("STORE_SECRET_ACCESS_KEY", st.SecretAccessKey)
	path := testConfig(t, st.URL)
	var out bytes.Buffer
	var l logs
	signals := make(chan os.Signal, 1)
	status := make(chan int, 1)
	go func() { status <- run([]string{"-config", path}, &out, &l, signals) }()
	rec := l.waitFor(t, "objectlambda-gateway serving")
	url := rec["url"].(string)
	admin := "http://" + rec["admin"].(string)

	code, body := get(t, admin+"/readyz")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "ready\n", body)
	code, _ = get(t, admin+"/healthz")
	assert.Equal(t, http.StatusOK, code)

	c := s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(url), UsePathStyle: true, Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider("AKIAEXAMPLEANALYST01", "exampleAnalystSecretKey0000000000000000", ""),
	})
	got, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("redacted"), Key: aws.String("notes.txt")})
	require.NoError(t, err)
	b, err := io.ReadAll(got.Body)
	require.NoError(t, err)
	require.NoError(t, got.Body.Close())
	assert.Equal(t, "write to [REDACTED], card [REDACTED]\n", string(b))
	head, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("redacted"), Key: aws.String("notes.txt")})
	require.NoError(t, err)
	assert.Equal(t, int64(51), aws.ToInt64(head.ContentLength), "HeadObject is not routed: the store answers")
	stranger := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), UsePathStyle: true, Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(st.AccessKeyID, st.SecretAccessKey, "")})
	_, err = stranger.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("redacted"), Key: aws.String("notes.txt")})
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "InvalidAccessKeyId", ae.ErrorCode(), "the store's own keys are not a caller's")

	code, body = get(t, admin+"/metrics")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `objectlambda_get_requests_total{access_point="redacted",function="redact"} 1`)
	assert.Contains(t, body, `objectlambda_lambda_response_requests_total{access_point="redacted",function="redact"} 1`)
	assert.Contains(t, body, `objectlambda_proxied_requests_total{access_point="redacted",function=""} 1`)

	signals <- syscall.SIGTERM
	l.waitFor(t, "objectlambda-gateway draining")
	code, body = get(t, admin+"/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, code, "readiness fails while draining")
	assert.Equal(t, "draining\n", body)
	assert.Equal(t, 0, <-status)
	assert.NotNil(t, l.find("objectlambda-gateway stopped"))
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, rec := range l.lines {
		b, _ := json.Marshal(rec)
		for _, secret := range []string{st.SecretAccessKey, "exampleAnalystSecretKey", "X-Amz-Signature", "outputToken"} {
			assert.NotContains(t, string(b), secret)
		}
	}
}

// TestSIGTERM builds the binary and stops it with a real SIGTERM.
func TestSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "objectlambda-gateway")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	cmd := exec.Command(bin, "-config", testConfig(t, "http://127.0.0.1:7070"))
	cmd.Env = append(os.Environ(), "STORE_ACCESS_KEY_ID=admin", "STORE_SECRET_ACCESS_KEY=adminsecret")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var l logs
	copied := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			_, _ = l.Write(append(sc.Bytes(), '\n'))
		}
		close(copied)
	}()
	rec := l.waitFor(t, "objectlambda-gateway serving")
	code, _ := get(t, "http://"+rec["admin"].(string)+"/readyz")
	assert.Equal(t, http.StatusOK, code)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	<-copied
	require.NoError(t, cmd.Wait(), "exit status 0 after a graceful drain")
	assert.Equal(t, "terminated", l.find("objectlambda-gateway draining")["signal"])
	assert.NotNil(t, l.find("objectlambda-gateway stopped"))
}
