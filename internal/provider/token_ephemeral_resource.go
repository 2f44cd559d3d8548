package provider

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

var (
	_ ephemeral.EphemeralResource              = (*tokenEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*tokenEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithRenew     = (*tokenEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*tokenEphemeralResource)(nil)
)

// NewTokenEphemeralResource returns the ephemeral realtime_token.
func NewTokenEphemeralResource() ephemeral.EphemeralResource {
	return &tokenEphemeralResource{}
}

// tokenEphemeralResource mints a short-lived token for one Terraform run:
// Open saves its permissions, Renew saves them again before they run out,
// Close revokes it. Nothing of it reaches a plan or a state; what Renew and
// Close need travels in the ephemeral private data, which Terraform holds in
// memory between those calls only.
type tokenEphemeralResource struct {
	data *providerData
}

type tokenEphemeralModel struct {
	Token         types.String `tfsdk:"token"`
	Permissions   types.Map    `tfsdk:"permissions"`
	TTL           types.Int64  `tfsdk:"ttl"`
	Private       types.Bool   `tfsdk:"private"`
	RevokeOnClose types.Bool   `tfsdk:"revoke_on_close"`
	ExpiresAt     types.String `tfsdk:"expires_at"`
}

// mintedTokenLength and mintedTokenAlphabet make a minted token: 32
// characters of 62 give about 190 bits.
const (
	mintedTokenLength   = 32
	mintedTokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// tokenPrivateKey is the key of the private data Open leaves for Renew and
// Close.
const tokenPrivateKey = "token"

// openToken is what Renew and Close need: the token and what to save again.
type openToken struct {
	Token         string            `json:"token"`
	Permissions   map[string]string `json:"permissions"`
	TTL           int               `json:"ttl"`
	Private       bool              `json:"private"`
	RevokeOnClose bool              `json:"revoke_on_close"`
}

func (r *tokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

func (r *tokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A short-lived authentication token for the length of one Terraform run (Terraform 1.10 " +
			"and later), never in a plan or state: hand it to a CI job, or to another provider's configuration or " +
			"write-only attribute.\n\n" +
			"Opening it saves the token's `permissions` for `ttl` seconds; while Terraform still needs it, the " +
			"provider saves them again when 10 % of `ttl` remains; when Terraform is done with it, it is revoked " +
			"(saved with no channels) unless `revoke_on_close = false`. Terraform opens ephemeral resources in every " +
			"plan and apply, so without `token` each run (and each of plan and apply) mints a token of its own.",
		Attributes: map[string]schema.Attribute{
			"token": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The token. Default: a new random token of %d letters and digits "+
					"(from a cryptographic random source), minted each time Terraform opens the resource. Give one to "+
					"save permissions for a token you hand out otherwise: letters, digits and `_ - : / .` only. "+
					"Sensitive.", mintedTokenLength),
				Optional:   true,
				Computed:   true,
				Sensitive:  true,
				Validators: tokenValidators(),
			},
			"permissions": schema.MapAttribute{
				MarkdownDescription: permissionsDescription("The same rules as `realtime_token_permissions`."),
				Required:            true,
				ElementType:         LettersType{},
				Validators:          permissionsValidators(),
			},
			"ttl": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How long the permissions last after each save (opening and "+
					"renewing), in seconds. At least %d, at most %d. Terraform renews them while it needs the token; "+
					"with `revoke_on_close = false` they live this long after the last save.", ortc.MinTTL, ortc.MaxTTL),
				Required:   true,
				Validators: ttlValidators(),
			},
			"private": schema.BoolAttribute{
				MarkdownDescription: "Whether the token is private (`PVT`). Default `false`.",
				Optional:            true,
				Computed:            true,
			},
			"revoke_on_close": schema.BoolAttribute{
				MarkdownDescription: "Whether to revoke the token (save it with no channels) when Terraform is done " +
					"with it. Default `true`. Set `false` to let a job that outlives the run use the token until " +
					"`expires_at`.",
				Optional: true,
				Computed: true,
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the permissions saved at opening run out: the opening time + `ttl` " +
					"(RFC 3339, UTC). Renewals during the run push the real expiry later.",
				Computed: true,
			},
		},
	}
}

