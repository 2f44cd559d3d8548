package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

const tokenAddr = "realtime_token_permissions.t"

// tokenConfig is a realtime_token_permissions "t" block; extra lines are
// added inside.
func tokenConfig(token string, ttl int, perms map[string]string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"realtime_token_permissions\" \"t\" {\n  token = %q\n  ttl   = %d\n  permissions = %s\n", token, ttl, hclMap(perms))
	for _, l := range extra {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func TestAccTokenPermissions_basic(t *testing.T) {
	e := newTestEnv(t)
	token := "tok-" + randomHex(t, 8)
	start := e.Clock.Now()
	perms := map[string]string{"orders": "rw", "main:*": "p", "a/b.c_d-e:f": "r"}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckTokenRevoked(token),
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + tokenConfig(token, 3600, perms),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectSensitiveValue(tokenAddr, tfjsonpath.New("token")),
						// Known at plan time: derived from the key and the token.
						plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("id"), knownvalue.StringExact(tokenPermissionsID(e.AppKey, token))),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("id"), knownvalue.StringExact(tokenPermissionsID(e.AppKey, token))),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("permissions"), knownvalue.MapExact(map[string]knownvalue.Check{
						"orders": knownvalue.StringExact("rw"), "main:*": knownvalue.StringExact("p"), "a/b.c_d-e:f": knownvalue.StringExact("r"),
					})),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("ttl"), knownvalue.Int64Exact(3600)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("private"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("renew_before"), knownvalue.Int64Exact(360)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("authenticated_at"), knownvalue.StringExact(rfc3339(start))),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact(rfc3339(start.Add(time.Hour)))),
					statecheck.ExpectSensitiveValue(tokenAddr, tfjsonpath.New("token")),
				},
				Check: e.CheckToken(token, perms, false, 3600),
			},
			{
				// A second plan with nothing changed is empty.
				Config:   e.ProviderBlock() + tokenConfig(token, 3600, perms),
				PlanOnly: true,
			},
		},
	})
}

func TestAccTokenPermissions_updateInPlace(t *testing.T) {
	e := newTestEnv(t)
	token := "tok-" + randomHex(t, 8)
	id := tokenPermissionsID(e.AppKey, token)
	noSave := func(*terraform.State) error {
		if n := e.Counters()["authenticate"]; n != 0 {
			return fmt.Errorf("%d authenticate requests for a renew_before change", n)
		}
		return nil
	}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckTokenRevoked(token),
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + tokenConfig(token, 600, map[string]string{"orders": "r"}),
				Check:  e.CheckToken(token, map[string]string{"orders": "r"}, false, 600),
			},
			{
				// Permissions, ttl and private change in place: one save
				// replaces the whole set.
				PreConfig: func() { e.Clock.Advance(time.Minute) },
				Config: e.ProviderBlock() + tokenConfig(token, 900, map[string]string{"orders": "pw", "billing": "r"},
					"private = true"),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("expires_at")),
						plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("renew_before"), knownvalue.Int64Exact(90)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("private"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("expires_at"),
						knownvalue.StringFunc(func(v string) error {
							if want := rfc3339(e.Clock.Now().Add(900 * time.Second)); v != want {
								return fmt.Errorf("expires_at %s, want %s", v, want)
							}
							return nil
						})),
				},
				Check: e.CheckToken(token, map[string]string{"orders": "wp", "billing": "r"}, true, 900),
			},
			{
				// renew_before alone changes the state only: no request.
				PreConfig: func() { e.Emulator.ResetCounters() },
				Config: e.ProviderBlock() + tokenConfig(token, 900, map[string]string{"orders": "pw", "billing": "r"},
					"private = true", "renew_before = 300"),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("expires_at"), knownvalue.NotNull()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: noSave,
			},
			{
				// renew_before changes again and the renewal comes due
				// between the plan and the apply (a saved plan applied
				// later): the apply, which plans again, must agree with the
				// plan and save nothing; the plan after it renews.
				PreConfig: func() { e.Emulator.ResetCounters() },
				Config: e.ProviderBlock() + tokenConfig(token, 900, map[string]string{"orders": "pw", "billing": "r"},
					"private = true", "renew_before = 200"),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("expires_at"), knownvalue.NotNull()),
						advanceClock{e.Clock, 800 * time.Second}, // 100 s left, renew_before 200
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("expires_at")),
					},
				},
				ExpectNonEmptyPlan: true, // the renewal, planned after this apply
				Check:              noSave,
			},
		},
	})
}

