package provider

import (
	"context"
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
				Check: func(*terraform.State) error {
					if n := e.Counters()["authenticate"]; n != 0 {
						return fmt.Errorf("%d authenticate requests for a renew_before change", n)
					}
					return nil
				},
			},
		},
	})
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
