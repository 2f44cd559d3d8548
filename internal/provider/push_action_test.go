package provider

import (
	"fmt"
	"regexp"
	"testing"

	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// TestAccPushAction_triggers: each trigger pushes exactly once; an apply
// with nothing to change pushes nothing.
func TestAccPushAction_triggers(t *testing.T) {
	e := newTestEnv(t)
	e.Emulator.AddDevices(e.AppKey, "customers", "dev-1", "dev-2")
	action := actionBlock(deliveryPush, `channels = ["customers"]`, `message = "We just shipped"`,
		`payload = jsonencode({ sound = "default", badge = "1" })`, `apns = jsonencode({ aps = { "content-available" = 1 } })`,
		`gcm = jsonencode({ priority = "high" })`)
	pushes := func(n int) acc.TestCheckFunc {
		return func(s *terraform.State) error {
			if got := len(e.Emulator.Pushes(e.AppKey)); got != n {
				return fmt.Errorf("the emulator accepted %d pushes, want %d", got, n)
			}
			return e.checkPush("publish", "We just shipped", []string{"customers"}, 2, map[string]string{
				"payload": `{"badge":"1","sound":"default"}`,
				"apns":    `{"aps":{"content-available":1}}`,
				"gcm":     `{"priority":"high"}`,
			})(s)
		}
	}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		TerraformVersionChecks:   atLeast14,
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + action + triggerResource(deliveryPush, "v1"),
				Check:  acc.ComposeTestCheckFunc(pushes(1), e.checkCounters(map[string]int{"push_publish": 1})),
			},
			{
				Config:           e.ProviderBlock() + action + triggerResource(deliveryPush, "v1"),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            e.checkCounters(map[string]int{"push_publish": 1}),
			},
			{
				// A second push, batch this time: exactly one more request.
				PreConfig: func() { e.Emulator.AddDevices(e.AppKey, "staff", "dev-3") },
				Config: e.ProviderBlock() + actionBlock(deliveryPush, `channels = ["customers", "staff"]`, `message = "Both"`) +
					triggerResource(deliveryPush, "v2"),
				Check: e.checkCounters(map[string]int{"push_publish": 1, "push_publishbatch": 1}),
			},
		},
	})
}

func TestAccPushAction_validation(t *testing.T) {
	testActionRefusedAtPlan(t, deliveryPush, []actionRefusal{
		{"ttl does not exist on push", []string{`channels = ["a"]`, `message = "m"`, `ttl = 60`},
			errRe(`An argument named "ttl" is not expected here.`)},
		{"token does not exist on push", []string{`channels = ["a"]`, `message = "m"`, `token = "tok"`},
			errRe(`An argument named "token" is not expected here.`)},
		{"101 topics", []string{"channels = " + hclList(channelNames("t", 101)...), `message = "m"`},
			errRe(`channels: push delivers to 1 to 100 topics (one publishbatch request); got 101.`)},
		{"payload not an object", []string{`channels = ["a"]`, `message = "m"`, `payload = jsonencode(["sound"])`},
			errRe(`payload must be a JSON object, such as jsonencode({ sound = "default" }); got an array.`)},
		{"payload not JSON", []string{`channels = ["a"]`, `message = "m"`, `payload = "{sound"`},
			regexp.MustCompile(`Invalid JSON String Value`)},
		{"a topic with a slash", []string{`channels = ["news/eu"]`, `message = "m"`},
			errRe(`channels[0]: push topics may contain only letters, digits, _ - :; got "news/eu".`)},
	})
}

// TestAccPushAction_failure: a topic with no device is refused by the API;
// the apply fails with the topic and the API's sentence.
func TestAccPushAction_failure(t *testing.T) {
	e := newTestEnv(t)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		TerraformVersionChecks:   atLeast14,
		Steps: []acc.TestStep{{
			Config:      e.ProviderBlock() + actionBlock(deliveryPush, `channels = ["quiet"]`, `message = "anyone?"`) + triggerResource(deliveryPush, "v1"),
			ExpectError: errRe(`Pushing to topic "quiet" failed: ortc: push_publish: HTTP 400: InvalidRequest: Channel quiet has no subscribed devices.`),
		}},
	})
	if n := e.Counters()["push_publish"]; n != 1 {
		t.Errorf("%d push requests, want 1 (deliveries are not retried on 4xx)", n)
	}
}

// TestAccPushAction_needsThePrivateKey: with only an authentication token,
// the push is refused at plan time, before any request.
func TestAccPushAction_needsThePrivateKey(t *testing.T) {
	e := newTestEnv(t)
	token := e.saveToken(t, map[string]string{"news": "w"})
	provider := "provider \"realtime\" {\n  application_key = \"" + e.AppKey + "\"\n  authentication_token = \"" + token +
		"\"\n  cluster_url = \"" + e.ClusterURL() + "\"\n  push_url = \"" + e.PushURL() + "\"\n}\n"
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		TerraformVersionChecks:   atLeast14,
		Steps: []acc.TestStep{{
			Config:      provider + actionBlock(deliveryPush, `channels = ["news"]`, `message = "m"`) + triggerResource(deliveryPush, "v1"),
			PlanOnly:    true, // refused by the plan, not at apply
			ExpectError: errRe(`delivery = "push" needs the application's private key`),
		}},
	})
	e.ExpectNoRequests()
}