// advanceClock is a plan check that moves the test clock: placed in
// PreApply, it lets time pass between a plan and its apply.
type advanceClock struct {
	clock *testClock
	by    time.Duration
}

func (a advanceClock) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	a.clock.Advance(a.by)
}

func TestAccTokenPermissions_replace(t *testing.T) {
	e := newTestEnv(t)
	oldToken, newToken := "tok-old-"+randomHex(t, 4), "tok-new-"+randomHex(t, 4)
	perms := map[string]string{"orders": "w"}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckTokenRevoked(oldToken, newToken),
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + tokenConfig(oldToken, 600, perms),
				Check:  e.CheckToken(oldToken, perms, false, 600),
			},
			{
				Config: e.ProviderBlock() + tokenConfig(newToken, 600, perms),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionReplace),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("id"), knownvalue.StringExact(tokenPermissionsID(e.AppKey, newToken))),
				},
				Check: acc.ComposeTestCheckFunc(
					e.CheckToken(newToken, perms, false, 600),
					e.CheckTokenRevoked(oldToken),
				),
			},
		},
	})
}

// TestAccTokenPermissions_letterOrder: letters are a set; "pw" and "wp" never
// show a difference, in the plan or in the state.
func TestAccTokenPermissions_letterOrder(t *testing.T) {
	e := newTestEnv(t)
	token := "tok-" + randomHex(t, 8)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckTokenRevoked(token),
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + tokenConfig(token, 600, map[string]string{"orders": "pw", "main:*": "rrw"}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("permissions").AtMapKey("orders"), knownvalue.StringExact("pw")),
				},
				Check: e.CheckToken(token, map[string]string{"orders": "wp", "main:*": "rw"}, false, 600),
			},
			{
				PreConfig: func() { e.Emulator.ResetCounters() },
				Config:    e.ProviderBlock() + tokenConfig(token, 600, map[string]string{"orders": "wp", "main:*": "wr"}),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					// The state keeps the spelling it has.
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("permissions").AtMapKey("orders"), knownvalue.StringExact("pw")),
				},
				Check: func(*terraform.State) error {
					if n := e.Counters()["authenticate"]; n != 0 {
						return fmt.Errorf("%d authenticate requests for a spelling change", n)
					}
					return nil
				},
			},
			{
				// A real change with it: an update that saves the new set.
				Config: e.ProviderBlock() + tokenConfig(token, 600, map[string]string{"orders": "wp", "main:*": "wr", "extra": "r"}),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: e.CheckToken(token, map[string]string{"orders": "wp", "main:*": "rw", "extra": "r"}, false, 600),
			},
		},
	})
}

// TestAccTokenPermissions_renewal moves the clock: before expires_at −
// renew_before the plan is empty; from then on it renews, in place.
func TestAccTokenPermissions_renewal(t *testing.T) {
	e := newTestEnv(t)
	token := "tok-" + randomHex(t, 8)
	perms := map[string]string{"orders": "r"}
	start := e.Clock.Now()
	cfg := e.ProviderBlock() + tokenConfig(token, 600, perms) // renew_before = 60
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckTokenRevoked(token),
		Steps: []acc.TestStep{
			{
				Config: cfg,
				Check:  e.CheckToken(token, perms, false, 600),
			},
			{
				// 539 s in: 61 s left, more than renew_before.
				PreConfig: func() { e.Clock.Advance(539 * time.Second) },
				Config:    cfg,
				PlanOnly:  true,
			},
			{
				// 540 s in: 60 s left, renew.
				PreConfig: func() { e.Clock.Advance(time.Second) },
				Config:    cfg,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("authenticated_at")),
						plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("expires_at")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("authenticated_at"), knownvalue.StringExact(rfc3339(start.Add(540*time.Second)))),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact(rfc3339(start.Add(1140*time.Second)))),
				},
				Check: func(s *terraform.State) error {
					tk, ok := e.Token(token)
					if !ok || !tk.ExpiresAt.Equal(start.Add(1140*time.Second)) {
						return fmt.Errorf("emulator token %+v not renewed to %s", tk, start.Add(1140*time.Second))
					}
					return nil
				},
			},
			{
				// Long expired (the emulator forgot it): still an update.
				PreConfig: func() { e.Clock.Advance(2 * time.Hour) },
				Config:    cfg,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: e.CheckToken(token, perms, false, 600),
			},
		},
	})
}

