package provider

// Secrets: the private key, the configured authentication token, the tokens
// of realtime_token_permissions and write-only values never reach a log, an
// error message, the state or any other file Terraform writes; secret
// attributes are marked so; the default URLs are https, and plain http to
// another host is warned about.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

// echoingServer stands in front of the emulator. While echo is on, it
// refuses every contract request but the balancer with a 400 whose text
// repeats the whole request, path, query and body, as careless servers do:
// every secret the client sent comes back in the error.
type echoingServer struct {
	next http.Handler
	echo atomic.Bool
	hits atomic.Int32
}

func (s *echoingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.echo.Load() || strings.HasPrefix(r.URL.Path, "/_emulator/") || strings.HasPrefix(r.URL.Path, "/server/") {
		s.next.ServeHTTP(w, r)
		return
	}
	s.hits.Add(1)
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	http.Error(w, fmt.Sprintf("rejected %s %s with %s", r.Method, r.URL.RequestURI(), body), http.StatusBadRequest)
}

// secretsConfig declares one of everything that carries a secret. The
// secrets come from variables (TF_VAR_*), so that main.tf holds none and
// any file that holds one got it from Terraform or the provider.
const secretsConfig = `
variable "private_key" {
  type      = string
  sensitive = true
}
variable "authentication_token" {
  type      = string
  sensitive = true
}
variable "token" {
  type      = string
  sensitive = true
}
# Write-only values from plain (not ephemeral) variables: were an attribute
# not write-only after all, Terraform would take the value and store it, and
# the state would show it.
variable "token_wo" {
  type      = string
  sensitive = true
}
variable "message_wo" {
  type      = string
  sensitive = true
}
variable "ttl" {
  type    = number
  default = 600
}
variable "generation" {
  type    = number
  default = 1
}
variable "read_data" {
  type    = bool
  default = true
}

resource "realtime_token_permissions" "plain" {
  token       = var.token
  ttl         = var.ttl
  permissions = { "secrets:a" = "rw" }
}

resource "realtime_token_permissions" "wo" {
  token_wo         = var.token_wo
  token_wo_version = 1
  ttl              = var.ttl
  permissions      = { "secrets:b" = "r" }
}

resource "realtime_channel_presence" "room" {
  channel = "secrets:room"
}

data "realtime_channel_presence" "room" {
  count      = var.read_data ? 1 : 0
  channel    = realtime_channel_presence.room.channel
}

data "realtime_push_topic_devices" "news" {
  count = var.read_data ? 1 : 0
  topic = "secrets-news"
}

resource "realtime_message" "with_token" {
  channels = ["secrets:a"]
  message  = "sent with the token"
  token    = var.token
  triggers = { generation = var.generation }
  depends_on = [realtime_token_permissions.plain]
}

resource "realtime_message" "wo" {
  channels           = ["secrets:c"]
  message_wo         = var.message_wo
  message_wo_version = var.generation
}
`

// secretsProviderBlock configures the provider from the variables.
func secretsProviderBlock(e *testEnv) string {
	return fmt.Sprintf(`provider "realtime" {
  application_key      = %q
  private_key          = var.private_key
  authentication_token = var.authentication_token
  cluster_url          = %q
  push_url             = %q
  max_retries          = 1
}
`, e.AppKey, e.ClusterURL(), e.PushURL())
}