func (r *tokenEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *tokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m tokenEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil || r.data.client == nil {
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &ephemeral.Deferred{Reason: ephemeral.DeferredReasonProviderConfigUnknown}
			return
		}
		resp.Diagnostics.AddError("Realtime provider configuration not known yet",
			"The provider block depends on values known only after apply, so realtime_token cannot save a token "+
				"during this plan. Apply what the provider configuration depends on first (for example with "+
				"-target), or configure the provider with values known at plan time.")
		return
	}
	if !r.data.needPrivateKey("Saving a token's permissions", &resp.Diagnostics) {
		return
	}

	tok := openToken{
		Token:         m.Token.ValueString(),
		TTL:           int(m.TTL.ValueInt64()),
		Private:       m.Private.ValueBool(),
		RevokeOnClose: m.RevokeOnClose.IsNull() || m.RevokeOnClose.ValueBool(),
	}
	if m.Token.IsNull() {
		var err error
		if tok.Token, err = mintToken(); err != nil {
			resp.Diagnostics.AddError("Could not mint a token", err.Error())
			return
		}
	}
	if tok.Permissions = permissionsFromMap(ctx, m.Permissions, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	ctx = r.data.logContext(ctx, tok.Token)

	expires, ok := r.save(ctx, tok, "Saving the ephemeral token's permissions", &resp.Diagnostics)
	if !ok {
		return
	}
	// What Renew and Close need, kept by Terraform in memory only.
	resp.Diagnostics.Append(setOpenToken(ctx, resp.Private, tok)...)
	resp.RenewAt = renewAt(expires, tok.TTL)

	m.Token = types.StringValue(tok.Token)
	m.Private = types.BoolValue(tok.Private)
	m.RevokeOnClose = types.BoolValue(tok.RevokeOnClose)
	m.ExpiresAt = types.StringValue(expires.Format(time.RFC3339))
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

// Renew saves the same permissions again, for another ttl seconds.
func (r *tokenEphemeralResource) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	tok, ok := getOpenToken(ctx, req.Private, &resp.Diagnostics)
	if !ok || !r.data.ready(&resp.Diagnostics) {
		return
	}
	ctx = r.data.logContext(ctx, tok.Token)
	expires, ok := r.save(ctx, tok, "Renewing the ephemeral token's permissions", &resp.Diagnostics)
	if !ok {
		return
	}
	resp.RenewAt = renewAt(expires, tok.TTL)
}

// Close revokes the token unless revoke_on_close is false.
func (r *tokenEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	tok, ok := getOpenToken(ctx, req.Private, &resp.Diagnostics)
	if !ok || !tok.RevokeOnClose || !r.data.ready(&resp.Diagnostics) {
		return
	}
	ctx = r.data.logContext(ctx, tok.Token)
	tflog.Debug(ctx, "Revoking the ephemeral token")
	if err := r.data.client.Revoke(ctx, tok.Token); err != nil {
		resp.Diagnostics.AddError("Could not revoke the ephemeral token",
			fmt.Sprintf("%s. Its permissions run out by themselves within ttl (%d seconds).", err, tok.TTL))
	}
}

// save saves tok's permissions and returns when they expire.
func (r *tokenEphemeralResource) save(ctx context.Context, tok openToken, what string, diags *diag.Diagnostics) (time.Time, bool) {
	tflog.Debug(ctx, what, map[string]any{"channels": len(tok.Permissions), "ttl": tok.TTL, "private": tok.Private})
	_, expires, err := saveToken(ctx, r.data, ortc.AuthenticateInput{
		Token: tok.Token, Private: tok.Private, TTL: tok.TTL, Permissions: tok.Permissions,
	})
	if err != nil {
		diags.AddError("Could not save the ephemeral token's permissions", err.Error())
		return time.Time{}, false
	}
	return expires, true
}

// renewAt is when Terraform should renew permissions that expire at expires:
// 10 % of ttl before (as realtime_token_permissions' default renew_before).
func renewAt(expires time.Time, ttl int) time.Time {
	return expires.Add(-time.Duration(defaultRenewBefore(int64(ttl))) * time.Second)
}

// ephemeralPrivate is the part of the framework's private data that the
// ephemeral token uses (its type is internal to the framework).
type ephemeralPrivate interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func setOpenToken(ctx context.Context, p ephemeralPrivate, tok openToken) diag.Diagnostics {
	b, err := json.Marshal(tok)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Could not keep the ephemeral token", err.Error())
		return diags
	}
	return p.SetKey(ctx, tokenPrivateKey, b)
}

// getOpenToken reads what Open left. None is an error: the token would
// outlive the run unnoticed.
func getOpenToken(ctx context.Context, p ephemeralPrivate, diags *diag.Diagnostics) (openToken, bool) {
	var tok openToken
	b, d := p.GetKey(ctx, tokenPrivateKey)
	diags.Append(d...)
	if d.HasError() {
		return tok, false
	}
	if len(b) == 0 {
		diags.AddError("Ephemeral token data missing",
			"Terraform did not hand back the data the provider keeps for an open realtime_token. This is a bug in "+
				"the provider or in Terraform; please report it. The token's permissions run out by themselves within its ttl.")
		return tok, false
	}
	if err := json.Unmarshal(b, &tok); err != nil || tok.Token == "" {
		diags.AddError("Ephemeral token data unreadable",
			"The data the provider keeps for an open realtime_token does not read back. This is a bug in the "+
				"provider; please report it. The token's permissions run out by themselves within its ttl.")
		return tok, false
	}
	return tok, true
}

// mintToken returns mintedTokenLength characters of mintedTokenAlphabet from
// crypto/rand, without modulo bias: bytes at or above the largest multiple
// of the alphabet's size are drawn again.
func mintToken() (string, error) {
	const n = len(mintedTokenAlphabet)
	const limit = 256 - 256%n
	out := make([]byte, 0, mintedTokenLength)
	buf := make([]byte, mintedTokenLength*2)
	for len(out) < mintedTokenLength {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < mintedTokenLength {
				out = append(out, mintedTokenAlphabet[int(b)%n])
			}
		}
	}
	return string(out), nil
}
