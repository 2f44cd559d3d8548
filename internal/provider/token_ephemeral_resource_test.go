package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Ephemeral resources never reach a plan or a state, so these tests hand the
// token to the echo provider of terraform-plugin-testing, whose resource puts
// its provider configuration into state: the token showing up there proves
// that another provider's configuration can use it. What the token held
// while Terraform ran is seen through a recording proxy in front of the
// emulator, since Close has revoked it by the time checks run.

// savedToken is one /authenticate request as the emulator received it.
type savedToken struct {
	Token       string
	Private     bool
	TTL         int
	Permissions map[string]string
}

// saveRecorder is a proxy in front of a test's emulator that keeps every
// /authenticate form it forwards.
type saveRecorder struct {
	e   *testEnv
	url string

	mu    sync.Mutex
	saves []savedToken
}

func recordSaves(e *testEnv) *saveRecorder {
	rec := &saveRecorder{e: e}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/authenticate" {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			rec.add(body)
			r.Body = io.NopCloser(strings.NewReader(string(body)))
		}
		// The emulator's balancer hands out "http://" + Host: this proxy.
		e.Emulator.ServeHTTP(w, r)
	}))
	e.t.Cleanup(srv.Close)
	rec.url = srv.URL
	return rec
}

func (rec *saveRecorder) add(body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return
	}
	s := savedToken{Token: form.Get("AT"), Private: form.Get("PVT") == "1", Permissions: map[string]string{}}
	s.TTL, _ = strconv.Atoi(form.Get("TTL"))
	for k := range form {
		if !isReservedAuthField(k) {
			s.Permissions[k] = form.Get(k)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.saves = append(rec.saves, s)
}

func isReservedAuthField(k string) bool {
	for _, f := range reservedAuthFields {
		if k == f {
			return true
		}
	}
	return false
}

// Saves returns the recorded saves of token, in order.
func (rec *saveRecorder) Saves(token string) []savedToken {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []savedToken
	for _, s := range rec.saves {
		if s.Token == token {
			out = append(out, s)
		}
	}
	return out
}

// All returns every recorded save.
func (rec *saveRecorder) All() []savedToken {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]savedToken(nil), rec.saves...)
}

// ProviderBlock is e.ProviderBlock through the proxy.
func (rec *saveRecorder) ProviderBlock() string {
	return fmt.Sprintf("provider \"realtime\" {\n  application_key = %q\n  private_key     = %q\n  cluster_url     = %q\n  push_url        = %q\n}\n",
		rec.e.AppKey, rec.e.PrivateKey, rec.url+"/server/2.1", rec.url+"/mp")
}

// echoFactories are the test's provider plus the echo provider.
func echoFactories(e *testEnv) map[string]func() (tfprotov6.ProviderServer, error) {
	f := e.Factories()
	f["echo"] = echoprovider.NewProviderServer()
	return f
}

// stateCheckFunc is a state check made of a function, for what is known
// only once earlier state checks ran.
type stateCheckFunc func() error

func (f stateCheckFunc) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

var mintedTokenRe = regexp.MustCompile(`^[A-Za-z0-9]{32}$`)

// CheckAllRevoked checks that no token of the test's application holds a
// channel: every open was closed and revoked.
func (e *testEnv) CheckAllRevoked() error {
	for _, tk := range e.Emulator.Tokens(e.AppKey) {
		if len(tk.Permissions) > 0 {
			return fmt.Errorf("a token still holds %v after the run", tk.Permissions)
		}
	}
	return nil
}

