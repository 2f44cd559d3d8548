package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/bench"
	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

// Targets of the issue.
const (
	overheadTarget = 1.10 // provider ÷ Terraform alone, wall time
	clientTarget   = 1.05 // Client.Send ÷ raw net/http, ns/op
	// flatSlack is how much more the iterator's live heap may rise over
	// 100 000 devices than over 1 000 and still be flat: a few pages and
	// the runtime's own jitter (one page of 100 tokens is about 15 KiB).
	flatSlack = 256 << 10
)

type report struct {
	o                     options
	started               time.Time
	took                  time.Duration
	loadBefore, loadAfter string
	machine               bench.Machine
	commit, tfVersion     string

	requests []bench.CountRow
	enforced []enforcedRow
	overhead overhead
	gobench  struct {
		lines     []bench.BenchLine
		hasPrev   bool
		benchstat string
	}
	large         bench.LargeResult
	largeLatency  bench.LargeResult
	largeRawConns int
	paging        struct {
		small, big       bench.PagingResult
		collected        uint64
		apply            bench.CountRow
		digest, dsDigest string
		dsCount          int
	}
}

type enforcedRow struct {
	bench.CountRow
	label string
}

type overhead struct {
	n                       int
	floor, plugin, realtime *bench.Timed
	// quiet and quietPlugin are realtime and plugin with the SDK loggers off.
	quiet, quietPlugin *bench.Timed
}

// ratio is the median of the per-repetition ratios a/b of one phase.
func ratio(a, b *bench.Timed, plan bool) float64 {
	if plan {
		return bench.Median(bench.Ratios(a.Plan, b.Plan))
	}
	return bench.Median(bench.Ratios(a.Apply, b.Apply))
}

// cpuRatio is ratio for the CPU times.
func cpuRatio(a, b *bench.Timed, plan bool) float64 {
	if plan {
		return bench.Median(bench.Ratios(a.PlanCPU, b.PlanCPU))
	}
	return bench.Median(bench.Ratios(a.ApplyCPU, b.ApplyCPU))
}

// processes is how many provider processes Terraform started for a phase
// of realtime_channel_presence in item 1 ("several" when not counted).
func (r *report) processes(p bench.Phase) string {
	seen := map[int]bool{}
	var counts []string
	for _, row := range r.requests {
		if row.Kind == bench.ChannelPresence && row.Phase == p && row.Processes >= 0 && !seen[row.Processes] {
			seen[row.Processes] = true
			counts = append(counts, fmt.Sprint(row.Processes))
		}
	}
	if len(counts) == 0 {
		return "several"
	}
	return strings.Join(counts, " or ")
}

func holds(ok bool, note string) string {
	if ok {
		return "yes"
	}
	return "**no** — " + note
}

