package transformtest

import (
	"runtime"
	"testing"
	"time"
)

// Measure runs op b.N times (b.Loop) as one benchmark of a transform over
// size bytes of input and reports, next to ns/op and MB/s:
//
//   - x-copy: the time per op ÷ base, the time of an io.Copy of the same
//     bytes (CopyBaseline) measured in the same run;
//   - cpu-MB/s (Linux): input bytes per second of CPU time of the thread
//     that ran op. On a machine shared with other work, wall time includes
//     the time other processes held the CPU; thread CPU time does not, so
//     it measures throughput per core more steadily.
//
// op runs on one locked OS thread, so it must not hand work to other
// goroutines (the built-in transforms do not).
func Measure(b *testing.B, size int, base time.Duration, op func() error) {
	b.SetBytes(int64(size))
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu0, cpuOK := threadCPU()
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	cpu1, _ := threadCPU()
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(base), "x-copy")
	if cpuOK && cpu1 > cpu0 {
		b.ReportMetric(float64(size)*float64(b.N)/(cpu1-cpu0).Seconds()/1e6, "cpu-MB/s")
	}
}

// Paired times a and b over the same input in alternation, many times, and
// reports the ratio of their total times as "x-<bName>" (a's speed-up over
// b when a is faster). Alternating in short turns exposes both to the same
// load on a shared machine, so the ratio is steadier than two separate
// benchmarks. The benchmark's own ns/op is the time of one a and one b.
func Paired(b *testing.B, size int, bName string, opA, opB func() error) {
	b.SetBytes(int64(size))
	var ta, tb time.Duration
	for b.Loop() {
		t0 := time.Now()
		if err := opA(); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := opB(); err != nil {
			b.Fatal(err)
		}
		ta += t1.Sub(t0)
		tb += time.Since(t1)
	}
	b.ReportMetric(float64(tb)/float64(ta), "x-"+bName)
	b.ReportMetric(float64(size)*float64(b.N)/ta.Seconds()/1e6, "MB/s-new")
}
