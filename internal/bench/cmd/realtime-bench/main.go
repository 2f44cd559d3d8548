// Command realtime-bench is `make bench`: it measures the provider against
// its physical limits and writes the results as a Markdown report
// (BENCHMARKS.md), keeping the raw `go test -bench` output in a directory of
// its own (.bench/) so that the next run compares with benchstat.
//
//  1. requests per Terraform command, from the emulator's counters (exact);
//  2. wall time of Terraform with the provider over Terraform alone
//     (terraform_data), as median ratios of alternating runs;
//  3. ortc.Client over a raw net/http loop (Go benchmarks, alternating
//     rounds), and the TCP connections both open;
//  4. a 1 MiB message through Send: parts, time per concurrency, and the
//     emulator's reassembly equal to the input;
//  5. paging 100 000 push devices: the iterator's live heap stays flat, and
//     the data source returns all of them.
//
// Run from the repository root (scripts/bench.sh does); it needs Go and a
// Terraform CLI, and nothing from the network but the Go module proxy (for
// benchstat, the first time).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/bench"
	"github.com/ortc-terraform/terraform-provider-realtime/internal/emulator"
	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

type options struct {
	terraform string
	out       string
	dir       string
	sizes     []int // item 1: resources per configuration
	reps      int   // item 2: timed runs of each configuration
	overheadN int   // item 2: resources per configuration
	rounds    int   // item 3: rounds of the two send benchmarks
	sends     int   // item 3: sends per benchmark run
	largeReps int   // item 4: messages per concurrency
	devices   int   // item 5
}

func main() {
	o := options{sizes: []int{1, 10, 100}}
	quick := flag.Bool("quick", false, "smaller numbers, for trying the harness (not for BENCHMARKS.md)")
	flag.StringVar(&o.terraform, "terraform", "bin/terraform", "the Terraform CLI")
	flag.StringVar(&o.out, "out", "BENCHMARKS.md", "the report to write")
	flag.StringVar(&o.dir, "dir", ".bench", "where raw results are kept between runs (for benchstat)")
	// The five; more (-reps 9) steadies the medians on a busy
	// machine at about 13 s of a quiet one per repetition.
	flag.IntVar(&o.reps, "reps", 5, "timed runs of each configuration (item 2)")
	// Six: benchstat needs six samples for a confidence interval.
	flag.IntVar(&o.rounds, "rounds", 6, "rounds of the client and raw send benchmarks (item 3)")
	flag.Parse()
	o.overheadN, o.sends, o.largeReps, o.devices = 100, 10_000, 5, 100_000
	if *quick {
		o.sizes, o.reps, o.rounds, o.sends, o.largeReps, o.devices = []int{1, 10}, 2, 2, 2_000, 2, 10_000
		o.overheadN = 20
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "realtime-bench:", err)
		os.Exit(1)
	}
}

// step prints progress to stderr; the report is the only output that matters.
func step(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, a...))
}

