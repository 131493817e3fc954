package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/require"
)

// gatewayKinds are the suite's functions as the gateway serves them:
// passthrough, redact with a fixed mask, decompress.
var gatewayKinds = []kind{kinds[0], kinds[1], kinds[3]}

// TestRealClientsGateway runs the real-client suite (every client) against
// cmd/objectlambda-gateway, the production binary, over versitygw, with
// the built-in functions in-process, each configured as its example's SAM
// template deploys it.
func TestRealClientsGateway(t *testing.T) {
	runClients(t, gatewayKinds, findClients(t, false), func(t testing.TB, st *suiteStore, k kind) *demo {
		return startGateway(t, st, k, false)
	})
}

// TestRealClientsGatewayRIE runs the suite against the gateway with the
// examples' bootstraps, unchanged, under AWS's Lambda RIE behind the Invoke
// API: one AWS CLI, one boto3 and aws-sdk-go-v2 (the emulator runs one
// invocation at a time; rclone and s3cmd add time, not coverage, over the
// in-process run).
func TestRealClientsGatewayRIE(t *testing.T) {
	if testing.Short() {
		t.Skip("builds bootstraps and runs the RIE")
	}
	runClients(t, gatewayKinds, findClients(t, true), func(t testing.TB, st *suiteStore, k kind) *demo {
		return startGateway(t, st, k, true)
	})
}

// gatewayBinary builds cmd/objectlambda-gateway once per test binary.
var gatewayBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "objectlambda-gateway-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "objectlambda-gateway")
	if out, err := exec.Command("go", "build", "-o", bin, "../objectlambda-gateway").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// The suite's caller of the gateway.
const (
	gatewayCallerKey    = "AKIASUITECALLER00001"
	gatewayCallerSecret = "suite-caller-secret-key-000000001"
	gatewayFnKey        = "AKIASUITEFUNCTION001"
	gatewayFnSecret     = "suite-function-secret-key-0000001"
)

// startGateway runs the gateway binary over st with one access point,
// "clients", routing k's actions to its function: built in, or (rie) the
// example's bootstrap under the RIE. It stops when t ends.
func startGateway(t testing.TB, st *suiteStore, k kind, rie bool) *demo {
	t.Helper()
	bin, err := gatewayBinary()
	require.NoError(t, err)
	name, payload := k.args[1], ""
	if len(k.args) > 3 && k.args[2] == "-payload" {
		payload = k.args[3]
	}
	f := functions[name]
	if payload == "" {
		payload = f.payload
	}
	dir := t.TempDir()
	addr := freeAddr(t) // known before the gateway starts: the RIE needs it
	fn := "{Name: fn, InProcess: " + name + "}"
	if rie {
		r := objectlambdatest.StartRIE(t, objectlambdatest.BuildBootstrap(t, "../../examples/"+f.dir),
			"AWS_ENDPOINT_URL_S3=http://"+addr, "AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID="+gatewayFnKey,
			"AWS_SECRET_ACCESS_KEY="+gatewayFnSecret, "AWS_LAMBDA_FUNCTION_TIMEOUT=60")
		fn = "{Name: fn, Lambda: {FunctionName: function, Endpoint: \"" + r.Endpoint + "\", MaxConcurrency: 1, " +
			"ResponseCredentials: {AccessKeyId: " + gatewayFnKey + ", SecretAccessKey: {Env: FUNCTION_SECRET}}}}"
	}
	features, _ := json.Marshal(f.features)
	actions, _ := json.Marshal(f.actions)
	payloadJSON, _ := json.Marshal(payload)
	cfg := fmt.Sprintf(`Region: us-east-1
AccountId: "111122223333"
Listener: {Address: %q}
Admin: {Address: "127.0.0.1:0"}
Shutdown: {ReadinessDelay: 0s, DrainTimeout: 5s}
Stores:
  - {Name: local, Endpoint: %q, UsePathStyle: true, Credentials: {AccessKeyId: %s, SecretAccessKey: {Env: STORE_SECRET}}}
Functions: [%s]
Callers: {File: callers.yaml}
AccessPoints:
  - Name: %s
    ObjectLambdaConfiguration:
      SupportingAccessPoint: {Store: local, Bucket: %s}
      AllowedFeatures: %s
      TransformationConfigurations:
        - Actions: %s
          ContentTransformation: {AwsLambda: {FunctionArn: fn, FunctionPayload: %s}}
    AllowedPrincipals: ["*"]
`, addr, st.URL, st.AccessKeyID, fn, suiteBucket, suiteBucket, features, actions, payloadJSON)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "gateway.yaml"), []byte(cfg), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "callers.yaml"), []byte("Callers:\n  - {AccessKeyId: "+gatewayCallerKey+
		", SecretAccessKey: "+gatewayCallerSecret+", Arn: \"arn:aws:iam::111122223333:user/suite\"}\n"), 0o600))

	cmd := exec.Command(bin, "-config", filepath.Join(dir, "gateway.yaml"))
	cmd.Env = append(os.Environ(), "STORE_SECRET="+st.SecretAccessKey, "FUNCTION_SECRET="+gatewayFnSecret)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	d := &demo{key: gatewayCallerKey, secret: gatewayCallerSecret, region: "us-east-1", cmd: cmd, log: &objectlambdatest.Buffer{}}
	require.NoError(t, cmd.Start())
	serving := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			_, _ = d.log.Write(append(sc.Bytes(), '\n'))
			var rec struct{ Msg, URL string }
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "objectlambda-gateway serving" {
				serving <- rec.URL
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() || os.Getenv("DEBUGLOG") != "" {
			t.Logf("gateway log (last lines):\n%s", tail(d.log.String(), 400))
		}
	})
	select {
	case d.url = <-serving:
	case <-time.After(30 * time.Second):
		t.Fatalf("the gateway did not serve in 30 s:\n%s", d.log.String())
	}
	return d
}

// freeAddr is a 127.0.0.1 address that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}
