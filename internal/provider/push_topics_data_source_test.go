package provider

import (
	"fmt"
	"testing"

	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccPushTopicsDataSource_allPagesSorted(t *testing.T) {
	e := newTestEnv(t, withPageSize(2))
	// Five topics in the order they got devices: three pages of two.
	for _, topic := range []string{"sport:eu", "alerts", "news", "zeta", "b_2"} {
		e.Emulator.AddDevices(e.AppKey, topic, "dev-"+topic)
	}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{{
			Config: e.ProviderBlock() + "data \"realtime_push_topics\" \"all\" {}\n",
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.realtime_push_topics.all", tfjsonpath.New("topics"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("alerts"), knownvalue.StringExact("b_2"), knownvalue.StringExact("news"),
					knownvalue.StringExact("sport:eu"), knownvalue.StringExact("zeta"),
				})),
			},
			Check: func(*terraform.State) error {
				// Every read walks the three pages.
				if n := e.Counters()["push_listtopics"]; n == 0 || n%3 != 0 {
					return fmt.Errorf("%d listtopics requests, want a multiple of 3 (three pages per read)", n)
				}
				return nil
			},
		}},
	})
}

func TestAccPushTopicsDataSource_none(t *testing.T) {
	e := newTestEnv(t)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{{
			Config: e.ProviderBlock() + "data \"realtime_push_topics\" \"all\" {}\n",
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.realtime_push_topics.all", tfjsonpath.New("topics"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}
