package provider

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// atLeast14 gates the action tests: actions came with Terraform 1.14.
var atLeast14 = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// TestAccSendAction_triggers: each trigger delivers exactly once; an apply
// with nothing to change triggers nothing.
func TestAccSendAction_triggers(t *testing.T) {
	e := newTestEnv(t)
	action := actionBlock(deliverySend, `channels = ["deploys", "ops:alerts"]`, `message = "deployed"`)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		TerraformVersionChecks:   atLeast14,
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + action + triggerResource(deliverySend, "v1"),
				Check: acc.ComposeTestCheckFunc(
					e.checkRecorded("sendbatch deploys deployed", "sendbatch ops:alerts deployed"),
					e.checkCounters(map[string]int{"balancer": 1, "sendbatch": 1}),
				),
			},
			{
				// No change: no trigger, no request.
				Config:           e.ProviderBlock() + action + triggerResource(deliverySend, "v1"),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            e.checkCounters(map[string]int{"balancer": 1, "sendbatch": 1}),
			},
			{
				// An update of the triggering resource: exactly one more.
				Config: e.ProviderBlock() + action + triggerResource(deliverySend, "v2"),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("terraform_data.t", plancheck.ResourceActionUpdate),
				}},
				Check: acc.ComposeTestCheckFunc(
					e.checkRecorded("sendbatch deploys deployed", "sendbatch ops:alerts deployed",
						"sendbatch deploys deployed", "sendbatch ops:alerts deployed"),
					// One balancer lookup per provider process that delivered.
					e.checkCounters(map[string]int{"balancer": 2, "sendbatch": 2}),
				),
			},
		},
	})
}

// TestAccSendAction_oneChannelMultiPart: a long message to one channel is
// one send per part, each once.
func TestAccSendAction_oneChannelMultiPart(t *testing.T) {
	e := newTestEnv(t)
	text, n := multiPartText(t)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		TerraformVersionChecks:   atLeast14,
		Steps: []acc.TestStep{{
			Config: e.ProviderBlock() + actionBlock(deliverySend, `channels = ["long"]`, fmt.Sprintf("message = %q", text)) +
				triggerResource(deliverySend, "v1"),
			Check: acc.ComposeTestCheckFunc(
				e.checkRecorded("send long "+text),
				e.checkCounters(map[string]int{"balancer": 1, "send": n}),
			),
		}},
	})
}

// TestAccSendAction_validation: what the action cannot take is refused at
// plan time, naming the attribute and the rule, before any request.
func TestAccSendAction_validation(t *testing.T) {
	testActionRefusedAtPlan(t, deliverySend, []actionRefusal{
		{"ttl does not exist on send", []string{`channels = ["a"]`, `message = "m"`, `ttl = 60`},
			errRe(`An argument named "ttl" is not expected here.`)},
		{"payload does not exist on send", []string{`channels = ["a"]`, `message = "m"`, `payload = jsonencode({})`},
			errRe(`An argument named "payload" is not expected here.`)},
		{"delivery does not exist on an action", []string{`delivery = "send"`, `channels = ["a"]`, `message = "m"`},
			errRe(`An argument named "delivery" is not expected here.`)},
		{"51 channels", []string{"channels = " + hclList(channelNames("c", 51)...), `message = "m"`},
			errRe(`channels: send delivers to 1 to 50 channels (one sendbatch request); got 51.`)},
		{"no channels", []string{`channels = []`, `message = "m"`},
			errRe(`channels: send delivers to 1 to 50 channels (one sendbatch request); got none.`)},
		{"a wildcard", []string{`channels = ["orders:*"]`, `message = "m"`},
			errRe(`channels[0]: a wildcard such as main:* stands for many channels: name one concrete channel; got "orders:*".`)},
		{"a repeated channel", []string{`channels = ["a", "b", "a"]`, `message = "m"`},
			errRe(`channels[2]: each channel may be listed once (it would get the message twice); "a" is also channels[0].`)},
		{"an empty message", []string{`channels = ["a"]`, `message = ""`},
			errRe(`message: a message must not be empty.`)},
		{"an empty message_wo", []string{`channels = ["a"]`, `message_wo = ""`},
			errRe(`message_wo: a message must not be empty.`)},
		{"no message", []string{`channels = ["a"]`},
			errRe(`message: set exactly one of message and message_wo (message_wo for a text that must stay out of the plan and the state); neither is set.`)},
		{"message and message_wo", []string{`channels = ["a"]`, `message = "m"`, `message_wo = "w"`},
			errRe(`message_wo: set exactly one of message and message_wo (message_wo for a text that must stay out of the plan and the state); both are set.`)},
		{"a token with bad characters", []string{`channels = ["a"]`, `message = "m"`, `token = "a b"`},
			errRe(`token: tokens may contain only letters, digits, _ - : / .`)},
		{"no channels attribute", []string{`message = "m"`},
			errRe(`The argument "channels" is required, but no definition was found.`)},
	})
}