func run(ctx context.Context, o options) error {
	r := &report{
		started: time.Now(), loadBefore: bench.LoadAverage(), machine: bench.DescribeMachine(),
		commit: gitDescribe(), o: o,
	}
	cli, err := filepath.Abs(o.terraform)
	if err != nil {
		return err
	}
	if r.tfVersion, err = terraformVersion(ctx, cli); err != nil {
		return fmt.Errorf("%s: %w (run `make terraform`)", cli, err)
	}
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "realtime-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// Every binary is built once, before anything is timed.
	step("building the provider, the floor provider and the benchmark binaries")
	provider := filepath.Join(tmp, "provider", "terraform-provider-realtime")
	floor := filepath.Join(tmp, "floor", "terraform-provider-benchfloor")
	benchTest := filepath.Join(o.dir, "bench.test")
	ortcTest := filepath.Join(o.dir, "ortc.test")
	for _, b := range [][]string{
		{"build", "-o", provider, "."},
		{"build", "-o", floor, "./internal/bench/cmd/terraform-provider-benchfloor"},
		{"test", "-c", "-o", benchTest, "./internal/bench"},
		{"test", "-c", "-o", ortcTest, "./internal/ortc"},
	} {
		if out, err := exec.CommandContext(ctx, "go", b...).CombinedOutput(); err != nil {
			return fmt.Errorf("go %s: %w\n%s", strings.Join(b, " "), err, out)
		}
	}

	// Two CLI configurations: the counting one starts the provider through
	// a shim that records each process; the timing one starts the binaries
	// directly, so the shim's shell costs nothing there.
	shimDir := filepath.Join(tmp, "shim")
	processFile := filepath.Join(tmp, "processes")
	if err := os.MkdirAll(shimDir, 0o755); err != nil {
		return err
	}
	if err := bench.WriteCountingShim(shimDir, "terraform-provider-realtime", provider, processFile); err != nil {
		return err
	}
	counting, timing := filepath.Join(tmp, "counting.tfrc"), filepath.Join(tmp, "timing.tfrc")
	if err := bench.WriteCLIConfig(counting, map[string]string{bench.ProviderSource: shimDir}); err != nil {
		return err
	}
	if err := bench.WriteCLIConfig(timing, map[string]string{
		bench.ProviderSource: filepath.Dir(provider), bench.FloorSource: filepath.Dir(floor),
	}); err != nil {
		return err
	}
	home := filepath.Join(tmp, "home")

	if err := measureRequests(ctx, r, cli, home, counting, processFile, tmp); err != nil {
		return fmt.Errorf("item 1: %w", err)
	}
	if err := measureOverhead(ctx, r, cli, home, timing, tmp); err != nil {
		return fmt.Errorf("item 2: %w", err)
	}
	if err := measureClient(ctx, r, benchTest, ortcTest); err != nil {
		return fmt.Errorf("item 3: %w", err)
	}
	if err := measureLarge(ctx, r); err != nil {
		return fmt.Errorf("item 4: %w", err)
	}
	if err := measurePaging(ctx, r, cli, home, timing, tmp); err != nil {
		return fmt.Errorf("item 5: %w", err)
	}

	r.loadAfter, r.took = bench.LoadAverage(), time.Since(r.started)
	if err := os.WriteFile(o.out, []byte(r.markdown()), 0o644); err != nil {
		return err
	}
	step("wrote %s in %s", o.out, r.took.Round(time.Second))
	return nil
}

// measureRequests is item 1: the requests of apply, a no-change plan and
// destroy of N resources, per kind, plus presence with enforced
// authentication (informational: above the target by design).
func measureRequests(ctx context.Context, r *report, cli, home, cliConfig, processFile, tmp string) error {
	em, err := bench.StartEmulator(emulator.Options{}, false)
	if err != nil {
		return err
	}
	defer em.Close()
	tf := &bench.Terraform{Path: cli, Env: append(bench.BaseEnv(home, cliConfig), em.ProviderEnv()...)}
	for _, kind := range []bench.Kind{bench.ChannelPresence, bench.TokenPermissions} {
		for _, n := range r.o.sizes {
			step("1. requests: %d × %s", n, kind)
			ws, err := tf.Workspace(filepath.Join(tmp, "requests", fmt.Sprintf("%s-%d", kind, n)), bench.Config(kind, n))
			if err != nil {
				return err
			}
			rows, err := bench.MeasureRequests(ctx, em, ws, kind, n, processFile)
			r.requests = append(r.requests, rows...)
			if err != nil {
				return err
			}
		}
	}

	n := r.o.sizes[len(r.o.sizes)-1]
	step("1. requests: %d × %s, application enforcing authentication", n, bench.ChannelPresence)
	enforced, err := bench.StartEmulator(emulator.Options{}, true)
	if err != nil {
		return err
	}
	defer enforced.Close()
	tf = &bench.Terraform{Path: cli, Env: append(bench.BaseEnv(home, cliConfig), enforced.ProviderEnv()...)}
	ws, err := tf.Workspace(filepath.Join(tmp, "requests", "enforced"), bench.Config(bench.ChannelPresence, n))
	if err != nil {
		return err
	}
	for i, ph := range []struct {
		phase bench.Phase
		label string
		cold  bool
	}{
		{bench.Apply, "apply", false},
		{bench.Plan, "plan, read tokens not saved yet", true},
		{bench.Plan, "plan again, read tokens alive", false},
		{bench.Destroy, "destroy", false},
	} {
		row, err := bench.MeasurePhase(ctx, enforced, ws, ph.phase, processFile)
		if err != nil {
			return fmt.Errorf("enforced authentication, step %d: %w", i+1, err)
		}
		row.Kind, row.N, row.Want = bench.ChannelPresence, n, bench.ExpectedEnforcedAuth(ph.phase, n, ph.cold)
		r.enforced = append(r.enforced, enforcedRow{CountRow: row, label: ph.label})
	}
	return nil
}