func TestAccTokenPermissions_importNotSupported(t *testing.T) {
	e := newTestEnv(t)
	token := "tok-" + randomHex(t, 8)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckTokenRevoked(token),
		Steps: []acc.TestStep{
			{Config: e.ProviderBlock() + tokenConfig(token, 600, map[string]string{"orders": "r"})},
			{
				ResourceName:  tokenAddr,
				ImportState:   true,
				ImportStateId: token,
				ExpectError:   errRe("realtime_token_permissions cannot be imported"),
			},
		},
	})
}

// TestAccTokenPermissions_validation: every rule fails at plan time, at the
// attribute, naming the rule, and costs no request.
func TestAccTokenPermissions_validation(t *testing.T) {
	tooMany := map[string]string{}
	for i := range 101 {
		tooMany[fmt.Sprintf("ch%03d", i)] = "r"
	}
	for _, tc := range []struct {
		name   string
		config string
		want   string
	}{
		{"a channel with a space", tokenConfig("tok", 600, map[string]string{"my orders": "r"}),
			"channel names may contain only letters, digits, _ - : / ."},
		{"a channel with a star inside", tokenConfig("tok", 600, map[string]string{"ma*n": "r"}),
			"channel names may contain only letters, digits, _ - : / ."},
		{"a 100-byte channel", tokenConfig("tok", 600, map[string]string{strings.Repeat("c", 100): "r"}),
			"channel names must be 1 to 99 bytes long; got 100 bytes"},
		{"a reserved channel name", tokenConfig("tok", 600, map[string]string{"TTL": "r"}),
			"are reserved by the API's token form"},
		{"an unknown letter", tokenConfig("tok", 600, map[string]string{"orders": "rx"}),
			`permission letters may only be r (read), w (write) and p (presence); got "rx"`},
		{"upper-case letters", tokenConfig("tok", 600, map[string]string{"orders": "R"}),
			"permission letters may only be r (read), w (write) and p (presence)"},
		{"empty letters", tokenConfig("tok", 600, map[string]string{"orders": ""}),
			"permission letters must not be empty"},
		{"a TTL of 61", tokenConfig("tok", 61, map[string]string{"orders": "r"}),
			"ttl must be at least 62 seconds"},
		{"101 permissions", tokenConfig("tok", 600, tooMany),
			"a token holds 1 to 100 channel permissions; got 101"},
		{"no permissions", tokenConfig("tok", 600, map[string]string{}),
			"a token holds 1 to 100 channel permissions; got 0"},
		{"a token with a space", tokenConfig("my token", 600, map[string]string{"orders": "r"}),
			"tokens may contain only letters, digits, _ - : / ."},
		{"renew_before not below ttl", tokenConfig("tok", 600, map[string]string{"orders": "r"}, "renew_before = 600"),
			"renew_before must be less than ttl (600 seconds); got 600"},
		{"a negative renew_before", tokenConfig("tok", 600, map[string]string{"orders": "r"}, "renew_before = -1"),
			"renew_before must not be negative"},
		{"no token at all", "resource \"realtime_token_permissions\" \"t\" {\n  ttl = 600\n  permissions = { orders = \"r\" }\n}\n",
			ruleOneToken},
		{"token_wo_version with token", tokenConfig("tok", 600, map[string]string{"orders": "r"}, "token_wo_version = 1"),
			ruleTokenWOVersion},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t)
			acc.ParallelTest(t, acc.TestCase{
				ProtoV6ProviderFactories: e.Factories(),
				Steps: []acc.TestStep{{
					Config:      e.ProviderBlock() + tc.config,
					ExpectError: errRe(tc.want),
				}},
			})
			e.ExpectNoRequests()
		})
	}
}

func mustSet(t *testing.T, diags diag.Diagnostics) {
	t.Helper()
	if diags.HasError() {
		t.Fatal(diags)
	}
}

// TestTokenValidatorNeverQuotesTheToken: a token's value is never quoted in
// a diagnostic.
func TestTokenValidatorNeverQuotesTheToken(t *testing.T) {
	for _, bad := range []string{"my secret token", "sec*ret", ""} {
		diags := runStringValidators(tokenValidators(), bad)
		if !diags.HasError() {
			t.Fatalf("token %q accepted", bad)
		}
		for _, d := range diags {
			if bad != "" && (strings.Contains(d.Detail(), bad) || strings.Contains(d.Summary(), bad)) {
				t.Errorf("diagnostic quotes the token: %s", d.Detail())
			}
		}
	}
}

