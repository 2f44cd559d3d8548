package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/emulator"
	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

const messageAddr = "realtime_message.m"

// messageConfig is a realtime_message "m" block of HCL attribute lines.
func messageConfig(lines ...string) string {
	return "resource \"realtime_message\" \"m\" {\n  " + strings.Join(lines, "\n  ") + "\n}\n"
}

// hclList renders strings as an HCL list.
func hclList(ss ...string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func channelNames(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

var framingID = regexp.MustCompile(`^[a-z0-9]{8}$`)

// stateAttr reads one attribute of a resource from the state.
func stateAttr(s *terraform.State, addr, name string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s not in the state", addr)
	}
	return rs.Primary.Attributes[name], nil
}

// checkMessages checks the emulator recorded exactly one complete message
// per channel, through endpoint, with exactly text, framed with the state's
// id, never a part twice.
func (e *testEnv) checkMessages(endpoint, text string, channels ...string) acc.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := stateAttr(s, messageAddr, "id")
		if err != nil {
			return err
		}
		msgs := e.Emulator.Messages(e.AppKey)
		if len(msgs) != len(channels) {
			return fmt.Errorf("the emulator recorded %d messages, want %d (one per channel): %+v", len(msgs), len(channels), msgs)
		}
		for _, ch := range channels {
			m, ok := findMessage(msgs, ch)
			switch {
			case !ok:
				return fmt.Errorf("no message on channel %q", ch)
			case m.Endpoint != endpoint:
				return fmt.Errorf("channel %q: endpoint %q, want %q", ch, m.Endpoint, endpoint)
			case !m.Complete:
				return fmt.Errorf("channel %q: message incomplete: %d of %d parts", ch, m.Received, m.Total)
			case m.Text != text:
				return fmt.Errorf("channel %q: reassembled text differs (%d bytes, want %d)", ch, len(m.Text), len(text))
			case m.ID != id:
				return fmt.Errorf("channel %q: framing id %q, state id %q", ch, m.ID, id)
			case m.Duplicates != 0:
				return fmt.Errorf("channel %q: %d duplicate parts", ch, m.Duplicates)
			}
		}
		return nil
	}
}

func findMessage(msgs []emulator.Message, channel string) (emulator.Message, bool) {
	for _, m := range msgs {
		if m.Channel == channel {
			return m, true
		}
	}
	return emulator.Message{}, false
}

// checkCounters checks the emulator's request counters are exactly want
// (routes not named must be 0).
func (e *testEnv) checkCounters(want map[string]int) acc.TestCheckFunc {
	return func(*terraform.State) error {
		got := map[string]int{}
		for k, v := range e.Counters() {
			if v != 0 {
				got[k] = v
			}
		}
		if !maps.Equal(got, want) {
			return fmt.Errorf("emulator counters %v, want %v", got, want)
		}
		return nil
	}
}

// expectUnchangedOnDestroy returns a CheckDestroy that finds the emulator's
// counters and records as they were after the last step: destroying a
// realtime_message makes no request and unsends nothing. Call snapshot in
// the last step's Check.
func (e *testEnv) expectUnchangedOnDestroy() (snapshot acc.TestCheckFunc, checkDestroy acc.TestCheckFunc) {
	var counters map[string]int
	var messages, pushes int
	snapshot = func(*terraform.State) error {
		counters = maps.Clone(e.Counters())
		messages, pushes = len(e.Emulator.Messages(e.AppKey)), len(e.Emulator.Pushes(e.AppKey))
		return nil
	}
	checkDestroy = func(*terraform.State) error {
		if got := e.Counters(); !maps.Equal(got, counters) {
			return fmt.Errorf("destroy made requests: counters %v, before %v", got, counters)
		}
		if got := len(e.Emulator.Messages(e.AppKey)); got != messages {
			return fmt.Errorf("the emulator holds %d messages after destroy, %d before", got, messages)
		}
		if got := len(e.Emulator.Pushes(e.AppKey)); got != pushes {
			return fmt.Errorf("the emulator holds %d pushes after destroy, %d before", got, pushes)
		}
		return nil
	}
	return snapshot, checkDestroy
}

func createPlan() acc.ConfigPlanChecks {
	return acc.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(messageAddr, plancheck.ResourceActionCreate)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
}

