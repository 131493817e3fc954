package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRealClients runs the S3 clients people use (the AWS CLI v1 and v2,
// boto3, rclone, s3cmd, curl and aws-sdk-go-v2's transfer managers) through
// the demo over versitygw, for every kind of function: body unchanged
// (passthrough), length preserving (redact with a same-length mask) and
// length changing (redact with a fixed mask, decompress). Every download is
// compared byte for byte with what the function must produce, computed here
// with the transform packages. Flows that cannot work on Object Lambda
// (docs/clients.md says why) are checked to fail cleanly, never to succeed
// with wrong bytes.
func TestRealClients(t *testing.T) {
	runClients(t, kinds, findClients(t, false), func(t testing.TB, st *suiteStore, k kind) *demo { return startDemo(t, st, k.args...) })
}

// clients are the real S3 clients a suite runs.
type clients struct {
	clis, pythons       []tool
	rclone, s3cmd, curl tool
	all                 bool // rclone and s3cmd too
	serial              bool // one kind at a time; the functions run one invocation at a time
}

// findClients finds the clients (the suite fails under CI when one is
// missing). few keeps one AWS CLI and one boto3, leaves rclone and s3cmd
// out, and runs one kind at a time.
func findClients(t *testing.T, few bool) clients {
	t.Helper()
	c := clients{clis: awsCLIs(), pythons: pythonsWithBoto3(), all: !few}
	need(t, "the AWS CLI", len(c.clis) > 0)
	need(t, "boto3", len(c.pythons) > 0)
	var ok bool
	c.curl, ok = lookTool("curl")
	need(t, "curl", ok)
	if few {
		c.clis, c.pythons, c.serial = c.clis[:1], c.pythons[:1], true
		return c
	}
	c.rclone, ok = lookTool("rclone")
	need(t, "rclone", ok)
	c.s3cmd, ok = lookTool("s3cmd")
	need(t, "s3cmd", ok)
	return c
}

// runClients runs the clients against an access point per kind, started
// by start over the suite's store.
func runClients(t *testing.T, ks []kind, cl clients, start func(t testing.TB, st *suiteStore, k kind) *demo) {
	st := newSuiteStore(t)
	for _, k := range ks {
		t.Run(k.name, func(t *testing.T) {
			if !cl.serial {
				t.Parallel()
			}
			c := &suiteCase{t: t, st: st, k: k, d: start(t, st, k), curl: cl.curl, want: map[string][]byte{}, serial: cl.serial}
			for key, f := range st.fixtures {
				c.want[key] = k.expect(t, f)
			}
			for _, cli := range cl.clis {
				t.Run(cli.name, func(t *testing.T) { c.awsCLI(t, cli) })
			}
			for _, py := range cl.pythons {
				t.Run(py.name, func(t *testing.T) { c.boto3(t, py) })
			}
			if cl.all {
				t.Run("rclone", func(t *testing.T) { c.rclone(t, cl.rclone) })
				t.Run("s3cmd", func(t *testing.T) { c.s3cmd(t, cl.s3cmd) })
			}
			t.Run("aws-sdk-go-v2", c.goSDK)
		})
	}
}

// suiteCase is one kind of function served by one demo.
type suiteCase struct {
	t  *testing.T
	st *suiteStore
	k  kind
	d  *demo
	// serial: the function runs one invocation at a time (one RIE). A
	// client that downloads the parts of a length-changing object in
	// parallel and writes them in order then stalls until the function's
	// time limit (part n waits behind part n+1, whose body it does not
	// read yet); on Lambda each part gets an instance of its own. Those
	// failing flows are left to the in-process runs.
	serial bool
	curl   tool
	want   map[string][]byte // key → the bytes the function serves
}

// lengthChanges reports whether the function serves key with another length.
func (c *suiteCase) lengthChanges(key string) bool {
	return len(c.want[key]) != len(c.st.fixtures[key].body)
}

// headLength is the Content-Length HEAD reports for key: the function's when
// the example routes HeadObject, the stored object's otherwise.
func (c *suiteCase) headLength(key string) int {
	if c.k.headRouted {
		return len(c.want[key])
	}
	return len(c.st.fixtures[key].body)
}

// assertFile checks that a command succeeded and wrote key's bytes to path.
func (c *suiteCase) assertFile(t *testing.T, r result, path, key string) {
	t.Helper()
	if !assert.Equal(t, 0, r.code, "%s", r) {
		return
	}
	got, err := os.ReadFile(path)
	if assert.NoError(t, err) {
		assertBytes(t, c.want[key], got, key)
	}
}

// assertFailed checks that a command that cannot work failed, and left no
// file at path that could pass for the object.
func (c *suiteCase) assertFailed(t *testing.T, r result, path, key string) {
	t.Helper()
	assert.NotEqual(t, 0, r.code, "this download cannot work on Object Lambda (docs/clients.md); it must fail, not succeed:\n%s", r)
	if got, err := os.ReadFile(path); err == nil && r.code == 0 && bytes.Equal(c.want[key], got) {
		t.Errorf("%s: the download works; docs/clients.md must say so", key)
	}
}

func assertBytes(t *testing.T, want, got []byte, what string) {
	t.Helper()
	if !bytes.Equal(want, got) {
		t.Errorf("%s: got %d bytes, want %d; first difference at byte %d", what, len(got), len(want), firstDiff(want, got))
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func (c *suiteCase) awsCLI(t *testing.T, cli tool) {
	dir := t.TempDir()
	env := clientEnv(c.d, dir)
	aws := func(env []string, args ...string) result {
		return runClient(t, dir, env, cli.path, append([]string{"--endpoint-url", c.d.url}, args...)...)
	}
	c.downloadsAWSCLI(t, dir, env, aws)
	if !c.first() {
		return // the rest does not depend on the function
	}
	t.Run("s3 ls (ListBuckets)", func(t *testing.T) {
		r := aws(env, "s3", "ls")
		require.Equal(t, 0, r.code, "%s", r)
		assert.Contains(t, r.stdout, " "+suiteBucket+"\n")
	})
	t.Run("s3api get-object-tagging (a sub-resource, not GetObject)", func(t *testing.T) {
		r := aws(env, "s3api", "get-object-tagging", "--bucket", suiteBucket, "--key", "small.txt")
		require.Equal(t, 0, r.code, "%s", r)
		assert.JSONEq(t, `{"TagSet":[{"Key":"team","Value":"blue"}]}`, r.stdout)
	})
	t.Run("s3 presign, then curl", func(t *testing.T) {
		curl := func(r result) result {
			require.Equal(t, 0, r.code, "%s", r)
			return runClient(t, dir, env, c.curl.path, "-sS", "--fail", "-o", "presigned.txt", strings.TrimSpace(r.stdout))
		}
		r := aws(env, "s3", "presign", "s3://clients/small.txt")
		if strings.Contains(r.stdout, "AWSAccessKeyId=") {
			// AWS CLI v1 presigns with SigV2 for a custom endpoint; Object
			// Lambda takes SigV4 only (400 InvalidRequest), as S3 does in
			// every region opened since 2014.
			c.assertFailed(t, curl(r), filepath.Join(dir, "presigned.txt"), "small.txt")
			conf := filepath.Join(dir, "sigv4.config")
			require.NoError(t, os.WriteFile(conf, []byte("[default]\ns3 =\n  signature_version = s3v4\n"), 0o600))
			r = aws(clientEnv(c.d, dir, "AWS_CONFIG_FILE="+conf), "s3", "presign", "s3://clients/small.txt")
		}
		c.assertFile(t, curl(r), filepath.Join(dir, "presigned.txt"), "small.txt")
	})
	t.Run("wrong region corrects itself", func(t *testing.T) {
		r := aws(env, "--region", "eu-west-1", "s3api", "get-object", "--bucket", suiteBucket, "--key", "small.txt", "wrong-region.txt")
		c.assertFile(t, r, filepath.Join(dir, "wrong-region.txt"), "small.txt")
	})
}

// first reports whether this is the suite's first kind, which also runs the
// flows that do not depend on the function (ListBuckets, sub-resources,
// presigned URLs, a wrong region).
func (c *suiteCase) first() bool { return c.k.name == kinds[0].name }

func (c *suiteCase) downloadsAWSCLI(t *testing.T, dir string, env []string, aws func(env []string, args ...string) result) {
	t.Run("s3 cp small", func(t *testing.T) {
		c.assertFile(t, aws(env, "s3", "cp", "--only-show-errors", "s3://clients/small.txt", "small.txt"), filepath.Join(dir, "small.txt"), "small.txt")
	})
	t.Run("s3 cp big (ranged parts sized by HEAD)", func(t *testing.T) {
		path := filepath.Join(dir, "big.txt")
		var r result
		if !c.serial || !c.lengthChanges("big.txt") {
			r = aws(env, "s3", "cp", "--only-show-errors", "s3://clients/big.txt", "big.txt")
		}
		if !c.lengthChanges("big.txt") {
			c.assertFile(t, r, path, "big.txt")
			return
		}
		// HEAD reports the stored length; the parts' ranges do not fit the output.
		if !c.serial {
			c.assertFailed(t, r, path, "big.txt")
		}
		// Works with one GET: a multipart threshold above the object size.
		conf := filepath.Join(dir, "single-get.config")
		require.NoError(t, os.WriteFile(conf, []byte("[default]\ns3 =\n  multipart_threshold = 5GB\n"), 0o600))
		c.assertFile(t, aws(clientEnv(c.d, dir, "AWS_CONFIG_FILE="+conf), "s3", "cp", "--only-show-errors", "s3://clients/big.txt", "big.txt"), path, "big.txt")
	})
	t.Run("s3 sync twice", func(t *testing.T) {
		r := aws(env, "s3", "sync", "--only-show-errors", "s3://clients/sync/", "sync")
		c.assertFile(t, r, filepath.Join(dir, "sync", "a.txt"), "sync/a.txt")
		c.assertFile(t, r, filepath.Join(dir, "sync", "b.csv.gz"), "sync/b.csv.gz")
		again := aws(env, "s3", "sync", "s3://clients/sync/", "sync")
		require.Equal(t, 0, again.code, "%s", again)
		for _, key := range []string{"sync/a.txt", "sync/b.csv.gz"} {
			// The listing reports stored sizes: a changed length looks like a changed object.
			assert.Equal(t, c.lengthChanges(key), strings.Contains(again.stdout, "s3://clients/"+key), "second sync of %s:\n%s", key, again)
		}
	})
	t.Run("s3api head-object", func(t *testing.T) {
		r := aws(env, "s3api", "head-object", "--bucket", suiteBucket, "--key", "small.txt")
		require.Equal(t, 0, r.code, "%s", r)
		var out struct{ ContentLength int }
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
		assert.Equal(t, c.headLength("small.txt"), out.ContentLength)
	})
}

// boto3Script runs the boto3 flows and prints what each did as JSON.
const boto3Script = `
import json, sys, urllib.request
import boto3, botocore
from boto3.s3.transfer import TransferConfig
endpoint, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=endpoint)
v4 = boto3.client("s3", endpoint_url=endpoint, config=botocore.config.Config(signature_version="s3v4"))
out = {}
def step(name, f):
    try:
        out[name] = {"ok": f()}
    except Exception as e:
        out[name] = {"error": "%s: %s" % (type(e).__name__, e)}
def get_small():
    r = s3.get_object(Bucket=bucket, Key="small.txt")
    open("get-small", "wb").write(r["Body"].read())
    return r.get("ContentLength")
def fetch(url, path):
    open(path, "wb").write(urllib.request.urlopen(url).read())
step("download_file small", lambda: s3.download_file(bucket, "small.txt", "small"))
if sys.argv[3] != "serial":
    step("download_file big", lambda: s3.download_file(bucket, "big.txt", "big"))
step("download_file big, one GET", lambda: s3.download_file(bucket, "big.txt", "big-single", Config=TransferConfig(multipart_threshold=5 << 30)))
step("get_object small", get_small)
step("head_object small", lambda: s3.head_object(Bucket=bucket, Key="small.txt")["ContentLength"])
step("presigned (SigV2, the default)", lambda: fetch(s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "small.txt"}), "presigned-v2"))
step("presigned (SigV4)", lambda: fetch(v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "small.txt"}), "presigned-v4"))
wrong = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-1")
step("wrong region", lambda: open("wrong-region", "wb").write(wrong.get_object(Bucket=bucket, Key="small.txt")["Body"].read()))
virtual = boto3.client("s3", endpoint_url=endpoint.replace("127.0.0.1", "localhost"),
    config=botocore.config.Config(signature_version="s3v4", s3={"addressing_style": "virtual"}))
step("virtual-hosted presigned URL", lambda: virtual.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "small.txt"}))
print(json.dumps(out))
`

type pyStep struct {
	OK    json.RawMessage `json:"ok"`
	Error string          `json:"error"`
}

func (c *suiteCase) boto3(t *testing.T, py tool) {
	dir := t.TempDir()
	env := clientEnv(c.d, dir)
	mode := "parallel"
	if c.serial && c.lengthChanges("big.txt") {
		mode = "serial"
	}
	r := runClient(t, dir, env, py.path, "-c", boto3Script, c.d.url, suiteBucket, mode)
	require.Equal(t, 0, r.code, "%s", r)
	var steps map[string]pyStep
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &steps), "%s", r)
	ok := func(t *testing.T, name string) pyStep {
		t.Helper()
		s := steps[name]
		require.Empty(t, s.Error, name)
		return s
	}
	file := func(t *testing.T, name, path, key string) {
		t.Helper()
		ok(t, name)
		got, err := os.ReadFile(filepath.Join(dir, path))
		require.NoError(t, err)
		assertBytes(t, c.want[key], got, name)
	}
	t.Run("download_file small", func(t *testing.T) { file(t, "download_file small", "small", "small.txt") })
	t.Run("download_file big", func(t *testing.T) {
		if !c.lengthChanges("big.txt") {
			file(t, "download_file big", "big", "big.txt")
			return
		}
		if !c.serial {
			assert.NotEmpty(t, steps["download_file big"].Error, "ranged parts sized by HEAD cannot fit a length-changing output")
			assert.NoFileExists(t, filepath.Join(dir, "big"))
		}
		file(t, "download_file big, one GET", "big-single", "big.txt")
	})
	t.Run("get_object small has ContentLength", func(t *testing.T) {
		s := ok(t, "get_object small")
		assert.Equal(t, itoaJSON(len(c.want["small.txt"])), string(s.OK), "Content-Length of a small transformed object")
		got, err := os.ReadFile(filepath.Join(dir, "get-small"))
		require.NoError(t, err)
		assertBytes(t, c.want["small.txt"], got, "get_object small")
	})
	t.Run("head_object", func(t *testing.T) {
		assert.Equal(t, itoaJSON(c.headLength("small.txt")), string(ok(t, "head_object small").OK))
	})
	if !c.first() {
		return
	}
	t.Run("presigned URLs", func(t *testing.T) {
		// boto3 presigns with SigV2 unless told otherwise; Object Lambda
		// takes SigV4 only, and says so.
		assert.Contains(t, steps["presigned (SigV2, the default)"].Error, "HTTP Error 400")
		file(t, "presigned (SigV4)", "presigned-v4", "small.txt")
	})
	t.Run("wrong region corrects itself", func(t *testing.T) { file(t, "wrong region", "wrong-region", "small.txt") })
	t.Run("virtual-hosted, fetched with curl", func(t *testing.T) {
		var u string
		require.NoError(t, json.Unmarshal(ok(t, "virtual-hosted presigned URL").OK, &u))
		require.Contains(t, u, "://clients.localhost:")
		// curl resolves *.localhost to loopback itself; not every resolver does.
		r := runClient(t, dir, env, c.curl.path, "-sS", "--fail", "-o", "virtual", u)
		c.assertFile(t, r, filepath.Join(dir, "virtual"), "small.txt")
	})
}

func itoaJSON(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func (c *suiteCase) rclone(t *testing.T, rc tool) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "rclone.conf")
	require.NoError(t, os.WriteFile(conf, []byte("[olap]\ntype = s3\nprovider = Other\naccess_key_id = "+c.d.key+
		"\nsecret_access_key = "+c.d.secret+"\nendpoint = "+c.d.url+"\nregion = "+c.d.region+"\n"), 0o600))
	env := clientEnv(c.d, dir, "RCLONE_CONFIG="+conf)
	rclone := func(args ...string) result { return runClient(t, dir, env, rc.path, args...) }
	// flags are what a length-changing function needs: the listing reports
	// the stored size and MD5, which rclone checks the download against.
	flags := func(keys ...string) []string {
		for _, k := range keys {
			if c.lengthChanges(k) {
				return []string{"--ignore-size", "--ignore-checksum"}
			}
		}
		return nil
	}
	if c.first() {
		t.Run("lsd (ListBuckets)", func(t *testing.T) {
			r := rclone("lsd", "olap:")
			require.Equal(t, 0, r.code, "%s", r)
			assert.Contains(t, r.stdout, " "+suiteBucket+"\n")
		})
	}
	t.Run("cat", func(t *testing.T) {
		r := rclone("cat", "olap:clients/small.txt")
		require.Equal(t, 0, r.code, "%s", r)
		assertBytes(t, c.want["small.txt"], []byte(r.stdout), "rclone cat")
	})
	t.Run("copyto big", func(t *testing.T) {
		path := filepath.Join(dir, "big.txt")
		if f := flags("big.txt"); len(f) > 0 {
			c.assertFailed(t, rclone("copyto", "--retries", "1", "olap:clients/big.txt", path), path, "big.txt")
			c.assertFile(t, rclone(append([]string{"copyto", "olap:clients/big.txt", path}, f...)...), path, "big.txt")
			return
		}
		c.assertFile(t, rclone("copyto", "olap:clients/big.txt", path), path, "big.txt")
	})
	t.Run("copy a directory", func(t *testing.T) {
		r := rclone(append([]string{"copy", "--retries", "1", "olap:clients/sync", "sync"}, flags("sync/a.txt", "sync/b.csv.gz")...)...)
		c.assertFile(t, r, filepath.Join(dir, "sync", "a.txt"), "sync/a.txt")
		c.assertFile(t, r, filepath.Join(dir, "sync", "b.csv.gz"), "sync/b.csv.gz")
	})
}

