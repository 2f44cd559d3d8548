package bench

import (
	"slices"
	"time"
)

// number is what Median takes.
type number interface {
	~int | ~int64 | ~uint64 | ~float64
}

// Median of xs (the mean of the middle two for an even count); 0 for none.
// Medians, not means: one run slowed by another job on a shared machine
// must not move the result.
func Median[T number](xs []T) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return float64(s[mid])
	}
	return (float64(s[mid-1]) + float64(s[mid])) / 2
}

// MedianDuration is Median for durations.
func MedianDuration(ds []time.Duration) time.Duration {
	return time.Duration(Median(ds))
}

// Ratios divides a[i] by b[i], pairwise: each pair was measured back to
// back, so a slow moment of the machine touches both sides of one ratio.
func Ratios(a, b []time.Duration) []float64 {
	n := min(len(a), len(b))
	out := make([]float64, 0, n)
	for i := range n {
		if b[i] > 0 {
			out = append(out, float64(a[i])/float64(b[i]))
		}
	}
	return out
}
