package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

var (
	_ resource.Resource                   = (*messageResource)(nil)
	_ resource.ResourceWithConfigure      = (*messageResource)(nil)
	_ resource.ResourceWithValidateConfig = (*messageResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*messageResource)(nil)
)

// NewMessageResource returns the realtime_message resource.
func NewMessageResource() resource.Resource {
	return &messageResource{}
}

// messageResource is action-style: creating it delivers a message, and the
// resource then stands in the state as the record of that delivery. Every
// input change replaces it (delivers again); Read and Delete make no request
// (a message cannot be read back or unsent).
type messageResource struct {
	data *providerData
}

// messageResourceModel is the resource's state: the delivery's input
// (shared with the delivery actions) and what the delivery computed.
type messageResourceModel struct {
	deliveryConfig
	MessageWOVersion types.Int64  `tfsdk:"message_wo_version"`
	Triggers         types.Map    `tfsdk:"triggers"`
	ID               types.String `tfsdk:"id"`
	Parts            types.Int64  `tfsdk:"parts"`
	SequenceIDs      types.Map    `tfsdk:"sequence_ids"`
	DeliveredAt      types.String `tfsdk:"delivered_at"`
}

// attrMessageWOVersion is realtime_message's companion of message_wo: the
// one trace of the write-only text in the state, whose change delivers again.
const attrMessageWOVersion = "message_wo_version"

func (r *messageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_message"
}

func (r *messageResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := deliveryResourceAttributes(allDeliveries)
	attrs[attrMessageWOVersion] = schema.Int64Attribute{
		MarkdownDescription: "Required with `message_wo`, and only with it: any number you choose, kept in the " +
			"state in place of the write-only text, which Terraform never keeps and so cannot compare. Change it " +
			"(say, increment it) when `message_wo` changes: that replaces the resource, which delivers the " +
			"message again. Changing `message_wo` alone delivers nothing.",
		Optional:      true,
		PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
	}
	attrs["triggers"] = schema.MapAttribute{
		MarkdownDescription: "Arbitrary strings whose change delivers the message again, such as a release " +
			"version or a commit. Not sent anywhere. Changing any of them replaces the resource.",
		Optional:      true,
		ElementType:   types.StringType,
		PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
	}
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: "The delivery's id: the framing id (8 characters `[a-z0-9]`) that every part of the " +
			"message carried on every channel, so receivers and logs can match it. Push frames nothing; there it " +
			"is an id of the same shape naming the delivery.",
		Computed:      true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["parts"] = schema.Int64Attribute{
		MarkdownDescription: "How many parts the message was cut into per channel (each part one request). " +
			"`1` for push.",
		Computed:      true,
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
	}
	attrs["sequence_ids"] = schema.MapAttribute{
		MarkdownDescription: "For `publish`: each channel's sequence id of the message, as the server answered " +
			"it (opaque strings, unique per channel). Null for `send` and `push`.",
		Computed:      true,
		ElementType:   types.StringType,
		PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
	}
	attrs["delivered_at"] = schema.StringAttribute{
		MarkdownDescription: "When the delivery completed, in RFC 3339 (UTC).",
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Delivers a message when created, then stays in the state as the record of that " +
			"delivery: a message to the subscribers of Realtime channels (`send`, `publish`) or a mobile push " +
			"notification to the devices of push topics (`push`).\n\n" +
			fmt.Sprintf("- **Create** delivers, once. A message is cut into parts of at most %d bytes that "+
				"receivers reassemble.\n", ortc.MaxPartBytes) +
			"- **Every change** of an argument (the message, the channels, `triggers`, ...) replaces the resource: " +
			"the message is delivered again. Use `triggers` to deliver again on purpose, on a new release say.\n" +
			"- **Refresh** makes no request: the API cannot read a message back.\n" +
			"- **Destroy** only removes the record from the state and makes no request: a delivered message " +
			"cannot be unsent.\n\n" +
			"A text that must not sit in the state or a plan goes in `message_wo` (write-only, Terraform 1.11 or " +
			"later) instead of `message`, with `message_wo_version`: Terraform cannot see a write-only value " +
			"change, so a new `message_wo_version` is what delivers again.\n\n" +
			"Arguments that do not fit the chosen `delivery` (`ttl` with `send`, `payload` with `publish`, a " +
			"`token` with `push`, more channels than the delivery takes, ...) are errors at plan time, before " +
			"any request.\n\n" +
			"If a delivery fails, apply reports the channel and the API's answer and records nothing, so the " +
			"next apply delivers again. `send` to several channels and `push` to several topics are one request " +
			"per part for all of them: all or nothing. `publish` goes channel after channel: when one fails, " +
			"the channels before it have the message already; the error names them (with their sequence ids) " +
			"and the next apply delivers to every channel again, those included.",
		Attributes: attrs,
	}
}