func (r *report) markdown() string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }

	p("# Benchmarks\n\n")
	p("Written by `make bench` (`internal/bench/cmd/realtime-bench`); do not edit by hand. ")
	p("The physical limit of the provider is one HTTP round trip per operation and one balancer lookup per ")
	p("provider process; Terraform core is the floor of everything else. Times are compared as ratios of runs ")
	p("taken in turns, never as bare times: the machines are shared and noisy.\n\n")
	p("- **When**: %s, took %s\n", r.started.UTC().Format("2006-01-02 15:04 MST"), r.took.Round(time.Second))
	p("- **Commit**: %s\n", r.commit)
	m := r.machine
	p("- **Machine**: %s/%s, %s, %d CPUs, %s memory, kernel %s; %s; Terraform %s\n",
		m.OS, m.Arch, m.CPU, m.CPUs, m.Memory, m.Kernel, m.Go, r.tfVersion)
	p("- **Load average** (1, 5, 15 min): %s before, %s after\n\n", r.loadBefore, r.loadAfter)

	// Summary.
	exact, total := 0, len(r.requests)
	for _, row := range r.requests {
		if row.Miss() == "" {
			exact++
		}
	}
	o := r.overhead
	applyRatio, planRatio := ratio(o.realtime, o.floor, false), ratio(o.realtime, o.floor, true)
	clientNs, rawNs := bench.Metric(r.gobench.lines, "BenchmarkClientSend", "ns/op"), bench.Metric(r.gobench.lines, "BenchmarkRawHTTPSend", "ns/op")
	clientRatio := bench.Median(bench.PairRatios(clientNs, rawNs))
	clientConns, rawConns := maxOf(bench.Metric(r.gobench.lines, "BenchmarkClientSend", "conns")), maxOf(bench.Metric(r.gobench.lines, "BenchmarkRawHTTPSend", "conns"))
	lg := r.large
	pg := r.paging
	flat := pg.big.Growth() <= pg.small.Growth()+flatSlack
	allPages := (pg.big.Devices + 99) / 100

	p("## Summary\n\n| # | measure | target | result | holds |\n|---|---|---|---|---|\n")
	p("| 1 | requests of apply, no-change plan and destroy of N = %s `realtime_channel_presence` and `realtime_token_permissions` | apply = N writes + 1 balancer lookup; plan ≤ N reads, 0 writes; 1 lookup per provider process that calls the API | %d of %d commands exact | %s |\n",
		joinInts(r.o.sizes), exact, total, holds(exact == total, "see [1](#1-requests-per-operation)"))
	p("| 2 | apply of %d `realtime_channel_presence` ÷ %d `terraform_data`, median of %d | ≤ %.2f | %.2f | %s |\n",
		o.n, o.n, r.o.reps, overheadTarget, applyRatio, holds(applyRatio <= overheadTarget, "[note A](#note-a-terraform_data-is-no-plugin)"))
	p("| 2 | no-change plan of the same | ≤ %.2f | %.2f | %s |\n",
		overheadTarget, planRatio, holds(planRatio <= overheadTarget, "[note A](#note-a-terraform_data-is-no-plugin)"))
	p("| 3 | `Client.Send` ÷ raw `net/http`, ns/op, median of %d rounds of %d sends | ≤ %.2f | %.2f | %s |\n",
		r.o.rounds, r.o.sends, clientTarget, clientRatio, holds(clientRatio <= clientTarget, "[note B](#note-b-client-overhead)"))
	p("| 3 | TCP connections opened by %d sequential sends (client / raw) | ≤ 1 (the concurrency) | %.0f / %.0f | %s |\n",
		r.o.sends, clientConns, rawConns, holds(clientConns <= 1 && rawConns <= 1, "[note C](#note-c-connections-above-the-concurrency)"))
	p("| 4 | 1 MiB of mixed text via `Send`: one request per part, reassembled message equal to the input | equal | %d parts, %d requests, %s | %s |\n",
		lg.Parts, lg.Requests, map[bool]string{true: "equal every time", false: "NOT equal"}[lg.Equal], holds(lg.Equal && lg.Requests == lg.Parts, "see [4](#4-large-messages)"))
	p("| 5 | live heap of the device iterator over %s devices vs %s | flat (O(page)) | +%s vs +%s (collecting them all keeps %s) | %s |\n",
		thousands(pg.big.Devices), thousands(pg.small.Devices), kib(pg.big.Growth()), kib(pg.small.Growth()), kib(int64(pg.collected)), holds(flat, "see [5](#5-paging)"))
	p("| 5 | `realtime_push_topic_devices` returns all of them, one request per page | %s devices, %d requests | %s devices, %d requests, digest %s | %s |\n\n",
		thousands(pg.big.Devices), allPages, thousands(pg.dsCount), pg.apply.Counts["push_topicdevices"], map[bool]string{true: "equal", false: "DIFFERENT"}[pg.dsDigest == pg.digest],
		holds(pg.dsCount == pg.big.Devices && pg.dsDigest == pg.digest && pg.apply.Counts["push_topicdevices"] == allPages, "see [5](#5-paging)"))

	r.requestsSection(p)
	r.overheadSection(p)
	r.clientSection(p, clientRatio)
	r.largeSection(p)
	r.pagingSection(p)
	r.notes(p, applyRatio, planRatio, clientRatio)
	return b.String()
}