func TestTokenPermissionsIDIsStableAndHidesTheToken(t *testing.T) {
	a := tokenPermissionsID("app", "secret")
	if len(a) != 64 || strings.Contains(a, "secret") {
		t.Fatalf("id %q", a)
	}
	if a != tokenPermissionsID("app", "secret") {
		t.Error("id not stable")
	}
	if a == tokenPermissionsID("other", "secret") || a == tokenPermissionsID("app", "secret2") {
		t.Error("id does not depend on both the application and the token")
	}
	// sha256("app:secret"), computed with sha256sum.
	if want := "5d1e6cd07bc93130a2aa41900fb94d85f9bcf220c9f033993e180c9ed597bae9"; a != want {
		t.Errorf("id %s, want %s", a, want)
	}
}

func TestRenewalDue(t *testing.T) {
	exp := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	s := types.StringValue(exp.Format(time.RFC3339))
	for _, tc := range []struct {
		name        string
		now         time.Time
		renewBefore types.Int64
		want        bool
	}{
		{"well before", exp.Add(-time.Hour), types.Int64Value(60), false},
		{"one second before the window", exp.Add(-61 * time.Second), types.Int64Value(60), false},
		{"at the window", exp.Add(-60 * time.Second), types.Int64Value(60), true},
		{"expired", exp.Add(time.Hour), types.Int64Value(60), true},
		{"renew_before 0, at expiry", exp, types.Int64Value(0), true},
		{"unknown renew_before", exp.Add(time.Hour), types.Int64Unknown(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, got := renewalDue(s, tc.renewBefore, tc.now); got != tc.want {
				t.Errorf("due %v, want %v", got, tc.want)
			}
		})
	}
	if _, due := renewalDue(types.StringValue("yesterday"), types.Int64Value(1), exp); due {
		t.Error("an unparsable expiry is due")
	}
}

func TestDefaultRenewBefore(t *testing.T) {
	for ttl, want := range map[int64]int64{62: 6, 600: 60, 3600: 360, 99: 9} {
		if got := defaultRenewBefore(ttl); got != want {
			t.Errorf("defaultRenewBefore(%d) = %d, want %d", ttl, got, want)
		}
	}
}

// TestTokenPermissionsModifyPlanWarnsWhenRenewing runs ModifyPlan directly
// to see the warning, which acceptance tests cannot assert.
func TestTokenPermissionsModifyPlanWarnsWhenRenewing(t *testing.T) {
	ctx := context.Background()
	r := &tokenPermissionsResource{}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	expires := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	now := expires.Add(-30 * time.Second)
	r.data = &providerData{now: func() time.Time { return now }}

	perms, _ := types.MapValue(LettersType{}, map[string]attr.Value{"orders": NewLettersValue("r")})
	state := tokenPermissionsModel{
		ID: types.StringValue("id"), Token: types.StringValue("tok"), Permissions: perms,
		TTL: types.Int64Value(600), Private: types.BoolValue(false), RenewBefore: types.Int64Value(60),
		AuthenticatedAt: types.StringValue(expires.Add(-600 * time.Second).Format(time.RFC3339)),
		ExpiresAt:       types.StringValue(expires.Format(time.RFC3339)),
	}
	cfg := state
	cfg.ID, cfg.RenewBefore, cfg.AuthenticatedAt, cfg.ExpiresAt = types.StringNull(), types.Int64Null(), types.StringNull(), types.StringNull()

	req := resource.ModifyPlanRequest{
		State:  tfsdk.State{Schema: sresp.Schema},
		Plan:   tfsdk.Plan{Schema: sresp.Schema},
		Config: tfsdk.Config{Schema: sresp.Schema},
	}
	mustSet(t, req.State.Set(ctx, &state))
	mustSet(t, req.Plan.Set(ctx, &state))
	cfgState := tfsdk.State{Schema: sresp.Schema}
	mustSet(t, cfgState.Set(ctx, &cfg))
	req.Config.Raw = cfgState.Raw
	resp := resource.ModifyPlanResponse{Plan: req.Plan}
	r.ModifyPlan(ctx, req, &resp)

	if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 {
		t.Fatalf("want one warning, got %v", resp.Diagnostics)
	}
	w := resp.Diagnostics.Warnings()[0].Detail()
	if want := "token expires at 2030-01-01T12:00:00Z; renew_before is 60s: re-saving"; !strings.Contains(w, want) {
		t.Errorf("warning %q does not say %q", w, want)
	}
	var plan tokenPermissionsModel
	mustSet(t, resp.Plan.Get(ctx, &plan))
	if !plan.ExpiresAt.IsUnknown() || !plan.AuthenticatedAt.IsUnknown() {
		t.Errorf("renewal does not plan new timestamps: %v %v", plan.AuthenticatedAt, plan.ExpiresAt)
	}

	// Earlier: no warning, the plan keeps the state.
	now = expires.Add(-61 * time.Second)
	resp = resource.ModifyPlanResponse{Plan: req.Plan}
	r.ModifyPlan(ctx, req, &resp)
	mustSet(t, resp.Plan.Get(ctx, &plan))
	if len(resp.Diagnostics) != 0 || plan.ExpiresAt.IsUnknown() {
		t.Errorf("renewal planned early: %v, expires_at %v", resp.Diagnostics, plan.ExpiresAt)
	}
}

