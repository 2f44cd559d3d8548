package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

func TestDeliveryAttributeNamesFollowTheDeliveries(t *testing.T) {
	for _, tc := range []struct {
		kinds []deliveryKind
		want  []string
	}{
		{allDeliveries, []string{"apns", "channels", "delivery", "gcm", "message", "message_wo", "payload", "token", "ttl"}},
		{[]deliveryKind{deliverySend}, []string{"channels", "message", "message_wo", "token"}},
		{[]deliveryKind{deliveryPublish}, []string{"channels", "message", "message_wo", "token", "ttl"}},
		{[]deliveryKind{deliveryPush}, []string{"apns", "channels", "gcm", "message", "message_wo", "payload"}},
	} {
		got := deliveryAttributeNames(tc.kinds)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%v: attributes %v, want %v", tc.kinds, got, tc.want)
		}
	}
}

// The delivery actions of the next issue build their schemas from the same
// pieces: each must be a valid action schema with every attribute described.
func TestDeliveryActionAttributesMakeValidActionSchemas(t *testing.T) {
	ctx := context.Background()
	for _, k := range allDeliveries {
		attrs := deliveryActionAttributes([]deliveryKind{k})
		s := aschema.Schema{MarkdownDescription: "test", Attributes: attrs}
		if diags := s.ValidateImplementation(ctx); diags.HasError() {
			t.Errorf("realtime_%s: %v", k, diags)
		}
		for name, a := range attrs {
			if a.GetMarkdownDescription() == "" {
				t.Errorf("realtime_%s: %s has no description", k, name)
			}
			if strings.Contains(a.GetMarkdownDescription(), "replaces") {
				t.Errorf("realtime_%s: %s speaks of replacement, which actions do not have", k, name)
			}
		}
	}
}

func TestMessageResourceSchemaReplacesOnEveryInput(t *testing.T) {
	ctx := context.Background()
	var resp resource.SchemaResponse
	NewMessageResource().Schema(ctx, resource.SchemaRequest{}, &resp)
	if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatal(diags)
	}
	for name, a := range resp.Schema.Attributes {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("%s has no description", name)
		}
		if a.IsComputed() && !a.IsOptional() {
			continue
		}
		if a.IsWriteOnly() {
			// Null in every plan: nothing to compare. message_wo_version
			// (checked here as any input) is what replaces.
			if !a.IsSensitive() {
				t.Errorf("write-only %s is not sensitive", name)
			}
			continue
		}
		if !requiresReplace(a) {
			t.Errorf("input %s does not require replacement", name)
		}
	}
}

func requiresReplace(a rschema.Attribute) bool {
	var desc []string
	switch a := a.(type) {
	case rschema.StringAttribute:
		for _, m := range a.PlanModifiers {
			desc = append(desc, m.Description(context.Background()))
		}
	case rschema.ListAttribute:
		for _, m := range a.PlanModifiers {
			desc = append(desc, m.Description(context.Background()))
		}
	case rschema.MapAttribute:
		for _, m := range a.PlanModifiers {
			desc = append(desc, m.Description(context.Background()))
		}
	case rschema.Int64Attribute:
		for _, m := range a.PlanModifiers {
			desc = append(desc, m.Description(context.Background()))
		}
	}
	return slices.ContainsFunc(desc, func(d string) bool { return strings.Contains(d, "destroy and recreate") })
}

// config builds a deliveryConfig with every attribute null but the given ones.
func testDeliveryConfig(delivery types.String, channels []attr.Value) deliveryConfig {
	c := deliveryConfig{
		Delivery: delivery, Message: types.StringValue("m"), TTL: types.Int64Null(), Token: types.StringNull(),
		Payload: jsontypes.NewNormalizedNull(), APNS: jsontypes.NewNormalizedNull(), GCM: jsontypes.NewNormalizedNull(),
	}
	c.Channels = types.ListValueMust(types.StringType, channels)
	return c
}

func strs(ss ...string) []attr.Value {
	out := make([]attr.Value, len(ss))
	for i, s := range ss {
		out[i] = types.StringValue(s)
	}
	return out
}

func errorPaths(diags diag.Diagnostics) []string {
	var out []string
	for _, d := range diags.Errors() {
		if d, ok := d.(diag.DiagnosticWithPath); ok {
			out = append(out, d.Path().String())
		}
	}
	return out
}