func TestAccMessage_sendOneChannel(t *testing.T) {
	e := newTestEnv(t)
	snapshot, checkDestroy := e.expectUnchangedOnDestroy()
	config := e.ProviderBlock() + messageConfig(`channels = ["orders"]`, `message = "hello"`)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             checkDestroy,
		Steps: []acc.TestStep{
			{
				Config:           config,
				ConfigPlanChecks: createPlan(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("delivery"), knownvalue.StringExact("send")),
					statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(framingID)),
					statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("parts"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("sequence_ids"), knownvalue.Null()),
					statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("delivered_at"), knownvalue.StringExact(rfc3339(e.Clock.Now()))),
					statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("ttl"), knownvalue.Null()),
				},
				Check: acc.ComposeTestCheckFunc(
					e.checkMessages("send", "hello", "orders"),
					// One balancer lookup, one send: nothing else, no retry.
					e.checkCounters(map[string]int{"balancer": 1, "send": 1}),
				),
			},
			{
				// Nothing changed: an empty plan, no request (Read makes none).
				Config: config,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: acc.ComposeTestCheckFunc(
					e.checkCounters(map[string]int{"balancer": 1, "send": 1}),
					snapshot,
				),
			},
		},
	})
}

func TestAccMessage_sendBatch(t *testing.T) {
	e := newTestEnv(t)
	snapshot, checkDestroy := e.expectUnchangedOnDestroy()
	channels := []string{"orders", "billing:eu", "a/b.c_d-e"}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             checkDestroy,
		Steps: []acc.TestStep{{
			Config:           e.ProviderBlock() + messageConfig("channels = "+hclList(channels...), `message = "to all"`),
			ConfigPlanChecks: createPlan(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("parts"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("sequence_ids"), knownvalue.Null()),
			},
			Check: acc.ComposeTestCheckFunc(
				e.checkMessages("sendbatch", "to all", channels...),
				// One sendbatch request for the three channels.
				e.checkCounters(map[string]int{"balancer": 1, "sendbatch": 1}),
				snapshot,
			),
		}},
	})
}

func TestAccMessage_publish(t *testing.T) {
	e := newTestEnv(t)
	snapshot, checkDestroy := e.expectUnchangedOnDestroy()
	// An earlier message on "orders" makes its sequence id 2, "audit" gets 1.
	publishDirect(t, e, "orders", "earlier")
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             checkDestroy,
		Steps: []acc.TestStep{{
			Config: e.ProviderBlock() + messageConfig(`delivery = "publish"`, `channels = ["orders", "audit"]`,
				`message = "kept"`, `ttl = 120`),
			ConfigPlanChecks: createPlan(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("sequence_ids"), knownvalue.MapExact(map[string]knownvalue.Check{
					"orders": knownvalue.StringExact("2"),
					"audit":  knownvalue.StringExact("1"),
				})),
				statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("ttl"), knownvalue.Int64Exact(120)),
			},
			Check: acc.ComposeTestCheckFunc(
				func(s *terraform.State) error {
					// The sequence ids in the state are the ones the emulator gave.
					for _, ch := range []string{"orders", "audit"} {
						got, _ := stateAttr(s, messageAddr, "sequence_ids."+ch)
						msgs := e.Emulator.ChannelMessages(e.AppKey, ch)
						last := msgs[len(msgs)-1]
						if last.SequenceID != got || last.TTL != 120 || last.Endpoint != "publish" || last.Text != "kept" {
							return fmt.Errorf("channel %s: emulator %+v, state sequence id %q", ch, last, got)
						}
					}
					if n := len(e.Emulator.Messages(e.AppKey)); n != 3 {
						return fmt.Errorf("the emulator holds %d messages, want 3 (1 earlier + 2)", n)
					}
					return nil
				},
				// One publish per channel (the earlier one bypassed the counters' reset below).
				e.checkCounters(map[string]int{"balancer": 1, "publish": 2}),
				snapshot,
			),
		}},
	})
}

// publishDirect publishes through the client, not Terraform, and resets the
// counters after.
func publishDirect(t *testing.T, e *testEnv, channel, message string) {
	t.Helper()
	c := e.client(t)
	if _, err := c.Publish(context.Background(), ortc.PublishInput{Channel: channel, Message: message}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	e.Emulator.ResetCounters()
}

// client is an API client for the test's application, for seeding.
func (e *testEnv) client(t *testing.T) *ortc.Client {
	t.Helper()
	c, err := ortc.New(ortc.Options{ApplicationKey: e.AppKey, PrivateKey: e.PrivateKey, ClusterURL: e.ClusterURL(), PushURL: e.PushURL()})
	if err != nil {
		t.Fatalf("ortc.New: %v", err)
	}
	return c
}

func TestAccMessage_pushOneTopic(t *testing.T) {
	e := newTestEnv(t)
	e.Emulator.AddDevices(e.AppKey, "news", "dev-1", "dev-2")
	snapshot, checkDestroy := e.expectUnchangedOnDestroy()
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             checkDestroy,
		Steps: []acc.TestStep{{
			Config: e.ProviderBlock() + messageConfig(`delivery = "push"`, `channels = ["news"]`, `message = "Breaking"`,
				`payload = jsonencode({ sound = "default", badge = "1" })`,
				`apns = jsonencode({ aps = { "content-available" = 1 } })`,
				`gcm = jsonencode({ priority = "high" })`),
			ConfigPlanChecks: createPlan(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(framingID)),
				statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("parts"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("sequence_ids"), knownvalue.Null()),
			},
			Check: acc.ComposeTestCheckFunc(
				e.checkPush("publish", "Breaking", []string{"news"}, 2, map[string]string{
					"payload": `{"badge":"1","sound":"default"}`,
					"apns":    `{"aps":{"content-available":1}}`,
					"gcm":     `{"priority":"high"}`,
				}),
				e.checkCounters(map[string]int{"push_publish": 1}),
				snapshot,
			),
		}},
	})
}

