package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

const presenceAddr = "realtime_channel_presence.p"

func presenceConfig(name, channel string, metadata *bool) string {
	md := ""
	if metadata != nil {
		md = fmt.Sprintf("  metadata = %v\n", *metadata)
	}
	return fmt.Sprintf("resource \"realtime_channel_presence\" %q {\n  channel = %q\n%s}\n", name, channel, md)
}

func ptr[T any](v T) *T { return &v }

func TestAccChannelPresence_basic(t *testing.T) {
	e := newTestEnv(t)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckPresenceOff("orders"),
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + presenceConfig("p", "orders", nil),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(presenceAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(presenceAddr, tfjsonpath.New("id"), knownvalue.StringExact("orders")),
					statecheck.ExpectKnownValue(presenceAddr, tfjsonpath.New("channel"), knownvalue.StringExact("orders")),
					statecheck.ExpectKnownValue(presenceAddr, tfjsonpath.New("metadata"), knownvalue.Bool(false)),
				},
				Check: e.CheckPresence("orders", false),
			},
			{
				Config:   e.ProviderBlock() + presenceConfig("p", "orders", nil),
				PlanOnly: true,
			},
		},
	})
}

// TestAccChannelPresence_privateKeyNeeded: a provider with only an
// authentication_token reads presence (an empty plan is fine), but a plan
// that would switch it on or off fails at plan time, naming the key, and
// nothing is sent.
func TestAccChannelPresence_privateKeyNeeded(t *testing.T) {
	e := newTestEnv(t)
	token := "tok-" + randomHex(t, 8)
	if err := e.client(t).Authenticate(context.Background(), ortc.AuthenticateInput{
		Token: token, TTL: 3600, Permissions: map[string]string{"orders": "p"},
	}); err != nil {
		t.Fatal(err)
	}
	tokenOnly := fmt.Sprintf("provider \"realtime\" {\n  application_key = %q\n  authentication_token = %q\n  cluster_url = %q\n}\n",
		e.AppKey, token, e.ClusterURL())
	noWrite := func(*terraform.State) error {
		if c := e.Counters(); c["presence_enable"]+c["presence_disable"] != 0 {
			return fmt.Errorf("presence switched without a private key: %v", c)
		}
		return nil
	}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckPresenceOff("orders"),
		Steps: []acc.TestStep{
			{Config: e.ProviderBlock() + presenceConfig("p", "orders", nil)},
			{
				PreConfig: func() { e.Emulator.ResetCounters() },
				Config:    tokenOnly + presenceConfig("p", "orders", nil),
				PlanOnly:  true, // read with the token: no change, no error
			},
			{
				Config:      tokenOnly + presenceConfig("p", "orders", ptr(true)),
				PlanOnly:    true,
				ExpectError: errRe(`Switching presence on needs the application's private key`),
			},
			{
				Config:      tokenOnly,
				PlanOnly:    true,
				ExpectError: errRe(`Switching presence off needs the application's private key`),
			},
			{
				Config: e.ProviderBlock() + presenceConfig("p", "orders", nil),
				PreConfig: func() {
					if err := noWrite(nil); err != nil {
						t.Error(err)
					}
				},
				Check: e.CheckPresence("orders", false),
			},
		},
	})
}

func TestAccChannelPresence_metadataUpdate(t *testing.T) {
	e := newTestEnv(t)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckPresenceOff("chat:room1"),
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + presenceConfig("p", "chat:room1", ptr(false)),
				Check:  e.CheckPresence("chat:room1", false),
			},
			{
				Config: e.ProviderBlock() + presenceConfig("p", "chat:room1", ptr(true)),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(presenceAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(presenceAddr, tfjsonpath.New("metadata"), knownvalue.Bool(true)),
				},
				Check: e.CheckPresence("chat:room1", true),
			},
			{
				Config: e.ProviderBlock() + presenceConfig("p", "chat:room1", nil),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(presenceAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: e.CheckPresence("chat:room1", false),
			},
		},
	})
}

