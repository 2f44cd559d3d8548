package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// deliveryAction is the one implementation of the delivery actions
// (realtime_send, realtime_publish, realtime_push): each is this type with
// its delivery kind and its description (send_action.go, publish_action.go,
// push_action.go). It has realtime_message's attributes, rules and delivery
// (message_delivery.go) for one fixed kind, and no state: every invocation
// delivers once.
type deliveryAction struct {
	kind        deliveryKind
	description string
	data        *providerData
}

var (
	_ action.Action                   = (*deliveryAction)(nil)
	_ action.ActionWithConfigure      = (*deliveryAction)(nil)
	_ action.ActionWithValidateConfig = (*deliveryAction)(nil)
	_ action.ActionWithModifyPlan     = (*deliveryAction)(nil)
)

// kinds is the one delivery the action offers, in the shape the shared
// pieces take.
func (a *deliveryAction) kinds() []deliveryKind { return []deliveryKind{a.kind} }

func (a *deliveryAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + string(a.kind)
}

// actionDescription is what every delivery action's description ends with:
// what invoking it does, how to invoke it, what fails it.
const actionDescription = "\n\nAn action: it delivers each time it is invoked, from a resource's " +
	"`lifecycle { action_trigger { ... } }` or with `terraform apply -invoke=action.<type>.<name>`, and keeps " +
	"nothing in the state. Needs Terraform 1.14 or later.\n\n" +
	"Arguments that do not fit (an unknown argument, too many channels, a bad channel name, both `message` " +
	"and `message_wo`, ...) are errors at plan time, before any request. While it runs, the action reports " +
	"each accepted part on each channel. A refused request fails the action with the channel and the API's " +
	"answer. For a text that must stay out of saved plans, give `message_wo` an ephemeral value."

func (a *deliveryAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: a.description + actionDescription,
		Attributes:          deliveryActionAttributes(a.kinds()),
	}
}

func (a *deliveryAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks the arguments against the delivery, at validate and
// plan time, with no request.
func (a *deliveryAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	cfg, diags := readDeliveryConfig(ctx, req.Config.GetAttribute, a.kinds())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.validate(ctx, &resp.Diagnostics)
}

// ModifyPlan checks, when an invocation is planned, that the provider has
// what the delivery needs to authenticate.
func (a *deliveryAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	if a.data == nil || a.data.client == nil {
		return // the provider configuration is not known yet
	}
	cfg, diags := readDeliveryConfig(ctx, req.Config.GetAttribute, a.kinds())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || cfg.Token.IsUnknown() {
		return
	}
	if _, missing := deliveryCredentials(a.data, a.kind, cfg.Token); missing != "" {
		resp.Diagnostics.AddError("Missing Realtime credentials", missing)
	}
}

// Invoke delivers the message once and reports each accepted request as a
// progress event.
func (a *deliveryAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	cfg, diags := readDeliveryConfig(ctx, req.Config.GetAttribute, a.kinds())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !a.data.ready(&resp.Diagnostics) {
		return
	}
	// Values unknown at plan time were not checked then: check them now,
	// before any request.
	cfg.validate(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	token, missing := deliveryCredentials(a.data, a.kind, cfg.Token)
	if missing != "" {
		resp.Diagnostics.AddError("Missing Realtime credentials", missing)
		return
	}
	ctx = a.data.logContext(ctx, token, cfg.MessageWO.ValueString())
	in, diags := cfg.input(ctx, cfg.text(), token)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	tflog.Debug(ctx, "Invoking a delivery action", map[string]any{"delivery": string(a.kind), "channels": in.Channels})
	res, err := deliver(ctx, a.data.client, in, func(p deliveryProgress) {
		a.progress(resp, actionProgress(p))
	})
	if err != nil {
		var de *deliveryError
		if errors.As(err, &de) {
			resp.Diagnostics.AddError(de.Summary(), de.ActionDetail())
		} else {
			resp.Diagnostics.AddError("Message not delivered", err.Error())
		}
		return
	}
	tflog.Info(ctx, "Delivered a message", map[string]any{"delivery": string(a.kind), "id": res.ID, "parts": res.Parts})
	if in.Kind != deliveryPush { // a push is one request, reported already
		a.progress(resp, actionDone(in, res))
	}
}

// progress sends one progress event (SendProgress is nil when the action
// is invoked outside Terraform, as in unit tests that do not listen).
func (a *deliveryAction) progress(resp *action.InvokeResponse, msg string) {
	if resp.SendProgress != nil {
		resp.SendProgress(action.InvokeProgressEvent{Message: msg})
	}
}

// actionProgress is the progress line of one accepted request:
//
//	sent part 3/7 to orders
//	sent part 1/1 to 3 channels: a, b, c
//	published part 3/7 to orders
//	published part 7/7 to orders: seq 42     (the part that completed it)
//	pushed to news
//	pushed to 2 topics: news, sport
func actionProgress(p deliveryProgress) string {
	where := channelList(p.Kind, p.Channels)
	switch p.Kind {
	case deliveryPush:
		return "pushed to " + where
	case deliveryPublish:
		s := fmt.Sprintf("published part %d/%d to %s", p.Part, p.Total, where)
		if p.SequenceID != "" {
			s += ": seq " + p.SequenceID
		}
		return s
	}
	return fmt.Sprintf("sent part %d/%d to %s", p.Part, p.Total, where)
}

// actionDone is the last progress line of a send or publish: the framing
// id that every part carried, so that receivers and logs can be matched to
// this invocation.
//
//	delivered message k3x9a0qz to orders (7 parts)
//	delivered message k3x9a0qz to 3 channels: a, b, c (1 part each)
func actionDone(in deliveryInput, res *deliveryResult) string {
	parts := fmt.Sprintf("%d parts", res.Parts)
	if res.Parts == 1 {
		parts = "1 part"
	}
	if len(in.Channels) > 1 {
		parts += " each"
	}
	return fmt.Sprintf("delivered message %s to %s (%s)", res.ID, channelList(in.Kind, in.Channels), parts)
}

// maxListedChannels bounds how many channel names a progress line lists.
const maxListedChannels = 5

// channelList names the channels of a request: the one channel, or how
// many and which (the first few).
func channelList(k deliveryKind, chs []string) string {
	if len(chs) == 1 {
		return chs[0]
	}
	names := strings.Join(chs, ", ")
	if len(chs) > maxListedChannels {
		names = fmt.Sprintf("%s and %d more", strings.Join(chs[:maxListedChannels], ", "), len(chs)-maxListedChannels)
	}
	return fmt.Sprintf("%d %s: %s", len(chs), k.noun(), names)
}
