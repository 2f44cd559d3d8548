package provider

import (
	"testing"

	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccServerDataSource_balancer(t *testing.T) {
	e := newTestEnv(t)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{{
			Config: e.ProviderBlock() + "data \"realtime_server\" \"s\" {}\n",
			ConfigStateChecks: []statecheck.StateCheck{
				// The emulator's balancer hands out its own URL.
				statecheck.ExpectKnownValue("data.realtime_server.s", tfjsonpath.New("url"), knownvalue.StringExact(e.URL)),
				statecheck.ExpectKnownValue("data.realtime_server.s", tfjsonpath.New("application_key"), knownvalue.StringExact(e.AppKey)),
			},
		}},
	})
}

func TestAccServerDataSource_unknownApplication(t *testing.T) {
	e := newTestEnv(t)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{{
			Config: `provider "realtime" {
  application_key = "no-such-app"
  private_key     = "x"
  cluster_url     = "` + e.ClusterURL() + `"
}
data "realtime_server" "s" {}
`,
			ExpectError: errRe(`Could not look up the messaging server`),
		}},
	})
}