func TestDeliveryConfigValidate(t *testing.T) {
	ctx := context.Background()
	many := func(n int) []attr.Value {
		return strs(channelNames("t", n)...)
	}
	for _, tc := range []struct {
		name     string
		delivery types.String
		channels []attr.Value
		want     []string // paths with an error
	}{
		{"default delivery is send", types.StringNull(), many(50), nil},
		{"send takes 50 channels, not 51", types.StringNull(), many(51), []string{"channels"}},
		{"push takes 100 topics", types.StringValue("push"), many(100), nil},
		{"an unknown delivery takes up to 100", types.StringUnknown(), many(100), nil},
		{"an unknown delivery takes no more than 100", types.StringUnknown(), many(101), []string{"channels"}},
		// news/eu is a channel: only push refuses it, and push is not known yet.
		{"an unknown delivery checks channel names", types.StringUnknown(), strs("news/eu", "a b"), []string{"channels[1]"}},
		{"push checks topic names", types.StringValue("push"), strs("news/eu", "ok"), []string{"channels[0]"}},
		{"unknown elements wait", types.StringNull(), []attr.Value{types.StringUnknown(), types.StringValue("a")}, nil},
		{"repeats are refused once", types.StringNull(), strs("a", "a", "b", "a"), []string{"channels[1]", "channels[3]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			testDeliveryConfig(tc.delivery, tc.channels).validate(ctx, &diags)
			if got := errorPaths(diags); !slices.Equal(got, tc.want) {
				t.Errorf("errors at %v, want %v: %v", got, tc.want, diags)
			}
		})
	}
}

func TestReadDeliveryConfigFixesTheDeliveryOfAnAction(t *testing.T) {
	ctx := context.Background()
	values := map[string]any{
		attrChannels:  types.ListValueMust(types.StringType, strs("news")),
		attrMessage:   types.StringValue("hi"),
		attrMessageWO: types.StringNull(),
		attrPayload:   jsontypes.NewNormalizedValue(`{"a":1}`),
		attrAPNS:      jsontypes.NewNormalizedNull(),
		attrGCM:       jsontypes.NewNormalizedNull(),
	}
	var asked []string
	get := func(_ context.Context, p path.Path, target any) diag.Diagnostics {
		name := p.String()
		asked = append(asked, name)
		ok := false
		switch dst := target.(type) {
		case *types.List:
			*dst, ok = values[name].(types.List)
		case *types.String:
			*dst, ok = values[name].(types.String)
		case *jsontypes.Normalized:
			*dst, ok = values[name].(jsontypes.Normalized)
		}
		if !ok {
			return diag.Diagnostics{diag.NewErrorDiagnostic("unexpected target", fmt.Sprintf("%s: %T", name, target))}
		}
		return nil
	}
	c, diags := readDeliveryConfig(ctx, get, []deliveryKind{deliveryPush})
	if diags.HasError() {
		t.Fatal(diags)
	}
	slices.Sort(asked)
	if want := []string{"apns", "channels", "gcm", "message", "message_wo", "payload"}; !slices.Equal(asked, want) {
		t.Errorf("read %v, want %v", asked, want)
	}
	if k, ok := c.kind(); !ok || k != deliveryPush {
		t.Errorf("delivery %q, want push", k)
	}
	in, diags := c.input(ctx, c.Message.ValueString(), "")
	if diags.HasError() || !slices.Equal(in.Channels, []string{"news"}) || string(in.Payload) != `{"a":1}` || in.APNS != nil {
		t.Errorf("input %+v, %v", in, diags)
	}
}

func TestJSONSemanticEqualityModifierKeepsThePriorValue(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		state, plan string
		keep        bool
	}{
		{`{"a":1,"b":[1,2]}`, `{ "b": [1, 2], "a": 1 }`, true},
		{`{"a":1}`, `{"a":2}`, false},
		{`{"a":[1,2]}`, `{"a":[2,1]}`, false},
	} {
		req := planmodifier.StringRequest{StateValue: types.StringValue(tc.state), PlanValue: types.StringValue(tc.plan)}
		resp := planmodifier.StringResponse{PlanValue: req.PlanValue}
		jsonSemanticEqualityModifier{}.PlanModifyString(ctx, req, &resp)
		if kept := resp.PlanValue.ValueString() == tc.state; kept != tc.keep {
			t.Errorf("%s -> %s: kept prior %v, want %v", tc.state, tc.plan, kept, tc.keep)
		}
	}
}