// woConfig is a realtime_token_permissions "t" block with a write-only
// token and a ttl of 600; extra lines are added inside.
func woConfig(token string, version int, perms map[string]string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"realtime_token_permissions\" \"t\" {\n  token_wo         = %q\n  token_wo_version = %d\n  ttl   = 600\n  permissions = %s\n",
		token, version, hclMap(perms))
	for _, l := range extra {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// noSecret fails a plan or state check whose JSON (terraform show -json, as
// plugin-testing reads it) holds the secret anywhere.
type noSecret struct{ secret string }

var (
	_ plancheck.PlanCheck   = noSecret{}
	_ statecheck.StateCheck = noSecret{}
)

// CheckPlan looks through everything but the configuration, which holds
// what the test configuration spells out, the secret included (a real one
// takes it from an ephemeral variable: see TestTokenPermissions_writeOnlyFiles).
func (c noSecret) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if req.Plan == nil {
		return
	}
	plan := *req.Plan
	plan.Config = nil
	resp.Error = c.check("plan", plan)
}

func (c noSecret) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.check("state", req.State)
}

func (c noSecret) check(what string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if bytes.Contains(b, []byte(c.secret)) {
		return fmt.Errorf("the %s (terraform show -json) holds the write-only token", what)
	}
	return nil
}

// checkNoSecretInState also looks through the state plugin-testing hands to
// Check functions, every attribute of every resource.
func checkNoSecretInState(secret string) acc.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, m := range s.Modules {
			for addr, r := range m.Resources {
				if r.Primary == nil {
					continue
				}
				for k, v := range r.Primary.Attributes {
					if strings.Contains(v, secret) {
						return fmt.Errorf("%s.%s holds the write-only token", addr, k)
					}
				}
			}
		}
		return nil
	}
}

// TestAccTokenPermissions_writeOnly: a token_wo lives in no plan and no
// state, only its hash does; updates and renewals read it from the
// configuration; a new token_wo_version replaces the resource; neither the
// replacement nor the destroy can revoke the token (documented).
func TestAccTokenPermissions_writeOnly(t *testing.T) {
	e := newTestEnv(t)
	secret, secret2 := "wo-"+randomHex(t, 12), "wo2-"+randomHex(t, 12)
	perms := map[string]string{"orders": "rw"}
	perms2 := map[string]string{"orders": "r", "billing": "wp"} // canonical order, as the emulator keeps it
	id, id2 := tokenPermissionsID(e.AppKey, secret), tokenPermissionsID(e.AppKey, secret2)
	noSecrets := acc.ComposeTestCheckFunc(checkNoSecretInState(secret), checkNoSecretInState(secret2))
	acc.ParallelTest(t, acc.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: e.Factories(),
		// Destroy cannot revoke a write-only token: it keeps its
		// permissions until they expire.
		CheckDestroy: e.CheckToken(secret2, perms2, false, 600),
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + woConfig(secret, 1, perms),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token_wo"), knownvalue.Null()),
						plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token"), knownvalue.Null()),
						// A write-only value may change between plan and apply.
						plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("id")),
						noSecret{secret},
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), noSecret{secret}},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token"), knownvalue.Null()),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token_wo_version"), knownvalue.Int64Exact(1)),
					noSecret{secret},
				},
				Check: acc.ComposeTestCheckFunc(e.CheckToken(secret, perms, false, 600), noSecrets),
			},
			{
				// Permissions change in place, saved with the token from the
				// configuration.
				Config: e.ProviderBlock() + woConfig(secret, 1, perms2),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
						noSecret{secret},
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{noSecret{secret}},
				Check:             acc.ComposeTestCheckFunc(e.CheckToken(secret, perms2, false, 600), noSecrets),
			},
			{
				// Renewal, likewise.
				PreConfig: func() { e.Clock.Advance(540 * time.Second) },
				Config:    e.ProviderBlock() + woConfig(secret, 1, perms2),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("expires_at")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if tk, ok := e.Token(secret); !ok || !tk.ExpiresAt.Equal(e.Clock.Now().Add(600*time.Second)) {
						return fmt.Errorf("write-only token not renewed: %+v", tk)
					}
					return nil
				},
			},
			{
				// A new token with a new version: a replacement. The old
				// token cannot be revoked and keeps its permissions.
				Config: e.ProviderBlock() + woConfig(secret2, 2, perms2),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionReplace),
						noSecret{secret}, noSecret{secret2},
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("id"), knownvalue.StringExact(id2)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token_wo_version"), knownvalue.Int64Exact(2)),
					noSecret{secret}, noSecret{secret2},
				},
				Check: acc.ComposeTestCheckFunc(
					e.CheckToken(secret2, perms2, false, 600),
					e.CheckToken(secret, perms2, false, 600),
					noSecrets,
				),
			},
		},
	})
}

