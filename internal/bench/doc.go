// Package bench measures the provider against its physical limits: one HTTP
// round trip per operation and one balancer lookup per provider process
// (read exactly from the emulator's counters), and Terraform core itself as
// the floor of wall time (measured as ratios, never as bare times, because
// the machines that run it are shared and noisy).
//
// It drives the real Terraform CLI against an emulator served in this
// process, so that counters are read directly and reset between commands,
// and it holds the expected request counts of each Terraform phase in one
// place (Expected), shared by the benchmark program (cmd/realtime-bench,
// run by `make bench`) and by the provider's acceptance test that fails CI
// on a regression.
//
// What it is not: a test suite of the provider's behaviour, or a load test
// of the emulator. It changes nothing outside its own temporary directories
// and the output files it is asked to write.
package bench
