package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/emulator"
	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

// The generic delivery action, tested directly with the framework's types:
// its schema per kind, Invoke's progress events (which plugin-testing
// cannot observe), its diagnostics, and the write-only workaround. The
// acceptance tests of each action are in send_action_test.go,
// publish_action_test.go and push_action_test.go.

var deliveryActions = map[deliveryKind]func() action.Action{
	deliverySend:    NewSendAction,
	deliveryPublish: NewPublishAction,
	deliveryPush:    NewPushAction,
}

func TestDeliveryActions_schemas(t *testing.T) {
	ctx := context.Background()
	want := map[deliveryKind][]string{
		deliverySend:    {"channels", "message", "message_wo", "token"},
		deliveryPublish: {"channels", "message", "message_wo", "token", "ttl"},
		deliveryPush:    {"apns", "channels", "gcm", "message", "message_wo", "payload"},
	}
	for kind, newAction := range deliveryActions {
		a := newAction()
		var meta action.MetadataResponse
		a.Metadata(ctx, action.MetadataRequest{ProviderTypeName: "realtime"}, &meta)
		if meta.TypeName != "realtime_"+string(kind) {
			t.Errorf("%s: type name %q", kind, meta.TypeName)
		}
		var resp action.SchemaResponse
		a.Schema(ctx, action.SchemaRequest{}, &resp)
		if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
			t.Errorf("%s: %v", kind, diags)
		}
		if names := slices.Sorted(maps.Keys(resp.Schema.Attributes)); !slices.Equal(names, want[kind]) {
			t.Errorf("%s: attributes %v, want %v", kind, names, want[kind])
		}
		d := resp.Schema.MarkdownDescription
		for _, words := range []string{"Terraform 1.14 or later", "-invoke=action.", "action_trigger", "realtime_message"} {
			if !strings.Contains(d, words) {
				t.Errorf("%s: the description does not say %q", kind, words)
			}
		}
		// The message is optional here: exactly one of message and
		// message_wo, which validate checks.
		if resp.Schema.Attributes[attrMessage].IsRequired() || resp.Schema.Attributes[attrMessageWO].IsRequired() {
			t.Errorf("%s: message or message_wo is required", kind)
		}
	}
}

// actionEnv is a delivery action configured with a client of the test's
// emulator, as the provider would configure it.
func actionEnv(t *testing.T, e *testEnv, kind deliveryKind) *deliveryAction {
	t.Helper()
	a, ok := deliveryActions[kind]().(*deliveryAction)
	if !ok {
		t.Fatalf("%s is not a *deliveryAction", kind)
	}
	var resp action.ConfigureResponse
	a.Configure(context.Background(), action.ConfigureRequest{ProviderData: &providerData{
		client: e.client(t), hasPrivateKey: true, now: e.Clock.Now,
	}}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return a
}

// actionConfig is the action's configuration with these attributes set
// (string, []string or int64) and every other one null.
func actionConfig(t *testing.T, a action.Action, set map[string]any) tfsdk.Config {
	t.Helper()
	ctx := context.Background()
	var resp action.SchemaResponse
	a.Schema(ctx, action.SchemaRequest{}, &resp)
	typ, ok := resp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("schema type %T", resp.Schema.Type().TerraformType(ctx))
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		if _, ok := typ.AttributeTypes[name]; !ok {
			t.Fatalf("the action has no attribute %q", name)
		}
		switch v := v.(type) {
		case string:
			vals[name] = tftypes.NewValue(tftypes.String, v)
		case int64:
			vals[name] = tftypes.NewValue(tftypes.Number, v)
		case []string:
			elems := make([]tftypes.Value, len(v))
			for i, s := range v {
				elems[i] = tftypes.NewValue(tftypes.String, s)
			}
			vals[name] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, elems)
		default:
			t.Fatalf("%s: unsupported %T", name, v)
		}
	}
	return tfsdk.Config{Schema: resp.Schema, Raw: tftypes.NewValue(typ, vals)}
}

