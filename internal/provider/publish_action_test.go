package provider

import (
	"fmt"
	"regexp"
	"testing"

	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// TestAccPublishAction_triggers: each trigger publishes exactly once per
// channel, kept for ttl; an apply with nothing to change publishes nothing.
func TestAccPublishAction_triggers(t *testing.T) {
	e := newTestEnv(t)
	action := actionBlock(deliveryPublish, `channels = ["changelog", "ops:alerts"]`, `message = "v1.4.2"`, `ttl = 3600`)
	sequences := func(want string) acc.TestCheckFunc {
		return func(*terraform.State) error {
			for _, ch := range []string{"changelog", "ops:alerts"} {
				msgs := e.Emulator.ChannelMessages(e.AppKey, ch)
				if last := msgs[len(msgs)-1]; last.TTL != 3600 || last.SequenceID != want {
					return fmt.Errorf("%s: ttl %d, sequence id %q; want 3600, %q", ch, last.TTL, last.SequenceID, want)
				}
			}
			return nil
		}
	}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		TerraformVersionChecks:   atLeast14,
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + action + triggerResource(deliveryPublish, "v1"),
				Check: acc.ComposeTestCheckFunc(
					e.checkRecorded("publish changelog v1.4.2", "publish ops:alerts v1.4.2"),
					e.checkCounters(map[string]int{"balancer": 1, "publish": 2}),
					sequences("1"),
				),
			},
			{
				Config:           e.ProviderBlock() + action + triggerResource(deliveryPublish, "v1"),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            e.checkCounters(map[string]int{"balancer": 1, "publish": 2}),
			},
			{
				Config: e.ProviderBlock() + action + triggerResource(deliveryPublish, "v2"),
				Check: acc.ComposeTestCheckFunc(
					e.checkRecorded("publish changelog v1.4.2", "publish ops:alerts v1.4.2",
						"publish changelog v1.4.2", "publish ops:alerts v1.4.2"),
					e.checkCounters(map[string]int{"balancer": 2, "publish": 4}),
					sequences("2"),
				),
			},
		},
	})
}

func TestAccPublishAction_validation(t *testing.T) {
	testActionRefusedAtPlan(t, deliveryPublish, []actionRefusal{
		{"payload does not exist on publish", []string{`channels = ["a"]`, `message = "m"`, `payload = jsonencode({})`},
			errRe(`An argument named "payload" is not expected here.`)},
		{"51 channels", []string{"channels = " + hclList(channelNames("c", 51)...), `message = "m"`},
			errRe(`channels: publish delivers to 1 to 50 channels (one publish per channel); got 51.`)},
		{"a negative ttl", []string{`channels = ["a"]`, `message = "m"`, `ttl = -1`},
			errRe(`ttl must be 0 (the plan's retention) to 2147483647 seconds; got -1.`)},
		{"a channel too long", []string{"channels = " + hclList(fmt.Sprintf("%0100d", 0)), `message = "m"`},
			errRe(`channels[0]: channel names must be 1 to 99 bytes long; got 100 bytes.`)},
	})
}

// TestAccPublishAction_partialFailure: publish goes channel after channel;
// when the second is refused, the apply fails naming it, the API's answer,
// and the channel that has the message already.
func TestAccPublishAction_partialFailure(t *testing.T) {
	e := newTestEnv(t)
	token := e.saveToken(t, map[string]string{"granted": "w"})
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		TerraformVersionChecks:   atLeast14,
		Steps: []acc.TestStep{{
			Config: e.ProviderBlock() + actionBlock(deliveryPublish, `channels = ["granted", "denied", "later"]`,
				`message = "m"`, fmt.Sprintf("token = %q", token)) + triggerResource(deliveryPublish, "v1"),
			ExpectError: regexp.MustCompile(`(?s)Message only partly delivered.*Publishing to channel "denied" failed:.*HTTP 401:.*no write\s+permission on\s+channel denied.*Already delivered, and\s+messages\s+cannot\s+be\s+unsent:\s+"granted"\s+\(sequence\s+id\s+1\).*Not\s+attempted:\s+"later".*Invoking\s+the\s+action\s+again`),
		}},
	})
	if err := e.checkRecorded("publish granted m")(nil); err != nil {
		t.Error(err)
	}
	if n := e.Counters()["publish"]; n != 2 {
		t.Errorf("%d publish requests, want 2 (granted, then denied; later never tried)", n)
	}
}
