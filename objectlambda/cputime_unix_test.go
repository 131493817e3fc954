//go:build unix

package objectlambda

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user and system) the test process has used:
// a measure of work that a busy machine disturbs far less than wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
