package gateway_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/gateway"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/gateway/server"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const replicaConfig = `Listener: {Address: "127.0.0.1:0", PublicURL: "{{lb}}"}
Cluster: {Key: {Env: CLUSTER_KEY}}
Limits: {MaxConcurrentInvocations: 1000}
Stores:
  - Name: local
    Endpoint: "{{store}}"
    UsePathStyle: true
    Credentials: {AccessKeyId: {Env: STORE_KEY}, SecretAccessKey: {Env: STORE_SECRET}}
Functions: [{Name: passthrough, InProcess: passthrough}]
Callers: {Env: CALLERS}
AccessPoints:
  - Name: objects
    ObjectLambdaConfiguration:
      SupportingAccessPoint: {Store: local, Bucket: docs}
      TransformationConfigurations: [{Actions: [GetObject], ContentTransformation: {AwsLambda: {FunctionArn: passthrough}}}]
    AllowedPrincipals: ["*"]
`

// cluster is replicas of one gateway behind a round-robin load balancer,
// on loopback.
type cluster struct {
	lb       *balancer
	replicas []*replica
	st       *objectlambdatest.Store
}

type replica struct {
	g         *gateway.Gateway
	srv       *http.Server
	served    chan struct{}
	forwarded atomic.Int64 // WriteGetObjectResponse calls streamed through to another replica
	answered  atomic.Int64 // calls answered 200 here
}

// newCluster starts n replicas over st. viaBalancer makes the functions
// send WriteGetObjectResponse to the balancer, as functions invoked on
// AWS Lambda do, rather than to their own replica: most calls then land on
// another replica and are streamed through.
func newCluster(t testing.TB, st *objectlambdatest.Store, n int, viaBalancer bool) *cluster {
	t.Helper()
	c := &cluster{lb: newBalancer(t), st: st}
	for i := range n {
		c.replicas = append(c.replicas, c.start(t, i, viaBalancer))
	}
	return c
}

func (c *cluster) start(t testing.TB, i int, viaBalancer bool) *replica {
	t.Helper()
	l := listen(t)
	doc := strings.NewReplacer("{{store}}", c.st.URL, "{{lb}}", c.lb.url).Replace(replicaConfig)
	cfg, err := config.Parse("gateway.yaml", []byte(doc))
	require.NoError(t, err)
	env := map[string]string{"STORE_KEY": c.st.AccessKeyID, "STORE_SECRET": c.st.SecretAccessKey, "CALLERS": rigCallers,
		"CLUSTER_KEY": "a cluster key shared by the replicas, 32+ characters"}
	rep := &replica{served: make(chan struct{})}
	quiet := objectlambda.WithLogger(slog.New(slog.DiscardHandler))
	factory := func(cfg aws.Config) (lambda.Handler, error) { return gateway.NewHandler(cfg, quiet) }
	if viaBalancer {
		factory = func(cfg aws.Config) (lambda.Handler, error) {
			self := aws.ToString(cfg.BaseEndpoint)
			cfg.BaseEndpoint = aws.String(c.lb.url)
			return objectlambda.New(objectlambda.WithAWSConfig(cfg), objectlambda.WithTrustedEndpoints(self), quiet)
		}
	}
	rep.g, err = gateway.New(context.Background(), cfg,
		gateway.WithSource(config.Source{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}),
		gateway.WithListenAddress(l.Addr()), gateway.WithFunction("passthrough", factory), gateway.WithLogger(testLogger(t)),
		gateway.WithWGORObserver(func(gateway.WGORCall) func(gateway.WGORCall) {
			return func(call gateway.WGORCall) {
				if call.Forwarded {
					rep.forwarded.Add(1)
				} else if call.Response == http.StatusOK {
					rep.answered.Add(1)
				}
			}
		}))
	require.NoError(t, err)
	name := fmt.Sprint(i)
	h := rep.g.Handler()
	rep.srv, err = server.New(cfg.Listener, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Test-Replica", name) // which replica answered a caller
		h.ServeHTTP(w, r)
	}), nil)
	require.NoError(t, err)
	go func() { _ = server.Serve(rep.srv, l); close(rep.served) }()
	c.lb.add(l.Addr().String())
	t.Cleanup(func() { rep.kill() })
	return rep
}