type printer func(format string, a ...any)

func (r *report) requestsSection(p printer) {
	p("## 1. Requests per operation\n\n")
	p("Read from the emulator's counters, reset before each command (exact: no noise). `balancer` is the cluster lookup. ")
	p("*Provider processes* is how many Terraform started for the command (a shim counts them); the client asks the ")
	p("balancer lazily, so only the processes that call the API look it up. The application does not enforce ")
	p("authentication, so presence reads need no token saves. The same numbers are asserted by ")
	p("`TestAccRequestCounts_*` in `internal/provider` (N = 10), so a regression fails CI.\n\n")
	p("| resource | N | command | requests | reads | writes | balancer | provider processes | TCP connections | target |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, row := range r.requests {
		p("%s\n", countLine(string(row.Kind), string(row.Phase), row))
	}
	p("\nWith an application that **enforces authentication** and no `authentication_token` in the provider, presence reads ")
	p("need a token with `p` on the channel: the provider saves its own, per channel, for 300 s (`channel_presence_read_token.go`). ")
	p("Informational — see [note D](#note-d-presence-reads-with-enforced-authentication):\n\n")
	p("| resource | N | command | requests | reads | writes | balancer | provider processes | TCP connections | as designed |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, row := range r.enforced {
		p("%s\n", countLine(string(row.Kind), row.label, row.CountRow))
	}
	p("\n")
}

func countLine(kind, phase string, row bench.CountRow) string {
	reads, writes, bal := bench.Split(row.Counts)
	ok := "yes"
	if miss := row.Miss(); miss != "" {
		ok = "**no**: " + miss
	}
	procs := "—"
	if row.Processes >= 0 {
		procs = fmt.Sprint(row.Processes)
	}
	return fmt.Sprintf("| `%s` | %d | %s | %s | %d | %d | %d | %s | %d | %s |",
		kind, row.N, phase, bench.FormatCounts(row.Counts), reads, writes, bal, procs, row.Connections, ok)
}

func (r *report) overheadSection(p printer) {
	o := r.overhead
	p("## 2. Provider overhead vs Terraform's floor\n\n")
	p("Wall time of `terraform apply` of %d resources from nothing, and of the no-change `terraform plan` after it ", o.n)
	p("(default parallelism), each configuration destroyed between runs. The configurations take turns, the order ")
	p("rotating each repetition, after one untimed warm-up round; each ratio is taken within one repetition, and the ")
	p("table shows medians. `benchfloor_item` is a no-op resource of a provider built on the same framework ")
	p("(`internal/bench/cmd/terraform-provider-benchfloor`): the floor of any plugin provider.\n\n")
	p("| configuration | apply (median) | plan (median) | apply ÷ terraform_data | plan ÷ terraform_data | apply ÷ benchfloor | plan ÷ benchfloor | CPU: apply ÷ terraform_data | CPU: plan ÷ terraform_data |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, row := range []struct {
		label string
		t     *bench.Timed
	}{
		{"`terraform_data` (Terraform alone)", o.floor},
		{"`benchfloor_item` (plugin floor)", o.plugin},
		{"`realtime_channel_presence`", o.realtime},
		{"`benchfloor_item`, SDK logs off", o.quietPlugin},
		{"`realtime_channel_presence`, SDK logs off", o.quiet},
	} {
		p("| %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", row.label,
			ms(bench.MedianDuration(row.t.Apply)), ms(bench.MedianDuration(row.t.Plan)),
			ratio(row.t, o.floor, false), ratio(row.t, o.floor, true),
			ratio(row.t, o.plugin, false), ratio(row.t, o.plugin, true),
			cpuRatio(row.t, o.floor, false), cpuRatio(row.t, o.floor, true))
	}
	p("\nPer repetition, `realtime_channel_presence` ÷ `terraform_data`: apply %s; plan %s.\n",
		joinFloats(bench.Ratios(o.realtime.Apply, o.floor.Apply)), joinFloats(bench.Ratios(o.realtime.Plan, o.floor.Plan)))
	p("*SDK logs off* sets `%s`. *CPU* is the user and system time of Terraform and the provider processes it waited for ", strings.Join(sdkLogsOff, " "))
	p("(the emulator's is not counted): a steadier view on a busy machine, not the target.\n\n")
}