// TestAccEphemeralToken_mintedAndRevoked: a minted token reaches another
// provider's configuration, held the configured permissions while Terraform
// ran, and is revoked afterwards; every plan and apply minted its own. (One
// echo provider configuration only: plugin-testing serves every alias of a
// provider from one in-process server, so a second would overwrite it.)
func TestAccEphemeralToken_mintedAndRevoked(t *testing.T) {
	e := newTestEnv(t)
	rec := recordSaves(e)
	start := e.Clock.Now()
	var applied string // the token the apply handed to echo
	config := rec.ProviderBlock() + `
ephemeral "realtime_token" "x" {
  ttl = 600
  permissions = {
    "orders" = "pw"
    "main:*" = "r"
  }
}

provider "echo" {
  data = ephemeral.realtime_token.x
}
resource "echo" "all" {}
`
	acc.ParallelTest(t, acc.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: echoFactories(e),
		Steps: []acc.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.all", tfjsonpath.New("data").AtMapKey("token"), knownvalue.StringFunc(func(tok string) error {
					if !mintedTokenRe.MatchString(tok) {
						return fmt.Errorf("minted token is not 32 letters and digits: %d characters", len(tok))
					}
					applied = tok
					saves := rec.Saves(tok)
					want := map[string]string{"orders": "wp", "main:*": "r"}
					switch {
					case len(saves) != 2:
						return fmt.Errorf("%d saves of the token, want 2 (open, close)", len(saves))
					case !sameMap(saves[0].Permissions, want) || saves[0].TTL != 600 || saves[0].Private:
						return fmt.Errorf("opened with %+v, want %v for 600 s, not private", saves[0], want)
					case len(saves[1].Permissions) != 0:
						return fmt.Errorf("closed with %v, want no channel (revoked)", saves[1].Permissions)
					}
					return nil
				})),
				statecheck.ExpectKnownValue("echo.all", tfjsonpath.New("data"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"token": knownvalue.StringRegexp(mintedTokenRe),
					"permissions": knownvalue.MapExact(map[string]knownvalue.Check{
						"orders": knownvalue.StringExact("pw"), "main:*": knownvalue.StringExact("r"),
					}),
					"ttl":             knownvalue.Int64Exact(600),
					"private":         knownvalue.Bool(false),
					"revoke_on_close": knownvalue.Bool(true),
					"expires_at":      knownvalue.StringExact(rfc3339(start.Add(600 * time.Second))),
				})),
				// After the checks above (Check functions run before them).
				stateCheckFunc(func() error {
					if tk, ok := e.Token(applied); !ok || len(tk.Permissions) != 0 {
						return fmt.Errorf("the applied token is not revoked in the emulator: %+v", tk)
					}
					// Plan and apply each opened (and closed) the resource,
					// each with a token of its own.
					tokens := map[string]bool{}
					for _, s := range rec.All() {
						tokens[s.Token] = true
					}
					if len(tokens) < 2 {
						return fmt.Errorf("%d distinct tokens minted, want one per open (at least plan and apply)", len(tokens))
					}
					return e.CheckAllRevoked()
				}),
			},
		}},
		CheckDestroy: func(*terraform.State) error { return e.CheckAllRevoked() },
	})
}

// TestAccEphemeralToken_givenTokenKeptOnClose: a given token, private, kept
// after the run with revoke_on_close = false.
func TestAccEphemeralToken_givenTokenKeptOnClose(t *testing.T) {
	e := newTestEnv(t)
	token := "ci-job-" + randomHex(t, 8)
	perms := map[string]string{"deploys": "w", "ops:alerts": "r"}
	acc.ParallelTest(t, acc.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: echoFactories(e),
		Steps: []acc.TestStep{{
			Config: e.ProviderBlock() + fmt.Sprintf(`
ephemeral "realtime_token" "x" {
  token           = %q
  ttl             = 3600
  private         = true
  revoke_on_close = false
  permissions     = %s
}

provider "echo" {
  data = ephemeral.realtime_token.x.token
}
resource "echo" "token" {}
`, token, hclMap(perms)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data"), knownvalue.StringExact(token)),
			},
			Check: e.CheckToken(token, perms, true, 3600),
		}},
		// The destroy run opens it again (echo's configuration needs it):
		// still kept.
		CheckDestroy: e.CheckToken(token, perms, true, 3600),
	})
}