// kill stops a replica at once, as a crash does from the network's view:
// the listener and every connection close, its functions are stopped.
func (r *replica) kill() {
	_ = r.srv.Close()
	<-r.served
	_ = r.g.Close()
}

// balancer is a round-robin reverse proxy over the replicas that skips
// those marked dead (as a load balancer's health checks would).
type balancer struct {
	url      string
	mu       sync.Mutex
	backends []string
	dead     map[int]bool
	next     atomic.Uint64
	picked   []atomic.Int64 // requests sent to each backend
}

func newBalancer(t testing.TB) *balancer {
	t.Helper()
	l := listen(t)
	b := &balancer{url: "http://" + l.Addr().String(), dead: map[int]bool{}, picked: make([]atomic.Int64, 8)}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(&url.URL{Scheme: "http", Host: b.pick()})
			pr.Out.Host = pr.In.Host // callers and functions signed it
		},
		Transport: &http.Transport{MaxIdleConnsPerHost: 256, DisableCompression: true},
		ErrorLog:  discardLog(),
	}
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second, ErrorLog: discardLog()}
	done := make(chan struct{})
	go func() { _ = srv.Serve(l); close(done) }()
	t.Cleanup(func() { _ = srv.Close(); <-done })
	return b
}

func (b *balancer) add(addr string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.backends = append(b.backends, addr)
}

func (b *balancer) markDead(i int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.dead[i] = true
}

func (b *balancer) pick() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	for range len(b.backends) {
		i := int(b.next.Add(1)-1) % len(b.backends)
		if !b.dead[i] {
			b.picked[i].Add(1)
			return b.backends[i]
		}
	}
	return "127.0.0.1:1" // none alive
}

// objectSet is objects of the given sizes in bucket docs, with their digests.
type objectSet struct {
	sizes  []int
	digest [][32]byte
}

func putObjects(t testing.TB, st *objectlambdatest.Store, sizes []int) *objectSet {
	t.Helper()
	s := &objectSet{sizes: sizes}
	for i, n := range sizes {
		body := make([]byte, n)
		for j := range body {
			body[j] = byte(i*31 + j*7 + j>>10) // every byte matters
		}
		s.digest = append(s.digest, sha256.Sum256(body))
		_, err := st.Client().PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("docs"), Key: aws.String(fmt.Sprintf("obj-%d", i)),
			Body: bytes.NewReader(body), ContentType: aws.String("application/octet-stream")})
		require.NoError(t, err)
	}
	return s
}

// replicaSizes are the object sizes of TestReplicas: 1 KiB to 2 MiB, or
// 1 KiB to 64 MiB with OBJECTLAMBDA_REPLICAS_FULL=1 (scripts/fuzz.sh and
// scripts/bench.sh set it).
func replicaSizes() []int {
	if os.Getenv("OBJECTLAMBDA_REPLICAS_FULL") != "" {
		return []int{1 << 10, 64 << 10, 1 << 20, 16 << 20, 64 << 20}
	}
	return []int{1 << 10, 16 << 10, 256 << 10, 2 << 20}
}