func (c *suiteCase) s3cmd(t *testing.T, tl tool) {
	dir := t.TempDir()
	host := strings.TrimPrefix(c.d.url, "http://")
	conf := filepath.Join(dir, "s3cfg")
	require.NoError(t, os.WriteFile(conf, []byte("[default]\naccess_key = "+c.d.key+"\nsecret_key = "+c.d.secret+
		"\nhost_base = "+host+"\nhost_bucket = "+host+"\nuse_https = False\nbucket_location = "+c.d.region+"\nsignature_v2 = False\n"), 0o600))
	env := clientEnv(c.d, dir)
	s3cmd := func(args ...string) result {
		return runClient(t, dir, env, tl.path, append([]string{"-c", conf}, args...)...)
	}
	if c.first() {
		t.Run("ls (ListBuckets)", func(t *testing.T) {
			r := s3cmd("ls")
			require.Equal(t, 0, r.code, "%s", r)
			assert.Contains(t, r.stdout, "s3://"+suiteBucket)
		})
	}
	t.Run("info (?acl, ?policy, ?cors, ...)", func(t *testing.T) {
		r := s3cmd("info", "s3://clients/small.txt")
		require.Equal(t, 0, r.code, "%s", r)
		assert.Contains(t, r.stdout, "File size: "+itoaJSON(c.headLength("small.txt")))
	})
	t.Run("get small", func(t *testing.T) {
		path := filepath.Join(dir, "small.txt")
		c.assertFile(t, s3cmd("get", "--force", "s3://clients/small.txt", path), path, "small.txt")
	})
	t.Run("get big", func(t *testing.T) {
		path := filepath.Join(dir, "big.txt")
		r := s3cmd("get", "--force", "s3://clients/big.txt", path)
		if c.lengthChanges("big.txt") {
			// s3cmd needs Content-Length, which a streamed length-changing
			// output cannot have.
			c.assertFailed(t, r, path, "big.txt")
			return
		}
		c.assertFile(t, r, path, "big.txt")
	})
}