func TestAccChannelPresence_replace(t *testing.T) {
	e := newTestEnv(t)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckPresenceOff("old", "new/sub.channel"),
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + presenceConfig("p", "old", ptr(true)),
				Check:  e.CheckPresence("old", true),
			},
			{
				Config: e.ProviderBlock() + presenceConfig("p", "new/sub.channel", ptr(true)),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(presenceAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(presenceAddr, tfjsonpath.New("id"), knownvalue.StringExact("new/sub.channel")),
				},
				Check: acc.ComposeTestCheckFunc(e.CheckPresence("new/sub.channel", true), e.CheckPresenceOff("old")),
			},
		},
	})
}

// TestAccChannelPresence_identity checks the identity after create, update
// and replace. Terraform keeps identities from 1.12 on (older ones have none,
// hence a test of its own, gated), and before 1.14 fails an update that
// leaves it unset ("Missing Resource Identity After Update").
func TestAccChannelPresence_identity(t *testing.T) {
	e := newTestEnv(t)
	identity := func(channel string) statecheck.StateCheck {
		return statecheck.ExpectIdentity(presenceAddr, map[string]knownvalue.Check{
			"application_key": knownvalue.StringExact(e.AppKey),
			"channel":         knownvalue.StringExact(channel),
		})
	}
	acc.ParallelTest(t, acc.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckPresenceOff("orders", "new/sub.channel"),
		Steps: []acc.TestStep{
			{
				Config:            e.ProviderBlock() + presenceConfig("p", "orders", nil),
				ConfigStateChecks: []statecheck.StateCheck{identity("orders")},
			},
			{
				Config: e.ProviderBlock() + presenceConfig("p", "orders", ptr(true)),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(presenceAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{identity("orders")},
			},
			{
				Config: e.ProviderBlock() + presenceConfig("p", "new/sub.channel", ptr(true)),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(presenceAddr, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{identity("new/sub.channel")},
			},
		},
	})
}

// TestAccChannelPresence_wildcard switches presence on for every sub-channel
// and reads it back through a probe sub-channel.
func TestAccChannelPresence_wildcard(t *testing.T) {
	e := newTestEnv(t)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckPresenceOff("game:*", "game:level1"),
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + presenceConfig("p", "game:*", nil),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(presenceAddr, tfjsonpath.New("id"), knownvalue.StringExact("game:*")),
				},
				Check: acc.ComposeTestCheckFunc(e.CheckPresence("game:*", false), e.checkPresenceCovers("game:level1")),
			},
			{
				// Switched off behind Terraform's back: recreated.
				PreConfig:          func() { e.DisablePresenceBehindTerraform("game:*") },
				Config:             e.ProviderBlock() + presenceConfig("p", "game:*", nil),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// checkPresenceCovers checks a sub-channel reads as enabled through the API.
func (e *testEnv) checkPresenceCovers(channel string) acc.TestCheckFunc {
	return func(*terraform.State) error {
		c, err := ortc.New(ortc.Options{ApplicationKey: e.AppKey, PrivateKey: e.PrivateKey, ServerURL: e.URL, MaxRetries: -1})
		if err != nil {
			return err
		}
		if err := c.Authenticate(context.Background(), ortc.AuthenticateInput{Token: "check-token", TTL: 62, Permissions: map[string]string{channel: "p"}}); err != nil {
			return err
		}
		if _, err := c.Presence(context.Background(), "check-token", channel); err != nil {
			return fmt.Errorf("presence of %s: %w", channel, err)
		}
		return nil
	}
}

// TestAccChannelPresence_disappears: presence switched off outside
// Terraform → the refresh drops it → the plan creates it again.
func TestAccChannelPresence_disappears(t *testing.T) {
	e := newTestEnv(t)
	cfg := e.ProviderBlock() + presenceConfig("p", "orders", ptr(true))
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckPresenceOff("orders"),
		Steps: []acc.TestStep{
			{Config: cfg, Check: e.CheckPresence("orders", true)},
			{
				PreConfig: func() { e.DisablePresenceBehindTerraform("orders") },
				Config:    cfg,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(presenceAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: e.CheckPresence("orders", true),
			},
		},
	})
}

