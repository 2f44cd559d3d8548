package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

// providerData is what Configure hands to every resource, data source,
// ephemeral resource and action: the one *ortc.Client of the provider
// process, with what lives as long as it (the clock, the presence read
// tokens, the secrets to keep out of logs).
type providerData struct {
	// client is nil when the provider configuration was not known yet (a
	// plan whose provider block depends on other resources): types then
	// keep their prior state and call nothing.
	client        *ortc.Client
	hasPrivateKey bool
	now           func() time.Time
	secrets       []string
	presence      *presenceReader
}

// providerDataFrom is the Configure step of every type: it returns nil, with
// no diagnostic, before the provider is configured (Terraform validates
// configurations with an unconfigured provider).
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	d, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return d
}

// ready reports whether calls can be made; otherwise it explains why in diags.
// Create, Update and Delete use it: they only run once the configuration is
// known.
func (d *providerData) ready(diags *diag.Diagnostics) bool {
	if d == nil || d.client == nil {
		diags.AddError("Realtime provider not configured",
			"The provider configuration is not known, so the Realtime API cannot be called. "+
				"This is a bug in the provider or in Terraform; please report it.")
		return false
	}
	return true
}

// needPrivateKey reports whether the provider has a private key, and
// otherwise says which operation needs one.
func (d *providerData) needPrivateKey(what string, diags *diag.Diagnostics) bool {
	if d.hasPrivateKey {
		return true
	}
	diags.AddError("Missing Realtime private key",
		what+" needs the application's private key: set private_key in the provider block or the "+
			envPrivateKey+" environment variable.")
	return false
}

// logContext masks the provider's secrets, and any extra ones (a resource's
// token), in everything logged through ctx.
func (d *providerData) logContext(ctx context.Context, extra ...string) context.Context {
	if d == nil {
		return maskSecrets(ctx, nonEmpty(extra...)...)
	}
	return maskSecrets(ctx, append(append([]string(nil), d.secrets...), nonEmpty(extra...)...)...)
}

// Field keys whose values are secrets, whatever their value.
var secretFieldKeys = []string{
	"private_key", "privatekey", "PK", "authentication_token", "token", "AT",
}

type secretsKey struct{}

// maskSecrets masks secrets in the provider's root logger, remembers them
// in ctx for the ortc subsystem logger, whose masks are its own, and has
// the client keep them out of the errors of calls made with ctx (a
// write-only message is a secret only the provider knows of).
func maskSecrets(ctx context.Context, secrets ...string) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, secretFieldKeys...)
	if len(secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	ctx = tflog.MaskMessageStrings(ctx, secrets...)
	ctx = ortc.WithSecrets(ctx, secrets...)
	prior, _ := ctx.Value(secretsKey{}).([]string)
	return context.WithValue(ctx, secretsKey{}, append(append([]string(nil), prior...), secrets...))
}

// ortcSubsystem is the tflog subsystem of the API client's log lines
// (TF_LOG_PROVIDER_REALTIME_ORTC sets its level).
const ortcSubsystem = "ortc"

// ortcLogger logs the client's lines in the "ortc" subsystem at debug level,
// masking the provider's secrets and those of the calling operation. The
// client promises never to pass a secret; this is the second lock.
func ortcLogger(secrets []string) func(ctx context.Context, msg string, fields map[string]any) {
	return func(ctx context.Context, msg string, fields map[string]any) {
		ctx = tflog.NewSubsystem(ctx, ortcSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_REALTIME_ORTC"))
		ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, ortcSubsystem, secretFieldKeys...)
		all, _ := ctx.Value(secretsKey{}).([]string)
		all = append(append([]string(nil), secrets...), all...)
		if len(all) > 0 {
			ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, ortcSubsystem, all...)
			ctx = tflog.SubsystemMaskMessageStrings(ctx, ortcSubsystem, all...)
		}
		tflog.SubsystemDebug(ctx, ortcSubsystem, msg, fields)
	}
}

// authenticationToken is the provider's authentication_token ("" when not
// configured), for the calls that take a token instead of the private key.
func (d *providerData) authenticationToken() string {
	if d == nil || d.presence == nil {
		return ""
	}
	return d.presence.configured
}

// readyToRead is ready for data sources, which Terraform reads during plan:
// there an unknown provider configuration is the practitioner's to resolve,
// not a bug.
func (d *providerData) readyToRead(diags *diag.Diagnostics) bool {
	if d == nil || d.client == nil {
		diags.AddError("Realtime provider configuration not known yet",
			"The provider block depends on values known only after apply, so this data source cannot call the "+
				"Realtime API during this plan. Apply the resources the provider configuration depends on first "+
				"(for example with -target), or configure the provider with values known at plan time.")
		return false
	}
	return true
}