func TestAccMessage_pushBatch(t *testing.T) {
	e := newTestEnv(t)
	e.Emulator.AddDevices(e.AppKey, "news", "dev-1")
	e.Emulator.AddDevices(e.AppKey, "sport:eu", "dev-2", "dev-3")
	snapshot, checkDestroy := e.expectUnchangedOnDestroy()
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             checkDestroy,
		Steps: []acc.TestStep{{
			Config:           e.ProviderBlock() + messageConfig(`delivery = "push"`, `channels = ["news", "sport:eu"]`, `message = "Both"`),
			ConfigPlanChecks: createPlan(),
			Check: acc.ComposeTestCheckFunc(
				e.checkPush("publishbatch", "Both", []string{"news", "sport:eu"}, 3, nil),
				e.checkCounters(map[string]int{"push_publishbatch": 1}),
				snapshot,
			),
		}},
	})
}

// checkPush checks the emulator accepted exactly one push, with these
// fields (JSON compared as JSON).
func (e *testEnv) checkPush(endpoint, message string, channels []string, devices int, objects map[string]string) acc.TestCheckFunc {
	return func(*terraform.State) error {
		ps := e.Emulator.Pushes(e.AppKey)
		if len(ps) != 1 {
			return fmt.Errorf("the emulator accepted %d pushes, want 1", len(ps))
		}
		p := ps[0]
		if p.Endpoint != endpoint || p.Message != message || !slices.Equal(p.Channels, channels) || p.Devices != devices {
			return fmt.Errorf("push %+v, want %s of %q to %v reaching %d devices", p, endpoint, message, channels, devices)
		}
		for name, got := range map[string]json.RawMessage{"payload": p.Payload, "apns": p.APNS, "gcm": p.GCM} {
			if want, ok := objects[name]; ok != (len(got) > 0) || ok && !sameJSON(got, want) {
				return fmt.Errorf("push %s %s, want %s", name, got, want)
			}
		}
		return nil
	}
}

func sameJSON(a []byte, b string) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return string(ja) == string(jb)
}

func TestAccMessage_multiPart(t *testing.T) {
	e := newTestEnv(t)
	snapshot, checkDestroy := e.expectUnchangedOnDestroy()
	// Multi-byte characters of 2, 3 and 4 bytes, cut across part borders.
	text := strings.Repeat("héllo wörld — ✓ 🚀 日本語 ", 200)
	frames, err := ortc.Frame("", text)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) <= 5 {
		t.Fatalf("the message is %d parts; the test wants more than 5", len(frames))
	}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             checkDestroy,
		Steps: []acc.TestStep{{
			Config:           e.ProviderBlock() + messageConfig(`channels = ["long"]`, fmt.Sprintf("message = %q", text)),
			ConfigPlanChecks: createPlan(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("parts"), knownvalue.Int64Exact(int64(len(frames)))),
			},
			Check: acc.ComposeTestCheckFunc(
				e.checkMessages("send", text, "long"),
				func(*terraform.State) error {
					m := e.Emulator.Messages(e.AppKey)[0]
					if m.Total != len(frames) || len(m.Parts) != len(frames) {
						return fmt.Errorf("emulator: %d parts of %d received, want %d", len(m.Parts), m.Total, len(frames))
					}
					return nil
				},
				// One request per part, none twice.
				e.checkCounters(map[string]int{"balancer": 1, "send": len(frames)}),
				snapshot,
			),
		}},
	})
}

