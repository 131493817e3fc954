package gateway_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/gateway"
	"github.com/objectlambda/sdk-go/internal/memsample"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
)

const benchConfig = `Listener: {Address: "127.0.0.1:0"}
Limits: {MaxConcurrentInvocations: 1000}
Stores:
  - Name: local
    Endpoint: "{{store}}"
    UsePathStyle: true
    Credentials: {AccessKeyId: {Env: STORE_KEY}, SecretAccessKey: {Env: STORE_SECRET}}
Functions: [{Name: identity, InProcess: identity}]
Callers: {Env: CALLERS}
AccessPoints:
  - Name: objects
    ObjectLambdaConfiguration:
      SupportingAccessPoint: {Store: local, Bucket: docs}
      TransformationConfigurations: [{Actions: [GetObject], ContentTransformation: {AwsLambda: {FunctionArn: identity}}}]
    AllowedPrincipals: ["*"]
`

// pattern is a reader of n predictable bytes that allocates nothing.
type pattern struct{ n, off int64 }

func (p *pattern) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	m := min(int64(len(b)), p.n-p.off)
	for i := range m {
		b[i] = byte((p.off + i) * 131 >> 8)
	}
	p.off += m
	return int(m), nil
}

// Seek lets the SDK rewind the body (it hashes it first).
func (p *pattern) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		p.off = off
	case io.SeekCurrent:
		p.off += off
	case io.SeekEnd:
		p.off = p.n + off
	}
	return p.off, nil
}

// cpuTime is the CPU time (user and system) of this process and of pid.
func cpuTime(pid int) time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	self := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return self
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64) // utime, clock ticks
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return self + time.Duration(ut+st)*10*time.Millisecond // USER_HZ is 100 on Linux
}

// read GETs in with c: the whole time, the time to the first byte, bytes.
func read(b *testing.B, c *s3.Client, in *s3.GetObjectInput) (time.Duration, time.Duration) {
	start := time.Now()
	out, err := c.GetObject(context.Background(), in)
	if err != nil {
		b.Fatal(err)
	}
	var one [1]byte
	if _, err := io.ReadFull(out.Body, one[:]); err != nil {
		b.Fatal(err)
	}
	ttfb := time.Since(start)
	n, err := io.Copy(io.Discard, out.Body)
	_ = out.Body.Close()
	if err != nil || n+1 != aws.ToInt64(out.ContentLength) {
		b.Fatalf("read %d bytes of %d: %v", n+1, aws.ToInt64(out.ContentLength), err)
	}
	return time.Since(start), ttfb
}