// invoke runs Invoke and returns its diagnostics and progress events.
func invoke(t *testing.T, a *deliveryAction, set map[string]any) (diag.Diagnostics, []string) {
	t.Helper()
	var events []string
	resp := action.InvokeResponse{SendProgress: func(ev action.InvokeProgressEvent) { events = append(events, ev.Message) }}
	a.Invoke(context.Background(), action.InvokeRequest{Config: actionConfig(t, a, set)}, &resp)
	return resp.Diagnostics, events
}

// multiPartText is a message of more than 5 parts, and its part count.
func multiPartText(t *testing.T) (string, int) {
	t.Helper()
	text := strings.Repeat("héllo wörld — ✓ 🚀 日本語 ", 150)
	frames, err := ortc.Frame("", text)
	if err != nil || len(frames) <= 5 {
		t.Fatalf("%d parts, %v", len(frames), err)
	}
	return text, len(frames)
}

var deliveredLine = regexp.MustCompile(`^delivered message ([a-z0-9]{8}) to `)

// checkPartEvents checks events are the progress lines of parts 1 to n,
// in any order (parts travel concurrently), each once; with a suffix (the
// sequence id of a publish), exactly one line ends in it: the part that
// completed the message, whichever answer came back first.
func checkPartEvents(t *testing.T, events []string, format string, n int, suffix string) {
	t.Helper()
	if len(events) != n {
		t.Fatalf("%d part events, want %d: %q", len(events), n, events)
	}
	got := slices.Clone(events)
	if suffix != "" {
		with := 0
		for i, ev := range got {
			if strings.HasSuffix(ev, suffix) {
				with++
				got[i] = strings.TrimSuffix(ev, suffix)
			}
		}
		if with != 1 {
			t.Errorf("%d events end in %q, want 1: %q", with, suffix, events)
		}
	}
	slices.Sort(got)
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprintf(format, i+1, n)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("part events %q, want %q", got, want)
	}
}

