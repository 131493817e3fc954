package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tool is a real S3 client installed on this machine.
type tool struct {
	name    string // e.g. "aws-cli/2.9.19", "boto3 1.26.27 (/usr/bin/python3)", "rclone"
	path    string
	version string
}

// need fails the test under CI when a required client is missing (CI
// installs them: scripts/install-clients.sh), and skips it elsewhere.
func need(t *testing.T, what string, found bool) {
	t.Helper()
	if found {
		return
	}
	msg := what + " is not installed (bash scripts/install-clients.sh installs the suite's clients)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

var awsVersion = regexp.MustCompile(`aws-cli/(\d+)\.\S+`)

// awsCLIs finds the AWS CLIs: the one on PATH and Debian's, one per major
// version (v1 is the Python package, v2 Debian's awscli).
func awsCLIs() []tool {
	var out []tool
	seen := map[string]bool{}
	for _, cand := range []string{"aws", "/usr/bin/aws", "/usr/local/bin/aws"} {
		p, err := exec.LookPath(cand)
		if err != nil {
			continue
		}
		v, err := exec.Command(p, "--version").CombinedOutput()
		if err != nil {
			continue
		}
		m := awsVersion.FindStringSubmatch(string(v))
		if m == nil || seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		out = append(out, tool{name: m[0], path: p, version: m[1]})
	}
	return out
}

// pythonsWithBoto3 finds the Python interpreters that import boto3.
func pythonsWithBoto3() []tool {
	var out []tool
	seen := map[string]bool{}
	for _, cand := range []string{"python3", "/usr/bin/python3"} {
		p, err := exec.LookPath(cand)
		if err != nil {
			continue
		}
		v, err := exec.Command(p, "-c", "import boto3, sys; print(boto3.__version__, sys.executable)").Output()
		if err != nil {
			continue
		}
		f := strings.Fields(string(v))
		if len(f) != 2 || seen[f[1]] {
			continue
		}
		seen[f[1]] = true
		out = append(out, tool{name: "boto3 " + f[0] + " (" + f[1] + ")", path: p, version: f[0]})
	}
	return out
}

func lookTool(name string) (tool, bool) {
	p, err := exec.LookPath(name)
	return tool{name: name, path: p}, err == nil
}

// result is what a client command did.
type result struct {
	code           int // exit status; -1 when it could not run
	stdout, stderr string
}

func (r result) String() string {
	return "exit " + strconv.Itoa(r.code) + "\nstdout: " + tail(r.stdout, 20) + "\nstderr: " + tail(r.stderr, 20)
}

// clientEnv is the environment of every client command: this process's,
// minus anything that configures AWS tools, rclone or proxies (the machine
// may set AWS_CA_BUNDLE, which the Go SDK under rclone refuses over plain
// HTTP), plus the demo caller's keys and config files in dir.
func clientEnv(d *demo, dir string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		uk := strings.ToUpper(k)
		if strings.HasPrefix(uk, "AWS_") || strings.HasPrefix(uk, "RCLONE_") || strings.HasSuffix(uk, "_PROXY") || uk == "S3CMD_CONFIG" {
			continue
		}
		env = append(env, kv)
	}
	empty := filepath.Join(dir, "empty")
	_ = os.WriteFile(empty, nil, 0o600)
	env = append(env,
		"AWS_ACCESS_KEY_ID="+d.key, "AWS_SECRET_ACCESS_KEY="+d.secret, "AWS_REGION="+d.region, "AWS_DEFAULT_REGION="+d.region,
		"AWS_CONFIG_FILE="+empty, "AWS_SHARED_CREDENTIALS_FILE="+empty, "AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=", "AWS_CLI_AUTO_PROMPT=off")
	return append(env, extra...)
}

// runClient runs a client command in dir with env, for at most two minutes.
func runClient(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
	if err != nil && cmd.ProcessState == nil {
		r.code, r.stderr = -1, err.Error()
	}
	if ctx.Err() != nil {
		t.Errorf("%s %s: still running after two minutes", name, strings.Join(args, " "))
	}
	return r
}