func (r *report) clientSection(p printer, clientRatio float64) {
	lines := r.gobench.lines
	p("## 3. Client vs raw HTTP\n\n")
	p("`BenchmarkClientSend` and `BenchmarkRawHTTPSend` (`internal/bench`): %d one-part sends each, one after the other, ", r.o.sends)
	p("through `ortc.Client` (default options) and through a plain `net/http` loop posting the same forms ")
	p("(checked byte for byte by `TestClientAndRawSendTheSameRequests`), both keep-alive with %d idle connections per host, ", 8)
	p("against one emulator in the same process. The two run back to back in each round; the ratio is taken per round. ")
	p("`cpu-ns/op` is the process's CPU time per send (client and emulator together), steadier than wall time on a busy machine.\n\n")
	p("| round | client ns/op | raw ns/op | ratio | client cpu-ns/op | raw cpu-ns/op | CPU ratio | client allocs/op | raw allocs/op | connections (client / raw) |\n|---|---|---|---|---|---|---|---|---|---|\n")
	get := func(name, unit string) []float64 { return bench.Metric(lines, name, unit) }
	cNs, rNs := get("BenchmarkClientSend", "ns/op"), get("BenchmarkRawHTTPSend", "ns/op")
	cCPU, rCPU := get("BenchmarkClientSend", "cpu-ns/op"), get("BenchmarkRawHTTPSend", "cpu-ns/op")
	cAl, rAl := get("BenchmarkClientSend", "allocs/op"), get("BenchmarkRawHTTPSend", "allocs/op")
	cC, rC := get("BenchmarkClientSend", "conns"), get("BenchmarkRawHTTPSend", "conns")
	for i := range min(len(cNs), len(rNs)) {
		p("| %d | %.0f | %.0f | %.2f | %s | %s | %s | %s | %s | %s / %s |\n", i+1, cNs[i], rNs[i], cNs[i]/rNs[i],
			at(cCPU, i), at(rCPU, i), ratioAt(cCPU, rCPU, i), at(cAl, i), at(rAl, i), at(cC, i), at(rC, i))
	}
	p("| **median** | %.0f | %.0f | **%.2f** | %.0f | %.0f | **%.2f** | | | |\n\n",
		bench.Median(cNs), bench.Median(rNs), clientRatio, bench.Median(cCPU), bench.Median(rCPU), bench.Median(bench.PairRatios(cCPU, rCPU)))

	p("### Go benchmarks (benchstat)\n\n")
	if r.gobench.hasPrev {
		p("This run against the previous one on this machine (`.bench/gobench.prev.txt` → `.bench/gobench.txt`):\n\n")
	} else {
		p("No previous run on this machine (`.bench/gobench.txt` is the first): the summary of this run alone.\n\n")
	}
	p("<details><summary>benchstat output</summary>\n\n```\n%s\n```\n\n</details>\n\n", r.gobench.benchstat)
}

