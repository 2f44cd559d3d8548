package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
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
	_ resource.Resource                     = (*tokenPermissionsResource)(nil)
	_ resource.ResourceWithConfigure        = (*tokenPermissionsResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*tokenPermissionsResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*tokenPermissionsResource)(nil)
	_ resource.ResourceWithImportState      = (*tokenPermissionsResource)(nil)
	_ resource.ResourceWithConfigValidators = (*tokenPermissionsResource)(nil)
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
	TokenWO         types.String `tfsdk:"token_wo"`
	TokenWOVersion  types.Int64  `tfsdk:"token_wo_version"`
	Permissions     types.Map    `tfsdk:"permissions"`
	TTL             types.Int64  `tfsdk:"ttl"`
	Private         types.Bool   `tfsdk:"private"`
	RenewBefore     types.Int64  `tfsdk:"renew_before"`
	AuthenticatedAt types.String `tfsdk:"authenticated_at"`
	ExpiresAt       types.String `tfsdk:"expires_at"`
}

// writeOnly reports whether the token is write-only (token_wo). A plan or a
// state never holds token_wo, so there a null token means just that: the
// only trace of the token is its hash, the id.
func (m tokenPermissionsModel) writeOnly() bool { return m.Token.IsNull() }

// configToken is the token as the configuration gives it (token or
// token_wo), and whether it is known. Write-only values are in the
// configuration only, and only while planning and applying a create or an
// update: never in a destroy.
func (m tokenPermissionsModel) configToken() (string, bool) {
	v := m.Token
	if v.IsNull() {
		v = m.TokenWO
	}
	return v.ValueString(), !v.IsNull() && !v.IsUnknown()
}

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
			"revokes the token by saving it with no channels: the API has no delete, and re-saving with no channels " +
			"is the only way it offers to end a token before its TTL runs out.\n\n" +
			"Give the token as `token` (kept in state, marked sensitive) or, with Terraform 1.11 and later, as the " +
			"write-only `token_wo` with `token_wo_version` (never in a plan or state: only its hash, `id`, is). " +
			"Terraform hands a write-only value to the provider when it creates or updates, never when it " +
			"destroys, so **destroying a `token_wo` resource cannot revoke the token**: its permissions run out " +
			"at `expires_at` instead, and the plan and the apply warn about it. Use `token` when revocation on " +
			"destroy matters, and the ephemeral `realtime_token` for short-lived tokens.\n\n" +
			"**Import is not supported**: the API cannot read a token's permissions back. Declare the resource and " +
			"apply; the save replaces whatever the token held.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "A stable identifier that does not reveal the token: the SHA-256 (hex) of the " +
					"application key, `:` and the token (`token` or `token_wo`). Known at plan time with `token`; with " +
					"`token_wo` (whose value may differ between plan and apply) known after the first apply. With " +
					"`token_wo` it is the only trace of the token in state, and the provider checks the configured " +
					"token against it before every save.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The authentication token whose permissions this resource manages, as clients " +
					"will present it. Letters, digits and `_ - : / .` only. Sensitive, but stored in state (that is " +
					"what lets destroy revoke it). Exactly one of `token` and `token_wo` is required. Changing it " +
					"replaces the resource (the old token is revoked, the new one saved).",
				Optional:      true,
				Sensitive:     true,
				Validators:    tokenValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"token_wo": schema.StringAttribute{
				MarkdownDescription: "The token as a write-only value (Terraform 1.11 and later): the same rules as " +
					"`token`, but it is never stored in a plan or state; it can come from an ephemeral value. " +
					"Requires `token_wo_version`; exactly one of `token` and `token_wo` is required. " +
					"Terraform cannot see a change of a write-only value: change `token_wo_version` with it, which " +
					"replaces the resource. Saves (creating, changing `permissions`, `ttl` or `private`, renewing) " +
					"read the token from the configuration and check it against `id`; when it holds another token " +
					"without a new `token_wo_version`, a plan that would save fails and any other plan warns. " +
					"**Destroy does not revoke it.** Terraform gives a write-only value to create and update only, and " +
					"the provider keeps no copy (a provider's private state is stored in the state file too, which " +
					"would defeat write-only). So destroying the resource, or replacing it after a " +
					"`token_wo_version` change, leaves the token's permissions in place until `expires_at` (at most " +
					"`ttl` seconds after the last save); plan and apply warn with the time. Keep `ttl` short when that " +
					"matters, or use `token`.",
				Optional:   true,
				WriteOnly:  true,
				Sensitive:  true,
				Validators: tokenValidators(),
			},
			"token_wo_version": schema.Int64Attribute{
				MarkdownDescription: "The version of `token_wo`, any whole number you choose: change it whenever " +
					"`token_wo` holds a new token. Required with `token_wo`, not allowed with `token`. Stored in " +
					"state. Any change replaces the resource, because another token is another resource: the new " +
					"token's permissions are saved, and the old token is **not** revoked (see `token_wo`).",
				Optional:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"permissions": schema.MapAttribute{
				MarkdownDescription: permissionsDescription("Rewriting `\"pw\"` as `\"wp\"` shows no difference. " +
					"Changing it re-saves in place: the token then holds exactly these permissions."),
				Required:      true,
				ElementType:   LettersType{},
				Validators:    permissionsValidators(),
				PlanModifiers: []planmodifier.Map{useStateWhenSemanticallyEqual()},
			},
			"ttl": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How long the permissions last after each save, in seconds. At "+
					"least %d, at most %d. Changing it re-saves in place.", ortc.MinTTL, ortc.MaxTTL),
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
					"updates the state in place without calling the API (a renewal then due waits for the next plan).",
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