// TestAccSecrets_traceLogHoldsNoSecret runs apply, plan, failing calls and
// destroy with TF_LOG=TRACE into TF_LOG_PATH, through the real CLI and the
// real provider binary (so the provider's own log lines go through
// Terraform into the file), and looks for every secret everywhere.
func TestAccSecrets_traceLogHoldsNoSecret(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	echo := &echoingServer{next: e.Emulator}
	srv := httptest.NewServer(echo)
	t.Cleanup(srv.Close)
	e.URL = srv.URL
	cli := newCLIRun(t, "1.11.0") // write-only attributes

	secrets := map[string]string{
		"the private key":                          e.PrivateKey,
		"the configured authentication token":      "at-" + randomHex(t, 12),
		"the token of realtime_token_permissions":  "tok-" + randomHex(t, 12),
		"the write-only token (token_wo)":          "wotok-" + randomHex(t, 12),
		"the write-only message text (message_wo)": "womsg-" + randomHex(t, 12),
		"a device token":                           "device-" + randomHex(t, 12),
	}
	at, token := secrets["the configured authentication token"], secrets["the token of realtime_token_permissions"]
	// The configured token reads presence; the device is the topic's.
	if err := e.client(t).Authenticate(context.Background(), ortc.AuthenticateInput{
		Token: at, TTL: 3600, Permissions: map[string]string{"secrets:room": "p"},
	}); err != nil {
		t.Fatal(err)
	}
	e.Emulator.AddDevices(e.AppKey, "secrets-news", secrets["a device token"])

	logPath := filepath.Join(t.TempDir(), "trace.log")
	env := []string{
		"TF_LOG=TRACE", "TF_LOG_PATH=" + logPath,
		"TF_VAR_private_key=" + e.PrivateKey,
		"TF_VAR_authentication_token=" + at,
		"TF_VAR_token=" + token,
		"TF_VAR_token_wo=" + secrets["the write-only token (token_wo)"],
		"TF_VAR_message_wo=" + secrets["the write-only message text (message_wo)"],
	}
	var outputs strings.Builder // everything the CLI printed
	run := func(args ...string) (string, int) {
		out, code := cliTry(cli, env, args...)
		outputs.WriteString(out)
		return out, code
	}
	writeMainTF(cli, secretsProviderBlock(e), secretsConfig)

	// 1. Everything goes well: apply, then an empty plan.
	if out, code := run("apply", "-auto-approve", "-input=false"); code != 0 {
		t.Fatalf("apply failed (exit %d):\n%s", code, out)
	}
	if out, code := run("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("plan after apply not empty (exit %d):\n%s", code, out)
	}
	if tk, ok := e.Token(secrets["the write-only token (token_wo)"]); !ok || tk.Permissions["secrets:b"] != "r" {
		t.Fatalf("the write-only token was not saved: %+v", tk)
	}
	if m, ok := findMessage(e.Emulator.Messages(e.AppKey), "secrets:c"); !ok || m.Text != secrets["the write-only message text (message_wo)"] {
		t.Fatalf("the write-only message was not delivered: %+v", m)
	}

	// 2. Every call fails, and the server's error repeats the request: the
	// updates (both tokens saved again, both messages delivered again) at
	// apply, and the presence reads at plan.
	echo.echo.Store(true)
	out, code := run("apply", "-auto-approve", "-input=false", "-refresh=false",
		"-var=ttl=900", "-var=generation=2", "-var=read_data=false")
	if code == 0 {
		t.Fatalf("apply succeeded against a server refusing everything:\n%s", out)
	}
	for _, want := range []string{"Could not save the token's permissions", "Message not delivered"} {
		if !strings.Contains(out, want) {
			t.Errorf("the failing apply does not report %q:\n%s", want, out)
		}
	}
	if out, code := run("plan", "-input=false"); code == 0 || !strings.Contains(out, "rejected") {
		t.Errorf("the plan's presence reads did not fail with the echoed request (exit %d):\n%s", code, out)
	}
	if echo.hits.Load() < 5 {
		t.Errorf("only %d requests were refused; the failing phase did not exercise the calls", echo.hits.Load())
	}
	if !strings.Contains(outputs.String(), "***") {
		t.Error("no error shows a scrubbed secret (***): the echo did not reach the errors")
	}
	echo.echo.Store(false)

	// 3. Destroy.
	if out, code := run("destroy", "-auto-approve", "-input=false"); code != 0 {
		t.Fatalf("destroy failed (exit %d):\n%s", code, out)
	}

	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	// The file must hold the provider's own lines (through Terraform), its
	// API client's lines, and the failed calls, or this test proves nothing.
	for _, want := range []string{"Configured the Realtime client", "ortc request", "rejected"} {
		if !strings.Contains(string(logs), want) {
			t.Errorf("the TRACE log (%d bytes) lacks %q: the provider's logs did not reach it", len(logs), want)
		}
	}
	names := make([]string, 0, len(secrets))
	for name := range secrets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		secret := secrets[name]
		if i := strings.Index(string(logs), secret); i >= 0 {
			t.Errorf("%s is in the TRACE log: …%s…", name, around(string(logs), i, len(secret)))
		}
		if i := strings.Index(outputs.String(), secret); i >= 0 {
			t.Errorf("%s is in the CLI's output: …%s…", name, around(outputs.String(), i, len(secret)))
		}
		// Files Terraform wrote: the state (and its backup), .terraform.
		// Only the token of realtime_token_permissions may be stored in
		// state (sensitive; destroy needs it to revoke).
		files := filesContaining(t, cli.dir, secret)
		if name == "the token of realtime_token_permissions" {
			files = without(files, "terraform.tfstate", "terraform.tfstate.backup")
		}
		if len(files) > 0 {
			t.Errorf("%s is in %v", name, files)
		}
	}
	if strings.Contains(outputs.String(), "Private key sent over plain HTTP") {
		t.Error("plain http to loopback (the emulator) was warned about")
	}
}