func TestAccMessage_replaceOnMessageChange(t *testing.T) {
	e := newTestEnv(t)
	snapshot, checkDestroy := e.expectUnchangedOnDestroy()
	second := e.ProviderBlock() + messageConfig(`channels = ["orders"]`, `message = "second"`)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             checkDestroy,
		Steps: []acc.TestStep{
			{
				Config:           e.ProviderBlock() + messageConfig(`channels = ["orders"]`, `message = "first"`),
				ConfigPlanChecks: createPlan(),
				Check:            e.checkDeliveries("first"),
			},
			{
				Config: second,
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(messageAddr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: e.checkDeliveries("first", "second"),
			},
			{
				Config:           second,
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            acc.ComposeTestCheckFunc(e.checkDeliveries("first", "second"), snapshot),
			},
		},
	})
}

func TestAccMessage_replaceOnTriggersChange(t *testing.T) {
	e := newTestEnv(t)
	snapshot, checkDestroy := e.expectUnchangedOnDestroy()
	config := func(release string) string {
		return e.ProviderBlock() + messageConfig(`channels = ["deploys"]`, `message = "deployed"`,
			fmt.Sprintf("triggers = { release = %q }", release))
	}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             checkDestroy,
		Steps: []acc.TestStep{
			{
				Config:           config("v1"),
				ConfigPlanChecks: createPlan(),
				Check:            e.checkDeliveries("deployed"),
			},
			{
				Config: config("v2"),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(messageAddr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("triggers"), knownvalue.MapExact(map[string]knownvalue.Check{
						"release": knownvalue.StringExact("v2"),
					})),
				},
				// Exactly 2 deliveries, not 3: the replacement delivered once.
				Check: e.checkDeliveries("deployed", "deployed"),
			},
			{
				Config:           config("v2"),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            acc.ComposeTestCheckFunc(e.checkDeliveries("deployed", "deployed"), snapshot),
			},
		},
	})
}

// checkDeliveries checks the emulator holds exactly these complete
// messages, in order, and that the last one carries the state's id.
func (e *testEnv) checkDeliveries(texts ...string) acc.TestCheckFunc {
	return func(s *terraform.State) error {
		msgs := e.Emulator.Messages(e.AppKey)
		got := make([]string, len(msgs))
		for i, m := range msgs {
			got[i] = m.Text
		}
		if !slices.Equal(got, texts) {
			return fmt.Errorf("the emulator recorded %q, want %q", got, texts)
		}
		if n := e.Counters()["send"]; n != len(texts) {
			return fmt.Errorf("%d send requests, want %d", n, len(texts))
		}
		id, err := stateAttr(s, messageAddr, "id")
		if err != nil {
			return err
		}
		if last := msgs[len(msgs)-1]; last.ID != id {
			return fmt.Errorf("last message's framing id %q, state id %q", last.ID, id)
		}
		return nil
	}
}

func TestAccMessage_jsonKeyOrderIsNoChange(t *testing.T) {
	e := newTestEnv(t)
	e.Emulator.AddDevices(e.AppKey, "news", "dev-1")
	snapshot, checkDestroy := e.expectUnchangedOnDestroy()
	config := func(payload string) string {
		return e.ProviderBlock() + messageConfig(`delivery = "push"`, `channels = ["news"]`, `message = "hi"`,
			fmt.Sprintf("payload = %q", payload))
	}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             checkDestroy,
		Steps: []acc.TestStep{
			{
				Config:           config(`{"sound":"default","badge":"1","extra":{"b":2,"a":1}}`),
				ConfigPlanChecks: createPlan(),
			},
			{
				// The same JSON, keys reordered and spaced: no diff, no push.
				Config: config(`{ "extra": { "a": 1, "b": 2 }, "badge": "1", "sound": "default" }`),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: acc.ComposeTestCheckFunc(
					e.checkCounters(map[string]int{"push_publish": 1}),
					snapshot,
				),
			},
			{
				// Other JSON does replace.
				Config: config(`{"sound":"default","badge":"2","extra":{"a":1,"b":2}}`),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(messageAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: acc.ComposeTestCheckFunc(
					e.checkCounters(map[string]int{"push_publish": 2}),
					snapshot,
				),
			},
		},
	})
}

