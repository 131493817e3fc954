package objectlambdatest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// store is the S3 server underneath the access point (the "supporting access point").
type store struct {
	url        string // base endpoint, e.g. http://127.0.0.1:7070
	accessKey  string
	secretKey  string
	checksSigs bool
	stop       func()
	proc       *process
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// startStore starts (or connects to) the configured store. Cleanup is the caller's.
func startStore(t tb, c *config) (*store, error) {
	switch c.store {
	case storeMemory:
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("memory store: %w", err)
		}
		srv := &http.Server{Handler: gofakes3.New(s3mem.New(), gofakes3.WithAutoBucket(false)).Server(), ReadHeaderTimeout: 10 * time.Second}
		done := make(chan struct{})
		go func() { _ = srv.Serve(l); close(done) }()
		return &store{
			url: "http://" + l.Addr().String(), accessKey: "memory-" + randomHex(6), secretKey: randomHex(20),
			stop: func() { _ = srv.Close(); <-done },
		}, nil
	case storeExternal:
		return &store{url: c.extURL, accessKey: c.extKey, secretKey: c.extSec, checksSigs: true, stop: func() {}}, nil
	default:
		bin := findPeer(t, "versitygw", EnvVersityGW)
		dir, err := filepath.Abs(t.TempDir())
		if err != nil {
			return nil, err
		}
		var lastErr error
		for range 3 { // the free port may be taken between probe and use: retry
			addr, err := freeAddr()
			if err != nil {
				return nil, err
			}
			s := &store{url: "http://" + addr, accessKey: "VGW" + randomHex(8), secretKey: randomHex(20), checksSigs: true}
			cmd := exec.Command(bin, "--port", addr, "--quiet", "--region", c.region, "posix", dir)
			cmd.Env = []string{"ROOT_ACCESS_KEY=" + s.accessKey, "ROOT_SECRET_KEY=" + s.secretKey, "HOME=" + dir}
			setProcessGroup(cmd)
			p, err := startProcess("versitygw", cmd, addr, nil)
			if err != nil {
				lastErr = err
				continue
			}
			s.proc = p
			s.stop = p.stop
			return s, nil
		}
		return nil, lastErr
	}
}

// client is an S3 client talking to the store directly, as its root user.
func (s *store) client(region string, hc *http.Client) *s3.Client {
	return s3.New(s3.Options{
		Region: region, BaseEndpoint: aws.String(s.url), UsePathStyle: true, HTTPClient: hc,
		Credentials: credentials.NewStaticCredentialsProvider(s.accessKey, s.secretKey, ""),
	})
}

// ensureBucket creates the bucket unless it exists.
func (s *store) ensureBucket(ctx context.Context, c *s3.Client, bucket string) error {
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	var owned *types.BucketAlreadyOwnedByYou
	var exists *types.BucketAlreadyExists
	if err == nil || errors.As(err, &owned) || errors.As(err, &exists) {
		return nil
	}
	return fmt.Errorf("create bucket %q on the store: %w", bucket, err)
}

// Store is an S3 server on loopback for tests that need one without an
// access point in front: versitygw, stopped when the test ends.
type Store struct {
	URL             string // e.g. http://127.0.0.1:7070
	AccessKeyID     string // the root user's keys
	SecretAccessKey string
	Region          string
	// PID is versitygw's process id (benchmarks read its CPU time).
	PID int
}

// NewStore starts versitygw on a free 127.0.0.1 port for the test (skipped,
// or failed under CI, when versitygw is not installed; see New).
func NewStore(t testing.TB, region string) *Store {
	t.Helper()
	c := defaultConfig()
	c.region = region
	st, err := startStore(t, &c)
	if err != nil {
		t.Fatalf("objectlambdatest: store: %v", err)
	}
	t.Cleanup(st.stop)
	return &Store{URL: st.url, AccessKeyID: st.accessKey, SecretAccessKey: st.secretKey, Region: region, PID: st.proc.cmd.Process.Pid}
}

// Client is an S3 client of the store's root user (path-style).
func (s *Store) Client() *s3.Client {
	return (&store{url: s.URL, accessKey: s.AccessKeyID, secretKey: s.SecretAccessKey}).client(s.Region, &http.Client{})
}

// CreateBucket creates a bucket unless it exists.
func (s *Store) CreateBucket(t testing.TB, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := (&store{}).ensureBucket(ctx, s.Client(), name); err != nil {
		t.Fatalf("objectlambdatest: %v", err)
	}
}