func TestDeliveryAction_sendProgressPerPart(t *testing.T) {
	e := newTestEnv(t)
	text, n := multiPartText(t)
	diags, events := invoke(t, actionEnv(t, e, deliverySend), map[string]any{
		"channels": []string{"orders"}, "message": text,
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if len(events) != n+1 {
		t.Fatalf("%d events, want %d parts and the summary: %q", len(events), n, events)
	}
	checkPartEvents(t, events[:n], "sent part %d/%d to orders", n, "")
	m := deliveredLine.FindStringSubmatch(events[n])
	if m == nil || events[n] != fmt.Sprintf("delivered message %s to orders (%d parts)", m[1], n) {
		t.Errorf("summary %q", events[n])
	}
	msgs := e.Emulator.Messages(e.AppKey)
	if len(msgs) != 1 || msgs[0].Text != text || msgs[0].ID != m[1] || msgs[0].Duplicates != 0 {
		t.Errorf("the emulator recorded %d messages (want 1, framed %s)", len(msgs), m[1])
	}
	if got := e.Counters(); got["send"] != n {
		t.Errorf("%d send requests, want %d (one per part)", got["send"], n)
	}
}

func TestDeliveryAction_sendBatchProgress(t *testing.T) {
	e := newTestEnv(t)
	channels := channelNames("c", 7)
	diags, events := invoke(t, actionEnv(t, e, deliverySend), map[string]any{
		"channels": channels, "message": "to all",
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	m := deliveredLine.FindStringSubmatch(events[len(events)-1])
	if m == nil {
		t.Fatalf("events %q", events)
	}
	want := []string{
		"sent part 1/1 to 7 channels: c0, c1, c2, c3, c4 and 2 more",
		"delivered message " + m[1] + " to 7 channels: c0, c1, c2, c3, c4 and 2 more (1 part each)",
	}
	if !slices.Equal(events, want) {
		t.Errorf("events %q, want %q", events, want)
	}
	if got, want := e.Counters(), map[string]int{"balancer": 1, "sendbatch": 1}; !maps.Equal(got, want) {
		t.Errorf("counters %v, want %v", got, want)
	}
}

func TestDeliveryAction_publishProgressPerPartAndChannel(t *testing.T) {
	e := newTestEnv(t)
	publishDirect(t, e, "orders", "earlier") // "orders" answers sequence id 2
	text, n := multiPartText(t)
	diags, events := invoke(t, actionEnv(t, e, deliveryPublish), map[string]any{
		"channels": []string{"orders", "audit"}, "message": text, "ttl": int64(60),
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if len(events) != 2*n+1 {
		t.Fatalf("%d events, want %d: %q", len(events), 2*n+1, events)
	}
	// Channel after channel: every part of orders, then every part of audit.
	checkPartEvents(t, events[:n], "published part %d/%d to orders", n, ": seq 2")
	checkPartEvents(t, events[n:2*n], "published part %d/%d to audit", n, ": seq 1")
	m := deliveredLine.FindStringSubmatch(events[2*n])
	if m == nil || events[2*n] != fmt.Sprintf("delivered message %s to 2 channels: orders, audit (%d parts each)", m[1], n) {
		t.Errorf("summary %q", events[2*n])
	}
	for _, ch := range []string{"orders", "audit"} {
		msgs := e.Emulator.ChannelMessages(e.AppKey, ch)
		last := msgs[len(msgs)-1]
		if last.Text != text || last.TTL != 60 || last.Endpoint != "publish" || last.ID != m[1] {
			t.Errorf("%s: the emulator holds %q (ttl %d, %s, id %s)", ch, last.Text[:10], last.TTL, last.Endpoint, last.ID)
		}
	}
}

func TestDeliveryAction_pushProgress(t *testing.T) {
	e := newTestEnv(t)
	e.Emulator.AddDevices(e.AppKey, "news", "dev-1")
	e.Emulator.AddDevices(e.AppKey, "sport", "dev-2")
	a := actionEnv(t, e, deliveryPush)
	for _, tc := range []struct {
		channels []string
		want     string
	}{
		{[]string{"news"}, "pushed to news"},
		{[]string{"news", "sport"}, "pushed to 2 topics: news, sport"},
	} {
		diags, events := invoke(t, a, map[string]any{
			"channels": tc.channels, "message": "hi", "payload": `{"sound":"default"}`,
		})
		if diags.HasError() {
			t.Fatal(diags)
		}
		if !slices.Equal(events, []string{tc.want}) {
			t.Errorf("events %q, want %q", events, tc.want)
		}
	}
	if got, want := e.Counters(), map[string]int{"push_publish": 1, "push_publishbatch": 1}; !maps.Equal(got, want) {
		t.Errorf("counters %v, want %v", got, want)
	}
}

func TestDeliveryAction_messageWO(t *testing.T) {
	e := newTestEnv(t)
	diags, _ := invoke(t, actionEnv(t, e, deliverySend), map[string]any{
		"channels": []string{"orders"}, "message_wo": "the write-only text",
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if msgs := e.Emulator.Messages(e.AppKey); len(msgs) != 1 || msgs[0].Text != "the write-only text" {
		t.Errorf("the emulator recorded %+v", msgs)
	}
}

// errorOf is the one error diagnostic's summary and detail.
func errorOf(t *testing.T, diags diag.Diagnostics) (string, string) {
	t.Helper()
	if errs := diags.Errors(); len(errs) != 1 {
		t.Fatalf("%d errors, want 1: %v", len(errs), diags)
	}
	return diags.Errors()[0].Summary(), diags.Errors()[0].Detail()
}

func TestDeliveryAction_failedPartFailsTheAction(t *testing.T) {
	e := newTestEnv(t)
	text, n := multiPartText(t)
	e.Emulator.InjectFault(emulator.Fault{Route: "send", Count: 1, Status: 400})
	diags, events := invoke(t, actionEnv(t, e, deliverySend), map[string]any{
		"channels": []string{"orders"}, "message": text,
	})
	summary, detail := errorOf(t, diags)
	if summary != "Message not delivered" {
		t.Errorf("summary %q", summary)
	}
	want := regexp.MustCompile(`^Sending to channel "orders" failed: ortc: send: HTTP 400: Injected fault: HTTP 400\. \(part \d of ` +
		fmt.Sprint(n) + `\)\.\n\nInvoking the action again delivers the message to every channel listed\.$`)
	if !want.MatchString(detail) {
		t.Errorf("detail %q, want %s", detail, want)
	}
	for _, ev := range events {
		if strings.HasPrefix(ev, "delivered") {
			t.Errorf("a failed action reported %q", ev)
		}
	}
}

func TestDeliveryAction_pushToATopicWithoutDevices(t *testing.T) {
	e := newTestEnv(t)
	diags, events := invoke(t, actionEnv(t, e, deliveryPush), map[string]any{
		"channels": []string{"quiet"}, "message": "anyone?",
	})
	summary, detail := errorOf(t, diags)
	if summary != "Message not delivered" || !strings.HasPrefix(detail,
		`Pushing to topic "quiet" failed: ortc: push_publish: HTTP 400: InvalidRequest: Channel quiet has no subscribed devices.`) {
		t.Errorf("%s: %s", summary, detail)
	}
	if len(events) != 0 {
		t.Errorf("progress of a refused push: %q", events)
	}
}

// Invoke checks the configuration again before any request: a value unknown
// at plan time was not checked then.
func TestDeliveryAction_invokeValidatesFirst(t *testing.T) {
	for name, set := range map[string]map[string]any{
		"51 channels":            {"channels": channelNames("c", 51), "message": "m"},
		"a wildcard":             {"channels": []string{"orders:*"}, "message": "m"},
		"no message":             {"channels": []string{"orders"}},
		"message and message_wo": {"channels": []string{"orders"}, "message": "m", "message_wo": "w"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newTestEnv(t)
			diags, events := invoke(t, actionEnv(t, e, deliverySend), set)
			if !diags.HasError() || len(events) != 0 {
				t.Errorf("diagnostics %v, events %q", diags, events)
			}
			e.ExpectNoRequests()
		})
	}
}

func TestDeliveryAction_modifyPlanChecksCredentials(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	noKey := &providerData{client: e.client(t), now: e.Clock.Now}
	for _, tc := range []struct {
		kind  deliveryKind
		set   map[string]any
		error string
	}{
		{deliveryPush, map[string]any{"channels": []string{"news"}, "message": "m"}, `delivery = "push" needs the application's private key`},
		{deliverySend, map[string]any{"channels": []string{"news"}, "message": "m"}, `delivery = "send" needs the application's private key or a token`},
		{deliverySend, map[string]any{"channels": []string{"news"}, "message": "m", "token": "tok-1"}, ""},
	} {
		a, ok := deliveryActions[tc.kind]().(*deliveryAction)
		if !ok {
			t.Fatalf("%s is not a *deliveryAction", tc.kind)
		}
		a.Configure(ctx, action.ConfigureRequest{ProviderData: noKey}, &action.ConfigureResponse{})
		var resp action.ModifyPlanResponse
		a.ModifyPlan(ctx, action.ModifyPlanRequest{Config: actionConfig(t, a, tc.set)}, &resp)
		switch {
		case tc.error == "" && resp.Diagnostics.HasError():
			t.Errorf("%s %v: %v", tc.kind, tc.set, resp.Diagnostics)
		case tc.error != "" && (!resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), tc.error)):
			t.Errorf("%s %v: %v, want %q", tc.kind, tc.set, resp.Diagnostics, tc.error)
		}
	}
	e.ExpectNoRequests()
}

func TestActionProgressLines(t *testing.T) {
	for _, tc := range []struct {
		p    deliveryProgress
		want string
	}{
		{deliveryProgress{Kind: deliverySend, Channels: []string{"orders"}, Part: 3, Total: 7}, "sent part 3/7 to orders"},
		{deliveryProgress{Kind: deliverySend, Channels: []string{"a", "b"}, Part: 1, Total: 1}, "sent part 1/1 to 2 channels: a, b"},
		{deliveryProgress{Kind: deliveryPublish, Channels: []string{"orders"}, Part: 3, Total: 7}, "published part 3/7 to orders"},
		{deliveryProgress{Kind: deliveryPublish, Channels: []string{"orders"}, Part: 7, Total: 7, SequenceID: "42"}, "published part 7/7 to orders: seq 42"},
		{deliveryProgress{Kind: deliveryPush, Channels: []string{"orders"}, Part: 1, Total: 1}, "pushed to orders"},
		{deliveryProgress{Kind: deliveryPush, Channels: channelNames("t", 6), Part: 1, Total: 1}, "pushed to 6 topics: t0, t1, t2, t3, t4 and 1 more"},
	} {
		if got := actionProgress(tc.p); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.p, got, tc.want)
		}
	}
}

// The server Terraform talks to marks message_wo write-only in the three
// action schemas (and nothing else there); the resource's is the
// framework's own.
func TestActionWriteOnlyServer(t *testing.T) {
	ctx := context.Background()
	s, err := protocol6Server(New("test"))()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(fullProviderServer); !ok {
		t.Fatal("the wrapped server hides the action, list or state store RPCs")
	}
	resp, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatal(err, resp.Diagnostics)
	}
	for _, name := range []string{"realtime_send", "realtime_publish", "realtime_push"} {
		a, ok := resp.ActionSchemas[name]
		if !ok {
			t.Fatalf("%s not served", name)
		}
		for _, attr := range a.Schema.Block.Attributes {
			if attr.WriteOnly != (attr.Name == "message_wo") {
				t.Errorf("%s.%s: write-only %v", name, attr.Name, attr.WriteOnly)
			}
		}
	}
	for _, attr := range resp.ResourceSchemas["realtime_message"].Block.Attributes {
		if attr.WriteOnly != (attr.Name == "message_wo") {
			t.Errorf("realtime_message.%s: write-only %v", attr.Name, attr.WriteOnly)
		}
	}
}

// TestActionWriteOnlyFrameworkStillRefuses pins the reason for
// actionWriteOnlyServer: the framework refuses any value in an action
// attribute it knows as WriteOnly. When this test fails, the framework
// accepts them: set WriteOnly in deliveryActionAttributes and remove
// actionWriteOnlyServer.
func TestActionWriteOnlyFrameworkStillRefuses(t *testing.T) {
	ctx := context.Background()
	s, err := providerserver.NewProtocol6WithError(&probeProvider{})()
	if err != nil {
		t.Fatal(err)
	}
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"secret": tftypes.String}}
	cfg, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, map[string]tftypes.Value{
		"secret": tftypes.NewValue(tftypes.String, "s"),
	}))
	if err != nil {
		t.Fatal(err)
	}
	actions, ok := s.(fullProviderServer)
	if !ok {
		t.Fatal("the framework's server has no action RPCs")
	}
	resp, err := actions.ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{
		ActionType: "probe_wo", Config: &cfg,
	})
	if err != nil {
		t.Fatal(err)
	}
	refused := false
	for _, d := range resp.Diagnostics {
		refused = refused || d.Summary == "WriteOnly Attribute Not Allowed"
	}
	if !refused {
		t.Errorf("the framework now accepts a value in a write-only action attribute (%v): set WriteOnly in "+
			"deliveryActionAttributes and remove actionWriteOnlyServer", resp.Diagnostics)
	}
}