func TestAccChannelPresence_importByID(t *testing.T) {
	e := newTestEnv(t)
	e.Emulator.AddSubscribers(e.AppKey, "orders", "user:ann", 2)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckPresenceOff("orders", "lobby"),
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + presenceConfig("p", "orders", ptr(true)) + presenceConfig("q", "lobby", nil),
			},
			{
				ResourceName:      presenceAddr,
				ImportState:       true,
				ImportStateId:     "orders",
				ImportStateVerify: true,
			},
			{
				ResourceName:      "realtime_channel_presence.q",
				ImportState:       true,
				ImportStateId:     "lobby",
				ImportStateVerify: true,
			},
			{
				ResourceName:  presenceAddr,
				ImportState:   true,
				ImportStateId: "bad channel",
				ExpectError:   errRe("Import realtime_channel_presence by its channel"),
			},
		},
	})
}

func TestAccChannelPresence_importByIdentity(t *testing.T) {
	e := newTestEnv(t)
	acc.ParallelTest(t, acc.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckPresenceOff("orders"),
		Steps: []acc.TestStep{
			{Config: e.ProviderBlock() + presenceConfig("p", "orders", nil)},
			{
				Config:          e.ProviderBlock() + presenceConfig("p", "orders", nil),
				ResourceName:    presenceAddr,
				ImportState:     true,
				ImportStateKind: acc.ImportBlockWithResourceIdentity,
			},
			{
				Config:          e.ProviderBlock() + presenceConfig("p", "orders", nil),
				ResourceName:    presenceAddr,
				ImportState:     true,
				ImportStateKind: acc.ImportBlockWithID,
			},
		},
	})
}

// TestAccChannelPresence_readCost: a plan with nothing to change costs one
// presence read per resource and nothing else once the provider's read
// tokens exist; with authentication_token configured, no token is ever
// saved.
func TestAccChannelPresence_readCost(t *testing.T) {
	for _, tc := range []struct {
		name      string
		openAuth  bool
		authToken bool
	}{
		{"provider read tokens, enforced authentication", false, false},
		{"provider read tokens, open application", true, false},
		{"configured authentication_token", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts []testEnvOption
			if tc.openAuth {
				opts = append(opts, withOpenAuth())
			}
			e := newTestEnv(t, opts...)
			var extra []string
			if tc.authToken {
				// Saved beforehand, as an operator would.
				c, err := ortc.New(ortc.Options{ApplicationKey: e.AppKey, PrivateKey: e.PrivateKey, ServerURL: e.URL})
				if err != nil {
					t.Fatal(err)
				}
				if err := c.Authenticate(context.Background(), ortc.AuthenticateInput{
					Token: "reader", TTL: 86400, Permissions: map[string]string{"a": "p", "b": "p", "c:*": "p"},
				}); err != nil {
					t.Fatal(err)
				}
				extra = append(extra, `authentication_token = "reader"`)
			}
			cfg := e.ProviderBlock(extra...) + presenceConfig("a", "a", nil) + presenceConfig("b", "b", nil) + presenceConfig("c", "c:x", nil)
			expectOnlyReads := func(n int) func() {
				return func() {
					got := e.Counters()
					if got["presence_get"] != n {
						t.Errorf("presence_get %d, want %d: %v", got["presence_get"], n, got)
					}
					for route, c := range got {
						if route != "presence_get" && route != "balancer" && c != 0 {
							t.Errorf("%d %s requests in a plan with nothing to change: %v", c, route, got)
						}
					}
				}
			}
			acc.ParallelTest(t, acc.TestCase{
				ProtoV6ProviderFactories: e.Factories(),
				CheckDestroy:             e.CheckPresenceOff("a", "b", "c:x"),
				Steps: []acc.TestStep{
					{Config: cfg},
					{
						PreConfig: func() { e.Emulator.ResetCounters() },
						Config:    cfg,
						PlanOnly:  true,
					},
					{
						// A later process, 4 minutes on: the tokens still live.
						PreConfig: func() {
							expectOnlyReads(3)()
							e.Clock.Advance(4 * time.Minute)
							e.Emulator.ResetCounters()
						},
						Config:   cfg,
						PlanOnly: true,
					},
					{
						PreConfig: func() {
							expectOnlyReads(3)()
							if tc.authToken {
								return
							}
							// The provider's read tokens: private, "p" on one
							// channel each, 300 seconds.
							for _, ch := range []string{"a", "b", "c:x"} {
								tk, ok := e.Token(presenceReadToken([]byte(e.PrivateKey), e.AppKey, ch))
								if tc.openAuth {
									if ok {
										t.Errorf("a read token was saved for %s although any token reads", ch)
									}
									continue
								}
								if !ok || !tk.Private || tk.TTL != presenceReadTokenTTL || !sameMap(tk.Permissions, map[string]string{ch: "p"}) {
									t.Errorf("read token for %s: %+v (found %v)", ch, tk, ok)
								}
							}
						},
						Config:   cfg,
						PlanOnly: true,
					},
				},
			})
		})
	}
}