// TestAccEphemeralToken_validation: every rule fails at validate time, at
// the attribute, naming the rule, and costs no request.
func TestAccEphemeralToken_validation(t *testing.T) {
	tooMany := map[string]string{}
	for i := range 101 {
		tooMany[fmt.Sprintf("ch%03d", i)] = "r"
	}
	block := func(ttl int, perms map[string]string, extra ...string) string {
		return fmt.Sprintf("ephemeral \"realtime_token\" \"x\" {\n  ttl = %d\n  permissions = %s\n  %s\n}\n",
			ttl, hclMap(perms), strings.Join(extra, "\n  "))
	}
	for _, tc := range []struct {
		name   string
		config string
		want   string
	}{
		{"a TTL of 61", block(61, map[string]string{"orders": "r"}), "ttl must be at least 62 seconds"},
		{"a channel with a space", block(600, map[string]string{"my orders": "r"}),
			"channel names may contain only letters, digits, _ - : / ."},
		{"a reserved channel name", block(600, map[string]string{"PK": "r"}), "are reserved by the API's token form"},
		{"an unknown letter", block(600, map[string]string{"orders": "rx"}),
			`permission letters may only be r (read), w (write) and p (presence); got "rx"`},
		{"empty letters", block(600, map[string]string{"orders": ""}), "permission letters must not be empty"},
		{"no permissions", block(600, map[string]string{}), "a token holds 1 to 100 channel permissions; got 0"},
		{"101 permissions", block(600, tooMany), "a token holds 1 to 100 channel permissions; got 101"},
		{"a token with a space", block(600, map[string]string{"orders": "r"}, `token = "my token"`),
			"tokens may contain only letters, digits, _ - : / ."},
		{"an empty token", block(600, map[string]string{"orders": "r"}, `token = ""`), "tokens must not be empty"},
		{"no ttl", "ephemeral \"realtime_token\" \"x\" {\n  permissions = { orders = \"r\" }\n}\n", `The argument "ttl" is required`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t)
			acc.ParallelTest(t, acc.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
				ProtoV6ProviderFactories: echoFactories(e),
				Steps: []acc.TestStep{{
					Config: e.ProviderBlock() + tc.config +
						"provider \"echo\" {\n  data = ephemeral.realtime_token.x.token\n}\nresource \"echo\" \"token\" {}\n",
					ExpectError: errRe(tc.want),
				}},
			})
			e.ExpectNoRequests()
		})
	}
}