// measureOverhead is item 2.
func measureOverhead(ctx context.Context, r *report, cli, home, cliConfig, tmp string) error {
	em, err := bench.StartEmulator(emulator.Options{}, false)
	if err != nil {
		return err
	}
	defer em.Close()
	tf := &bench.Terraform{Path: cli, Env: append(bench.BaseEnv(home, cliConfig), em.ProviderEnv()...)}
	n := r.o.overheadN
	mk := func(label string, kind bench.Kind, extraEnv ...string) (*bench.Timed, error) {
		ws, err := tf.Workspace(filepath.Join(tmp, "overhead", label), bench.Config(kind, n), extraEnv...)
		return &bench.Timed{Label: label, WS: ws}, err
	}
	var errs []error
	add := func(t *bench.Timed, err error) *bench.Timed {
		errs = append(errs, err)
		return t
	}
	r.overhead = overhead{
		n:        n,
		floor:    add(mk("terraform_data", bench.TerraformData)),
		plugin:   add(mk("benchfloor", bench.FloorItem)),
		realtime: add(mk("realtime", bench.ChannelPresence)),
		// The SDK loggers off: what the framework's default TRACE logging
		// costs, which nobody reads unless TF_LOG is set.
		quiet:       add(mk("realtime-sdk-logs-off", bench.ChannelPresence, sdkLogsOff...)),
		quietPlugin: add(mk("benchfloor-sdk-logs-off", bench.FloorItem, sdkLogsOff...)),
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	sets := []*bench.Timed{r.overhead.floor, r.overhead.plugin, r.overhead.realtime, r.overhead.quietPlugin, r.overhead.quiet}
	step("2. overhead: %d × apply + plan + destroy of %d configurations of %d resources", r.o.reps+1, len(sets), n)
	return bench.MeasureOverhead(ctx, sets, r.o.reps)
}

// sdkLogsOff silences terraform-plugin-go's and the framework's loggers
// and the provider's own, which default to TRACE when unset.
var sdkLogsOff = []string{"TF_LOG_SDK=off", "TF_LOG_SDK_PROTO=off", "TF_LOG_SDK_FRAMEWORK=off", "TF_LOG_PROVIDER=off"}

// measureClient is item 3 and the Go benchmarks.
func measureClient(ctx context.Context, r *report, benchTest, ortcTest string) error {
	cur := filepath.Join(r.o.dir, "gobench.txt")
	prev := filepath.Join(r.o.dir, "gobench.prev.txt")
	if _, err := os.Stat(cur); err == nil {
		if err := os.Rename(cur, prev); err != nil {
			return err
		}
		r.gobench.hasPrev = true
	}
	var all strings.Builder
	for i := range r.o.rounds {
		step("3. client vs raw HTTP: round %d of %d (%d sends each)", i+1, r.o.rounds, r.o.sends)
		out, err := exec.CommandContext(ctx, benchTest, "-test.run", "^$",
			"-test.bench", "^Benchmark(ClientSend|RawHTTPSend)$",
			"-test.benchtime", strconv.Itoa(r.o.sends)+"x", "-test.benchmem").CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %w\n%s", benchTest, err, out)
		}
		all.Write(out)
	}
	step("3. framer benchmarks")
	out, err := exec.CommandContext(ctx, ortcTest, "-test.run", "^$", "-test.bench", ".",
		"-test.benchtime", "0.3s", "-test.count", "6", "-test.benchmem").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", ortcTest, err, out)
	}
	all.Write(out)
	if err := os.WriteFile(cur, []byte(all.String()), 0o644); err != nil {
		return err
	}
	r.gobench.lines = bench.ParseBenchLines(all.String())

	args := []string{"tool", "-modfile=tools/go.mod", "benchstat"}
	if r.gobench.hasPrev {
		args = append(args, prev)
	}
	stat, err := exec.CommandContext(ctx, "go", append(args, cur)...).CombinedOutput()
	r.gobench.benchstat = strings.TrimSpace(string(stat))
	if err != nil {
		// The report still stands without the comparison; say why it is missing.
		r.gobench.benchstat = fmt.Sprintf("benchstat failed (%v):\n%s", err, stat)
	}
	return nil
}