// TestAccTokenPermissions_writeOnlyOtherToken: another token in token_wo
// under the same token_wo_version is not saved: a plan that needs no save
// warns and stays empty, one that would save fails, and the resource keeps
// working with the token it manages.
func TestAccTokenPermissions_writeOnlyOtherToken(t *testing.T) {
	e := newTestEnv(t)
	secret, other := "wo-"+randomHex(t, 12), "other-"+randomHex(t, 12)
	perms := map[string]string{"orders": "r"}
	acc.ParallelTest(t, acc.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + woConfig(secret, 1, perms),
				Check:  e.CheckToken(secret, perms, false, 600),
			},
			{
				// Same version, other token, nothing to save: no change
				// (with a warning), and the other token gets nothing.
				Config: e.ProviderBlock() + woConfig(other, 1, perms),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if _, ok := e.Token(other); ok {
						return fmt.Errorf("the other token was saved")
					}
					return nil
				},
			},
			{
				Config:      e.ProviderBlock() + woConfig(other, 1, map[string]string{"orders": "rw"}),
				ExpectError: errRe("token_wo holds another token"),
			},
			{
				// Due for renewal: renewing would save the other token.
				PreConfig:   func() { e.Clock.Advance(560 * time.Second) },
				Config:      e.ProviderBlock() + woConfig(other, 1, perms),
				ExpectError: errRe("Renewing the permissions would save them for the token in token_wo"),
			},
			{
				// The managed token again: the renewal goes through.
				Config: e.ProviderBlock() + woConfig(secret, 1, perms),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate)},
				},
				Check: acc.ComposeTestCheckFunc(
					e.CheckToken(secret, perms, false, 600),
					func(*terraform.State) error {
						if _, ok := e.Token(other); ok {
							return fmt.Errorf("the other token was saved")
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccTokenPermissions_switchTokenKind: token → token_wo and back are
// replacements; only a destroy that knows the token revokes it.
func TestAccTokenPermissions_switchTokenKind(t *testing.T) {
	e := newTestEnv(t)
	token := "tok-" + randomHex(t, 8)
	perms := map[string]string{"orders": "w"}
	acc.ParallelTest(t, acc.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckTokenRevoked(token),
		Steps: []acc.TestStep{
			{Config: e.ProviderBlock() + tokenConfig(token, 600, perms)},
			{
				// Revoked by the old resource, saved again by the new one.
				Config: e.ProviderBlock() + woConfig(token, 1, perms),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token"), knownvalue.Null()),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("id"), knownvalue.StringExact(tokenPermissionsID(e.AppKey, token))),
					noSecret{token},
				},
				Check: e.CheckToken(token, perms, false, 600),
			},
			{
				Config: e.ProviderBlock() + tokenConfig(token, 600, perms),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: e.CheckToken(token, perms, false, 600),
			},
		},
	})
}

// TestAccTokenPermissions_writeOnlyValidation: the choice of token is
// checked at validate time and costs no request.
func TestAccTokenPermissions_writeOnlyValidation(t *testing.T) {
	perms := map[string]string{"orders": "r"}
	for _, tc := range []struct {
		name   string
		config string
		want   string
	}{
		{"both token and token_wo", woConfig("tok", 1, perms, `token = "tok"`), ruleOneToken},
		{"token_wo without token_wo_version",
			"resource \"realtime_token_permissions\" \"t\" {\n  token_wo = \"tok\"\n  ttl = 600\n  permissions = { orders = \"r\" }\n}\n",
			ruleTokenWOVersion},
		{"a token_wo with a space", woConfig("my token", 1, perms), "tokens may contain only letters, digits, _ - : / ."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t)
			acc.ParallelTest(t, acc.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
				ProtoV6ProviderFactories: e.Factories(),
				Steps: []acc.TestStep{{
					Config:      e.ProviderBlock() + tc.config,
					ExpectError: errRe(tc.want),
				}},
			})
			e.ExpectNoRequests()
		})
	}
}