// TestEphemeralToken_renewAndClose drives the protocol as Terraform does:
// Open saves and asks for renewal 10 % of ttl before expiry; Renew saves the
// same permissions again from the private data; Close revokes.
func TestEphemeralToken_renewAndClose(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	s := newProtoServer(t, e)
	start := e.Clock.Now()
	perms := map[string]string{"orders": "pw"}

	result, private, renewAt := s.OpenToken(map[string]tftypes.Value{
		"ttl":         tftypes.NewValue(tftypes.Number, 600),
		"permissions": protoPerms(perms),
	})
	token := protoString(t, result["token"])
	if !mintedTokenRe.MatchString(token) {
		t.Fatalf("minted token of %d characters", len(token))
	}
	if got := protoString(t, result["expires_at"]); got != rfc3339(start.Add(600*time.Second)) {
		t.Errorf("expires_at %s, want %s", got, rfc3339(start.Add(600*time.Second)))
	}
	if want := start.Add(540 * time.Second); !renewAt.Equal(want) {
		t.Errorf("RenewAt %s, want %s (expiry − 10 %% of ttl)", renewAt, want)
	}
	if err := e.CheckToken(token, map[string]string{"orders": "wp"}, false, 600)(nil); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(private), "private_key") || strings.Contains(string(private), e.PrivateKey) {
		t.Error("the private data holds the provider's private key")
	}

	// Terraform renews at RenewAt.
	e.Clock.Advance(540 * time.Second)
	rresp, err := s.srv.RenewEphemeralResource(context.Background(), &tfprotov6.RenewEphemeralResourceRequest{
		TypeName: "realtime_token", Private: private,
	})
	if err != nil || len(rresp.Diagnostics) > 0 {
		t.Fatalf("renew: %v %s", err, protoDiags(rresp.Diagnostics))
	}
	if want := start.Add(1080 * time.Second); !rresp.RenewAt.Equal(want) {
		t.Errorf("RenewAt after renewal %s, want %s", rresp.RenewAt, want)
	}
	tk, ok := e.Token(token)
	if !ok || !tk.ExpiresAt.Equal(start.Add(1140*time.Second)) || !sameMap(tk.Permissions, map[string]string{"orders": "wp"}) {
		t.Fatalf("renewal did not save the permissions for another ttl: %+v", tk)
	}

	cresp, err := s.srv.CloseEphemeralResource(context.Background(), &tfprotov6.CloseEphemeralResourceRequest{
		TypeName: "realtime_token", Private: rresp.Private,
	})
	if err != nil || len(cresp.Diagnostics) > 0 {
		t.Fatalf("close: %v %s", err, protoDiags(cresp.Diagnostics))
	}
	if err := e.CheckTokenRevoked(token)(nil); err != nil {
		t.Error(err)
	}
}

// TestEphemeralToken_closeKeeps: with revoke_on_close = false, Close calls
// nothing.
func TestEphemeralToken_closeKeeps(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	s := newProtoServer(t, e)
	_, private, _ := s.OpenToken(map[string]tftypes.Value{
		"token":           tftypes.NewValue(tftypes.String, "kept-"+randomHex(t, 4)),
		"ttl":             tftypes.NewValue(tftypes.Number, 62),
		"revoke_on_close": tftypes.NewValue(tftypes.Bool, false),
		"permissions":     protoPerms(map[string]string{"orders": "r"}),
	})
	e.Emulator.ResetCounters()
	resp, err := s.srv.CloseEphemeralResource(context.Background(), &tfprotov6.CloseEphemeralResourceRequest{
		TypeName: "realtime_token", Private: private,
	})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("close: %v %s", err, protoDiags(resp.Diagnostics))
	}
	if n := e.Requests(); n != 0 {
		t.Errorf("close with revoke_on_close = false made %d requests", n)
	}
}

// TestEphemeralToken_closeWithoutPrivateData fails loudly: a token that
// cannot be revoked must not go unnoticed.
func TestEphemeralToken_closeWithoutPrivateData(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	s := newProtoServer(t, e)
	resp, err := s.srv.CloseEphemeralResource(context.Background(), &tfprotov6.CloseEphemeralResourceRequest{TypeName: "realtime_token"})
	if err != nil || len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Summary, "Ephemeral token data missing") {
		t.Fatalf("close without private data: %v %s", err, protoDiags(resp.Diagnostics))
	}
}

func TestMintToken(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 2000 {
		tok, err := mintToken()
		if err != nil {
			t.Fatal(err)
		}
		if !mintedTokenRe.MatchString(tok) {
			t.Fatalf("token %q is not 32 letters and digits", tok)
		}
		if seen[tok] {
			t.Fatalf("token %q minted twice", tok)
		}
		seen[tok] = true
		for _, c := range tok {
			counts[c]++
		}
	}
	// 64,000 characters over 62 letters: about 1032 each. A biased mapping
	// (byte % 62) would give the first eight letters about 1.24 times more.
	if len(counts) != len(mintedTokenAlphabet) {
		t.Fatalf("%d distinct characters, want %d", len(counts), len(mintedTokenAlphabet))
	}
	for c, n := range counts {
		if n < 850 || n > 1220 {
			t.Errorf("character %q appears %d times of 64000: biased", c, n)
		}
	}
}
