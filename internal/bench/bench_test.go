package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/emulator"
)

func TestExpectedMeetsTheTargets(t *testing.T) {
	for _, kind := range []Kind{ChannelPresence, TokenPermissions} {
		for _, n := range []int{1, 10, 100} {
			apply := Expected(kind, Apply, n)
			if r, w, b := Split(apply); r != 0 || w != n || b != 1 {
				t.Errorf("%s apply of %d: %d reads, %d writes, %d lookups; the target is 0, N, 1", kind, n, r, w, b)
			}
			if r, w, b := Split(Expected(kind, Plan, n)); r > n || w != 0 || b > 1 {
				t.Errorf("%s plan of %d: %d reads, %d writes, %d lookups; the target is ≤ N, 0, ≤ 1", kind, n, r, w, b)
			}
			if r, w, b := Split(Expected(kind, Destroy, n)); r > n || w != n || b > 2 {
				t.Errorf("%s destroy of %d: %d reads, %d writes, %d lookups; the target is ≤ N, N, ≤ 2", kind, n, r, w, b)
			}
		}
	}
}

func TestDiffNamesEveryDifferentRoute(t *testing.T) {
	got := map[string]int{"balancer": 2, "presence_get": 10, "authenticate": 1}
	want := map[string]int{"balancer": 1, "presence_get": 10}
	if d := Diff(got, want); d != "authenticate 1, want 0; balancer 2, want 1" {
		t.Errorf("Diff = %q", d)
	}
	if d := Diff(want, want); d != "" {
		t.Errorf("Diff of equal maps = %q", d)
	}
}

func TestFormatCounts(t *testing.T) {
	if s := FormatCounts(map[string]int{"presence_get": 3, "balancer": 1}); s != "balancer=1 presence_get=3" {
		t.Errorf("FormatCounts = %q", s)
	}
	if s := FormatCounts(nil); s != "none" {
		t.Errorf("FormatCounts(nil) = %q", s)
	}
}

func TestMedianAndRatios(t *testing.T) {
	if m := Median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("odd median = %v", m)
	}
	if m := Median([]int{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("even median = %v", m)
	}
	if m := Median([]float64(nil)); m != 0 {
		t.Errorf("empty median = %v", m)
	}
	r := Ratios([]time.Duration{4, 9, 1}, []time.Duration{2, 3, 0})
	if len(r) != 2 || r[0] != 2 || r[1] != 3 {
		t.Errorf("Ratios = %v (a zero divisor is skipped)", r)
	}
}

func TestParseBenchLines(t *testing.T) {
	out := `goos: linux
pkg: example
BenchmarkClientSend-2    	   10000	    158538 ns/op	         1.000 conns	   13387 B/op	     167 allocs/op
BenchmarkFrame/mixed-1MiB-8  106  3158531 ns/op  331.98 MB/s
--- some log line
PASS`
	lines := ParseBenchLines(out)
	if len(lines) != 2 {
		t.Fatalf("parsed %d lines, want 2: %+v", len(lines), lines)
	}
	if l := lines[0]; l.Name != "BenchmarkClientSend" || l.N != 10000 || l.Metrics["ns/op"] != 158538 || l.Metrics["conns"] != 1 || l.Metrics["allocs/op"] != 167 {
		t.Errorf("first line: %+v", l)
	}
	if l := lines[1]; l.Name != "BenchmarkFrame/mixed-1MiB" || l.Metrics["MB/s"] != 331.98 {
		t.Errorf("second line: %+v", l)
	}
	if got := Metric(lines, "BenchmarkClientSend", "conns"); len(got) != 1 || got[0] != 1 {
		t.Errorf("Metric = %v", got)
	}
}

// The generated configurations must be HCL Terraform can read.
func TestConfigsAreValidHCL(t *testing.T) {
	cfgs := map[string]string{"paging": PagingConfig()}
	for _, k := range []Kind{ChannelPresence, TokenPermissions, TerraformData, FloorItem} {
		cfgs[string(k)] = Config(k, 3)
	}
	for name, cfg := range cfgs {
		if _, diags := hclsyntax.ParseConfig([]byte(cfg), name+".tf", hcl.InitialPos); diags.HasErrors() {
			t.Errorf("%s: %s\n%s", name, diags, cfg)
		}
	}
}

func TestMixedText(t *testing.T) {
	s := MixedText(100_000, 7)
	if len(s) != 100_000 || !utf8.ValidString(s) {
		t.Fatalf("len %d, valid %v", len(s), utf8.ValidString(s))
	}
	widths := map[int]bool{}
	for _, r := range s {
		widths[utf8.RuneLen(r)] = true
	}
	for w := 1; w <= 4; w++ {
		if !widths[w] {
			t.Errorf("no %d-byte character", w)
		}
	}
	if a, b := MixedText(1000, 7), MixedText(1000, 7); a != b {
		t.Error("not the same for the same seed")
	}
	if MixedText(1000, 7) == MixedText(1000, 8) {
		t.Error("the same for different seeds")
	}
}

func TestTokensDigestIsOfTheSortedList(t *testing.T) {
	sum := sha256.Sum256([]byte("a,b,c"))
	if got := TokensDigest([]string{"c", "a", "b"}); got != hex.EncodeToString(sum[:]) {
		t.Errorf("TokensDigest = %s", got)
	}
}

// The measurements of items 4 and 5, small: they run in CI so that `make
// bench` does not discover a broken harness.
func TestLargeMessageAndPaging(t *testing.T) {
	em, err := StartEmulator(emulator.Options{PageSize: 10}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer em.Close()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	text := MixedText(64<<10, 1)
	lg, err := MeasureLargeMessage(ctx, em, text, []int{4, 1}, 1, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if !lg.Equal || lg.Parts < 80 || lg.Requests != lg.Parts || len(lg.Wall[4]) != 1 || len(lg.Wall[1]) != 1 {
		t.Errorf("large message: %+v", lg)
	}
	if lg.Connections[1] != 1 {
		t.Errorf("one part in flight opened %d connections, want 1", lg.Connections[1])
	}

	tokens := DeviceTokens(250)
	em.AddDevices(em.AppKey, PagingTopic, tokens...)
	pg, err := MeasurePaging(ctx, em, PagingTopic, len(tokens), 50)
	if err != nil {
		t.Fatal(err)
	}
	if pg.Seen != 250 || pg.Requests != 25 || pg.Samples != 5 || pg.PeakHeap < pg.BaselineHeap {
		t.Errorf("paging: %+v", pg)
	}
	if _, n, err := RetainedByCollecting(ctx, em, PagingTopic); err != nil || n != 250 {
		t.Errorf("collecting: %d devices, %v", n, err)
	}
	if _, err := hex.DecodeString(tokens[0]); err != nil || len(tokens[0]) != 64 {
		t.Errorf("device token %q is not 64 hex digits", tokens[0])
	}
}
