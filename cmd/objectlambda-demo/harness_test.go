package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/klauspost/compress/gzip"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/redact"
	"github.com/stretchr/testify/require"
)

// This file is the harness of the real-client suite (clients_test.go): the
// demo built and run as a user runs it, over versitygw, with fixtures and
// the bytes each function must produce for them.

const (
	suiteBucket = "clients"
	// bigSize is over the 8 MiB multipart threshold of the AWS CLI, boto3
	// and the Go transfer managers, so that they download in ranges.
	bigSize = 9 << 20
)

// kind is an example function as the demo runs it. What it does to each
// fixture's length follows from the bytes it must produce (expect).
type kind struct {
	name       string
	args       []string // demo flags
	headRouted bool     // HeadObject goes through the function
	partNumber bool     // AllowedFeatures has GetObject-PartNumber
	expect     func(t testing.TB, f fixture) []byte
}

const sameLengthPayload = `{"detectors": ["email", "card", "phone", "ssn"], "mask": "same_length"}`

var kinds = []kind{
	{name: "passthrough", args: []string{"-function", "passthrough"}, headRouted: true, partNumber: true, expect: unchanged},
	{name: "redact-fixed", args: []string{"-function", "redact"},
		expect: redacted(`{"detectors": ["email", "card", "phone", "ssn"], "mask": "fixed"}`)},
	{name: "redact-same-length", args: []string{"-function", "redact", "-payload", sameLengthPayload}, expect: redacted(sameLengthPayload)},
	{name: "decompress", args: []string{"-function", "decompress"}, expect: decompressed},
}

// fixture is an object in the store.
type fixture struct {
	key, contentType, encoding, tagging string
	body                                []byte
	gz                                  bool
	plain                               []byte // the gzip fixtures' content
}