func (c *suiteCase) goSDK(t *testing.T) {
	ctx := context.Background()
	client := c.d.goClient()
	in := func() *s3.GetObjectInput {
		return &s3.GetObjectInput{Bucket: aws.String(suiteBucket), Key: aws.String("big.txt")}
	}
	t.Run("GetObject small has ContentLength", func(t *testing.T) {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(suiteBucket), Key: aws.String("small.txt")})
		require.NoError(t, err)
		defer out.Body.Close()
		assert.Equal(t, int64(len(c.want["small.txt"])), aws.ToInt64(out.ContentLength))
	})
	t.Run("manager.Downloader", func(t *testing.T) {
		buf := manager.NewWriteAtBuffer(nil)
		//lint:ignore SA1019 deprecated, and still what most Go programs download with
		_, err := manager.NewDownloader(client).Download(ctx, buf, in())
		require.NoError(t, err)
		assertBytes(t, c.want["big.txt"], buf.Bytes(), "manager.Download")
	})
	t.Run("transfermanager DownloadObject by parts", func(t *testing.T) {
		buf := manager.NewWriteAtBuffer(nil)
		_, err := transfermanager.New(client).DownloadObject(ctx, &transfermanager.DownloadObjectInput{Bucket: aws.String(suiteBucket), Key: aws.String("big.txt"), WriterAt: buf})
		if !c.k.partNumber {
			// partNumber needs GetObject-PartNumber in AllowedFeatures, which
			// the template does not enable: 501, as on AWS.
			require.Error(t, err)
			assert.Contains(t, err.Error(), "StatusCode: 501")
			return
		}
		require.NoError(t, err)
		assertBytes(t, c.want["big.txt"], buf.Bytes(), "DownloadObject by parts")
	})
	ranges := func(o *transfermanager.Options) { o.GetObjectType = tmtypes.GetObjectRanges }
	t.Run("transfermanager DownloadObject by ranges", func(t *testing.T) {
		buf := manager.NewWriteAtBuffer(nil)
		_, err := transfermanager.New(client, ranges).DownloadObject(ctx, &transfermanager.DownloadObjectInput{Bucket: aws.String(suiteBucket), Key: aws.String("big.txt"), WriterAt: buf})
		require.NoError(t, err)
		assertBytes(t, c.want["big.txt"], buf.Bytes(), "DownloadObject by ranges")
	})
	t.Run("transfermanager GetObject by ranges", func(t *testing.T) {
		out, err := transfermanager.New(client, ranges).GetObject(ctx, &transfermanager.GetObjectInput{Bucket: aws.String(suiteBucket), Key: aws.String("big.txt")})
		var got bytes.Buffer
		if err == nil {
			_, err = got.ReadFrom(out.Body)
		}
		if c.lengthChanges("big.txt") && !c.k.headRouted {
			// It sizes its ranges with HEAD, which reports the stored length.
			require.Error(t, err)
			assert.Contains(t, err.Error(), "StatusCode: 416")
			return
		}
		require.NoError(t, err)
		assertBytes(t, c.want["big.txt"], got.Bytes(), "transfermanager GetObject")
	})
}

