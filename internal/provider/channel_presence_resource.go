package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

var (
	_ resource.Resource                = (*channelPresenceResource)(nil)
	_ resource.ResourceWithConfigure   = (*channelPresenceResource)(nil)
	_ resource.ResourceWithIdentity    = (*channelPresenceResource)(nil)
	_ resource.ResourceWithImportState = (*channelPresenceResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*channelPresenceResource)(nil)
)

// NewChannelPresenceResource returns the realtime_channel_presence resource.
func NewChannelPresenceResource() resource.Resource {
	return &channelPresenceResource{}
}

// channelPresenceResource switches presence on for one channel (or every
// sub-channel of a main channel, "main:*"). Read asks the server; presence
// found off means it was switched off outside Terraform, and the resource is
// removed from state so that the next plan switches it on again.
type channelPresenceResource struct {
	data *providerData
}

type channelPresenceModel struct {
	ID       types.String `tfsdk:"id"`
	Channel  types.String `tfsdk:"channel"`
	Metadata types.Bool   `tfsdk:"metadata"`
}

type channelPresenceIdentityModel struct {
	ApplicationKey types.String `tfsdk:"application_key"`
	Channel        types.String `tfsdk:"channel"`
}

func (r *channelPresenceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_channel_presence"
}

func (r *channelPresenceResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Presence switched on for a channel: the server then counts the channel's " +
			"subscribers (and, with `metadata`, their connection metadata) for clients with the `p` permission.\n\n" +
			"Each refresh reads the channel's presence. Reading takes a token: the provider's " +
			"`authentication_token` when set, otherwise a short-lived private token the provider saves itself " +
			"with the private key (`p` on this channel only, 300 seconds, one per channel, reused across runs: a " +
			"refresh costs one read while it lives, and one save more when it has run out). Presence found off " +
			"means it was switched off outside Terraform: the next plan switches it on again. The API reads " +
			"presence of concrete channels only, so a wildcard `main:*` is read through the sub-channel " +
			"`main:_terraform_presence_probe` (switch that one on or off by itself and the check is fooled).\n\n" +
			"Import by channel (`terraform import realtime_channel_presence.x orders`) or, with Terraform 1.12 and " +
			"later, by identity (`application_key`, `channel`). The API does not tell whether metadata is " +
			"collected; an import assumes `metadata = true` only when the channel shows connection metadata.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The channel.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"channel": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The channel to switch presence on for: 1 to %d bytes of letters, "+
					"digits and `_ - : / .`, or a main channel's wildcard such as `main:*` (every `main:<sub>`). "+
					"Changing it replaces the resource: presence goes off on the old channel and on on the new one.",
					ortc.MaxChannelBytes),
				Required:      true,
				Validators:    presenceChannelValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"metadata": schema.BoolAttribute{
				MarkdownDescription: "Whether the server also collects the subscribers' connection metadata. " +
					"Default `false`. Changing it updates in place (presence is switched on again with the new " +
					"flag). The API does not report the flag, so a change made outside Terraform is not detected.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
	}
}

func (r *channelPresenceResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"application_key": identityschema.StringAttribute{
				Description:       "The application key. Optional when importing: defaults to the provider's.",
				OptionalForImport: true,
			},
			"channel": identityschema.StringAttribute{
				Description:       "The channel (or main:* wildcard).",
				RequiredForImport: true,
			},
		},
	}
}

func (r *channelPresenceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses at plan time what the apply could not do: switching
// presence on or off takes the private key (a provider with only an
// authentication_token can read presence, not change it).
func (r *channelPresenceResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || r.data.client == nil || (!req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw)) {
		return // the provider configuration is not known yet, or nothing changes
	}
	what := "Switching presence on"
	if req.Plan.Raw.IsNull() {
		what = "Switching presence off"
	}
	r.data.needPrivateKey(what, &resp.Diagnostics)
}

func (r *channelPresenceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.save(ctx, req.Plan, &resp.State, resp.Identity, &resp.Diagnostics)
}

// save switches presence on as planned (on again, for an update: only the
// metadata flag changes) and records state and identity.
func (r *channelPresenceResource) save(ctx context.Context, planned tfsdk.Plan, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	var plan channelPresenceModel
	diags.Append(planned.Get(ctx, &plan)...)
	if diags.HasError() || !r.data.ready(diags) || !r.data.needPrivateKey("Switching presence on", diags) {
		return
	}
	ctx = r.data.logContext(ctx)
	if !r.enable(ctx, plan, diags) {
		return
	}
	plan.ID = plan.Channel
	diags.Append(state.Set(ctx, &plan)...)
	r.setIdentity(ctx, plan.Channel.ValueString(), identity, diags)
}

