package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

var (
	_ resource.Resource                   = (*tokenPermissionsResource)(nil)
	_ resource.ResourceWithConfigure      = (*tokenPermissionsResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*tokenPermissionsResource)(nil)
	_ resource.ResourceWithValidateConfig = (*tokenPermissionsResource)(nil)
	_ resource.ResourceWithImportState    = (*tokenPermissionsResource)(nil)
)

// NewTokenPermissionsResource returns the realtime_token_permissions resource.
func NewTokenPermissionsResource() resource.Resource {
	return &tokenPermissionsResource{}
}

// tokenPermissionsResource manages the channel permissions of one
// authentication token. The API saves a token's whole permission set at once
// (authenticate) and has no read and no delete: Create and Update save,
// Delete saves an empty set (revoke), Read keeps the state, and the plan
// renews the permissions before they expire.
type tokenPermissionsResource struct {
	data *providerData
}

type tokenPermissionsModel struct {
	ID              types.String `tfsdk:"id"`
	Token           types.String `tfsdk:"token"`
	Permissions     types.Map    `tfsdk:"permissions"`
	TTL             types.Int64  `tfsdk:"ttl"`
	Private         types.Bool   `tfsdk:"private"`
	RenewBefore     types.Int64  `tfsdk:"renew_before"`
	AuthenticatedAt types.String `tfsdk:"authenticated_at"`
	ExpiresAt       types.String `tfsdk:"expires_at"`
}

// token is the one place the token is read from the model, so that a
// write-only alternative (token_wo, read from the configuration) is a change
// here and in the schema only.
func (m tokenPermissionsModel) token() string { return m.Token.ValueString() }

// tokenKnown reports whether the token is known at plan time.
func (m tokenPermissionsModel) tokenKnown() bool { return !m.Token.IsUnknown() && !m.Token.IsNull() }

func (r *tokenPermissionsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token_permissions"
}

