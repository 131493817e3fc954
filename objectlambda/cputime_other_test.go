//go:build !unix

package objectlambda

import "time"

// processCPU is not measured here.
func processCPU() time.Duration { return 0 }