// TestAccChannelPresence_readTokenRenewal: once the read tokens have run
// out, a refresh saves them again, once per channel.
func TestAccChannelPresence_readTokenRenewal(t *testing.T) {
	e := newTestEnv(t)
	cfg := e.ProviderBlock() + presenceConfig("p", "orders", nil)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckPresenceOff("orders"),
		Steps: []acc.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					e.Clock.Advance(10 * time.Minute)
					e.Emulator.ResetCounters()
				},
				Config:   cfg,
				PlanOnly: true,
			},
			{
				PreConfig: func() {
					got := e.Counters()
					if got["authenticate"] != 1 || got["presence_get"] != 2 {
						t.Errorf("want 1 authenticate and 2 presence_get (refused, then read), got %v", got)
					}
				},
				Config:   cfg,
				PlanOnly: true,
			},
		},
	})
}

func TestAccChannelPresence_validation(t *testing.T) {
	for _, tc := range []struct {
		name    string
		channel string
		want    string
	}{
		{"a channel with a space", "my orders", "channel names may contain only letters, digits, _ - : / ."},
		{"a 100-byte channel", strings.Repeat("c", 100), "channel names must be 1 to 99 bytes long; got 100 bytes"},
		{"an empty channel", "", "channel names must be 1 to 99 bytes long; got 0 bytes"},
		{"a wildcard inside", "a:*:b", "channel names may contain only letters, digits, _ - : / ."},
		{"an empty path segment", "a//b", `must not hold an empty, "." or ".." segment`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t)
			acc.ParallelTest(t, acc.TestCase{
				ProtoV6ProviderFactories: e.Factories(),
				Steps: []acc.TestStep{{
					Config:      e.ProviderBlock() + presenceConfig("p", tc.channel, nil),
					ExpectError: errRe(tc.want),
				}},
			})
			e.ExpectNoRequests()
		})
	}
}

func TestPresenceReadChannel(t *testing.T) {
	for in, want := range map[string]string{
		"orders":                        "orders",
		"main:sub":                      "main:sub",
		"main:*":                        "main:" + presenceProbe,
		strings.Repeat("m", 97) + ":*":  strings.Repeat("m", 97) + ":_",
		strings.Repeat("m", 80) + ":*":  strings.Repeat("m", 80) + ":" + presenceProbe[:18],
		strings.Repeat("m", 70) + ":*":  strings.Repeat("m", 70) + ":" + presenceProbe,
		"a/b:*":                         "a/b:" + presenceProbe,
		strings.Repeat("m", 96) + ":*x": strings.Repeat("m", 96) + ":*x",
	} {
		got := presenceReadChannel(in)
		if got != want {
			t.Errorf("presenceReadChannel(%q) = %q, want %q", in, got, want)
		}
		if err := ortc.ValidateChannel(got); err != nil && ortc.ValidateChannel(in) == nil {
			t.Errorf("probe %q of valid %q is invalid: %v", got, in, err)
		}
	}
}

func TestPresenceReadTokenIsDerivedPerApplicationAndChannel(t *testing.T) {
	a := presenceReadToken([]byte("pk"), "app", "orders")
	if a != presenceReadToken([]byte("pk"), "app", "orders") {
		t.Error("not stable")
	}
	for _, other := range []string{
		presenceReadToken([]byte("pk2"), "app", "orders"),
		presenceReadToken([]byte("pk"), "app2", "orders"),
		presenceReadToken([]byte("pk"), "app", "orders2"),
	} {
		if other == a {
			t.Error("token does not depend on the private key, application and channel")
		}
	}
	if err := ortc.ValidateToken(a); err != nil || strings.Contains(a, "pk") && !strings.HasPrefix(a, "tf-presence-") {
		t.Errorf("token %q: %v", a, err)
	}
}