// TestHeadOfUnknownLengthIsFinal routes HeadObject to a function that cannot
// tell the transformed length (decompress): clients get 405 at once, and
// none retries it.
func TestHeadOfUnknownLengthIsFinal(t *testing.T) {
	clis := awsCLIs()
	need(t, "the AWS CLI", len(clis) > 0)
	pythons := pythonsWithBoto3()
	need(t, "boto3", len(pythons) > 0)
	st := newSuiteStore(t)
	d := startDemo(t, st, "-function", "decompress", "-actions", "GetObject,HeadObject")
	dir := t.TempDir()
	env := clientEnv(d, dir)
	n := 0
	for _, cli := range clis {
		r := runClient(t, dir, env, cli.path, "--endpoint-url", d.url, "s3api", "head-object", "--bucket", suiteBucket, "--key", "logs.csv.gz")
		assert.NotEqual(t, 0, r.code, "%s", r)
		assert.Contains(t, r.stderr, "405", cli.name)
		n++
	}
	for _, py := range pythons {
		r := runClient(t, dir, env, py.path, "-c", `
import sys, boto3, botocore
try:
    boto3.client("s3", endpoint_url=sys.argv[1]).head_object(Bucket="clients", Key="logs.csv.gz")
except botocore.exceptions.ClientError as e:
    print(e.response["Error"]["Code"], e.response["ResponseMetadata"]["RetryAttempts"])
`, d.url)
		assert.Equal(t, "405 0\n", r.stdout, "%s", r)
		n++
	}
	assert.Equal(t, n, d.count("operation=HeadObject", "status=405"), "one invocation per HEAD: no client retried")
	assert.Equal(t, n, d.count("operation=HeadObject"))
}
