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
	"github.com/stretchr/testify/assert"
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
	st, f := rangedStore(b, size)
	for _, k := range []kind{kinds[0], kinds[1]} { // passthrough, redact-fixed
		b.Run(k.name, func(b *testing.B) {
			m := measureRangedDownload(b, st, k, f, b.N, b.ResetTimer, b.StopTimer)
			b.SetBytes(int64(m.size))
			b.ReportMetric(m.peakRSS, "peak-rss-MiB")
			b.ReportMetric(m.idleRSS, "idle-rss-MiB")
			b.ReportMetric(m.diskWrite/float64(b.N), "disk-write-MiB/op")
			b.ReportMetric(float64(m.tmpFiles), "tmp-files-max")
			b.ReportMetric(float64(m.requests)/float64(b.N), "requests/op")
			b.ReportMetric(m.storeRead/float64(b.N), "store-read-MiB/op")
		})
	}
}

// TestRangedDownloadOfLengthChangingOutput: a ranged download of a redacted
// 48 MiB object keeps the access point under 40 MiB of memory and writes
// nothing to disk (each range keeps only its slice and counts the rest).
func TestRangedDownloadOfLengthChangingOutput(t *testing.T) {
	st, f := rangedStore(t, 48)
	m := measureRangedDownload(t, st, kinds[1], f, 1, func() {}, func() {})
	t.Logf("redact, 48 MiB in 5 MiB ranges: peak RSS %.1f MiB (idle %.1f), %.0f MiB written to storage, %d temp files at once, %d requests, %.0f MiB read from the store",
		m.peakRSS, m.idleRSS, m.diskWrite, m.tmpFiles, m.requests, m.storeRead)
	assert.Zero(t, m.tmpFiles, "no spool file")
	assert.Less(t, m.diskWrite, 1.0, "MiB written to storage")
	assert.Less(t, m.peakRSS, 40.0, "peak RSS of the access point, MiB")
}

// rangedStore is versitygw with one text object of size MiB full of
// personal data.
func rangedStore(tb testing.TB, size int) (*suiteStore, fixture) {
	tb.Helper()
	st := &suiteStore{Store: objectlambdatest.NewStore(tb, "us-east-1")}
	st.CreateBucket(tb, suiteBucket)
	var body bytes.Buffer
	for i := 0; body.Len() < size<<20; i++ {
		fmt.Fprintf(&body, "row %d: contact ana.%d@example.com, card 4111 1111 1111 1111, phone +1 415 555 %04d\n", i, i, i%10000)
	}
	f := fixture{key: "big.txt", contentType: "text/plain", body: body.Bytes()}
	_, err := st.Client().PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(suiteBucket), Key: aws.String(f.key),
		Body: bytes.NewReader(f.body), ContentType: aws.String(f.contentType)})
	require.NoError(tb, err)
	return st, f
}

// rangedMetrics is what the demo process did during n downloads.
type rangedMetrics struct {
	size               int
	peakRSS, idleRSS   float64 // MiB
	diskWrite          float64 // MiB written to storage
	tmpFiles, requests int
	storeRead          float64 // MiB
}

// measureRangedDownload runs the demo with k over st and downloads f n times
// with manager.Download, each checked byte for byte; start and stop bracket
// the downloads (a benchmark's timer).
func measureRangedDownload(tb testing.TB, st *suiteStore, k kind, f fixture, n int, start, stop func()) rangedMetrics {
	tb.Helper()
	want := k.expect(tb, f)
	tmp := tb.TempDir()
	d := startDemoEnv(tb, st, []string{"TMPDIR=" + tmp}, k.args...)
	pid := d.cmd.Process.Pid
	before := procIO(tb, pid)
	m := rangedMetrics{size: len(want), idleRSS: procStatus(tb, pid, "VmRSS") / 1024}
	files := sampleFiles(pid, tmp)
	client := d.goClient()
	buf := manager.NewWriteAtBuffer(make([]byte, 0, len(want)))
	start()
	for range n {
		buf = manager.NewWriteAtBuffer(buf.Bytes()[:0])
		//lint:ignore SA1019 deprecated, and still what most Go programs download with
		_, err := manager.NewDownloader(client).Download(context.Background(), buf,
			&s3.GetObjectInput{Bucket: aws.String(suiteBucket), Key: aws.String(f.key)})
		require.NoError(tb, err)
	}
	stop()
	m.tmpFiles = files()
	require.True(tb, bytes.Equal(want, buf.Bytes()), "download differs from the expected %s output", k.name)
	reqs, read := d.gets()
	m.requests, m.storeRead = reqs, float64(read)/(1<<20)
	m.peakRSS = procStatus(tb, pid, "VmHWM") / 1024
	m.diskWrite = float64(procIO(tb, pid)-before) / (1 << 20)
	return m
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