func TestPresenceReaderWithoutTokenOrKey(t *testing.T) {
	c, err := ortc.New(ortc.Options{ApplicationKey: "app"})
	if err != nil {
		t.Fatal(err)
	}
	r := newPresenceReader(c, "", "", time.Now)
	_, err = r.Read(context.Background(), "orders")
	if err == nil || !strings.Contains(err.Error(), "set authentication_token") {
		t.Errorf("err %v", err)
	}
	if errors.Is(err, ortc.ErrPresenceNotEnabled) {
		t.Error("reported as presence off")
	}
}

func TestChannelPresenceImportRefusesAnotherApplicationsIdentity(t *testing.T) {
	ctx := context.Background()
	c, err := ortc.New(ortc.Options{ApplicationKey: "mine", PrivateKey: "pk"})
	if err != nil {
		t.Fatal(err)
	}
	r := &channelPresenceResource{data: &providerData{client: c, now: time.Now}}
	var sresp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &sresp)
	var iresp fwresource.IdentitySchemaResponse
	r.IdentitySchema(ctx, fwresource.IdentitySchemaRequest{}, &iresp)

	for _, tc := range []struct {
		app, channel string
		wantErr      string
	}{
		{"theirs", "orders", "Identity of another application"},
		{"mine", "orders", ""},
		{"", "orders", ""}, // the provider's application
		{"mine", "bad channel", "Import realtime_channel_presence by its channel"},
	} {
		appKey := types.StringNull()
		if tc.app != "" {
			appKey = types.StringValue(tc.app)
		}
		identity := &tfsdk.ResourceIdentity{Schema: iresp.IdentitySchema}
		mustSet(t, identity.Set(ctx, channelPresenceIdentityModel{ApplicationKey: appKey, Channel: types.StringValue(tc.channel)}))
		resp := fwresource.ImportStateResponse{
			State:    tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(sresp.Schema.Type().TerraformType(ctx), nil)},
			Identity: identity,
		}
		r.ImportState(ctx, fwresource.ImportStateRequest{Identity: identity}, &resp)
		switch {
		case tc.wantErr == "" && resp.Diagnostics.HasError():
			t.Errorf("%s/%s: %v", tc.app, tc.channel, resp.Diagnostics)
		case tc.wantErr != "" && (!resp.Diagnostics.HasError() || !strings.Contains(fmt.Sprint(resp.Diagnostics), tc.wantErr)):
			t.Errorf("%s/%s: want %q, got %v", tc.app, tc.channel, tc.wantErr, resp.Diagnostics)
		case tc.wantErr == "":
			var got channelPresenceModel
			mustSet(t, resp.State.Get(ctx, &got))
			if got.Channel.ValueString() != tc.channel || got.ID.ValueString() != tc.channel {
				t.Errorf("imported %+v", got)
			}
		}
	}
}

// TestChannelPresenceReadRemovesWithoutIdentity: Terraform before 1.12 keeps
// no identity, so a read starts from none; one that finds presence off
// (switched off outside Terraform) must still remove the resource without an
// error (the framework refuses a read that leaves no identity, even one that
// removes the resource). No CLI of the matrix is that old, so this drives
// the protocol.
func TestChannelPresenceReadRemovesWithoutIdentity(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	s := newProtoServer(t, e)
	schema := s.schemas.ResourceSchemas["realtime_channel_presence"]
	resp, err := s.srv.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName: "realtime_channel_presence",
		CurrentState: protoObject(t, schema, map[string]tftypes.Value{
			"id":       tftypes.NewValue(tftypes.String, "orders"),
			"channel":  tftypes.NewValue(tftypes.String, "orders"),
			"metadata": tftypes.NewValue(tftypes.Bool, false),
		}),
	})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("read: %v %s", err, protoDiags(resp.Diagnostics))
	}
	if got := protoAttributes(t, schema, resp.NewState); got != nil {
		t.Errorf("presence is off, but the read kept %v", got)
	}
}
