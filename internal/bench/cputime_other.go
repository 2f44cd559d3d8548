//go:build !unix

package bench

import "time"

// ProcessCPU is not measured on this platform: it returns 0, and the
// figures that need it are left out.
func ProcessCPU() time.Duration { return 0 }