func (r *tokenPermissionsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The channel permissions of one authentication token: which channels a client holding " +
			"the token may read (`r`), write (`w`, implies read) and see presence of (`p`), for `ttl` seconds after " +
			"each save.\n\n" +
			"The Realtime API saves a token's whole permission set at once and has no way to read it back: " +
			"changing `permissions`, `ttl` or `private` re-saves in place; the plan renews the permissions once " +
			"`renew_before` seconds remain before `expires_at` (with a warning saying so); destroying the resource " +
			"revokes the token by saving it with no channels.\n\n" +
			"**Import is not supported**: the API cannot read a token's permissions back. Declare the resource and " +
			"apply; the save replaces whatever the token held.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "A stable identifier that does not reveal the token: the SHA-256 (hex) of the " +
					"application key, `:` and the token.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The authentication token whose permissions this resource manages, as clients " +
					"will present it. Letters, digits and `_ - : / .` only. Sensitive. Changing it replaces the " +
					"resource (the old token is revoked, the new one saved).",
				Required:      true,
				Sensitive:     true,
				Validators:    tokenValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"permissions": schema.MapAttribute{
				MarkdownDescription: fmt.Sprintf("Channel → permission letters: `r` read (subscribe), `w` write "+
					"(send; implies read), `p` presence. The letters are a set: `\"pw\"` and `\"wp\"` are the same and "+
					"never show a difference. A key may be a channel (1 to %d bytes; letters, digits and `_ - : / .`) "+
					"or a main channel's wildcard such as `main:*`, which covers every `main:<sub>` but not `main`; "+
					"an exact entry wins over the wildcard. 1 to %d entries. Changing it re-saves in place: the "+
					"token then holds exactly these permissions.", ortc.MaxChannelBytes, ortc.MaxPermissions),
				Required:      true,
				ElementType:   LettersType{},
				Validators:    permissionsValidators(),
				PlanModifiers: []planmodifier.Map{useStateWhenSemanticallyEqual()},
			},
			"ttl": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How long the permissions last after each save, in seconds. At "+
					"least %d, at most %d. Changing it re-saves in place.", ortc.MinTTL, maxTTL),
				Required:   true,
				Validators: ttlValidators(),
			},
			"private": schema.BoolAttribute{
				MarkdownDescription: "Whether the token is private (`PVT`). Default `false`. Changing it re-saves in place.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"renew_before": schema.Int64Attribute{
				MarkdownDescription: "How many seconds before `expires_at` a plan re-saves the permissions to renew " +
					"them. Default: 10 % of `ttl`, rounded down. At least 0 and less than `ttl`. Changing it alone " +
					"updates the state in place without calling the API.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.Int64{int64Rule(int64validator.AtLeast(0), "Invalid renew_before", "must not be negative")},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"authenticated_at": schema.StringAttribute{
				MarkdownDescription: "When the permissions were last saved (RFC 3339, UTC).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the saved permissions run out: `authenticated_at` + `ttl` (RFC 3339, UTC).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *tokenPermissionsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks what spans attributes: renew_before < ttl.
func (r *tokenPermissionsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg tokenPermissionsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if knownInt(cfg.TTL) && knownInt(cfg.RenewBefore) && cfg.RenewBefore.ValueInt64() >= cfg.TTL.ValueInt64() {
		resp.Diagnostics.AddAttributeError(path.Root("renew_before"), "renew_before not less than ttl",
			fmt.Sprintf("renew_before must be less than ttl (%d seconds); got %d.", cfg.TTL.ValueInt64(), cfg.RenewBefore.ValueInt64()))
	}
}

// ModifyPlan fills renew_before's default and id, and decides whether the
// apply saves: on any change of what the API holds, and when the saved
// permissions are due for renewal (now ≥ expires_at − renew_before).
func (r *tokenPermissionsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, cfg tokenPermissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if cfg.RenewBefore.IsNull() {
		plan.RenewBefore = types.Int64Unknown()
		if knownInt(plan.TTL) {
			plan.RenewBefore = types.Int64Value(defaultRenewBefore(plan.TTL.ValueInt64()))
		}
	}
	configured := r.data != nil && r.data.client != nil
	if configured && plan.tokenKnown() {
		plan.ID = types.StringValue(tokenPermissionsID(r.data.client.ApplicationKey(), plan.token()))
	}

	save := req.State.Raw.IsNull()
	if !save {
		var state tokenPermissionsModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		// A new id with the same token means another application key: the
		// token must be saved there.
		save = !plan.Token.Equal(state.Token) || !plan.Permissions.Equal(state.Permissions) ||
			!plan.TTL.Equal(state.TTL) || !plan.Private.Equal(state.Private) ||
			(!plan.ID.IsUnknown() && !plan.ID.Equal(state.ID))
		if !save && r.data != nil {
			if expires, due := renewalDue(state.ExpiresAt, plan.RenewBefore, r.data.now()); due {
				save = true
				resp.Diagnostics.AddWarning("Token permissions due for renewal",
					fmt.Sprintf("token expires at %s; renew_before is %ds: re-saving its permissions to renew them for another %d seconds.",
						expires.Format(time.RFC3339), plan.RenewBefore.ValueInt64(), plan.TTL.ValueInt64()))
			}
		}
		if !save {
			plan.AuthenticatedAt, plan.ExpiresAt = state.AuthenticatedAt, state.ExpiresAt
		}
	}
	if save {
		plan.AuthenticatedAt, plan.ExpiresAt = types.StringUnknown(), types.StringUnknown()
		if configured && !r.data.needPrivateKey("Saving token permissions", &resp.Diagnostics) {
			return
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *tokenPermissionsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan tokenPermissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	ctx = r.data.logContext(ctx, plan.token())
	r.save(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read keeps the state: the API cannot read a token's permissions back.
// Expiry is the plan's business (ModifyPlan).
func (r *tokenPermissionsResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
	// Nothing to do: the framework keeps the prior state.
}

func (r *tokenPermissionsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan tokenPermissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	ctx = r.data.logContext(ctx, plan.token())
	// Known timestamps in the plan mean nothing the API holds changed (only
	// renew_before): no call.
	if plan.AuthenticatedAt.IsUnknown() || plan.ExpiresAt.IsUnknown() {
		r.save(ctx, &plan, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *tokenPermissionsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state tokenPermissionsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) ||
		!r.data.needPrivateKey("Revoking a token", &resp.Diagnostics) {
		return
	}
	ctx = r.data.logContext(ctx, state.token())
	tflog.Debug(ctx, "Revoking token permissions", map[string]any{"id": state.ID.ValueString()})
	if err := r.data.client.Revoke(ctx, state.token()); err != nil {
		resp.Diagnostics.AddError("Could not revoke the token", err.Error())
	}
}

// ImportState refuses, saying why: the API cannot read a token back.
func (r *tokenPermissionsResource) ImportState(_ context.Context, _ resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.AddError("Import not supported",
		"realtime_token_permissions cannot be imported: the Realtime API has no way to read a token's permissions "+
			"back. Declare the resource and apply it instead; saving replaces whatever permissions the token held.")
}

// save saves plan's permissions (replacing the token's whole set) and fills
// the computed attributes.
func (r *tokenPermissionsResource) save(ctx context.Context, plan *tokenPermissionsModel, diags *diag.Diagnostics) {
	perms := make(map[string]string, len(plan.Permissions.Elements()))
	for ch, v := range plan.Permissions.Elements() {
		letters, ok := v.(basetypes.StringValuable)
		if !ok {
			diags.AddError("Unexpected permission value", fmt.Sprintf("Got %T for channel %q. This is a bug in the provider.", v, ch))
			return
		}
		s, d := letters.ToStringValue(ctx)
		diags.Append(d...)
		perms[ch] = s.ValueString()
	}
	// Taken before the call: the server's expiry is no earlier than ours.
	now := r.data.now().UTC().Truncate(time.Second)
	ttl := plan.TTL.ValueInt64()
	tflog.Debug(ctx, "Saving token permissions", map[string]any{"channels": len(perms), "ttl": ttl, "private": plan.Private.ValueBool()})
	err := r.data.client.Authenticate(ctx, ortc.AuthenticateInput{
		Token:       plan.token(),
		Private:     plan.Private.ValueBool(),
		TTL:         int(ttl),
		Permissions: perms,
	})
	if err != nil {
		diags.AddError("Could not save the token's permissions", err.Error())
		return
	}
	plan.ID = types.StringValue(tokenPermissionsID(r.data.client.ApplicationKey(), plan.token()))
	plan.AuthenticatedAt = types.StringValue(now.Format(time.RFC3339))
	plan.ExpiresAt = types.StringValue(now.Add(time.Duration(ttl) * time.Second).Format(time.RFC3339))
	if plan.RenewBefore.IsUnknown() {
		plan.RenewBefore = types.Int64Value(defaultRenewBefore(ttl))
	}
}

// tokenPermissionsID identifies a token without revealing it.
func tokenPermissionsID(appKey, token string) string {
	sum := sha256.Sum256([]byte(appKey + ":" + token))
	return hex.EncodeToString(sum[:])
}

// defaultRenewBefore is 10 % of ttl, rounded down.
func defaultRenewBefore(ttl int64) int64 { return ttl / 10 }

// renewalDue reports whether now is at or past expiresAt − renewBefore, and
// the parsed expiry. Unknown or unparsable values are never due.
func renewalDue(expiresAt types.String, renewBefore types.Int64, now time.Time) (time.Time, bool) {
	if expiresAt.IsNull() || expiresAt.IsUnknown() || !knownInt(renewBefore) {
		return time.Time{}, false
	}
	expires, err := time.Parse(time.RFC3339, expiresAt.ValueString())
	if err != nil {
		return time.Time{}, false
	}
	return expires, !now.Before(expires.Add(-time.Duration(renewBefore.ValueInt64()) * time.Second))
}

func knownInt(v types.Int64) bool { return !v.IsNull() && !v.IsUnknown() }