func (r *messageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks the arguments against the delivery; it runs at
// validate and plan time and makes no request.
func (r *messageResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	cfg, diags := readDeliveryConfig(ctx, req.Config.GetAttribute, allDeliveries)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.validate(ctx, &resp.Diagnostics)

	var version types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(attrMessageWOVersion), &version)...)
	if cfg.MessageWO.IsUnknown() || version.IsUnknown() {
		return
	}
	switch {
	case !cfg.MessageWO.IsNull() && version.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root(attrMessageWOVersion), "Missing message_wo_version",
			"message_wo_version: required with message_wo. Terraform keeps no trace of a write-only value, so it "+
				"cannot see message_wo change: set message_wo_version, and change it to deliver the message again.")
	case cfg.MessageWO.IsNull() && !version.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root(attrMessageWOVersion), "Attribute does not fit the message",
			"message_wo_version: applies to message_wo only (with message, a change of the text itself delivers "+
				"again; use triggers to deliver the same text again).")
	}
}

// ModifyPlan checks, before apply, that the provider has what the planned
// delivery needs to authenticate.
func (r *messageResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() || r.data == nil || r.data.client == nil {
		// Destroy; an existing record (Terraform plans a replacement as a
		// create with no prior state, which comes here again); or the
		// provider configuration is not known yet.
		return
	}
	var plan messageResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	kind, known := plan.kind()
	if !known || plan.Token.IsUnknown() {
		return
	}
	if _, missing := r.credentials(kind, plan.Token); missing != "" {
		resp.Diagnostics.AddAttributeError(path.Root(attrDelivery), "Missing Realtime credentials", missing)
	}
}

// credentials is the token to deliver with (see deliveryCredentials).
func (r *messageResource) credentials(kind deliveryKind, token types.String) (string, string) {
	return deliveryCredentials(r.data, kind, token)
}

func (r *messageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan messageResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	kind, _ := plan.kind()
	token, missing := r.credentials(kind, plan.Token)
	if missing != "" {
		resp.Diagnostics.AddError("Missing Realtime credentials", missing)
		return
	}
	// The plan holds no write-only value: message_wo comes from the
	// configuration.
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(attrMessageWO), &plan.MessageWO)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = r.data.logContext(ctx, token, plan.MessageWO.ValueString())
	in, diags := plan.input(ctx, plan.text(), token)
	plan.MessageWO = types.StringNull() // never into the state
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	tflog.Debug(ctx, "Delivering a message", map[string]any{"delivery": string(kind), "channels": in.Channels})
	res, err := deliver(ctx, r.data.client, in, func(p deliveryProgress) {
		tflog.Debug(ctx, p.String())
	})
	if err != nil {
		// Nothing is saved: there is no delivery to record.
		var de *deliveryError
		if errors.As(err, &de) {
			resp.Diagnostics.AddError(de.Summary(), de.Detail())
		} else {
			resp.Diagnostics.AddError("Message not delivered", err.Error())
		}
		return
	}
	tflog.Info(ctx, "Delivered a message", map[string]any{"delivery": string(kind), "id": res.ID, "parts": res.Parts})

	plan.ID = types.StringValue(res.ID)
	plan.Parts = types.Int64Value(int64(res.Parts))
	plan.DeliveredAt = types.StringValue(r.data.now().UTC().Format(time.RFC3339))
	plan.SequenceIDs = types.MapNull(types.StringType)
	if res.SequenceIDs != nil {
		seq, d := types.MapValueFrom(ctx, types.StringType, res.SequenceIDs)
		resp.Diagnostics.Append(d...)
		plan.SequenceIDs = seq
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read keeps the state: a message cannot be read back, so the record stands
// as delivered.
func (r *messageResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update is never planned (every argument replaces); should Terraform ask,
// the record takes the new arguments' values and nothing is delivered.
func (r *messageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state messageResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.Parts, plan.SequenceIDs, plan.DeliveredAt = state.ID, state.Parts, state.SequenceIDs, state.DeliveredAt
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete forgets the record and makes no request: a delivered message
// cannot be unsent (the schema's description says so; no warning is due).
func (r *messageResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