// filesContaining lists the files under dir whose bytes hold secret,
// looking into zip archives (saved plans) entry by entry.
func filesContaining(t *testing.T, dir, secret string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.Contains(string(b), secret) {
			found = append(found, rel)
		}
		if len(b) > 4 && string(b[:4]) == "PK\x03\x04" {
			for name, entry := range zipContents(t, b) {
				if strings.Contains(string(entry), secret) {
					found = append(found, rel+"!"+name)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func around(s string, i, n int) string {
	from, to := max(i-80, 0), min(i+n+80, len(s))
	return s[from:to]
}

func without(files []string, drop ...string) []string {
	var out []string
	for _, f := range files {
		keep := true
		for _, d := range drop {
			keep = keep && f != d
		}
		if keep {
			out = append(out, f)
		}
	}
	return out
}

// secretAttribute reports whether an attribute's name says it holds a
// secret: keys, tokens (not their versions) and write-only values.
var secretAttribute = regexp.MustCompile(`^(private_key|authentication_token|token|tokens|.*_wo)$`)

// TestSecretAttributesAreSensitive walks every schema Terraform gets from
// the provider server (provider, resources, data sources, ephemeral
// resources, actions): an attribute holding a secret is Sensitive, and a
// write-only one (*_wo) is WriteOnly and Sensitive; no resource or data
// source stores the private key or the authentication token; every
// WriteOnly attribute is named *_wo.
func TestSecretAttributesAreSensitive(t *testing.T) {
	s, err := NewProtocol6Server("test")()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	type block struct {
		kind, name string
		schema     *tfprotov6.Schema
	}
	blocks := []block{{"provider", "realtime", resp.Provider}}
	for n, sc := range resp.ResourceSchemas {
		blocks = append(blocks, block{"resource", n, sc})
	}
	for n, sc := range resp.DataSourceSchemas {
		blocks = append(blocks, block{"data source", n, sc})
	}
	for n, sc := range resp.EphemeralResourceSchemas {
		blocks = append(blocks, block{"ephemeral resource", n, sc})
	}
	for n, sc := range resp.ActionSchemas {
		blocks = append(blocks, block{"action", n, sc.Schema})
	}
	seen := 0
	for _, b := range blocks {
		if b.schema == nil || b.schema.Block == nil {
			continue
		}
		for _, a := range b.schema.Block.Attributes {
			where := b.kind + " " + b.name + "." + a.Name
			if (b.kind == "resource" || b.kind == "data source") && (a.Name == "private_key" || a.Name == "authentication_token") {
				t.Errorf("%s: the provider's credentials must not be stored in state", where)
			}
			if a.WriteOnly && !strings.HasSuffix(a.Name, "_wo") {
				t.Errorf("%s is write-only but not named *_wo", where)
			}
			if !secretAttribute.MatchString(a.Name) {
				continue
			}
			seen++
			marked := a.Sensitive
			if strings.HasSuffix(a.Name, "_wo") {
				marked = a.WriteOnly && a.Sensitive
			}
			if !marked {
				t.Errorf("%s holds a secret but is not marked (sensitive %v, write-only %v)", where, a.Sensitive, a.WriteOnly)
			}
		}
	}
	if seen < 8 {
		t.Errorf("only %d secret attributes found: the walk missed schemas", seen)
	}
}

// TestDefaultURLsAreHTTPS: with no URL configured, nothing travels in clear.
func TestDefaultURLsAreHTTPS(t *testing.T) {
	for name, u := range map[string]string{"cluster": ortc.DefaultClusterURL, "push": ortc.DefaultPushURL} {
		if !strings.HasPrefix(u, "https://") {
			t.Errorf("the default %s URL %q is not https", name, u)
		}
	}
	if w := plainHTTPWarning(providerSettings{privateKey: "pk"}); w != "" {
		t.Errorf("the defaults are warned about: %s", w)
	}
}

// TestAccSecrets_plainHTTPWarnsOnce: a private key about to travel over
// plain http to a host other than this machine is warned about, once per
// run, naming the URL; http to loopback and https are quiet. The plan makes
// no request, so the remote host need not exist.
func TestAccSecrets_plainHTTPWarnsOnce(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cli := newCLIRun(t, "1.11.0")
	const warning = "Warning: Private key sent over plain HTTP"
	resource := tokenConfig("tok-"+randomHex(t, 6), 600, map[string]string{"a": "r"})
	for _, tc := range []struct {
		name, cluster, push string
		warns               bool
	}{
		{"http to a remote host", "http://realtime.example.com/server/2.1", "https://push.example.com/mp", true},
		{"http to a LAN address, cluster and push", "http://10.1.2.3:8080/server/2.1", "http://10.1.2.3:8080/mp", true},
		{"https", "https://realtime.example.com/server/ssl/2.1", "https://push.example.com/mp", false},
		{"http to loopback", e.ClusterURL(), e.PushURL(), false},
		{"http to localhost", "http://localhost:1/server/2.1", "http://localhost:1/mp", false},
	} {
		block := fmt.Sprintf("provider \"realtime\" {\n  application_key = %q\n  private_key = %q\n  cluster_url = %q\n  push_url = %q\n}\n",
			e.AppKey, e.PrivateKey, tc.cluster, tc.push)
		writeMainTF(cli, block, resource)
		out := cli.Run(nil, "plan", "-input=false")
		n := strings.Count(out, warning)
		switch {
		case tc.warns && n != 1:
			t.Errorf("%s: %d warnings, want exactly 1:\n%s", tc.name, n, out)
		case !tc.warns && n != 0:
			t.Errorf("%s: %d warnings, want none:\n%s", tc.name, n, out)
		case tc.warns && !strings.Contains(strings.Join(strings.Fields(out), " "), "cluster_url ("):
			t.Errorf("%s: the warning does not name the URL:\n%s", tc.name, out)
		}
		if strings.Contains(out, e.PrivateKey) {
			t.Errorf("%s: the warning shows the private key", tc.name)
		}
	}
	if n := e.Requests(); n != 0 {
		t.Errorf("the plans made %d requests", n)
	}
}
