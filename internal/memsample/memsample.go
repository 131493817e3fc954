package memsample

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Interval is how often a Sampler reads the heap and the RSS.
const Interval = 5 * time.Millisecond

// Sampler samples the heap in use and the RSS until Stop.
type Sampler struct {
	base, heap, rss atomic.Uint64
	stop            chan struct{}
	wg              sync.WaitGroup
	once            sync.Once
}

// Start collects garbage, records the heap in use as the base, and samples
// until Stop.
func Start() *Sampler {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := &Sampler{stop: make(chan struct{})}
	s.base.Store(ms.HeapInuse)
	s.heap.Store(ms.HeapInuse)
	s.rss.Store(RSS())
	s.wg.Go(func() {
		tick := time.NewTicker(Interval)
		defer tick.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-tick.C:
				s.sample(&ms)
			}
		}
	})
	return s
}

func (s *Sampler) sample(ms *runtime.MemStats) {
	runtime.ReadMemStats(ms)
	raise(&s.heap, ms.HeapInuse)
	raise(&s.rss, RSS())
}

func raise(v *atomic.Uint64, x uint64) {
	for {
		old := v.Load()
		if x <= old || v.CompareAndSwap(old, x) {
			return
		}
	}
}

// Stop ends sampling (once; later calls return the same figures) and returns
// the peak growth of the heap in use over the base and the peak RSS, both in
// MiB. The RSS is 0 where /proc/self/statm does not exist.
func (s *Sampler) Stop() (heapGrowthMiB, rssMiB float64) {
	s.once.Do(func() {
		close(s.stop)
		s.wg.Wait()
	})
	return float64(s.heap.Load()-s.base.Load()) / (1 << 20), float64(s.rss.Load()) / (1 << 20)
}

// RSS is the resident set size of this process in bytes, from
// /proc/self/statm; 0 where that file does not exist.
func RSS() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}