// TestAccMessage_validation: every configuration a delivery cannot take is
// refused at plan time, naming the attribute and the rule, before any
// request.
func TestAccMessage_validation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		want  *regexp.Regexp
	}{
		{"ttl with send", []string{`channels = ["a"]`, `message = "m"`, `ttl = 60`},
			errRe(`ttl: only publish keeps messages, so ttl applies to delivery = "publish" only; here delivery = "send"`)},
		{"ttl with push", []string{`delivery = "push"`, `channels = ["a"]`, `message = "m"`, `ttl = 60`},
			errRe(`ttl: only publish keeps messages`)},
		{"payload with publish", []string{`delivery = "publish"`, `channels = ["a"]`, `message = "m"`, `payload = jsonencode({ sound = "x" })`},
			errRe(`payload: payload is part of a push notification, so it applies to delivery = "push" only; here delivery = "publish"`)},
		{"apns with send", []string{`channels = ["a"]`, `message = "m"`, `apns = jsonencode({ aps = {} })`},
			errRe(`apns: apns is part of a push notification`)},
		{"gcm with send", []string{`channels = ["a"]`, `message = "m"`, `gcm = jsonencode({})`},
			errRe(`gcm: gcm is part of a push notification`)},
		{"token with push", []string{`delivery = "push"`, `channels = ["a"]`, `message = "m"`, `token = "tok"`},
			errRe(`token: the push API takes the private key only`)},
		{"51 send channels", []string{"channels = " + hclList(channelNames("c", 51)...), `message = "m"`},
			errRe(`channels: send delivers to 1 to 50 channels (one sendbatch request); got 51.`)},
		{"51 publish channels", []string{`delivery = "publish"`, "channels = " + hclList(channelNames("c", 51)...), `message = "m"`},
			errRe(`channels: publish delivers to 1 to 50 channels (one publish per channel); got 51.`)},
		{"101 push channels", []string{`delivery = "push"`, "channels = " + hclList(channelNames("t", 101)...), `message = "m"`},
			errRe(`channels: push delivers to 1 to 100 topics (one publishbatch request); got 101.`)},
		{"no channels", []string{`channels = []`, `message = "m"`},
			errRe(`channels: send delivers to 1 to 50 channels (one sendbatch request); got none.`)},
		{"empty message", []string{`channels = ["a"]`, `message = ""`},
			errRe(`message: a message must not be empty.`)},
		{"payload not an object", []string{`delivery = "push"`, `channels = ["a"]`, `message = "m"`, `payload = jsonencode(["sound"])`},
			errRe(`payload must be a JSON object, such as jsonencode({ sound = "default" }); got an array.`)},
		{"payload not JSON", []string{`delivery = "push"`, `channels = ["a"]`, `message = "m"`, `payload = "{sound"`},
			regexp.MustCompile(`Invalid JSON String Value`)},
		{"bad channel characters", []string{`channels = ["ok", "a b"]`, `message = "m"`},
			errRe(`channels[1]: channel names may contain only letters, digits, _ - : / .`)},
		{"channel too long", []string{"channels = " + hclList(strings.Repeat("x", 100)), `message = "m"`},
			errRe(`channels[0]: channel names must be 1 to 99 bytes long; got 100 bytes.`)},
		{"wildcard channel", []string{`channels = ["orders:*"]`, `message = "m"`},
			errRe(`channels[0]: a wildcard such as main:* stands for many channels: name one concrete channel; got "orders:*".`)},
		{"topic with a slash", []string{`delivery = "push"`, `channels = ["news/eu"]`, `message = "m"`},
			errRe(`channels[0]: push topics may contain only letters, digits, _ - :; got "news/eu".`)},
		{"topic with a dot", []string{`delivery = "push"`, `channels = ["news", "v1.2"]`, `message = "m"`},
			errRe(`channels[1]: push topics may contain only letters, digits, _ - :; got "v1.2".`)},
		{"repeated channel", []string{`channels = ["a", "b", "a"]`, `message = "m"`},
			errRe(`channels[2]: each channel may be listed once (it would get the message twice); "a" is also channels[0].`)},
		{"unknown delivery", []string{`delivery = "broadcast"`, `channels = ["a"]`, `message = "m"`},
			errRe(`delivery: delivery must be one of "send", "publish", "push"; got "broadcast".`)},
		{"negative ttl", []string{`delivery = "publish"`, `channels = ["a"]`, `message = "m"`, `ttl = -1`},
			errRe(`ttl must be 0 (the plan's retention) to 2147483647 seconds; got -1.`)},
		{"null channel", []string{`channels = ["a", null]`, `message = "m"`},
			errRe(`channels[1]: a channel must not be null.`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t)
			acc.ParallelTest(t, acc.TestCase{
				ProtoV6ProviderFactories: e.Factories(),
				Steps: []acc.TestStep{{
					Config:      e.ProviderBlock() + messageConfig(tc.lines...),
					ExpectError: tc.want,
				}},
			})
			// Refused before any request: not even the balancer was asked.
			e.ExpectNoRequests()
		})
	}
}