// probeProvider serves one action with one write-only attribute.
type probeProvider struct{}

func (*probeProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "probe"
}
func (*probeProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (*probeProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (*probeProvider) Resources(context.Context) []func() resource.Resource       { return nil }
func (*probeProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
func (*probeProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{func() action.Action { return probeAction{} }}
}

type probeAction struct{}

func (probeAction) Metadata(_ context.Context, _ action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = "probe_wo"
}
func (probeAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = aschema.Schema{Attributes: map[string]aschema.Attribute{
		"secret": aschema.StringAttribute{Optional: true, WriteOnly: true},
	}}
}
func (probeAction) Invoke(context.Context, action.InvokeRequest, *action.InvokeResponse) {}

// Acceptance-test helpers shared by the three actions' tests.

// actionRefusal is an action configuration (lines of the action block) that
// the plan must refuse with an error matching want.
type actionRefusal struct {
	name  string
	lines []string
	want  *regexp.Regexp
}

// testActionRefusedAtPlan runs each refusal as a plan of an action of kind
// with a trigger: the plan fails as wanted and the emulator counts no request.
func testActionRefusedAtPlan(t *testing.T, kind deliveryKind, cases []actionRefusal) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t)
			acc.ParallelTest(t, acc.TestCase{
				ProtoV6ProviderFactories: e.Factories(),
				TerraformVersionChecks:   atLeast14,
				Steps: []acc.TestStep{{
					Config:      e.ProviderBlock() + actionBlock(kind, tc.lines...) + triggerResource(kind, "v1"),
					PlanOnly:    true, // refused by the plan, not at apply
					ExpectError: tc.want,
				}},
			})
			e.ExpectNoRequests()
		})
	}
}