// TestAccSendAction_checkedAgainAtInvoke: a channel known only after apply
// escapes the plan-time checks; Invoke checks it before any request.
func TestAccSendAction_checkedAgainAtInvoke(t *testing.T) {
	e := newTestEnv(t)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		TerraformVersionChecks:   atLeast14,
		Steps: []acc.TestStep{{
			Config: e.ProviderBlock() + `resource "terraform_data" "channel" {
  input = "not a channel"
}
` + actionBlock(deliverySend, `channels = [terraform_data.channel.output]`, `message = "m"`) +
				triggerResource(deliverySend, "v1"),
			ExpectError: errRe(`channels[0]: channel names may contain only letters, digits, _ - : / .`),
		}},
	})
	e.ExpectNoRequests()
}

// TestAccSendAction_credentials: without a private key the action sends
// with the provider's authentication_token; a token of the action's own
// config wins over it.
func TestAccSendAction_credentials(t *testing.T) {
	e := newTestEnv(t)
	providerToken := e.saveToken(t, map[string]string{"orders": "w"})
	ownToken := e.saveToken(t, map[string]string{"orders": "w"})
	provider := fmt.Sprintf("provider \"realtime\" {\n  application_key = %q\n  authentication_token = %q\n  cluster_url = %q\n  push_url = %q\n}\n",
		e.AppKey, providerToken, e.ClusterURL(), e.PushURL())
	tokens := func(want ...string) acc.TestCheckFunc {
		return func(*terraform.State) error {
			var got []string
			for _, m := range e.Emulator.Messages(e.AppKey) {
				got = append(got, m.Token)
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				return fmt.Errorf("sent with tokens %q, want %q", got, want)
			}
			return nil
		}
	}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		TerraformVersionChecks:   atLeast14,
		Steps: []acc.TestStep{
			{
				Config: provider + actionBlock(deliverySend, `channels = ["orders"]`, `message = "m"`) + triggerResource(deliverySend, "v1"),
				Check:  tokens(providerToken),
			},
			{
				Config: provider + actionBlock(deliverySend, `channels = ["orders"]`, `message = "m"`, fmt.Sprintf("token = %q", ownToken)) +
					triggerResource(deliverySend, "v2"),
				Check: tokens(providerToken, ownToken),
			},
		},
	})
}