// deliver against the emulator, without Terraform: each kind calls the
// endpoint it should, and a publish that fails half-way names what was
// delivered.
func TestDeliver(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	c := e.client(t)
	e.Emulator.AddDevices(e.AppKey, "news", "dev-1")
	e.Emulator.AddDevices(e.AppKey, "sport", "dev-2")

	var events []string
	progress := func(p deliveryProgress) { events = append(events, p.String()) }

	res, err := deliver(ctx, c, deliveryInput{Kind: deliverySend, Channels: []string{"a", "b"}, Message: "hi"}, progress)
	if err != nil || res.Parts != 1 || res.SequenceIDs != nil || !framingID.MatchString(res.ID) {
		t.Fatalf("send batch: %+v, %v", res, err)
	}
	res, err = deliver(ctx, c, deliveryInput{Kind: deliveryPublish, Channels: []string{"a", "b"}, Message: "kept", TTL: 60}, progress)
	if err != nil || !maps.Equal(res.SequenceIDs, map[string]string{"a": "1", "b": "1"}) {
		t.Fatalf("publish: %+v, %v", res, err)
	}
	for _, m := range e.Emulator.Messages(e.AppKey)[2:] {
		if m.ID != res.ID {
			t.Errorf("publish on %s framed with %q, want the one id %q", m.Channel, m.ID, res.ID)
		}
	}
	if _, err = deliver(ctx, c, deliveryInput{Kind: deliveryPush, Channels: []string{"news", "sport"}, Message: "n"}, progress); err != nil {
		t.Fatalf("push batch: %v", err)
	}
	want := []string{
		"send: part 1 of 1 accepted for 2 channels",
		"publish: part 1 of 1 accepted for channel a (sequence id 1)",
		"publish: part 1 of 1 accepted for channel b (sequence id 1)",
		"push: part 1 of 1 accepted for 2 topics",
	}
	if !slices.Equal(events, want) {
		t.Errorf("progress %q, want %q", events, want)
	}
	if got, want := e.Counters(), map[string]int{"balancer": 1, "sendbatch": 1, "publish": 2, "push_publishbatch": 1}; !maps.Equal(got, want) {
		t.Errorf("counters %v, want %v", got, want)
	}

	// "b" has no device: the push fails, all or nothing.
	_, err = deliver(ctx, c, deliveryInput{Kind: deliveryPush, Channels: []string{"news", "nobody"}, Message: "n"}, nil)
	var de *deliveryError
	if !errors.As(err, &de) || len(de.Delivered) != 0 || !strings.Contains(de.Detail(), `Pushing to topics "news", "nobody" failed (one request for all of them, so none got it)`) {
		t.Errorf("push to a topic without devices: %v", err)
	}
	var apiErr *ortc.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 400 {
		t.Errorf("the API error is not reachable through the delivery error: %v", err)
	}
}

// TestConcreteChannelValidatorsAgreeWithTheClient holds the message channel
// rule to the client's: a channel ortc.ValidateChannel accepts, but not a
// wildcard (the client refuses to send to one).
func TestConcreteChannelValidatorsAgreeWithTheClient(t *testing.T) {
	for _, ch := range channelSamples {
		schemaOK := !runStringValidators(concreteChannelValidators(), ch).HasError()
		clientOK := ortc.ValidateChannel(ch) == nil && !strings.HasSuffix(ch, ":*")
		if schemaOK != clientOK {
			t.Errorf("channel %q: schema accepts %v, the client %v", ch, schemaOK, clientOK)
		}
		if diags := runStringValidators(concreteChannelValidators(), ch); len(diags) > 1 {
			t.Errorf("channel %q: %d diagnostics, want one naming the first broken rule", ch, len(diags))
		}
	}
}

func TestJSONObjectValidatorsWantAnObject(t *testing.T) {
	for value, want := range map[string]string{
		`{}`:               "",
		`{"a":[1]}`:        "",
		` {"a":1} `:        "",
		`[1]`:              "got an array",
		`"s"`:              "got a string",
		`1`:                "got a number",
		`true`:             "got a boolean",
		`null`:             "got null",
		`{not json`:        "", // the JSON type reports syntax
		`{"a":1} trailing`: "",
	} {
		diags := runStringValidators(jsonObjectValidators(), value)
		switch {
		case want == "" && diags.HasError():
			t.Errorf("%s: %v, want no error", value, diags)
		case want != "" && (!diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), want)):
			t.Errorf("%s: %v, want an error saying %q", value, diags, want)
		}
	}
}