func (r *report) largeSection(p printer) {
	lg := r.large
	p("## 4. Large messages\n\n")
	p("%s bytes (%s characters) of ASCII mixed with 2-, 3- and 4-byte characters, sent with `Client.Send` %d times at each ",
		thousands(lg.Bytes), thousands(lg.Runes), r.o.largeReps)
	p("concurrency (parts in flight), alternating, each time by a new client to a freshly reset emulator.\n\n")
	p("- parts: %d (at most %d bytes each, cut between characters); sends counted by the emulator: %d per message\n", lg.Parts, ortc.MaxPartBytes, lg.Requests)
	p("- reassembled by the emulator, every time: %s\n\n", map[bool]string{true: "equal to the input, no part twice", false: "**different from the input**"}[lg.Equal])
	p("| concurrency | latency per send | wall time (median) | runs | most TCP connections of one message |\n|---|---|---|---|---|\n")
	for _, v := range []struct {
		res     bench.LargeResult
		latency string
	}{{lg, "none (loopback)"}, {r.largeLatency, sendLatency.String() + " (emulator delay)"}} {
		for _, c := range []int{ortc.DefaultConcurrency, 1} {
			p("| %d%s | %s | %s | %s | %d |\n", c, map[bool]string{true: " (default)", false: ""}[c == ortc.DefaultConcurrency],
				v.latency, ms(bench.MedianDuration(v.res.Wall[c])), joinDurations(v.res.Wall[c]), v.res.Connections[c])
		}
	}
	speedup := func(res bench.LargeResult) float64 {
		cd := bench.MedianDuration(res.Wall[ortc.DefaultConcurrency])
		if cd == 0 {
			return 0
		}
		return float64(bench.MedianDuration(res.Wall[1])) / float64(cd)
	}
	p("\nConcurrency %d over concurrency 1: %.2f× as fast on loopback, where client and emulator share this machine's %d CPUs ",
		ortc.DefaultConcurrency, speedup(lg), r.machine.CPUs)
	p("and every part costs CPU only; %.2f× as fast when each send waits %s in the emulator, as it would across a network: ", speedup(r.largeLatency), sendLatency)
	p("parts in flight hide latency, they cannot make CPU. ")
	p("A raw `net/http` loop posting the same parts %d at a time opened %d connections ([note C](#note-c-connections-above-the-concurrency)).\n\n",
		ortc.DefaultConcurrency, r.largeRawConns)
}

func (r *report) pagingSection(p printer) {
	pg := r.paging
	p("## 5. Paging\n\n")
	p("A push topic with %s devices, emulator page size 100. `Client.TopicDevices` walks the pages while the loop consumes ", thousands(pg.big.Devices))
	p("each token without keeping it; the live heap (`runtime.MemStats.HeapAlloc` right after a forced GC, so garbage does not count) ")
	p("is sampled before the walk and every %s devices during it. Flat means the rise does not grow with the number of devices.\n\n", thousands(pg.big.SampleEvery))
	p("| walk | requests | samples | live heap before | peak during | rise |\n|---|---|---|---|---|---|\n")
	for _, w := range []bench.PagingResult{pg.small, pg.big} {
		p("| %s devices | %d | %d | %s | %s | +%s |\n", thousands(w.Seen), w.Requests, w.Samples, kib(int64(w.BaselineHeap)), kib(int64(w.PeakHeap)), kib(w.Growth()))
	}
	p("| `AllTopicDevices` (keeps them all, for contrast) | | | | | +%s |\n\n", kib(int64(pg.collected)))
	reads, writes, bal := bench.Split(pg.apply.Counts)
	p("The data source `realtime_push_topic_devices` through Terraform (`apply` of a configuration that outputs `device_count` ")
	p("and `sha256(join(\",\", tokens))`): %s devices returned, digest %s the seeded tokens'; %s (%d reads, %d writes, %d balancer) in %s.\n\n",
		thousands(pg.dsCount), map[bool]string{true: "equal to", false: "**different from**"}[pg.dsDigest == pg.digest],
		bench.FormatCounts(pg.apply.Counts), reads, writes, bal, ms(pg.apply.Wall))
}