// TestAccMessage_deliveryFailureSavesNothing: a refused delivery reports the
// channel and the API's sentence and records nothing, so the next apply
// creates (delivers) again.
func TestAccMessage_deliveryFailureSavesNothing(t *testing.T) {
	e := newTestEnv(t)
	config := e.ProviderBlock() + messageConfig(`delivery = "push"`, `channels = ["quiet"]`, `message = "anyone?"`)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{
			{
				Config:      config,
				ExpectError: errRe(`Pushing to topic "quiet" failed: ortc: push_publish: HTTP 400: InvalidRequest: Channel quiet has no subscribed devices.`),
			},
			{
				// Nothing was recorded: the plan creates again, and delivers.
				PreConfig:        func() { e.Emulator.AddDevices(e.AppKey, "quiet", "dev-1") },
				Config:           config,
				ConfigPlanChecks: createPlan(),
				Check: acc.ComposeTestCheckFunc(
					e.checkPush("publish", "anyone?", []string{"quiet"}, 1, nil),
					e.checkCounters(map[string]int{"push_publish": 2}),
				),
			},
		},
	})
}

// TestAccMessage_publishPartialFailure: publish goes channel after channel;
// when the second is refused, the error says the first has the message.
func TestAccMessage_publishPartialFailure(t *testing.T) {
	e := newTestEnv(t)
	// A token that may write "granted" only (the application enforces
	// authentication).
	token := "tok-" + randomHex(t, 8)
	if err := e.client(t).Authenticate(context.Background(), ortc.AuthenticateInput{
		Token: token, TTL: 3600, Permissions: map[string]string{"granted": "w"},
	}); err != nil {
		t.Fatal(err)
	}
	e.Emulator.ResetCounters()
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{
			{
				Config: e.ProviderBlock() + messageConfig(`delivery = "publish"`, `channels = ["granted", "denied", "later"]`,
					`message = "m"`, fmt.Sprintf("token = %q", token)),
				ExpectError: regexp.MustCompile(`(?s)Message only partly delivered.*Publishing to channel "denied" failed:.*HTTP 401:.*no write\s+permission on\s+channel denied.*Already delivered, and\s+messages\s+cannot\s+be\s+unsent:\s+"granted"\s+\(sequence\s+id\s+1\).*Not\s+attempted:\s+"later"`),
			},
			{
				// Nothing was recorded: the plan creates again.
				PreConfig: func() {
					// What was delivered before the failure: the one message on "granted".
					msgs := e.Emulator.Messages(e.AppKey)
					if len(msgs) != 1 || msgs[0].Channel != "granted" || !msgs[0].Complete {
						t.Errorf("the emulator holds %+v, want the one message on granted", msgs)
					}
					if n := e.Counters()["publish"]; n != 2 {
						t.Errorf("%d publish requests, want 2 (granted, then denied; later never tried)", n)
					}
				},
				Config: e.ProviderBlock() + messageConfig(`delivery = "publish"`, `channels = ["granted"]`,
					`message = "m"`, fmt.Sprintf("token = %q", token)),
				ConfigPlanChecks: createPlan(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("sequence_ids"), knownvalue.MapExact(map[string]knownvalue.Check{
						"granted": knownvalue.StringExact("2"),
					})),
					statecheck.ExpectSensitiveValue(messageAddr, tfjsonpath.New("token")),
				},
			},
		},
	})
}

// TestAccMessage_credentials: without a private key, send and publish use
// the provider's authentication_token; push, which takes the private key
// only, is refused at plan time.
func TestAccMessage_credentials(t *testing.T) {
	e := newTestEnv(t)
	token := "tok-" + randomHex(t, 8)
	if err := e.client(t).Authenticate(context.Background(), ortc.AuthenticateInput{
		Token: token, TTL: 3600, Permissions: map[string]string{"orders": "w"},
	}); err != nil {
		t.Fatal(err)
	}
	e.Emulator.ResetCounters()
	provider := fmt.Sprintf("provider \"realtime\" {\n  application_key = %q\n  authentication_token = %q\n  cluster_url = %q\n  push_url = %q\n}\n",
		e.AppKey, token, e.ClusterURL(), e.PushURL())
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{
			{
				Config:      provider + messageConfig(`delivery = "push"`, `channels = ["news"]`, `message = "m"`),
				ExpectError: errRe(`delivery = "push" needs the application's private key`),
			},
			{
				Config:           provider + messageConfig(`channels = ["orders"]`, `message = "with the token"`),
				ConfigPlanChecks: createPlan(),
				Check: acc.ComposeTestCheckFunc(
					e.checkMessages("send", "with the token", "orders"),
					func(*terraform.State) error {
						if m := e.Emulator.Messages(e.AppKey)[0]; m.Token != token {
							return fmt.Errorf("sent with token %q, want the provider's authentication_token", m.Token)
						}
						return nil
					},
				),
			},
		},
	})
}

