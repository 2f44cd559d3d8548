package provider

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/bench"
)

// The request counts of the provider are exact, so they are asserted, not
// only reported by `make bench`: apply = N writes + 1 balancer lookup,
// a no-change plan = at most N reads and no write, one lookup per provider
// process that calls the API (bench.Expected holds the numbers, shared with
// the benchmark).
//
// plugin-testing runs several CLI commands per step (apply, then plans and
// refreshes to check the result), which would mix the phases, so these tests
// drive the CLI directly: one command per phase, counters reset before each.
// The provider is served from this process (Terraform reattaches to it, as
// plugin-testing does); Terraform still configures it once per graph walk,
// and each configuration builds a new client with its own balancer cache,
// exactly as a new provider process does.

func TestAccRequestCounts_channelPresence(t *testing.T) {
	testRequestCounts(t, bench.ChannelPresence, 10)
}

func TestAccRequestCounts_tokenPermissions(t *testing.T) {
	testRequestCounts(t, bench.TokenPermissions, 10)
}

func testRequestCounts(t *testing.T, kind bench.Kind, n int) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to a Terraform CLI (make testacc)")
	}
	t.Parallel()

	// An application that does not enforce authentication: presence reads
	// then need no token of the provider's (see channel_presence_read_token.go).
	e := newTestEnv(t, withOpenAuth())
	e.SetEnv(envApplicationKey, e.AppKey)
	e.SetEnv(envPrivateKey, e.PrivateKey)
	e.SetEnv(envClusterURL, e.ClusterURL())
	e.SetEnv(envPushURL, e.PushURL())

	dir := t.TempDir()
	tf := &bench.Terraform{
		Path: cli,
		Env: append(bench.BaseEnv(filepath.Join(dir, "home"), os.DevNull),
			"TF_REATTACH_PROVIDERS="+serveForReattach(t, e.Factories()["realtime"])),
	}
	ws, err := tf.Workspace(filepath.Join(dir, "work"), bench.Config(kind, n))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	rows, err := bench.MeasureRequests(ctx, e.Emulator, ws, kind, n, "")
	for _, r := range rows {
		t.Logf("%d × %s %-7s %s", r.N, r.Kind, r.Phase, bench.FormatCounts(r.Counts))
		if miss := r.Miss(); miss != "" {
			t.Errorf("%s of %d × %s: %s", r.Phase, n, kind, miss)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(bench.Phases) {
		t.Fatalf("measured %d phases, want %d", len(rows), len(bench.Phases))
	}
}

// serveForReattach serves the provider from this process until the test
// ends and returns the TF_REATTACH_PROVIDERS value that points Terraform at
// it, under the provider's own address (the one main.go serves).
func serveForReattach(t *testing.T, factory func() (tfprotov6.ProviderServer, error)) string {
	t.Helper()
	server, err := factory()
	if err != nil {
		t.Fatal(err)
	}
	// OpenTofu looks the same source up at its own registry: its tests set
	// TF_ACC_PROVIDER_HOST=registry.opentofu.org, as plugin-testing wants.
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	addr := host + "/" + bench.ProviderSource
	ctx, cancel := context.WithCancel(context.Background())
	config := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	served := make(chan error, 1)
	go func() {
		served <- tf6server.Serve(addr, func() tfprotov6.ProviderServer { return server },
			tf6server.WithDebug(ctx, config, closed),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			// Provider logs go where plugin-testing sends them: to the
			// test's log sink (TF_LOG, TF_LOG_PATH), and never over the
			// test binary's stderr.
			tf6server.WithLoggingSink(t),
			tf6server.WithoutLogStderrOverride())
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-config:
	case err := <-served:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("the provider server did not start within 30s")
	}
	t.Cleanup(func() {
		cancel()
		<-closed
	})

	type reattachAddr struct{ Network, String string }
	type reattach struct {
		Protocol        string
		ProtocolVersion int
		Pid             int
		Test            bool
		Addr            reattachAddr
	}
	b, err := json.Marshal(map[string]reattach{addr: {
		Protocol:        string(rc.Protocol),
		ProtocolVersion: rc.ProtocolVersion,
		Pid:             rc.Pid,
		Test:            rc.Test,
		Addr:            reattachAddr{Network: rc.Addr.Network(), String: rc.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