func (r *report) notes(p printer, applyRatio, planRatio, clientRatio float64) {
	o := r.overhead
	p("## Notes\n\n")

	p("### Note A: terraform_data is no plugin\n\n")
	if applyRatio <= overheadTarget && planRatio <= overheadTarget {
		p("The target holds.\n\n")
	} else {
		p("The target (≤ %.2f) does not hold: apply %.2f, plan %.2f. `terraform_data` is built into Terraform: no process ", overheadTarget, applyRatio, planRatio)
		p("to start, no gRPC, no framework. Any plugin provider pays for those, as the no-op floor provider shows: ")
		p("`benchfloor_item` alone is %.2f (apply) and %.2f (plan) × `terraform_data`. ", ratio(o.plugin, o.floor, false), ratio(o.plugin, o.floor, true))
		p("Above that floor, the realtime provider's own share (%d API round trips per command, its validators and code) is %.2f (apply) ",
			o.n, ratio(o.realtime, o.plugin, false))
		p("and %.2f (plan) × `benchfloor_item`, or %.2f and %.2f with the SDK loggers off on both sides. ", ratio(o.realtime, o.plugin, true),
			ratio(o.quiet, o.quietPlugin, false), ratio(o.quiet, o.quietPlugin, true))
		p("In CPU time, steadier on a busy machine: `benchfloor_item` %.2f / %.2f (apply / plan) × `terraform_data`, ",
			cpuRatio(o.plugin, o.floor, false), cpuRatio(o.plugin, o.floor, true))
		p("`realtime_channel_presence` %.2f / %.2f. Terraform starts %s provider processes for an apply and %s for a plan ",
			cpuRatio(o.realtime, o.floor, false), cpuRatio(o.realtime, o.floor, true), r.processes(bench.Apply), r.processes(bench.Plan))
		p("(item 1), and go-plugin generates a P-521 TLS certificate in each.\n\n")
		p("With `TF_LOG_SDK*` and `TF_LOG_PROVIDER*` unset, terraform-plugin-go, the framework and `tflog` log at TRACE ")
		p("(terraform-plugin-log takes an unset level as TRACE): every RPC serialises a dozen JSON log lines to stderr, which ")
		p("Terraform parses and drops unless `TF_LOG` or `TF_LOG_PROVIDER` is set. The provider's `main.go` ")
		p("(`quietLogsUnlessAsked`) turns those loggers off in its own process when nobody asked for logs, so its rows with ")
		p("and without *SDK logs off* should be alike (apply %.2f, plan %.2f × each other here); the no-op floor provider does ",
			ratio(o.quiet, o.realtime, false), ratio(o.quiet, o.realtime, true))
		p("not, and pays for them: *SDK logs off* is its fair row. Against it, `realtime_channel_presence` is %.2f (apply) and ",
			ratio(o.realtime, o.quietPlugin, false))
		p("%.2f (plan). The rest is the price of being a plugin: ", ratio(o.realtime, o.quietPlugin, true))
		p("the target is only reachable against a plugin floor, not against `terraform_data`.\n\n")
	}

	p("### Note B: client overhead\n\n")
	if clientRatio <= clientTarget {
		p("The target holds.\n\n")
	} else {
		p("The target (≤ %.2f) does not hold: %.2f. The emulator's work is the same on both sides (same process, same forms), ", clientTarget, clientRatio)
		p("so the difference is the client's. What it does that the raw loop does not (profiled with `go test -cpuprofile` ")
		p("and `-memprofile`, %s vs %s allocations per send): ",
			fmtMedian(bench.Metric(r.gobench.lines, "BenchmarkClientSend", "allocs/op")), fmtMedian(bench.Metric(r.gobench.lines, "BenchmarkRawHTTPSend", "allocs/op")))
		p("validating the input, framing the message and building the form; `go-retryablehttp`'s request wrapping ")
		p("(a request copy, a body reader per attempt, the retry check); the per-attempt deadline (a context and a timer, ")
		p("which `http.Client.Timeout` would cost too); the operation's state in the request context and the secrets ")
		p("scrubbed from any error. Two costs found earlier are gone: `http.Client.Timeout` on the wrapped transport took ")
		p("`net/http`'s legacy cancel path (a goroutine and a timer per request; now a context deadline ended with the answer's body, ")
		p("keep-alive kept, `TestTimeout_keepsTheConnectionAlive`), and a goroutine per one-part message. What is left is ")
		p("the price of retries, of scrubbing secrets and of checking input before any request: worth an issue only if ")
		p("sends of many small messages, not round trips, ever bound a run.\n\n")
		p("None of this is an extra round trip: the emulator counts exactly one send per call.\n\n")
	}

	p("### Note C: connections above the concurrency\n\n")
	clientRounds := countAbove(bench.Metric(r.gobench.lines, "BenchmarkClientSend", "conns"), 1)
	rawRounds := countAbove(bench.Metric(r.gobench.lines, "BenchmarkRawHTTPSend", "conns"), 1)
	if clientRounds+rawRounds == 0 {
		p("Sequential sends (item 3) kept one connection in every round, client and raw alike. ")
	} else {
		p("Sequential sends (item 3) need one connection, yet %d client round(s) and %d raw round(s) of %d opened more. ", clientRounds, rawRounds, r.o.rounds)
		p("`net/http` gives up a keep-alive connection when it has not seen the write of the request confirmed within 50 ms ")
		p("of reading the answer (`maxWriteWaitBeforeConnReuse`), which a machine this loaded can cause (more goroutines per ")
		p("request, as in note B, make it likelier); the emulator closes nothing. A rerun on a quieter machine tells that apart ")
		p("from a lost keep-alive, which would open a connection per send. ")
	}
	clientMax := r.large.Connections[ortc.DefaultConcurrency]
	p("With %d parts in flight (item 4) the client opened at most %d connections per message, a raw `net/http` loop with the same pattern %d. ",
		ortc.DefaultConcurrency, clientMax, r.largeRawConns)
	if clientMax <= ortc.DefaultConcurrency && r.largeRawConns <= ortc.DefaultConcurrency {
		p("Both stayed within the concurrency this time; they do not always: ")
	}
	p("`net/http` puts a connection back in its idle pool a moment after the answer's body is closed, so a part ")
	p("started in that moment may dial one more. Not the client's doing; capping it ")
	p("(`http.Transport.MaxConnsPerHost`) would also throttle Terraform's parallel operations, which share the pool.\n\n")

	p("### Note D: presence reads with enforced authentication\n\n")
	p("Reading presence takes a token. Without `authentication_token`, the provider reads with a token of its own per channel, ")
	p("derived from the private key and saved on demand for 300 s: a plan after those tokens ran out pays, per channel, a ")
	p("refused read, a save and the read again (2N reads + N writes); a plan within 300 s of the last save pays N reads, ")
	p("as targeted. This is above the target (no write in a no-change plan) by design — a random token per process would ")
	p("save on every plan, one token for all channels could not be saved concurrently. Setting `authentication_token` (with `p` ")
	p("on the channels) makes every plan N reads. Worth an issue only if plans of enforced applications every few minutes matter.\n")
}

// at formats xs[i] as a whole number, "—" when missing.
func at(xs []float64, i int) string {
	if i >= len(xs) {
		return "—"
	}
	return fmt.Sprintf("%.0f", xs[i])
}

func ratioAt(a, b []float64, i int) string {
	if i >= len(a) || i >= len(b) || b[i] == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", a[i]/b[i])
}

func countAbove(xs []float64, limit float64) int {
	n := 0
	for _, x := range xs {
		if x > limit {
			n++
		}
	}
	return n
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func fmtMedian(xs []float64) string { return fmt.Sprintf("%.0f", bench.Median(xs)) }

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }

func kib(n int64) string {
	if n >= 10<<20 || n <= -(10<<20) {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s
}

func joinInts(xs []int) string {
	var out []string
	for _, x := range xs {
		out = append(out, fmt.Sprint(x))
	}
	return strings.Join(out, ", ")
}

func joinFloats(xs []float64) string {
	var out []string
	for _, x := range xs {
		out = append(out, fmt.Sprintf("%.2f", x))
	}
	return strings.Join(out, ", ")
}

func joinDurations(ds []time.Duration) string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%.0f", float64(d)/float64(time.Millisecond)))
	}
	return strings.Join(out, ", ") + " ms"
}