// writeOnlyConfig is a realtime_message with message_wo.
func writeOnlyConfig(e *testEnv, text string, version int) string {
	return e.ProviderBlock() + messageConfig(`channels = ["orders"]`, fmt.Sprintf("message_wo = %q", text),
		fmt.Sprintf("message_wo_version = %d", version))
}

// absentFromState fails when the state, as `terraform show -json` gives
// it, holds secret anywhere.
type absentFromState string

func (s absentFromState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	b, err := json.Marshal(req.State)
	switch {
	case err != nil:
		resp.Error = err
	case strings.Contains(string(b), string(s)):
		resp.Error = fmt.Errorf("the state holds the write-only text: %s", b)
	}
}

// absentFromPlan fails when the plan, as `terraform show -json` of the
// saved plan file gives it, holds secret in any value: planned values,
// resource changes, action invocations, prior state. The configuration and
// variables sections are left out: they quote the test's HCL, where the
// text is a literal or a variable's default (in use it comes from an
// ephemeral value set with -var, as in the real-CLI tests, which scan the
// whole plan file).
type absentFromPlan string

func (s absentFromPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	values := *req.Plan
	values.Config, values.Variables = nil, nil
	b, err := json.Marshal(values)
	switch {
	case err != nil:
		resp.Error = err
	case strings.Contains(string(b), string(s)):
		resp.Error = fmt.Errorf("the plan holds the write-only text: %s", b)
	}
}

// TestAccMessage_writeOnly: message_wo is delivered as it is and lands in
// no state and no plan; only a new message_wo_version delivers again.
func TestAccMessage_writeOnly(t *testing.T) {
	e := newTestEnv(t)
	const first, second = "first write-only text 7f3a", "second write-only text 9c1e"
	noTrace := func(secrets ...string) []statecheck.StateCheck {
		checks := []statecheck.StateCheck{
			statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("message_wo"), knownvalue.Null()),
			statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("message"), knownvalue.Null()),
		}
		for _, s := range secrets {
			checks = append(checks, absentFromState(s))
		}
		return checks
	}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []acc.TestStep{
			{
				Config: writeOnlyConfig(e, first, 1),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(messageAddr, plancheck.ResourceActionCreate), absentFromPlan(first)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), absentFromPlan(first)},
				},
				ConfigStateChecks: append(noTrace(first),
					statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("message_wo_version"), knownvalue.Int64Exact(1))),
				Check: acc.ComposeTestCheckFunc(
					e.checkMessages("send", first, "orders"),
					e.checkCounters(map[string]int{"balancer": 1, "send": 1}),
				),
			},
			{
				// A new text alone is invisible to Terraform: nothing to do.
				Config:            writeOnlyConfig(e, second, 1),
				ConfigPlanChecks:  acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: noTrace(first, second),
				Check:             e.checkCounters(map[string]int{"balancer": 1, "send": 1}),
			},
			{
				// A new version delivers the new text, once.
				Config: writeOnlyConfig(e, second, 2),
				ConfigPlanChecks: acc.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(messageAddr, plancheck.ResourceActionDestroyBeforeCreate), absentFromPlan(second),
					},
				},
				ConfigStateChecks: append(noTrace(first, second),
					statecheck.ExpectKnownValue(messageAddr, tfjsonpath.New("message_wo_version"), knownvalue.Int64Exact(2))),
				Check: acc.ComposeTestCheckFunc(
					e.checkDeliveries(first, second),
					e.checkCounters(map[string]int{"balancer": 2, "send": 2}),
				),
			},
		},
	})
}

func TestAccMessage_writeOnlyValidation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		want  *regexp.Regexp
	}{
		{"message_wo without its version", []string{`channels = ["a"]`, `message_wo = "w"`},
			errRe(`message_wo_version: required with message_wo.`)},
		{"a version without message_wo", []string{`channels = ["a"]`, `message = "m"`, `message_wo_version = 1`},
			errRe(`message_wo_version: applies to message_wo only`)},
		{"message and message_wo", []string{`channels = ["a"]`, `message = "m"`, `message_wo = "w"`, `message_wo_version = 1`},
			errRe(`message_wo: set exactly one of message and message_wo (message_wo for a text that must stay out of the plan and the state); both are set.`)},
		{"neither message nor message_wo", []string{`channels = ["a"]`},
			errRe(`message: set exactly one of message and message_wo (message_wo for a text that must stay out of the plan and the state); neither is set.`)},
		{"an empty message_wo", []string{`channels = ["a"]`, `message_wo = ""`, `message_wo_version = 1`},
			errRe(`message_wo: a message must not be empty.`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t)
			acc.ParallelTest(t, acc.TestCase{
				ProtoV6ProviderFactories: e.Factories(),
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
				Steps: []acc.TestStep{{
					Config:      e.ProviderBlock() + messageConfig(tc.lines...),
					PlanOnly:    true,
					ExpectError: tc.want,
				}},
			})
			e.ExpectNoRequests()
		})
	}
}