// permissionsDescription describes a channel → letters map of token
// permissions; change says what changing it does.
func permissionsDescription(change string) string {
	return fmt.Sprintf("Channel → permission letters: `r` read (subscribe), `w` write "+
		"(send; implies read), `p` presence. The letters are a set: `\"pw\"` and `\"wp\"` are the same. "+
		"A key may be a channel (1 to %d bytes; letters, digits and `_ - : / .`) "+
		"or a main channel's wildcard such as `main:*`, which covers every `main:<sub>` but not `main`; "+
		"an exact entry wins over the wildcard. 1 to %d entries. %s", ortc.MaxChannelBytes, ortc.MaxPermissions, change)
}

// Rules across attributes, worded once for the validators and the tests.
const (
	ruleOneToken = "Set exactly one of token (stored in state, sensitive) and token_wo (write-only, " +
		"Terraform 1.11 and later, never stored)."
	ruleTokenWOVersion = "token_wo and token_wo_version go together: set token_wo_version (any whole number, " +
		"changed whenever token_wo holds a new token) with token_wo, and not with token."
)

// ConfigValidators check the choice of token at validate time: exactly one
// of token and token_wo, and token_wo_version exactly with token_wo.
func (r *tokenPermissionsResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		configRule(resourcevalidator.ExactlyOneOf(path.MatchRoot("token"), path.MatchRoot("token_wo")),
			"Invalid token choice", ruleOneToken),
		configRule(resourcevalidator.RequiredTogether(path.MatchRoot("token_wo"), path.MatchRoot("token_wo_version")),
			"Invalid token_wo_version", ruleTokenWOVersion),
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
// permissions are due for renewal (now ≥ expires_at − renew_before). With
// token_wo it also checks the configured token against the id, and warns
// when a destroy or a replacement cannot revoke the token.
func (r *tokenPermissionsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() { // destroy
		var state tokenPermissionsModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() && state.writeOnly() {
			resp.Diagnostics.AddWarning("Destroy will not revoke the write-only token", notRevokedDetail(state.ExpiresAt))
		}
		return
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
	// The id of the token the configuration gives, when known.
	configured := r.data != nil && r.data.client != nil
	cfgID := types.StringUnknown()
	if tok, known := cfg.configToken(); configured && known {
		cfgID = types.StringValue(tokenPermissionsID(r.data.client.ApplicationKey(), tok))
	}
	// The id a new resource gets. A write-only value may differ between plan
	// and apply (an ephemeral source gives a new one each run), and the apply
	// saves the value it gets; so the id of a new write-only token is known
	// after apply only.
	newID := cfgID
	if plan.writeOnly() {
		newID = types.StringUnknown()
	}

	save := req.State.Raw.IsNull()
	if save {
		plan.ID = newID
	} else {
		var state tokenPermissionsModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		// token and token_wo_version require replacement (plan modifiers);
		// this plan is the update Terraform turns into one.
		replace := !plan.Token.Equal(state.Token) || !plan.TokenWOVersion.Equal(state.TokenWOVersion)
		// With token_wo under the same version, the configured token must be
		// the one this resource manages: its id says which that is.
		foreign := !replace && plan.writeOnly() && !cfgID.IsUnknown() && !cfgID.Equal(state.ID)
		switch {
		case replace:
			plan.ID = newID
			if state.writeOnly() {
				resp.Diagnostics.AddWarning("Replacing will not revoke the write-only token", notRevokedDetail(state.ExpiresAt))
			}
		case !foreign && !cfgID.IsUnknown():
			// A new id with the same token means another application key:
			// the token must be saved there.
			plan.ID = cfgID
		}
		save = replace || !plan.Permissions.Equal(state.Permissions) ||
			!plan.TTL.Equal(state.TTL) || !plan.Private.Equal(state.Private) ||
			(!plan.ID.IsUnknown() && !plan.ID.Equal(state.ID))
		// Renewal depends on the clock, and Terraform plans again at apply:
		// an update of renew_before alone (the one update that saves nothing)
		// must not turn into a save when the threshold passes in between, or
		// the apply would contradict its plan. It renews at the next plan.
		renew := false
		if !save && r.data != nil && plan.RenewBefore.Equal(state.RenewBefore) {
			if expires, due := renewalDue(state.ExpiresAt, plan.RenewBefore, r.data.now()); due {
				save, renew = true, true
				if !foreign {
					resp.Diagnostics.AddWarning("Token permissions due for renewal",
						fmt.Sprintf("token expires at %s; renew_before is %ds: re-saving its permissions to renew them for another %d seconds.",
							expires.Format(time.RFC3339), plan.RenewBefore.ValueInt64(), plan.TTL.ValueInt64()))
				}
			}
		}
		if foreign {
			if save {
				what := "Changing permissions, ttl or private"
				if renew {
					what = "Renewing the permissions"
				}
				resp.Diagnostics.AddAttributeError(path.Root("token_wo"), "token_wo holds another token", what+
					" would save them for the token in token_wo, but "+foreignTokenDetail)
				return
			}
			resp.Diagnostics.AddAttributeWarning(path.Root("token_wo"), "token_wo holds another token",
				"Nothing is saved in this plan, but "+foreignTokenDetail)
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

// foreignTokenDetail explains a token_wo that does not match the id.
const foreignTokenDetail = "that is not the token this resource manages (its hash, with the provider's " +
	"application key, is not the resource's id), and token_wo_version did not change. Terraform cannot see a " +
	"change of a write-only value by itself: to move to the new token, change token_wo_version too (which " +
	"replaces the resource); otherwise give token_wo its previous value. (When the provider now manages another " +
	"application, change token_wo_version as well.)"

// notRevokedDetail explains why a write-only token survives its resource.
func notRevokedDetail(expiresAt types.String) string {
	until := "its expiry"
	if !expiresAt.IsNull() && !expiresAt.IsUnknown() {
		until = expiresAt.ValueString()
	}
	return "This realtime_token_permissions uses token_wo. Terraform does not give write-only values to a " +
		"destroy, and the provider keeps no copy of the token, so it cannot revoke it: the token keeps its " +
		"permissions until they expire at " + until + ". To end them sooner, use token instead of token_wo, " +
		"or a short ttl."
}

func (r *tokenPermissionsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, cfg tokenPermissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	token, _ := cfg.configToken()
	ctx = r.data.logContext(ctx, token)
	r.save(ctx, &plan, token, &resp.Diagnostics)
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
	var plan, cfg tokenPermissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	token, _ := cfg.configToken()
	ctx = r.data.logContext(ctx, token)
	// Known timestamps in the plan mean nothing the API holds changed (only
	// renew_before): no call.
	if plan.AuthenticatedAt.IsUnknown() || plan.ExpiresAt.IsUnknown() {
		r.save(ctx, &plan, token, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *tokenPermissionsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state tokenPermissionsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.writeOnly() {
		// No token to revoke with: say so, and forget the resource.
		resp.Diagnostics.AddWarning("Write-only token not revoked", notRevokedDetail(state.ExpiresAt))
		return
	}
	if !r.data.ready(&resp.Diagnostics) || !r.data.needPrivateKey("Revoking a token", &resp.Diagnostics) {
		return
	}
	ctx = r.data.logContext(ctx, state.Token.ValueString())
	tflog.Debug(ctx, "Revoking token permissions", map[string]any{"id": state.ID.ValueString()})
	if err := r.data.client.Revoke(ctx, state.Token.ValueString()); err != nil {
		resp.Diagnostics.AddError("Could not revoke the token", err.Error())
	}
}

// ImportState refuses, saying why: the API cannot read a token back.
func (r *tokenPermissionsResource) ImportState(_ context.Context, _ resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.AddError("Import not supported",
		"realtime_token_permissions cannot be imported: the Realtime API has no way to read a token's permissions "+
			"back. Declare the resource and apply it instead; saving replaces whatever permissions the token held.")
}

// save saves plan's permissions for token (replacing the token's whole set)
// and fills the computed attributes. A write-only token must match the id
// the plan holds: another token would get permissions this resource does not
// track.
func (r *tokenPermissionsResource) save(ctx context.Context, plan *tokenPermissionsModel, token string, diags *diag.Diagnostics) {
	id := tokenPermissionsID(r.data.client.ApplicationKey(), token)
	if plan.writeOnly() && !plan.ID.IsUnknown() && plan.ID.ValueString() != id {
		diags.AddAttributeError(path.Root("token_wo"), "token_wo holds another token",
			"The apply would save permissions for the token in token_wo, but "+foreignTokenDetail)
		return
	}
	perms := permissionsFromMap(ctx, plan.Permissions, diags)
	if diags.HasError() {
		return
	}
	ttl := plan.TTL.ValueInt64()
	tflog.Debug(ctx, "Saving token permissions", map[string]any{"channels": len(perms), "ttl": ttl, "private": plan.Private.ValueBool()})
	saved, expires, err := saveToken(ctx, r.data, ortc.AuthenticateInput{
		Token:       token,
		Private:     plan.Private.ValueBool(),
		TTL:         int(ttl),
		Permissions: perms,
	})
	if err != nil {
		diags.AddError("Could not save the token's permissions", err.Error())
		return
	}
	plan.ID = types.StringValue(id)
	plan.TokenWO = types.StringNull() // never stored (the framework nulls it too)
	plan.AuthenticatedAt = types.StringValue(saved.Format(time.RFC3339))
	plan.ExpiresAt = types.StringValue(expires.Format(time.RFC3339))
	if plan.RenewBefore.IsUnknown() {
		plan.RenewBefore = types.Int64Value(defaultRenewBefore(ttl))
	}
}

// saveToken saves a token's permissions (realtime_token_permissions and the
// ephemeral realtime_token) and returns when, by the provider's clock, they
// were saved and when they expire. The time is taken before the call, so the
// server's expiry is no earlier than the one returned.
func saveToken(ctx context.Context, d *providerData, in ortc.AuthenticateInput) (saved, expires time.Time, err error) {
	saved = d.now().UTC().Truncate(time.Second)
	if err := d.client.Authenticate(ctx, in); err != nil {
		return time.Time{}, time.Time{}, err
	}
	return saved, saved.Add(time.Duration(in.TTL) * time.Second), nil
}

// permissionsFromMap reads a channel → letters map (of LettersType values)
// in the client's terms. Normalising the letters is the client's business.
func permissionsFromMap(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	perms := make(map[string]string, len(m.Elements()))
	for ch, v := range m.Elements() {
		letters, ok := v.(basetypes.StringValuable)
		if !ok {
			diags.AddError("Unexpected permission value", fmt.Sprintf("Got %T for channel %q. This is a bug in the provider.", v, ch))
			return nil
		}
		s, d := letters.ToStringValue(ctx)
		diags.Append(d...)
		perms[ch] = s.ValueString()
	}
	return perms
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

// configRule runs a framework config validator and, when it fails, reports
// the rule (a sentence) in our words, once, instead of the framework's
// generic message.
func configRule(inner resource.ConfigValidator, summary, rule string) resource.ConfigValidator {
	return configRuleValidator{inner: inner, summary: summary, rule: rule}
}

type configRuleValidator struct {
	inner         resource.ConfigValidator
	summary, rule string
}

var _ resource.ConfigValidator = configRuleValidator{}

func (v configRuleValidator) Description(context.Context) string         { return v.rule }
func (v configRuleValidator) MarkdownDescription(context.Context) string { return v.rule }

func (v configRuleValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var inner resource.ValidateConfigResponse
	v.inner.ValidateResource(ctx, req, &inner)
	if !inner.Diagnostics.HasError() {
		return
	}
	for _, d := range inner.Diagnostics.Errors() {
		if p, ok := d.(diag.DiagnosticWithPath); ok {
			resp.Diagnostics.AddAttributeError(p.Path(), v.summary, v.rule)
			return
		}
	}
	resp.Diagnostics.AddError(v.summary, v.rule)
}