// TestTokenPermissionsDeleteWriteOnlyWarns: destroying a token_wo resource
// calls nothing and says until when the token keeps its permissions.
func TestTokenPermissionsDeleteWriteOnlyWarns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newTestEnv(t)
	client, err := ortc.New(ortc.Options{ApplicationKey: e.AppKey, PrivateKey: e.PrivateKey, ClusterURL: e.ClusterURL()})
	if err != nil {
		t.Fatal(err)
	}
	r := &tokenPermissionsResource{data: &providerData{client: client, hasPrivateKey: true, now: e.Clock.Now}}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	perms, _ := types.MapValue(LettersType{}, map[string]attr.Value{"orders": NewLettersValue("r")})
	state := tokenPermissionsModel{
		ID: types.StringValue("id"), Token: types.StringNull(), TokenWO: types.StringNull(),
		TokenWOVersion: types.Int64Value(1), Permissions: perms, TTL: types.Int64Value(600),
		Private: types.BoolValue(false), RenewBefore: types.Int64Value(60),
		AuthenticatedAt: types.StringValue("2030-01-01T11:50:00Z"), ExpiresAt: types.StringValue("2030-01-01T12:00:00Z"),
	}
	req := resource.DeleteRequest{State: tfsdk.State{Schema: sresp.Schema}}
	mustSet(t, req.State.Set(ctx, &state))
	resp := resource.DeleteResponse{State: req.State}
	r.Delete(ctx, req, &resp)
	if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 {
		t.Fatalf("want one warning, got %v", resp.Diagnostics)
	}
	if w := resp.Diagnostics.Warnings()[0].Detail(); !strings.Contains(w, "keeps its permissions until they expire at 2030-01-01T12:00:00Z") {
		t.Errorf("warning %q does not say until when", w)
	}
	e.ExpectNoRequests()
}

// TestAccTokenPermissions_writeOnlyFiles runs the CLI itself and looks at
// the files it writes: a token_wo taken from an ephemeral variable is in no
// plan file (nor its JSON), no state file (nor its JSON) and no output; and
// destroy warns, in the plan and in the apply, that it cannot revoke it.
func TestAccTokenPermissions_writeOnlyFiles(t *testing.T) {
	t.Parallel()
	run := newCLIRun(t, "1.11.0")
	e := newTestEnv(t)
	secret := "wo-files-" + randomHex(t, 12)
	run.Write("main.tf", `terraform {
  required_providers {
    realtime = { source = "ortc-terraform/realtime" }
  }
}

variable "token" {
  type      = string
  sensitive = true
  ephemeral = true
}

`+e.ProviderBlock()+`
resource "realtime_token_permissions" "t" {
  token_wo         = var.token
  token_wo_version = 1
  ttl              = 600
  permissions      = { orders = "rw" }
}
`)
	withToken := []string{"TF_VAR_token=" + secret}
	noSecretIn := func(what string, b []byte) {
		t.Helper()
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s holds the write-only token", what)
		}
	}

	noSecretIn("plan output", []byte(run.Run(withToken, "plan", "-input=false", "-out=plan.out")))
	for name, data := range zipContents(t, run.Read("plan.out")) {
		noSecretIn("plan file entry "+name, data)
	}
	planJSON := run.Run(nil, "show", "-json", "plan.out")
	noSecretIn("terraform show -json plan.out", []byte(planJSON))
	if !strings.Contains(planJSON, `"realtime_token_permissions"`) {
		t.Fatalf("show -json of the plan shows no realtime_token_permissions:\n%s", planJSON)
	}

	noSecretIn("apply output", []byte(run.Run(withToken, "apply", "-input=false", "plan.out")))
	if err := e.CheckToken(secret, map[string]string{"orders": "rw"}, false, 600)(nil); err != nil {
		t.Fatal(err)
	}
	state := run.Read("terraform.tfstate")
	noSecretIn("terraform.tfstate", state)
	if id := tokenPermissionsID(e.AppKey, secret); !bytes.Contains(state, []byte(id)) {
		t.Errorf("terraform.tfstate does not hold the id %s", id)
	}
	noSecretIn("terraform show -json", []byte(run.Run(nil, "show", "-json")))

	out := run.Run(withToken, "destroy", "-input=false", "-auto-approve")
	noSecretIn("destroy output", []byte(out))
	for _, want := range []string{"Destroy will not revoke the write-only token", "Write-only token not revoked"} {
		if !errRe(want).MatchString(out) {
			t.Errorf("destroy output does not warn %q:\n%s", want, out)
		}
	}
	// As documented: the token keeps its permissions until they expire.
	if err := e.CheckToken(secret, map[string]string{"orders": "rw"}, false, 600)(nil); err != nil {
		t.Error(err)
	}
	noSecretIn("terraform.tfstate after destroy", run.Read("terraform.tfstate"))
	noSecretIn("terraform.tfstate.backup", run.Read("terraform.tfstate.backup"))
}

