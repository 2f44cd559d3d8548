package provider

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/emulator"
)

// The acceptance-test harness. Every test gets its own in-process emulator
// (httptest over emulator.New) with one fresh application (random key and
// private key), a fake clock shared by the provider and the emulator, and a
// provider environment of its own (no REALTIME_* variable of the developer
// leaks in), so tests run in parallel and can assert exact request counts.
//
//	e := newTestEnv(t)
//	resource.ParallelTest(t, resource.TestCase{
//		ProtoV6ProviderFactories: e.Factories(),
//		Steps: []resource.TestStep{{Config: e.ProviderBlock() + `resource ...`}},
//	})

// testClock is a settable clock, shared by the provider (token renewal) and
// the emulator (token expiry), so tests move time instead of sleeping.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Now().UTC().Truncate(time.Second)}
}

// Now returns the current fake time.
func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testEnv is one test's emulator, application, clock and environment.
type testEnv struct {
	t          *testing.T
	Emulator   *emulator.Server
	URL        string // the emulator's base URL
	AppKey     string
	PrivateKey string
	Clock      *testClock

	mu  sync.Mutex
	env map[string]string // what the provider reads for REALTIME_*
}

type testEnvOptions struct {
	// openAuth makes the application not enforce authentication: any
	// well-formed token may read presence. Default: enforced.
	openAuth bool
	// pageSize is the emulator's push page size; 0 for its default (100).
	pageSize int
}

type testEnvOption func(*testEnvOptions)

// withOpenAuth seeds an application that does not enforce authentication.
func withOpenAuth() testEnvOption { return func(o *testEnvOptions) { o.openAuth = true } }

// withPageSize makes the emulator's push pages hold n items, so that small
// listings cross page borders.
func withPageSize(n int) testEnvOption { return func(o *testEnvOptions) { o.pageSize = n } }

func newTestEnv(t *testing.T, opts ...testEnvOption) *testEnv {
	t.Helper()
	var o testEnvOptions
	for _, opt := range opts {
		opt(&o)
	}
	clock := newTestClock()
	em, err := emulator.New(emulator.Options{Now: clock.Now, PageSize: o.pageSize})
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	e := &testEnv{
		t:          t,
		Emulator:   em,
		URL:        srv.URL,
		AppKey:     "tfacc-" + randomHex(t, 6),
		PrivateKey: "pk-" + randomHex(t, 16),
		Clock:      clock,
		env:        map[string]string{},
	}
	if err := em.AddApp(e.AppKey, e.PrivateKey, !o.openAuth); err != nil {
		t.Fatalf("AddApp: %v", err)
	}
	return e
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// ClusterURL and PushURL are the emulator's balancer and push API.
func (e *testEnv) ClusterURL() string { return e.URL + "/server/2.1" }
func (e *testEnv) PushURL() string    { return e.URL + "/mp" }

// ProviderBlock is a provider "realtime" block for the emulator's
// application; extra lines (HCL attributes) are added inside it.
func (e *testEnv) ProviderBlock(extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "provider \"realtime\" {\n  application_key = %q\n  private_key     = %q\n  cluster_url     = %q\n  push_url        = %q\n",
		e.AppKey, e.PrivateKey, e.ClusterURL(), e.PushURL())
	for _, l := range extra {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// SetEnv sets a variable of the provider's environment (not the process's:
// tests stay parallel).
func (e *testEnv) SetEnv(name, value string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.env[name] = value
}

func (e *testEnv) getenv(name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.env[name]
}

// Factories serve the provider in process, with the test's clock and
// environment.
func (e *testEnv) Factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"realtime": protocol6Server(newWithClockAndEnv("test", e.Clock.Now, e.getenv)),
	}
}

// Counters are the emulator's request counters (one application per
// emulator, so these are the test's).
func (e *testEnv) Counters() map[string]int { return e.Emulator.Counters("") }

