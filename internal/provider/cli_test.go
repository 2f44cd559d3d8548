package provider

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	version "github.com/hashicorp/go-version"
)

// cliRun drives the Terraform (or OpenTofu) CLI of TF_ACC_TERRAFORM_PATH
// directly, in a directory of its own, with this provider built as a binary
// and installed through dev_overrides. plugin-testing hands checks the JSON
// of plans and states but never the files themselves; this is for tests that
// must look at the files Terraform writes (plan files, terraform.tfstate).
type cliRun struct {
	t   *testing.T
	cli string
	dir string
	env []string
}

// newCLIRun skips unless acceptance tests run, or when the CLI is older
// than minVersion; otherwise it builds the provider (once per test process)
// and prepares a working directory.
func newCLIRun(t *testing.T, minVersion string) *cliRun {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		t.Skip("TF_ACC_TERRAFORM_PATH is not set: no CLI to run")
	}
	have := cliVersion(t, cli)
	if have.LessThan(version.Must(version.NewVersion(minVersion))) {
		t.Skipf("Terraform CLI version %s is below %s", have, minVersion)
	}

	bin := providerBinary(t)
	// OpenTofu resolves the same source at its own registry; plugin-testing
	// is told so by TF_ACC_PROVIDER_HOST, and so is this.
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, ".terraformrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		host+"/ortc-terraform/realtime", bin)
	if err := os.WriteFile(cfg, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	return &cliRun{
		t:   t,
		cli: cli,
		dir: dir,
		env: append(os.Environ(), "TF_CLI_CONFIG_FILE="+cfg, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0"),
	}
}

// builtProvider is the provider binary, built once per test process.
var builtProvider struct {
	once sync.Once
	dir  string
	err  error
}

// providerBinary builds the provider once per test process and returns the
// directory holding it. It goes beside the test binary, in the directory go
// test removes after the run; where that cannot be written, into the
// calling test's temporary directory (built again for the next test).
func providerBinary(t *testing.T) string {
	t.Helper()
	build := func(dir string) error {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-realtime"), ".")
		cmd.Dir = filepath.Join("..", "..") // the module root, from the package directory
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
		return nil
	}
	builtProvider.once.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			builtProvider.err = err
			return
		}
		dir := filepath.Join(filepath.Dir(exe), "provider-bin")
		if builtProvider.err = os.MkdirAll(dir, 0o700); builtProvider.err == nil {
			builtProvider.err = build(dir)
		}
		builtProvider.dir = dir
	})
	if builtProvider.err == nil {
		return builtProvider.dir
	}
	dir := t.TempDir()
	if err := build(dir); err != nil {
		t.Fatalf("building the provider: %v", err)
	}
	return dir
}

func cliVersion(t *testing.T, cli string) *version.Version {
	t.Helper()
	cmd := exec.Command(cli, "version", "-json")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+os.DevNull)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s version: %v", cli, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", cli, err)
	}
	return version.Must(version.NewVersion(v.Version))
}

// Write writes a file of the working directory.
func (c *cliRun) Write(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// Read reads a file of the working directory.
func (c *cliRun) Read(name string) []byte {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		c.t.Fatal(err)
	}
	return b
}

// Run runs the CLI with args and extra environment, fails the test on a
// non-zero exit, and returns stdout and stderr together.
func (c *cliRun) Run(env []string, args ...string) string {
	c.t.Helper()
	cmd := exec.Command(c.cli, append(args, "-no-color")...)
	cmd.Dir = c.dir
	cmd.Env = append(append([]string(nil), c.env...), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		c.t.Fatalf("%s %s: %v\n%s", filepath.Base(c.cli), strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// zipContents returns every file of a zip archive (a plan file), by name.
func zipContents(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("plan file is not a zip archive: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = data
	}
	return out
}