// TestAccSendAction_invoke: `terraform apply -invoke` delivers once, with
// the real CLI (plugin-testing cannot pass -invoke); a second invocation
// delivers again, once.
func TestAccSendAction_invoke(t *testing.T) {
	t.Parallel()
	run := newCLIRun(t, "1.14.0")
	e := newTestEnv(t)
	run.Write("main.tf", cliConfig(e, actionBlock(deliverySend, `channels = ["deploys"]`, `message = "on demand"`)))
	out := run.Run(nil, "apply", "-auto-approve", "-invoke=action.realtime_send.x")
	check := func(want ...string) {
		t.Helper()
		if err := e.checkRecorded(want...)(nil); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
	check("send deploys on demand")
	if got, want := e.Counters(), map[string]int{"balancer": 1, "send": 1}; !maps.Equal(got, want) {
		t.Errorf("counters %v, want %v", got, want)
	}
	// The progress reaches the practitioner.
	if !regexp.MustCompile(`sent part 1/1 to deploys`).MatchString(out) {
		t.Errorf("no progress in the output:\n%s", out)
	}
	run.Run(nil, "apply", "-auto-approve", "-invoke=action.realtime_send.x")
	check("send deploys on demand", "send deploys on demand")
}

// ephemeralSecret is an ephemeral variable "secret" with a default, for
// the plugin-testing steps (the real-CLI tests pass it with -var).
func ephemeralSecret(value string) string {
	return fmt.Sprintf("variable \"secret\" {\n  type      = string\n  ephemeral = true\n  default   = %q\n}\n", value)
}

// TestAccSendAction_messageWO: message_wo takes an ephemeral value (and
// message does not: Terraform refuses ephemeral values outside write-only
// attributes); the emulator gets the text as it is, and no plan holds it.
func TestAccSendAction_messageWO(t *testing.T) {
	e := newTestEnv(t)
	const secret = "ephemeral text 3c9d1f"
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		TerraformVersionChecks:   atLeast14,
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + ephemeralSecret(secret) +
					actionBlock(deliverySend, `channels = ["orders"]`, `message = var.secret`) + triggerResource(deliverySend, "v1"),
				ExpectError: errRe(`Ephemeral values are not valid for "message", because it is not a write-only attribute`),
			},
			{
				Config: e.ProviderBlock() + ephemeralSecret(secret) +
					actionBlock(deliverySend, `channels = ["orders"]`, `message_wo = var.secret`) + triggerResource(deliverySend, "v1"),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{absentFromPlan(secret)}},
				Check: acc.ComposeTestCheckFunc(
					e.checkRecorded("send orders "+secret),
					e.checkCounters(map[string]int{"balancer": 1, "send": 1}),
				),
			},
		},
	})
}

// TestAccSendAction_messageWONotInPlanFile: with the real CLI, a saved plan
// holds the configuration of the actions it will invoke, but not an
// ephemeral message_wo; applying the plan delivers it exactly.
func TestAccSendAction_messageWONotInPlanFile(t *testing.T) {
	t.Parallel()
	run := newCLIRun(t, "1.14.0")
	e := newTestEnv(t)
	const secret = "ephemeral text 8e41a7"
	run.Write("main.tf", cliConfig(e, `variable "secret" {
  type      = string
  ephemeral = true
}

action "realtime_send" "secret" {
  config {
    channels   = ["vault"]
    message_wo = var.secret
  }
}

# The control: a plain message (computed, so it is not a literal of the
# configuration the plan also carries) is in the plan file.
action "realtime_send" "plain" {
  config {
    channels = ["lobby"]
    message  = upper("plain control text")
  }
}

resource "terraform_data" "t" {
  input = "v1"
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.realtime_send.secret, action.realtime_send.plain]
    }
  }
}
`))
	withSecret := []string{"TF_VAR_secret=" + secret}
	if out := run.Run(withSecret, "plan", "-out=tfplan"); strings.Contains(out, secret) {
		t.Errorf("the plan output holds message_wo:\n%s", out)
	}
	if found := planEntriesHolding(t, run, "PLAIN CONTROL TEXT"); !slices.Contains(found, "tfplan") {
		t.Fatalf("the plan file does not hold the plain action message, so the scan proves nothing: %v", found)
	}
	if found := planEntriesHolding(t, run, secret); len(found) > 0 {
		t.Errorf("the plan file holds message_wo in %v", found)
	}
	if shown := run.Run(nil, "show", "-json", "tfplan"); strings.Contains(shown, secret) {
		t.Errorf("terraform show -json tfplan holds message_wo:\n%s", shown)
	}
	out := run.Run(withSecret, "apply", "-auto-approve", "tfplan")
	if err := e.checkRecorded("send vault "+secret, "send lobby PLAIN CONTROL TEXT")(nil); err != nil {
		// The two actions may run in either order.
		if err2 := e.checkRecorded("send lobby PLAIN CONTROL TEXT", "send vault "+secret)(nil); err2 != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
	if strings.Contains(out, secret) || strings.Contains(string(run.Read("terraform.tfstate")), secret) {
		t.Errorf("the apply output or the state file holds message_wo")
	}
}