// Requests is the number of requests the emulator received.
func (e *testEnv) Requests() int {
	n := 0
	for _, c := range e.Counters() {
		n += c
	}
	return n
}

// ExpectNoRequests fails the test if the emulator saw any request: what
// validation refuses must cost nothing.
func (e *testEnv) ExpectNoRequests() {
	e.t.Helper()
	if n := e.Requests(); n != 0 {
		e.t.Errorf("the emulator received %d requests, want 0: %v", n, e.Counters())
	}
}

// Token returns the live token, if any.
func (e *testEnv) Token(token string) (emulator.Token, bool) {
	for _, tk := range e.Emulator.Tokens(e.AppKey) {
		if tk.Token == token {
			return tk, true
		}
	}
	return emulator.Token{}, false
}

// PresenceOf returns what the emulator knows of a channel's presence.
func (e *testEnv) PresenceOf(channel string) (emulator.ChannelPresence, bool) {
	for _, p := range e.Emulator.Presence(e.AppKey) {
		if p.Channel == channel {
			return p, true
		}
	}
	return emulator.ChannelPresence{}, false
}

// DisablePresenceBehindTerraform switches presence off through the API,
// the way someone outside Terraform would.
func (e *testEnv) DisablePresenceBehindTerraform(channel string) {
	e.t.Helper()
	resp, err := http.PostForm(e.URL+"/presence/disable/"+url.PathEscape(e.AppKey)+"/"+channel,
		url.Values{"privatekey": {e.PrivateKey}})
	if err != nil {
		e.t.Fatalf("disable presence: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("disable presence: HTTP %d", resp.StatusCode)
	}
}

// CheckToken checks the emulator holds exactly these permissions (letters
// in canonical order) for token, with this privacy and TTL.
func (e *testEnv) CheckToken(token string, perms map[string]string, private bool, ttl int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		tk, ok := e.Token(token)
		switch {
		case !ok:
			return fmt.Errorf("token not found (or expired) in the emulator")
		case !sameMap(tk.Permissions, perms):
			return fmt.Errorf("emulator permissions %v, want %v", tk.Permissions, perms)
		case tk.Private != private:
			return fmt.Errorf("emulator private %v, want %v", tk.Private, private)
		case tk.TTL != ttl:
			return fmt.Errorf("emulator TTL %d, want %d", tk.TTL, ttl)
		}
		return nil
	}
}

// CheckTokenRevoked checks that each token holds no channel any more
// (revoked: re-saved with none), or has expired.
func (e *testEnv) CheckTokenRevoked(tokens ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, token := range tokens {
			if tk, ok := e.Token(token); ok && len(tk.Permissions) > 0 {
				return fmt.Errorf("token still holds permissions after destroy: %v", tk.Permissions)
			}
		}
		return nil
	}
}

// CheckPresence checks presence is on for channel, with this metadata flag.
func (e *testEnv) CheckPresence(channel string, metadata bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		p, ok := e.PresenceOf(channel)
		switch {
		case !ok || !p.Enabled:
			return fmt.Errorf("presence is off on %q in the emulator", channel)
		case p.Metadata != metadata:
			return fmt.Errorf("presence metadata on %q is %v, want %v", channel, p.Metadata, metadata)
		}
		return nil
	}
}

// CheckPresenceOff checks presence is off for each channel.
func (e *testEnv) CheckPresenceOff(channels ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, ch := range channels {
			if p, ok := e.PresenceOf(ch); ok && p.Enabled {
				return fmt.Errorf("presence still on for %q", ch)
			}
		}
		return nil
	}
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// errRe matches a diagnostic's words however Terraform wraps its lines.
func errRe(words string) *regexp.Regexp {
	parts := strings.Fields(words)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `\s+`))
}

// hclMap renders a map of strings as HCL, keys sorted.
func hclMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("{\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "    %q = %q\n", k, m[k])
	}
	b.WriteString("  }")
	return b.String()
}
