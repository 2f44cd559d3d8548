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

const devicesDataAddr = "data.realtime_push_topic_devices.d"

func TestAccPushTopicDevicesDataSource_allPages(t *testing.T) {
	e := newTestEnv(t, withPageSize(3))
	// Seven devices: pages of 3, 3 and 1. Another topic's devices stay out.
	e.Emulator.AddDevices(e.AppKey, "news", "dev-g", "dev-c", "dev-a", "dev-f", "dev-b", "dev-e", "dev-d")
	e.Emulator.AddDevices(e.AppKey, "sport", "dev-x")
	want := []knownvalue.Check{}
	for _, d := range []string{"dev-a", "dev-b", "dev-c", "dev-d", "dev-e", "dev-f", "dev-g"} {
		want = append(want, knownvalue.StringExact(d))
	}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + "data \"realtime_push_topic_devices\" \"d\" {\n  topic = \"news\"\n}\n",
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(devicesDataAddr, tfjsonpath.New("tokens"), knownvalue.ListExact(want)),
					statecheck.ExpectKnownValue(devicesDataAddr, tfjsonpath.New("device_count"), knownvalue.Int64Exact(7)),
					statecheck.ExpectSensitiveValue(devicesDataAddr, tfjsonpath.New("tokens")),
				},
				Check: func(*terraform.State) error {
					if n := e.Counters()["push_topicdevices"]; n == 0 || n%3 != 0 {
						return fmt.Errorf("%d topicdevices requests, want a multiple of 3 (three pages per read)", n)
					}
					return nil
				},
			},
			{
				Config: e.ProviderBlock() + "data \"realtime_push_topic_devices\" \"d\" {\n  topic = \"empty\"\n}\n",
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(devicesDataAddr, tfjsonpath.New("tokens"), knownvalue.ListExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue(devicesDataAddr, tfjsonpath.New("device_count"), knownvalue.Int64Exact(0)),
				},
			},
		},
	})
}

func TestAccPushTopicDevicesDataSource_invalidTopic(t *testing.T) {
	e := newTestEnv(t)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{{
			Config:      e.ProviderBlock() + "data \"realtime_push_topic_devices\" \"d\" {\n  topic = \"news/eu\"\n}\n",
			ExpectError: errRe(`topic: push topics may contain only letters, digits, _ - :; got "news/eu".`),
		}},
	})
	e.ExpectNoRequests()
}