// TestReplicas: three replicas behind a round-robin load balancer, 200
// concurrent GetObjects of mixed sizes, every body checked byte for byte.
// The functions answer through the balancer, so most answers reach a
// replica that does not hold the caller and are streamed through to the
// one that does.
func TestReplicas(t *testing.T) {
	st := objectlambdatest.NewStore(t, "us-east-1")
	st.CreateBucket(t, "docs")
	objs := putObjects(t, st, replicaSizes())
	c := newCluster(t, st, 3, true)
	const gets = 200
	var wg sync.WaitGroup
	errs := make(chan error, gets)
	start := make(chan struct{})
	for i := range gets {
		wg.Go(func() {
			<-start
			obj := i % len(objs.sizes)
			n, sum, _, err := getObject(c.lb.url, fmt.Sprintf("obj-%d", obj), nil)
			switch {
			case err != nil:
				errs <- fmt.Errorf("GET %d: %w", i, err)
			case n != int64(objs.sizes[obj]) || sum != objs.digest[obj]:
				errs <- fmt.Errorf("GET %d: %d bytes of %d, digest ok %v", i, n, objs.sizes[obj], sum == objs.digest[obj])
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var forwarded, answered int64
	for i, r := range c.replicas {
		forwarded += r.forwarded.Load()
		answered += r.answered.Load()
		assert.Positive(t, c.lb.picked[i].Load(), "replica %d served", i)
	}
	t.Logf("%d GETs: %d answers streamed through to the replica holding the caller", gets, forwarded)
	assert.Equal(t, int64(gets), answered, "every GET answered once")
	assert.Positive(t, forwarded, "answers crossed replicas")
}

// TestReplicaKilled: three replicas with callers mid-stream on each; one is
// killed. Its callers see a broken transfer, never a short success; the
// others get every byte.
func TestReplicaKilled(t *testing.T) {
	st := objectlambdatest.NewStore(t, "us-east-1")
	st.CreateBucket(t, "docs")
	const size = 16 << 20
	objs := putObjects(t, st, []int{size})
	c := newCluster(t, st, 3, false)
	const gets = 24
	started := make(chan struct{}, gets) // a caller has its first MiB
	resume := make(chan struct{})
	type outcome struct {
		replica string
		n       int64
		sum     [32]byte
		err     error
	}
	outcomes := make(chan outcome, gets)
	for range gets {
		go func() {
			n, sum, rep, err := getObject(c.lb.url, "obj-0", func() { started <- struct{}{}; <-resume })
			outcomes <- outcome{rep, n, sum, err}
		}()
	}
	for range gets {
		select {
		case <-started:
		case <-time.After(60 * time.Second):
			t.Fatal("the callers did not start")
		}
	}
	const victim = 1
	c.lb.markDead(victim)
	c.replicas[victim].kill()
	close(resume)
	var broken, complete int
	for range gets {
		o := <-outcomes
		if o.replica == fmt.Sprint(victim) {
			assert.Error(t, o.err, "a caller of the killed replica sees a broken transfer")
			assert.False(t, o.err == nil && o.n == size, "never a complete success from a dead replica")
			broken++
			continue
		}
		if assert.NoError(t, o.err, "replica %s", o.replica) {
			assert.Equal(t, int64(size), o.n)
			assert.Equal(t, objs.digest[0], o.sum, "every byte, unaffected")
		}
		complete++
	}
	t.Logf("%d callers broken with the killed replica, %d complete on the others", broken, complete)
	assert.Positive(t, broken)
	assert.Positive(t, complete)
}

// getObject reads key through the access point "objects" at url as ana,
// with a plain HTTP client signed with SigV4, calling pause (when not nil)
// after the first MiB. It returns the bytes read, their digest and the
// replica that answered.
func getObject(url, key string, pause func()) (int64, [32]byte, string, error) {
	req, err := http.NewRequest(http.MethodGet, url+"/objects/"+key, nil)
	if err != nil {
		return 0, [32]byte{}, "", err
	}
	if err := signRequest(req, ana); err != nil {
		return 0, [32]byte{}, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, [32]byte{}, "", err
	}
	defer resp.Body.Close()
	rep := resp.Header.Get("X-Test-Replica")
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return 0, [32]byte{}, rep, fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	h := sha256.New()
	var n int64
	if pause != nil {
		m, err := io.CopyN(h, resp.Body, 1<<20)
		n += m
		if err != nil {
			return n, [32]byte{}, rep, err
		}
		pause()
	}
	m, err := io.Copy(h, resp.Body)
	n += m
	return n, [32]byte(h.Sum(nil)), rep, err
}

// signRequest signs req with creds as the SDK signs S3 requests.
func signRequest(req *http.Request, creds aws.Credentials) error {
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	return v4.NewSigner().SignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", time.Now())
}

func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }

// testLogger is a gateway logger whose lines the test shows if it fails.
func testLogger(t testing.TB) *slog.Logger {
	var buf objectlambdatest.Buffer
	l, err := gateway.NewLogger(&buf, "info")
	require.NoError(t, err)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("gateway log:\n%s", buf.String())
		}
	})
	return l
}
