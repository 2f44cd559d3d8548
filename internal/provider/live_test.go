package provider

import (
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccLive_lifecycle applies, re-plans and destroys token permissions,
// presence and a message against the real service. Opt-in, never in CI:
//
//	REALTIME_LIVE=1 REALTIME_APPLICATION_KEY=... REALTIME_PRIVATE_KEY=... make testacc
//
// The provider reads its configuration from the process environment, as it
// does for a practitioner (REALTIME_CLUSTER_URL and REALTIME_PUSH_URL may
// point elsewhere). Channels and the token are random: nothing is left
// behind but the message, which no API can unsend.
func TestAccLive_lifecycle(t *testing.T) {
	if os.Getenv("REALTIME_LIVE") != "1" {
		t.Skip("live test against the real service: opt in with REALTIME_LIVE=1, REALTIME_APPLICATION_KEY and REALTIME_PRIVATE_KEY")
	}
	if os.Getenv("REALTIME_APPLICATION_KEY") == "" || os.Getenv("REALTIME_PRIVATE_KEY") == "" {
		t.Fatal("REALTIME_LIVE=1 needs REALTIME_APPLICATION_KEY and REALTIME_PRIVATE_KEY")
	}
	ch := "tf-live-" + randomHex(t, 6)
	config := fmt.Sprintf(`provider "realtime" {}

resource "realtime_token_permissions" "t" {
  token       = %q
  ttl         = 300
  permissions = { %q = "rp", "%s:*" = "rw" }
}

resource "realtime_channel_presence" "p" {
  channel  = %q
  metadata = true
}

resource "realtime_message" "m" {
  channels = [%q]
  message  = "terraform-provider-realtime live test"
}
`, "tf-live-"+randomHex(t, 8), ch, ch, ch, ch)
	acc.Test(t, acc.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"realtime": NewProtocol6Server("live-test"),
		},
		Steps: []acc.TestStep{{
			Config: config,
			ConfigPlanChecks: acc.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("realtime_channel_presence.p", tfjsonpath.New("metadata"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("realtime_message.m", tfjsonpath.New("parts"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue("realtime_token_permissions.t", tfjsonpath.New("permissions"),
					knownvalue.MapExact(map[string]knownvalue.Check{ch: knownvalue.StringExact("rp"), ch + ":*": knownvalue.StringExact("rw")})),
			},
		}},
	})
}
