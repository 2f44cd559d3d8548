package bench

import (
	"strconv"
	"strings"
)

// BenchLine is one result line of `go test -bench`.
type BenchLine struct {
	Name    string // without the -GOMAXPROCS suffix
	N       int
	Metrics map[string]float64 // unit -> value: "ns/op", "B/op", "conns", ...
}

// ParseBenchLines reads the result lines of `go test -bench` output,
// ignoring everything else (headers, PASS, logs).
func ParseBenchLines(out string) []BenchLine {
	var lines []BenchLine
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		bl := BenchLine{Name: name, N: n, Metrics: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			bl.Metrics[f[i+1]] = v
		}
		lines = append(lines, bl)
	}
	return lines
}

// Metric collects one metric of the named benchmark across lines, in order.
func Metric(lines []BenchLine, name, unit string) []float64 {
	var out []float64
	for _, l := range lines {
		if v, ok := l.Metrics[unit]; ok && l.Name == name {
			out = append(out, v)
		}
	}
	return out
}

// PairRatios divides a[i] by b[i]: the two benchmarks of one round ran back
// to back in one process.
func PairRatios(a, b []float64) []float64 {
	n := min(len(a), len(b))
	out := make([]float64, 0, n)
	for i := range n {
		if b[i] > 0 {
			out = append(out, a[i]/b[i])
		}
	}
	return out
}
