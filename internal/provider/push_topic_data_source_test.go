package provider

import (
	"testing"

	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccPushTopicDataSource_subscribed(t *testing.T) {
	e := newTestEnv(t)
	e.Emulator.AddDevices(e.AppKey, "news", "dev-1")
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{{
			Config: e.ProviderBlock() +
				"data \"realtime_push_topic\" \"yes\" {\n  topic = \"news\"\n}\n" +
				"data \"realtime_push_topic\" \"no\" {\n  topic = \"sport:eu\"\n}\n",
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.realtime_push_topic.yes", tfjsonpath.New("subscribed"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.realtime_push_topic.no", tfjsonpath.New("subscribed"), knownvalue.Bool(false)),
			},
		}},
	})
}

func TestAccPushTopicDataSource_invalidTopic(t *testing.T) {
	e := newTestEnv(t)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{{
			Config:      e.ProviderBlock() + "data \"realtime_push_topic\" \"t\" {\n  topic = \"v1.2\"\n}\n",
			ExpectError: errRe(`topic: push topics may contain only letters, digits, _ - :; got "v1.2".`),
		}},
	})
}