func median(d []float64) float64 {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// BenchmarkGateway measures an identity GetObject through the gateway (an
// in-process objectlambda.Handler that changes nothing) against the same
// GET sent to versitygw directly, in the same run, alternately, with the
// same SDK client settings:
//
//   - ratio: direct time ÷ gateway time, the median of the pairs (1.0 = no
//     overhead; the goal is ≥ 0.8); cpu-ratio: the same for the CPU time of
//     this process and versitygw together, steadier on a shared machine;
//
//   - peak-heap-MiB and rss-MiB: the gateway's memory (must not grow with
//     the object);
//
//   - ttfb-added-p50-ms (size=1KiB): the median time to first byte the
//     gateway adds.
//
//     go test -run '^$' -bench BenchmarkGateway -benchtime 5x ./gateway
func BenchmarkGateway(b *testing.B) {
	st := objectlambdatest.NewStore(b, "us-east-1")
	st.CreateBucket(b, "docs")
	r := newBenchRig(b, st)
	direct := st.Client()
	through := r.client(ana)
	for _, size := range []int64{1 << 10, 1 << 20, 16 << 20, 256 << 20, 1 << 30} {
		key := "obj-" + strconv.FormatInt(size, 10)
		_, err := direct.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("docs"), Key: aws.String(key),
			Body: &pattern{n: size}, ContentLength: aws.Int64(size)})
		if err != nil {
			b.Fatal(err)
		}
		name := fmt.Sprintf("size=%dKiB", size>>10)
		if size >= 1<<20 {
			name = fmt.Sprintf("size=%dMiB", size>>20)
		}
		b.Run(name, func(b *testing.B) {
			inDirect := &s3.GetObjectInput{Bucket: aws.String("docs"), Key: aws.String(key)}
			inOurs := &s3.GetObjectInput{Bucket: aws.String("objects"), Key: aws.String(key)}
			read(b, direct, inDirect) // warm the connections
			read(b, through, inOurs)
			runtime.GC()
			peak := memsample.Start()
			var ratios, cpuRatios, ttfbAdded []float64
			b.SetBytes(size)
			b.ResetTimer()
			for range b.N {
				c0 := cpuTime(st.PID)
				d, dFirst := read(b, direct, inDirect)
				c1 := cpuTime(st.PID)
				o, oFirst := read(b, through, inOurs)
				c2 := cpuTime(st.PID)
				ratios = append(ratios, d.Seconds()/o.Seconds())
				if c2 > c1 && c1 > c0 {
					cpuRatios = append(cpuRatios, (c1-c0).Seconds()/(c2-c1).Seconds())
				}
				ttfbAdded = append(ttfbAdded, (oFirst-dFirst).Seconds()*1000)
			}
			b.StopTimer()
			growth, rss := peak.Stop()
			b.ReportMetric(median(ratios), "ratio")
			if len(cpuRatios) > 0 {
				b.ReportMetric(median(cpuRatios), "cpu-ratio")
			}
			b.ReportMetric(median(ttfbAdded), "ttfb-added-p50-ms")
			b.ReportMetric(growth, "peak-heap-MiB")
			b.ReportMetric(rss, "rss-MiB")
		})
	}
}

// newBenchRig is a gateway over st with an identity in-process function.
func newBenchRig(b *testing.B, st *objectlambdatest.Store) *rig {
	b.Helper()
	return startGateway(b, st, benchConfig, gateway.WithHandler("identity", objectlambda.WithLogger(slog.New(slog.DiscardHandler))))
}

// BenchmarkReplicas measures the aggregate throughput of 6 callers, each
// reading a 64 MiB object through the load balancer over and over, with 1
// and with 3 replicas (all in this process, so on the same CPUs), and with
// 3 replicas whose functions answer through the balancer (two thirds of the
// answers then cross to another replica). x-1-replica is the throughput
// relative to one replica.
//
//	go test -run '^$' -bench BenchmarkReplicas -benchtime 3x ./gateway
func BenchmarkReplicas(b *testing.B) {
	st := objectlambdatest.NewStore(b, "us-east-1")
	st.CreateBucket(b, "docs")
	const size = 64 << 20
	putObjects(b, st, []int{size})
	var one float64
	for _, tc := range []struct {
		name        string
		replicas    int
		viaBalancer bool
	}{{"replicas=1", 1, false}, {"replicas=3", 3, false}, {"replicas=3,answers-via-balancer", 3, true}} {
		b.Run(tc.name, func(b *testing.B) {
			c := newCluster(b, st, tc.replicas, tc.viaBalancer)
			const callers = 6
			b.SetBytes(callers * size)
			b.ResetTimer()
			for range b.N {
				var wg sync.WaitGroup
				for range callers {
					wg.Go(func() {
						if n, _, _, err := getObject(c.lb.url, "obj-0", nil); err != nil || n != size {
							b.Errorf("read %d bytes: %v", n, err)
						}
					})
				}
				wg.Wait()
			}
			b.StopTimer()
			mbs := float64(b.N) * callers * size / b.Elapsed().Seconds() / 1e6
			b.ReportMetric(mbs, "MB/s-total")
			if tc.replicas == 1 {
				one = mbs
			} else if one > 0 {
				b.ReportMetric(mbs/one, "x-1-replica")
			}
		})
	}
}
