package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/require"
)

// BenchmarkRangedDownload measures the demo process (the access point with
// the function in-process) while aws-sdk-go-v2's manager.Download fetches a
// 100 MiB object in 5 MiB ranges, 5 at a time: its peak resident memory,
// the bytes it wrote to storage (a spool file counts; TMPDIR is its own),
// the most files it held open under TMPDIR, the number of requests and the
// bytes it read from the store. Passthrough is the baseline; redact (fixed
// mask) changes the length, so each range is cut from the redacted output.
// Every download is compared byte for byte with the expected output.
//
// OBJECTLAMBDA_BENCH_MIB changes the object size (default 100).
func BenchmarkRangedDownload(b *testing.B) {
	size := 100
	if v := os.Getenv("OBJECTLAMBDA_BENCH_MIB"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(b, err)
		size = n
	}
	st := &suiteStore{Store: objectlambdatest.NewStore(b, "us-east-1")}
	st.CreateBucket(b, suiteBucket)
	var body bytes.Buffer
	for i := 0; body.Len() < size<<20; i++ {
		fmt.Fprintf(&body, "row %d: contact ana.%d@example.com, card 4111 1111 1111 1111, phone +1 415 555 %04d\n", i, i, i%10000)
	}
	f := fixture{key: "big.txt", contentType: "text/plain", body: body.Bytes()}
	_, err := st.Client().PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(suiteBucket), Key: aws.String(f.key),
		Body: bytes.NewReader(f.body), ContentType: aws.String(f.contentType)})
	require.NoError(b, err)

	for _, k := range []kind{kinds[0], kinds[1]} { // passthrough, redact-fixed
		b.Run(k.name, func(b *testing.B) {
			want := k.expect(b, f)
			tmp := b.TempDir()
			d := startDemoEnv(b, st, []string{"TMPDIR=" + tmp}, k.args...)
			pid := d.cmd.Process.Pid
			before := procIO(b, pid)
			rssBefore := procStatus(b, pid, "VmRSS")
			stop := sampleFiles(pid, tmp)
			client := d.goClient()
			buf := manager.NewWriteAtBuffer(make([]byte, 0, len(want)))
			b.SetBytes(int64(len(want)))
			b.ResetTimer()
			for range b.N {
				buf = manager.NewWriteAtBuffer(buf.Bytes()[:0])
				_, err := manager.NewDownloader(client).Download(context.Background(), buf,
					&s3.GetObjectInput{Bucket: aws.String(suiteBucket), Key: aws.String(f.key)})
				require.NoError(b, err)
			}
			b.StopTimer()
			maxFiles := stop()
			require.True(b, bytes.Equal(want, buf.Bytes()), "download differs from the expected %s output", k.name)
			requests, read := d.gets()
			b.ReportMetric(procStatus(b, pid, "VmHWM")/1024, "peak-rss-MiB")
			b.ReportMetric(rssBefore/1024, "idle-rss-MiB")
			b.ReportMetric(float64(procIO(b, pid)-before)/(1<<20)/float64(b.N), "disk-write-MiB/op")
			b.ReportMetric(float64(maxFiles), "tmp-files-max")
			b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
			b.ReportMetric(float64(read)/(1<<20)/float64(b.N), "store-read-MiB/op")
		})
	}
}

// gets counts the demo's GetObject requests and the bytes they read from
// the store, from its request log.
func (d *demo) gets() (n int, bytesIn int64) {
	for _, l := range d.log.Lines() {
		if !strings.Contains(l, "objectlambda request") || !strings.Contains(l, "operation=GetObject") {
			continue
		}
		n++
		for _, f := range strings.Fields(l) {
			if v, ok := strings.CutPrefix(f, "bytesIn="); ok {
				x, _ := strconv.ParseInt(v, 10, 64)
				bytesIn += x
			}
		}
	}
	return n, bytesIn
}

// procStatus reads a kB field of /proc/pid/status.
func procStatus(tb testing.TB, pid int, field string) float64 {
	tb.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(tb, err)
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			require.NoError(tb, err)
			return n
		}
	}
	tb.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// procIO is write_bytes of /proc/pid/io: bytes the process caused to be
// written to storage.
func procIO(tb testing.TB, pid int) int64 {
	tb.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	require.NoError(tb, err)
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "write_bytes: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			require.NoError(tb, err)
			return n
		}
	}
	tb.Fatalf("no write_bytes in /proc/%d/io", pid)
	return 0
}

// sampleFiles counts, every 2 ms, the files under dir that pid holds open
// (spool files are unlinked at creation, so only their descriptors show
// them); stop returns the most seen at once.
func sampleFiles(pid int, dir string) (stop func() int) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	most := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		fds := fmt.Sprintf("/proc/%d/fd", pid)
		for {
			entries, _ := os.ReadDir(fds)
			n := 0
			for _, e := range entries {
				if target, err := os.Readlink(filepath.Join(fds, e.Name())); err == nil && strings.HasPrefix(target, dir) {
					n++
				}
			}
			most = max(most, n)
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return func() int { close(done); wg.Wait(); return most }
}