// measureLarge is item 4.
func measureLarge(ctx context.Context, r *report) error {
	em, err := bench.StartEmulator(emulator.Options{}, false)
	if err != nil {
		return err
	}
	defer em.Close()
	text := bench.MixedText(1<<20, 1)
	conc := []int{ortc.DefaultConcurrency, 1}
	step("4. large message: %d × 1 MiB at concurrency %d and 1", r.o.largeReps, ortc.DefaultConcurrency)
	if r.large, err = bench.MeasureLargeMessage(ctx, em, text, conc, r.o.largeReps, 0); err != nil {
		return err
	}
	step("4. large message: %d × 1 MiB at concurrency %d and 1, %s per send", r.o.largeReps, ortc.DefaultConcurrency, sendLatency)
	if r.largeLatency, err = bench.MeasureLargeMessage(ctx, em, text, conc, r.o.largeReps, sendLatency); err != nil {
		return err
	}
	r.largeRawConns, err = bench.RawConnections(ctx, em, text, ortc.DefaultConcurrency)
	return err
}

// sendLatency stands in for a network round trip in item 4: on loopback,
// client and emulator share the CPUs and parts in flight cannot help.
const sendLatency = time.Millisecond

// measurePaging is item 5.
func measurePaging(ctx context.Context, r *report, cli, home, cliConfig, tmp string) error {
	em, err := bench.StartEmulator(emulator.Options{}, false)
	if err != nil {
		return err
	}
	defer em.Close()
	step("5. paging: seeding %d devices", r.o.devices)
	const small, smallTopic = 1_000, "bench-topic-small"
	tokens := bench.DeviceTokens(r.o.devices)
	for i := 0; i < len(tokens); i += 10_000 {
		em.AddDevices(em.AppKey, bench.PagingTopic, tokens[i:min(i+10_000, len(tokens))]...)
	}
	em.AddDevices(em.AppKey, smallTopic, tokens[:small]...)
	r.paging.digest = bench.TokensDigest(tokens)

	step("5. paging: walking %d and %d devices with the iterator", small, r.o.devices)
	if r.paging.small, err = bench.MeasurePaging(ctx, em, smallTopic, small, 100); err != nil {
		return err
	}
	if r.paging.big, err = bench.MeasurePaging(ctx, em, bench.PagingTopic, r.o.devices, 1_000); err != nil {
		return err
	}
	if r.paging.collected, _, err = bench.RetainedByCollecting(ctx, em, bench.PagingTopic); err != nil {
		return err
	}

	step("5. paging: the data source through Terraform")
	tf := &bench.Terraform{Path: cli, Env: append(bench.BaseEnv(home, cliConfig), em.ProviderEnv()...)}
	ws, err := tf.Workspace(filepath.Join(tmp, "paging"), bench.PagingConfig())
	if err != nil {
		return err
	}
	row, err := bench.MeasurePhase(ctx, em, ws, bench.Apply, "")
	if err != nil {
		return err
	}
	r.paging.apply = row
	res, err := ws.Command(ctx, "output", "-json")
	if err != nil || res.ExitCode != 0 {
		return fmt.Errorf("terraform output: %v\n%s", err, res.Output)
	}
	var outputs struct {
		Count  struct{ Value int }    `json:"device_count"`
		Digest struct{ Value string } `json:"digest"`
	}
	if err := json.Unmarshal([]byte(res.Output), &outputs); err != nil {
		return fmt.Errorf("terraform output: %w", err)
	}
	r.paging.dsCount, r.paging.dsDigest = outputs.Count.Value, outputs.Digest.Value
	return nil
}

func terraformVersion(ctx context.Context, cli string) (string, error) {
	cmd := exec.CommandContext(ctx, cli, "version", "-json")
	cmd.Env = bench.BaseEnv(os.TempDir(), os.DevNull)
	out, err := cmd.Output()
	if err != nil {
		return "", err
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return "", err
	}
	return v.Version, nil
}

// gitDescribe is the commit measured, "+changes" when the tree differs.
func gitDescribe() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain").Output(); err == nil && len(strings.TrimSpace(string(st))) > 0 {
		c += " + uncommitted changes"
	}
	return c
}