// TestAccMessage_writeOnlyNotInPlanFileOrStateFile: with the real CLI, a
// saved plan file (every entry of the archive) and the state file hold no
// trace of message_wo, which the emulator received exactly. The text comes
// from an ephemeral variable, as it would in use (a non-ephemeral
// variable's value is itself saved in a plan).
func TestAccMessage_writeOnlyNotInPlanFileOrStateFile(t *testing.T) {
	t.Parallel()
	run := newCLIRun(t, "1.11.0")
	e := newTestEnv(t)
	const secret = "write-only text 5d2b8e"
	run.Write("main.tf", cliConfig(e, `variable "secret" {
  type      = string
  ephemeral = true
}

resource "realtime_message" "m" {
  channels           = ["wo-orders"]
  message_wo         = var.secret
  message_wo_version = 1
}
`))
	withSecret := []string{"TF_VAR_secret=" + secret}
	run.Run(withSecret, "plan", "-out=tfplan")
	if shown := run.Run(nil, "show", "-json", "tfplan"); strings.Contains(shown, secret) {
		t.Errorf("terraform show -json tfplan holds the write-only text:\n%s", shown)
	}
	// The scan sees into the plan's archive: it finds the channel, which is
	// in the plan.
	if found := planEntriesHolding(t, run, "wo-orders"); !slices.Contains(found, "tfplan") {
		t.Fatalf("the scan does not see into the plan file: %v", found)
	}
	if found := planEntriesHolding(t, run, secret); len(found) > 0 {
		t.Errorf("the plan file holds the write-only text in %v", found)
	}

	out := run.Run(withSecret, "apply", "-auto-approve", "tfplan")
	if err := e.checkRecorded("send wo-orders " + secret)(nil); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	state := string(run.Read("terraform.tfstate"))
	if !strings.Contains(state, "wo-orders") {
		t.Fatalf("the state file holds no realtime_message:\n%s", state)
	}
	if strings.Contains(state, secret) || strings.Contains(out, secret) {
		t.Errorf("the state file or the apply output holds the write-only text")
	}
	if shown := run.Run(nil, "show", "-json"); strings.Contains(shown, secret) {
		t.Errorf("terraform show -json holds the write-only text:\n%s", shown)
	}
}

// TestMessageResource_createKeepsNoWriteOnlyValue: Create reads message_wo
// from the configuration (the plan holds none) and sets a state without
// it, whatever the framework would null after it.
func TestMessageResource_createKeepsNoWriteOnlyValue(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	r := &messageResource{}
	r.Configure(ctx, fwresource.ConfigureRequest{ProviderData: &providerData{
		client: e.client(t), hasPrivateKey: true, now: e.Clock.Now,
	}}, &fwresource.ConfigureResponse{})
	var sr fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &sr)
	typ, ok := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("schema type is not an object")
	}
	object := func(messageWO any, computed any) tftypes.Value {
		vals := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			vals[name] = tftypes.NewValue(at, nil)
		}
		vals["channels"] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "orders")})
		vals["delivery"] = tftypes.NewValue(tftypes.String, "send")
		vals["message_wo"] = tftypes.NewValue(tftypes.String, messageWO)
		vals["message_wo_version"] = tftypes.NewValue(tftypes.Number, 1)
		for _, name := range []string{"id", "parts", "sequence_ids", "delivered_at"} {
			vals[name] = tftypes.NewValue(typ.AttributeTypes[name], computed)
		}
		return tftypes.NewValue(typ, vals)
	}
	const secret = "write-only text 1b7c"
	resp := fwresource.CreateResponse{State: tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}}
	r.Create(ctx, fwresource.CreateRequest{
		Config: tfsdk.Config{Schema: sr.Schema, Raw: object(secret, nil)},
		Plan:   tfsdk.Plan{Schema: sr.Schema, Raw: object(nil, tftypes.UnknownValue)},
	}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if msgs := e.Emulator.Messages(e.AppKey); len(msgs) != 1 || msgs[0].Text != secret {
		t.Errorf("the emulator recorded %+v", msgs)
	}
	var wo types.String
	resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("message_wo"), &wo)...)
	if !wo.IsNull() {
		t.Errorf("Create set message_wo %q in the state", wo.ValueString())
	}
}