// actionBlock is an action "realtime_<kind>" "x" block of config lines.
func actionBlock(kind deliveryKind, lines ...string) string {
	return fmt.Sprintf("action \"realtime_%s\" \"x\" {\n  config {\n    %s\n  }\n}\n", kind, strings.Join(lines, "\n    "))
}

// triggerResource is a terraform_data "t" whose creation and updates (a
// change of input) invoke action.realtime_<kind>.x.
func triggerResource(kind deliveryKind, input string) string {
	return fmt.Sprintf(`resource "terraform_data" "t" {
  input = %q
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.realtime_%s.x]
    }
  }
}
`, input, kind)
}

// checkRecorded checks the emulator holds exactly these messages, in order,
// each written "endpoint channel text", each complete with no part twice.
func (e *testEnv) checkRecorded(want ...string) acc.TestCheckFunc {
	return func(*terraform.State) error {
		var got []string
		for _, m := range e.Emulator.Messages(e.AppKey) {
			if !m.Complete || m.Duplicates != 0 {
				return fmt.Errorf("message on %s: complete %v, %d duplicate parts", m.Channel, m.Complete, m.Duplicates)
			}
			got = append(got, m.Endpoint+" "+m.Channel+" "+m.Text)
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("the emulator recorded %q, want %q", got, want)
		}
		return nil
	}
}

// saveToken saves a new token with these permissions (through the client,
// not Terraform) and resets the counters after.
func (e *testEnv) saveToken(t *testing.T, perms map[string]string) string {
	t.Helper()
	token := "tok-" + randomHex(t, 8)
	if err := e.client(t).Authenticate(context.Background(), ortc.AuthenticateInput{Token: token, TTL: 3600, Permissions: perms}); err != nil {
		t.Fatal(err)
	}
	e.Emulator.ResetCounters()
	return token
}

// cliConfig is a main.tf for the real-CLI tests (cli_test.go): the
// provider's source, the emulator's provider block and body.
func cliConfig(e *testEnv, body string) string {
	return "terraform {\n  required_providers {\n    realtime = { source = \"ortc-terraform/realtime\" }\n  }\n}\n\n" +
		e.ProviderBlock() + body
}

// planEntriesHolding names the entries of the saved plan file "tfplan" (a
// zip archive) whose bytes hold s.
func planEntriesHolding(t *testing.T, run *cliRun, s string) []string {
	t.Helper()
	var found []string
	for name, data := range zipContents(t, run.Read("tfplan")) {
		if strings.Contains(string(data), s) {
			found = append(found, name)
		}
	}
	slices.Sort(found)
	return found
}