// TestAccTokenPermissions_writeOnlyUnknownAtPlan: a token_wo known only at
// apply (here from terraform_data) is hashed when created, and checked
// against the id when it becomes known: another token fails the apply
// instead of getting permissions.
func TestAccTokenPermissions_writeOnlyUnknownAtPlan(t *testing.T) {
	e := newTestEnv(t)
	secret, other := "wo-"+randomHex(t, 12), "other-"+randomHex(t, 12)
	config := func(token string, perms map[string]string) string {
		return e.ProviderBlock() + fmt.Sprintf(`
resource "terraform_data" "token" {
  input = %q
}

resource "realtime_token_permissions" "t" {
  token_wo         = terraform_data.token.output
  token_wo_version = 1
  ttl              = 600
  permissions      = %s
}
`, token, hclMap(perms))
	}
	acc.ParallelTest(t, acc.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{
			{
				Config: config(secret, map[string]string{"orders": "r"}),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("id"))},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("id"), knownvalue.StringExact(tokenPermissionsID(e.AppKey, secret))),
				},
				Check: e.CheckToken(secret, map[string]string{"orders": "r"}, false, 600),
			},
			{
				Config: config(other, map[string]string{"orders": "rw"}),
				// Terraform plans again during the apply, with the value
				// known: the plan-time check stops it there.
				ExpectError: errRe("would save them for the token in token_wo, but that is not the token this resource manages"),
				Check: func(*terraform.State) error {
					if _, ok := e.Token(other); ok {
						return fmt.Errorf("the other token was saved")
					}
					return nil
				},
			},
		},
	})
}

// TestTokenPermissionsUpdateChecksTheWriteOnlyToken: the last lock, in the
// apply itself: an update never saves a token_wo whose hash is not the id.
// (Terraform plans again during an apply, so ModifyPlan normally refuses
// first; this holds should a plan ever reach the apply unchecked.)
func TestTokenPermissionsUpdateChecksTheWriteOnlyToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newTestEnv(t)
	client, err := ortc.New(ortc.Options{ApplicationKey: e.AppKey, PrivateKey: e.PrivateKey, ClusterURL: e.ClusterURL()})
	if err != nil {
		t.Fatal(err)
	}
	r := &tokenPermissionsResource{data: &providerData{client: client, hasPrivateKey: true, now: e.Clock.Now}}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	perms, _ := types.MapValue(LettersType{}, map[string]attr.Value{"orders": NewLettersValue("r")})
	plan := tokenPermissionsModel{
		ID: types.StringValue(tokenPermissionsID(e.AppKey, "managed")), Token: types.StringNull(), TokenWO: types.StringNull(),
		TokenWOVersion: types.Int64Value(1), Permissions: perms, TTL: types.Int64Value(600),
		Private: types.BoolValue(false), RenewBefore: types.Int64Value(60),
		AuthenticatedAt: types.StringUnknown(), ExpiresAt: types.StringUnknown(),
	}
	cfg := plan
	cfg.ID, cfg.TokenWO, cfg.RenewBefore = types.StringNull(), types.StringValue("another"), types.Int64Null()
	cfg.AuthenticatedAt, cfg.ExpiresAt = types.StringNull(), types.StringNull()

	req := resource.UpdateRequest{Plan: tfsdk.Plan{Schema: sresp.Schema}, Config: tfsdk.Config{Schema: sresp.Schema}}
	mustSet(t, req.Plan.Set(ctx, &plan))
	cfgState := tfsdk.State{Schema: sresp.Schema}
	mustSet(t, cfgState.Set(ctx, &cfg))
	req.Config.Raw = cfgState.Raw
	resp := resource.UpdateResponse{State: tfsdk.State{Schema: sresp.Schema}}
	r.Update(ctx, req, &resp)
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Summary(), "token_wo holds another token") {
		t.Fatalf("want the token_wo error, got %v", resp.Diagnostics)
	}
	e.ExpectNoRequests()
}
