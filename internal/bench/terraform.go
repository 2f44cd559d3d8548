package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Phase is one Terraform command of a resource's life.
type Phase string

// The phases measured: an apply from nothing, a plan with nothing to change
// (it refreshes every resource), and a destroy (which refreshes too).
const (
	Apply   Phase = "apply"
	Plan    Phase = "plan"
	Destroy Phase = "destroy"
)

// Phases in the order a resource lives them.
var Phases = []Phase{Apply, Plan, Destroy}

// args are the CLI arguments of a phase: never interactive, no colour, and
// for the plan an exit code that says whether anything would change.
func (p Phase) args() []string {
	switch p {
	case Apply:
		return []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	case Destroy:
		return []string{"destroy", "-auto-approve", "-input=false", "-no-color"}
	default:
		return []string{"plan", "-detailed-exitcode", "-input=false", "-no-color"}
	}
}

// ProviderSource is the provider's address in configurations (main.go serves
// registry.terraform.io/ortc-terraform/realtime).
const ProviderSource = "ortc-terraform/realtime"

// FloorSource is the address of the floor provider (cmd/terraform-provider-benchfloor).
const FloorSource = "ortc-terraform/benchfloor"

// Terraform is a Terraform CLI and the environment its commands run in.
type Terraform struct {
	// Path is the CLI's absolute path.
	Path string
	// Env is the whole environment of every command: nothing of this
	// process's environment leaks in (no TF_LOG, no user CLI config, no
	// REALTIME_* of the developer) unless listed here.
	Env []string
}

// BaseEnv is what every command needs: PATH, a HOME of its own (no user
// plugin cache or credentials), no update check, no prompts, and the given
// CLI configuration file ("/dev/null" for none).
func BaseEnv(home, cliConfig string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"TF_CLI_CONFIG_FILE=" + cliConfig,
	}
	if tmp := os.Getenv("TMPDIR"); tmp != "" {
		env = append(env, "TMPDIR="+tmp)
	}
	return env
}

// WriteCLIConfig writes a CLI configuration that takes each provider source
// from a local directory (dev_overrides: no registry, no `terraform init`).
func WriteCLIConfig(path string, overrides map[string]string) error {
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, src := range slices.Sorted(maps.Keys(overrides)) {
		fmt.Fprintf(&b, "    %q = %q\n", src, overrides[src])
	}
	// Anything else would come from the registry; the benchmark needs
	// nothing else (terraform_data is built in).
	b.WriteString("  }\n  direct {}\n}\n")
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// WriteCountingShim writes an executable named like the provider binary into
// dir that records one line in countFile per start, then becomes the real
// binary (exec: same process, same pipes, so go-plugin's handshake is
// untouched). Terraform starts a provider process per phase of its work;
// this is how they are counted.
func WriteCountingShim(dir, name, binary, countFile string) error {
	script := "#!/bin/sh\necho start >> " + shellQuote(countFile) + "\nexec " + shellQuote(binary) + " \"$@\"\n"
	return os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755)
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// CountLines counts the lines of a file; a missing file has none.
func CountLines(path string) (int, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	return bytes.Count(b, []byte("\n")), err
}

// truncate empties a file, creating it when missing.
func truncate(path string) error {
	return os.WriteFile(path, nil, 0o600)
}

// Workspace is a working directory holding one configuration and its state.
type Workspace struct {
	Dir string
	tf  *Terraform
	env []string
}

// Workspace writes config as main.tf into dir (created if needed) and
// returns a workspace whose commands also get extraEnv.
func (tf *Terraform) Workspace(dir, config string, extraEnv ...string) (*Workspace, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		return nil, err
	}
	env := append(append([]string(nil), tf.Env...), extraEnv...)
	return &Workspace{Dir: dir, tf: tf, env: env}, nil
}

// Result is one finished command.
type Result struct {
	Wall time.Duration
	// CPU is the user and system time of Terraform and of every process it
	// started and waited for (the provider processes): steadier than Wall
	// on a shared machine, as waiting for a core is not counted.
	CPU      time.Duration
	ExitCode int
	Output   string // stdout and stderr, interleaved
}

// Run runs one phase and checks its exit code: 0, or for a plan 0 only
// (a no-change plan is the point; 2 means it found changes).
func (w *Workspace) Run(ctx context.Context, p Phase) (Result, error) {
	res, err := w.Command(ctx, p.args()...)
	if err != nil {
		return res, err
	}
	if res.ExitCode != 0 {
		what := "failed"
		if p == Plan && res.ExitCode == 2 {
			what = "found changes where none were expected"
		}
		return res, fmt.Errorf("terraform %s %s (exit %d):\n%s", p, what, res.ExitCode, tail(res.Output, 4000))
	}
	return res, nil
}

// Command runs the CLI with args in the workspace; a non-zero exit is a
// Result, not an error.
func (w *Workspace) Command(ctx context.Context, args ...string) (Result, error) {
	cmd := exec.CommandContext(ctx, w.tf.Path, args...)
	cmd.Dir = w.Dir
	cmd.Env = w.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	res := Result{Wall: time.Since(start), Output: out.String()}
	if ps := cmd.ProcessState; ps != nil {
		res.CPU = ps.UserTime() + ps.SystemTime()
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		res.ExitCode = exit.ExitCode()
	case err != nil:
		return res, fmt.Errorf("terraform %s: %w", strings.Join(args, " "), err)
	}
	return res, nil
}

// tail keeps the end of a long output, where Terraform puts its error.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// Kind is a resource type measured.
type Kind string

// The kinds: the provider's two resources, Terraform's built-in
// terraform_data (the floor of Terraform core), and the floor provider's
// no-op resource (the floor of any plugin provider: process start, gRPC,
// the plugin framework, but no API).
const (
	ChannelPresence  Kind = "realtime_channel_presence"
	TokenPermissions Kind = "realtime_token_permissions"
	TerraformData    Kind = "terraform_data"
	FloorItem        Kind = "benchfloor_item"
)

// Config is a configuration of n resources of kind, named "bench".
func Config(kind Kind, n int) string {
	var b strings.Builder
	switch kind {
	case ChannelPresence, TokenPermissions:
		fmt.Fprintf(&b, "terraform {\n  required_providers {\n    realtime = { source = %q }\n  }\n}\n\n", ProviderSource)
	case FloorItem:
		fmt.Fprintf(&b, "terraform {\n  required_providers {\n    benchfloor = { source = %q }\n  }\n}\n\n", FloorSource)
	}
	fmt.Fprintf(&b, "resource %q \"bench\" {\n  count = %s\n", string(kind), strconv.Itoa(n))
	switch kind {
	case ChannelPresence, FloorItem:
		b.WriteString("  channel = \"bench-${count.index}\"\n")
	case TokenPermissions:
		b.WriteString("  token   = \"bench-token-${count.index}\"\n")
		b.WriteString("  ttl     = 3600\n")
		b.WriteString("  permissions = {\n    \"bench-${count.index}\" = \"rw\"\n    \"bench:*\" = \"r\"\n  }\n")
	case TerraformData:
		b.WriteString("  input = \"bench-${count.index}\"\n")
	}
	b.WriteString("}\n")
	return b.String()
}