func (r *channelPresenceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state channelPresenceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || r.data == nil || r.data.client == nil {
		return // configuration not known yet: keep the state
	}
	ctx = r.data.logContext(ctx)
	channel := state.Channel.ValueString()
	info, err := r.data.presence.Read(ctx, presenceReadChannel(channel))
	switch {
	case errors.Is(err, ortc.ErrPresenceNotEnabled):
		tflog.Warn(ctx, "Presence is off on the channel (switched off outside Terraform); removing it from state", map[string]any{"channel": channel})
		// The framework wants an identity after every Read without an
		// error, even one that removes the resource; Terraform before 1.12
		// keeps none to start from.
		r.setIdentity(ctx, channel, resp.Identity, &resp.Diagnostics)
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		resp.Diagnostics.AddError("Could not read channel presence", err.Error())
		return
	}
	state.ID = state.Channel
	if state.Metadata.IsNull() || state.Metadata.IsUnknown() {
		// Import: the API does not report the flag, but connection metadata
		// shows only when it is on.
		state.Metadata = types.BoolValue(len(info.Metadata) > 0)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	r.setIdentity(ctx, channel, resp.Identity, &resp.Diagnostics)
}

func (r *channelPresenceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.save(ctx, req.Plan, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *channelPresenceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state channelPresenceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) ||
		!r.data.needPrivateKey("Switching presence off", &resp.Diagnostics) {
		return
	}
	ctx = r.data.logContext(ctx)
	if err := r.data.client.DisablePresence(ctx, state.Channel.ValueString()); err != nil {
		resp.Diagnostics.AddError("Could not switch presence off", err.Error())
	}
}

// ImportState takes the channel from the import ID or from the identity.
func (r *channelPresenceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	channel := req.ID
	if req.ID == "" && req.Identity != nil {
		var id channelPresenceIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if r.data != nil && r.data.client != nil && !id.ApplicationKey.IsNull() &&
			id.ApplicationKey.ValueString() != r.data.client.ApplicationKey() {
			resp.Diagnostics.AddAttributeError(path.Root("application_key"), "Identity of another application",
				fmt.Sprintf("The identity names application %q but the provider manages %q; import it with a "+
					"provider configured for that application.", id.ApplicationKey.ValueString(), r.data.client.ApplicationKey()))
			return
		}
		channel = id.Channel.ValueString()
	}
	err := ortc.ValidateChannel(channel)
	if err == nil {
		err = checkPathChannel(channel)
	}
	if err != nil {
		resp.Diagnostics.AddError("Invalid import identifier",
			fmt.Sprintf("Import realtime_channel_presence by its channel, such as orders or main:*: %s", err))
		return
	}
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("channel"), path.Root("channel"), req, resp)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), channel)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("channel"), channel)...)
}

// presenceProbe names the sub-channel read to learn whether a wildcard
// switch is on.
const presenceProbe = "_terraform_presence_probe"

// presenceReadChannel is the channel whose presence tells whether the switch
// on channel is on. The API reads presence of concrete channels only, so a
// wildcard "main:*" is read through a sub-channel of main that nobody
// switches on its own (an exact switch would win over the wildcard): the
// probe, cut to fit the channel length limit.
func presenceReadChannel(channel string) string {
	main, ok := strings.CutSuffix(channel, ":*")
	if !ok {
		return channel
	}
	room := ortc.MaxChannelBytes - len(main) - 1
	return main + ":" + presenceProbe[:max(1, min(room, len(presenceProbe)))]
}

func (r *channelPresenceResource) enable(ctx context.Context, plan channelPresenceModel, diags *diag.Diagnostics) bool {
	channel, metadata := plan.Channel.ValueString(), plan.Metadata.ValueBool()
	tflog.Debug(ctx, "Switching presence on", map[string]any{"channel": channel, "metadata": metadata})
	if err := r.data.client.EnablePresence(ctx, channel, metadata); err != nil {
		diags.AddError("Could not switch presence on", err.Error())
		return false
	}
	return true
}

// setIdentity records the identity; Terraform older than 1.14 fails an
// update that leaves it unset, so Create, Read (also when it removes the
// resource) and Update all call it.
func (r *channelPresenceResource) setIdentity(ctx context.Context, channel string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil || r.data == nil || r.data.client == nil {
		return
	}
	diags.Append(identity.Set(ctx, channelPresenceIdentityModel{
		ApplicationKey: types.StringValue(r.data.client.ApplicationKey()),
		Channel:        types.StringValue(channel),
	})...)
}
