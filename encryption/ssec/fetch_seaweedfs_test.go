package ssec_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/encryption/ssec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// EnvSeaweedFS names the weed binary for the opt-in SSE-C test. SeaweedFS is
// the only local S3 server here that implements SSE-C; building it takes
// about ten minutes, so the test runs only when the variable is set:
//
//	OBJECTLAMBDA_SEAWEEDFS=$HOME/go/bin/weed go test -run SeaweedFS ./encryption
const envSeaweedFS = "OBJECTLAMBDA_SEAWEEDFS"

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startSeaweedFS runs "weed server" with S3 on free ports and returns the S3
// endpoint. Ports below 55535 are used, since SeaweedFS also listens on
// port+10000 for gRPC.
func startSeaweedFS(t *testing.T, weed string) string {
	t.Helper()
	port := func() string {
		for {
			p := freePort(t)
			if p < 55535 {
				return strconv.Itoa(p)
			}
		}
	}
	s3Port := port()
	cmd := exec.Command(weed, "server", "-dir="+t.TempDir(), "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
		"-master.port="+port(), "-volume.port="+port(), "-filer", "-filer.port="+port(),
		"-s3", "-s3.port="+s3Port)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("weed output:\n%s", logs.String())
		}
	})
	endpoint := "http://127.0.0.1:" + s3Port
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := http.Get(endpoint + "/")
		if err == nil {
			resp.Body.Close()
			return endpoint
		}
		if time.Now().After(deadline) {
			t.Fatalf("SeaweedFS S3 did not start: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestFetchSSECSeaweedFS stores an SSE-C object in a real SSE-C server, probes
// it without the key through a presigned HEAD (as inputS3Url would), and
// fetches it with Fetch. Opt-in: see envSeaweedFS.
func TestFetchSSECSeaweedFS(t *testing.T) {
	weed := os.Getenv(envSeaweedFS)
	if weed == "" {
		t.Skipf("opt-in SSE-C test: set %s=/path/to/weed (SeaweedFS, the only local S3 server with real SSE-C; slow to build)", envSeaweedFS)
	}
	ctx := context.Background()
	client := testS3Client(startSeaweedFS(t, weed))
	bucket := "ssec"
	require.Eventually(t, func() bool {
		_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
		return err == nil
	}, 30*time.Second, 500*time.Millisecond, "create bucket")

	key := testSSECKey(t)
	alg, k64, md5 := key.Headers()
	plain := bytes.Repeat([]byte("sse-c object "), 1000)
	_, err := client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String("doc.txt"), Body: bytes.NewReader(plain),
		SSECustomerAlgorithm: aws.String(alg), SSECustomerKey: aws.String(k64), SSECustomerKeyMD5: aws.String(md5),
	})
	require.NoError(t, err)

	_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("doc.txt")})
	require.Error(t, err, "the server enforces SSE-C: no key, no object")

	// The caller's presigned HEAD, without the key, as through inputS3Url.
	ps, err := s3.NewPresignClient(client).PresignHeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("doc.txt")})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(ctx, ps.Method, ps.URL, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	t.Logf("keyless presigned HEAD answered %d", resp.StatusCode)
	probe := ssec.Probe{StatusCode: resp.StatusCode}

	in := ssec.GetObjectInput{Bucket: bucket, Key: "doc.txt", Customer: key}
	out, err := ssec.Fetch(ctx, s3SSEC{client}, probe, in, ssec.WithProbeStatus400())
	require.NoError(t, err)
	got, err := io.ReadAll(out.Body)
	out.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, plain, got)

	other, err := ssec.NewKey(bytes.Repeat([]byte{0x44}, 32))
	require.NoError(t, err)
	in.Customer = other
	_, err = ssec.Fetch(ctx, s3SSEC{client}, probe, in, ssec.WithProbeStatus400())
	assert.Error(t, err, "a wrong customer key is refused by the server")

	_, err = ssec.Fetch(ctx, s3SSEC{client}, ssec.Probe{StatusCode: http.StatusForbidden}, in)
	assert.ErrorIs(t, err, ssec.ErrCallerNotAuthorized)
}