func fixtures() map[string]fixture {
	var big bytes.Buffer
	for i := 0; big.Len() < bigSize; i++ {
		fmt.Fprintf(&big, "row %d: contact ana.%d@example.com, card 4111 1111 1111 1111, phone +1 415 555 %04d, SSN 078-05-1120\n", i, i, i%10000)
	}
	small := []byte("Invoice 2026-118 for ana@example.com, card 4111 1111 1111 1111.\nQuestions? billing@example.org\n")
	csv := []byte("timestamp,level,message\n2026-11-28T01:00:00Z,INFO,started by ops@example.com\n2026-11-28T01:00:01Z,WARN,disk at 91%\n")
	fs := []fixture{
		{key: "small.txt", contentType: "text/plain", body: small, tagging: "team=blue"},
		{key: "big.txt", contentType: "text/plain", body: big.Bytes()},
		{key: "logs.csv.gz", contentType: "text/csv", encoding: "gzip", body: gzipped(csv), gz: true, plain: csv},
		{key: "sync/a.txt", contentType: "text/plain", body: []byte("a: write to bo@example.net\n")},
		{key: "sync/b.csv.gz", contentType: "text/csv", encoding: "gzip", body: gzipped(csv), gz: true, plain: csv},
	}
	m := map[string]fixture{}
	for _, f := range fs {
		m[f.key] = f
	}
	return m
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

func unchanged(_ testing.TB, f fixture) []byte { return f.body }

func decompressed(_ testing.TB, f fixture) []byte {
	if f.gz {
		return f.plain
	}
	return f.body
}

// redacted returns what the redact example serves with payload: computed
// here with package redact directly, not through the access point.
func redacted(payload string) func(t testing.TB, f fixture) []byte {
	return func(t testing.TB, f fixture) []byte {
		t.Helper()
		cfg := redact.Config{}
		require.NoError(t, json.Unmarshal([]byte(payload), &cfg))
		cfg.ContentTypes = []string{"text/*", "application/json", "+json", "application/x-ndjson", "application/csv"}
		r, err := redact.FromConfig(cfg)
		require.NoError(t, err)
		h := http.Header{"Content-Type": {f.contentType}}
		if f.encoding != "" {
			h.Set("Content-Encoding", f.encoding)
		}
		out, err := transform.Run(context.Background(), r, &transform.Object{Body: bytes.NewReader(f.body), Header: h,
			Length: int64(len(f.body)), Request: &transform.Request{Operation: "GetObject", Key: f.key}})
		require.NoError(t, err)
		b, err := io.ReadAll(out.Body)
		require.NoError(t, err)
		return b
	}
}

// suiteStore is versitygw with the fixtures, shared by the suite's tests.
type suiteStore struct {
	*objectlambdatest.Store
	fixtures map[string]fixture
}

func newSuiteStore(t testing.TB) *suiteStore {
	t.Helper()
	st := objectlambdatest.NewStore(t, "us-east-1")
	st.CreateBucket(t, suiteBucket)
	s := &suiteStore{Store: st, fixtures: fixtures()}
	ctx := context.Background()
	for _, f := range s.fixtures {
		in := &s3.PutObjectInput{Bucket: aws.String(suiteBucket), Key: aws.String(f.key), Body: bytes.NewReader(f.body), ContentType: aws.String(f.contentType)}
		if f.encoding != "" {
			in.ContentEncoding = aws.String(f.encoding)
		}
		if f.tagging != "" {
			in.Tagging = aws.String(f.tagging)
		}
		_, err := st.Client().PutObject(ctx, in)
		require.NoError(t, err)
	}
	return s
}

// demoBinary builds the demo once per test binary.
var demoBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "objectlambda-demo-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "objectlambda-demo")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// demo is the demo running as its own process, as `go run
// ./cmd/objectlambda-demo -endpoint ...` runs it.
type demo struct {
	url, key, secret, region string
	cmd                      *exec.Cmd
	log                      *objectlambdatest.Buffer // its stderr (request log with -v)
}

var (
	exportLine   = regexp.MustCompile(`export AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+) AWS_REGION=(\S+)`)
	endpointLine = regexp.MustCompile(`--endpoint-url (http://\S+)`)
)

// startDemo runs the demo over st with args, and stops it when t ends.
func startDemo(t testing.TB, st *suiteStore, args ...string) *demo {
	t.Helper()
	return startDemoEnv(t, st, nil, args...)
}

// startDemoEnv is startDemo with more environment variables.
func startDemoEnv(t testing.TB, st *suiteStore, env []string, args ...string) *demo {
	t.Helper()
	bin, err := demoBinary()
	require.NoError(t, err)
	args = append([]string{"-endpoint", st.URL, "-access-key", st.AccessKeyID, "-secret-key", st.SecretAccessKey,
		"-bucket", suiteBucket, "-v"}, args...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	d := &demo{cmd: cmd, log: &objectlambdatest.Buffer{}}
	cmd.Stderr = d.log
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("demo log (last lines):\n%s", tail(d.log.String(), 40))
		}
	})
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	timeout := time.After(30 * time.Second)
	for d.url == "" || d.key == "" {
		select {
		case l, ok := <-lines:
			require.True(t, ok, "the demo exited early:\n%s", d.log.String())
			if m := exportLine.FindStringSubmatch(l); m != nil {
				d.key, d.secret, d.region = m[1], m[2], m[3]
			}
			if m := endpointLine.FindStringSubmatch(l); m != nil {
				d.url = m[1]
			}
		case <-timeout:
			t.Fatalf("the demo printed no endpoint in 30 s:\n%s", d.log.String())
		}
	}
	go func() {
		for range lines { // keep the pipe drained
		}
	}()
	return d
}

// goClient is an aws-sdk-go-v2 client of the demo's caller, with the SDK's
// default retries, as applications use it.
func (d *demo) goClient() *s3.Client {
	return s3.New(s3.Options{
		Region: d.region, BaseEndpoint: aws.String(d.url), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(d.key, d.secret, ""),
	})
}

// count returns how many request log lines of the demo match all of parts.
func (d *demo) count(parts ...string) int {
	n := 0
	for _, l := range d.log.Lines() {
		all := strings.Contains(l, "objectlambda request")
		for _, p := range parts {
			all = all && strings.Contains(l, p)
		}
		if all {
			n++
		}
	}
	return n
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
