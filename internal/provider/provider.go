// Package provider is the Terraform glue of the Realtime provider: schemas,
// models, plan logic and diagnostics. It holds no HTTP; every call goes
// through internal/ortc.
package provider

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

var (
	_ provider.Provider                       = (*realtimeProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*realtimeProvider)(nil)
	_ provider.ProviderWithActions            = (*realtimeProvider)(nil)
	_ provider.ProviderWithFunctions          = (*realtimeProvider)(nil)
)

// Environment variables each provider attribute falls back to.
const (
	envApplicationKey      = "REALTIME_APPLICATION_KEY"
	envPrivateKey          = "REALTIME_PRIVATE_KEY"
	envAuthenticationToken = "REALTIME_AUTHENTICATION_TOKEN"
	envClusterURL          = "REALTIME_CLUSTER_URL"
	envServerURL           = "REALTIME_SERVER_URL"
	envPushURL             = "REALTIME_PUSH_URL"
	envRequestTimeout      = "REALTIME_REQUEST_TIMEOUT"
	envMaxRetries          = "REALTIME_MAX_RETRIES"
)

// maxMaxRetries bounds max_retries: with exponential backoff capped at 10 s,
// more retries only hide an outage.
const maxMaxRetries = 10

type realtimeProvider struct {
	version string
	// now is the clock of every time-dependent decision (token renewal).
	// Tests inject a fake one, the way the time provider does.
	now func() time.Time
	// getenv reads the REALTIME_* fallbacks; tests inject a map so that they
	// run in parallel and ignore the developer's own environment.
	getenv func(string) string
}

// New returns a factory for the provider at the given version.
func New(version string) func() provider.Provider {
	return newWithClock(version, time.Now)
}

// newWithClock returns a factory for a provider that reads the time from now.
func newWithClock(version string, now func() time.Time) func() provider.Provider {
	return newWithClockAndEnv(version, now, os.Getenv)
}

// newWithClockAndEnv also replaces the process environment.
func newWithClockAndEnv(version string, now func() time.Time, getenv func(string) string) func() provider.Provider {
	return func() provider.Provider {
		return &realtimeProvider{version: version, now: now, getenv: getenv}
	}
}

// realtimeProviderModel is the provider block.
type realtimeProviderModel struct {
	ApplicationKey      types.String `tfsdk:"application_key"`
	PrivateKey          types.String `tfsdk:"private_key"`
	AuthenticationToken types.String `tfsdk:"authentication_token"`
	ClusterURL          types.String `tfsdk:"cluster_url"`
	ServerURL           types.String `tfsdk:"server_url"`
	PushURL             types.String `tfsdk:"push_url"`
	RequestTimeout      types.String `tfsdk:"request_timeout"`
	MaxRetries          types.Int64  `tfsdk:"max_retries"`
}

func (p *realtimeProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "realtime"
	resp.Version = p.version
}

func (p *realtimeProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Realtime provider manages [Realtime Cloud Messaging](https://realtime.co) (ORTC): " +
			"channel permissions of authentication tokens, channel presence, messages and mobile push. " +
			"Every attribute can instead come from a `REALTIME_*` environment variable; a value in the " +
			"provider block wins over the environment. Configuring the provider makes no request.",
		Attributes: map[string]schema.Attribute{
			"application_key": schema.StringAttribute{
				MarkdownDescription: "The application key of the Realtime application to manage. Required, here or in " +
					"`" + envApplicationKey + "`. Letters, digits and `_ - : / .` only.",
				Optional:   true,
				Validators: applicationKeyValidators(),
			},
			"private_key": schema.StringAttribute{
				MarkdownDescription: "The application's private key, sent with every management call (saving token " +
					"permissions, switching presence, sending, pushing). Falls back to `" + envPrivateKey + "`. " +
					"Only presence reads can do without it, given `authentication_token`. Sensitive: never logged.",
				Optional:  true,
				Sensitive: true,
			},
			"authentication_token": schema.StringAttribute{
				MarkdownDescription: "An authentication token the provider uses where the API takes a token instead of " +
					"the private key: reading channel presence (the token needs the `p` permission on the channels " +
					"read, when the application enforces authentication). Falls back to `" + envAuthenticationToken + "`. " +
					"Without it, the provider saves short-lived private read tokens of its own with the private key " +
					"(see `realtime_channel_presence`). Sensitive: never logged.",
				Optional:   true,
				Sensitive:  true,
				Validators: tokenValidators(),
			},
			"cluster_url": schema.StringAttribute{
				MarkdownDescription: "The cluster (balancer) URL that tells which messaging server to use. Default `" +
					ortc.DefaultClusterURL + "`. Falls back to `" + envClusterURL + "`. Conflicts with `server_url`. " +
					"An absolute `http://` or `https://` URL; the provider warns when the private key would travel " +
					"over plain `http://` to a host other than this machine.",
				Optional:   true,
				Validators: urlValidators(true),
			},
			"server_url": schema.StringAttribute{
				MarkdownDescription: "A fixed messaging server URL, used instead of asking the cluster. Falls back to `" +
					envServerURL + "`. Conflicts with `cluster_url` (when either is set in the provider block, " +
					"both environment variables are ignored).",
				Optional: true,
				Validators: append(urlValidators(false),
					stringvalidator.ConflictsWith(path.MatchRoot("cluster_url"))),
			},
			"push_url": schema.StringAttribute{
				MarkdownDescription: "The mobile push API URL. Default `" + ortc.DefaultPushURL + "`. Falls back to `" +
					envPushURL + "`.",
				Optional:   true,
				Validators: urlValidators(false),
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "How long one HTTP attempt may take: a duration such as `\"15s\"` or `\"1m30s\"`, " +
					"or a whole number of seconds such as `\"15\"`. Between 100ms and 10m. Default `\"15s\"`. " +
					"Falls back to `" + envRequestTimeout + "`. Retries each get the full timeout.",
				Optional:   true,
				Validators: durationValidators(),
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a failed idempotent request (connection error, 429, "+
					"5xx) is retried, with exponential backoff that honours `Retry-After`. `0` disables retries. "+
					"Deliveries (messages, pushes) are retried only when the request certainly never left. "+
					"0 to %d; default %d. Falls back to `%s`.", maxMaxRetries, ortc.DefaultMaxRetries, envMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, maxMaxRetries)},
			},
		},
	}
}

func (p *realtimeProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg realtimeProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if unknown := cfg.unknownAttributes(); len(unknown) > 0 {
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
			return
		}
		for _, name := range unknown {
			resp.Diagnostics.AddAttributeWarning(path.Root(name), "Realtime provider configuration not known yet",
				fmt.Sprintf("The value of %s is only known after apply, so the provider cannot call the Realtime API "+
					"during this plan: resources keep their prior state and are checked on the next run.", name))
		}
		p.hand(resp, &providerData{now: p.now})
		return
	}

	s, ok := p.settings(cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	secrets := nonEmpty(s.privateKey, s.authToken)
	ctx = maskSecrets(ctx, secrets...)
	ctx = tflog.SetField(ctx, "realtime_application_key", s.appKey)

	if w := plainHTTPWarning(s); w != "" {
		resp.Diagnostics.AddWarning("Private key sent over plain HTTP", w)
	}

	client, err := ortc.New(ortc.Options{
		ApplicationKey: s.appKey,
		PrivateKey:     s.privateKey,
		ClusterURL:     s.clusterURL,
		ServerURL:      s.serverURL,
		PushURL:        s.pushURL,
		Timeout:        s.timeout,
		MaxRetries:     s.maxRetries,
		UserAgent:      "terraform-provider-realtime/" + p.version,
		Logger:         ortcLogger(secrets),
	})
	if err != nil {
		resp.Diagnostics.AddError("Invalid Realtime provider configuration", err.Error())
		return
	}
	tflog.Debug(ctx, "Configured the Realtime client", map[string]any{
		"cluster_url":     s.clusterURL,
		"server_url":      s.serverURL,
		"push_url":        s.pushURL,
		"request_timeout": s.timeout.String(),
		"max_retries":     s.maxRetries,
		"has_private_key": s.privateKey != "",
		"has_auth_token":  s.authToken != "",
	})

	p.hand(resp, &providerData{
		client:        client,
		hasPrivateKey: s.privateKey != "",
		now:           p.now,
		secrets:       secrets,
		presence:      newPresenceReader(client, s.privateKey, s.authToken, p.now),
	})
}

// hand gives the one providerData (and so the one client) to every kind of
// type the provider serves.
func (p *realtimeProvider) hand(resp *provider.ConfigureResponse, d *providerData) {
	resp.ResourceData = d
	resp.DataSourceData = d
	resp.EphemeralResourceData = d
	resp.ActionData = d
	resp.ListResourceData = d
}

// Resources lists the managed resources. Append new ones here.
func (p *realtimeProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewTokenPermissionsResource,
		NewChannelPresenceResource,
		NewMessageResource,
	}
}

// DataSources lists the data sources. Append new ones here.
func (p *realtimeProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewChannelPresenceDataSource,
		NewPushTopicsDataSource,
		NewPushTopicDevicesDataSource,
		NewPushTopicDataSource,
		NewServerDataSource,
	}
}

// EphemeralResources lists the ephemeral resources. Append new ones here.
func (p *realtimeProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewTokenEphemeralResource,
	}
}

// Actions lists the actions. Append new ones here.
func (p *realtimeProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		NewSendAction,
		NewPublishAction,
		NewPushAction,
	}
}

// Functions lists the provider functions. Append new ones here.
func (p *realtimeProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{}
}

// unknownAttributes names the attributes whose value is not known yet.
func (m realtimeProviderModel) unknownAttributes() []string {
	var out []string
	for _, a := range []struct {
		name    string
		unknown bool
	}{
		{"application_key", m.ApplicationKey.IsUnknown()},
		{"private_key", m.PrivateKey.IsUnknown()},
		{"authentication_token", m.AuthenticationToken.IsUnknown()},
		{"cluster_url", m.ClusterURL.IsUnknown()},
		{"server_url", m.ServerURL.IsUnknown()},
		{"push_url", m.PushURL.IsUnknown()},
		{"request_timeout", m.RequestTimeout.IsUnknown()},
		{"max_retries", m.MaxRetries.IsUnknown()},
	} {
		if a.unknown {
			out = append(out, a.name)
		}
	}
	return out
}

// providerSettings is the provider block merged with its environment
// fallbacks, checked, in the client's terms.
type providerSettings struct {
	appKey, privateKey, authToken  string
	clusterURL, serverURL, pushURL string
	timeout                        time.Duration
	maxRetries                     int // ortc semantics: 0 default, -1 none
}

// diagnostics is the part of diag.Diagnostics that settings needs.
type diagnostics interface {
	AddAttributeError(path.Path, string, string)
}

// settings merges the configuration with the environment and checks what no
// schema validator saw: the environment values and the required key.
func (p *realtimeProvider) settings(cfg realtimeProviderModel, diags diagnostics) (providerSettings, bool) {
	var s providerSettings
	ok := true
	fail := func(attr, summary, detail string) {
		diags.AddAttributeError(path.Root(attr), summary, detail)
		ok = false
	}
	env := func(name string) string { return strings.TrimSpace(p.getenv(name)) }
	str := func(v types.String, name string) (string, bool) {
		if !v.IsNull() {
			return v.ValueString(), false
		}
		return env(name), env(name) != ""
	}

	var fromEnv bool
	s.appKey, fromEnv = str(cfg.ApplicationKey, envApplicationKey)
	switch {
	case s.appKey == "":
		fail("application_key", "Missing Realtime application key",
			"Set application_key in the provider block or the "+envApplicationKey+" environment variable.")
	case fromEnv && !ortc.NamePattern.MatchString(s.appKey):
		fail("application_key", "Invalid application key",
			fmt.Sprintf("%s: %s; got %q.", envApplicationKey, ruleAppKeyChars, s.appKey))
	}

	s.privateKey, _ = str(cfg.PrivateKey, envPrivateKey)
	s.authToken, fromEnv = str(cfg.AuthenticationToken, envAuthenticationToken)
	if fromEnv && !ortc.NamePattern.MatchString(s.authToken) {
		fail("authentication_token", "Invalid token", envAuthenticationToken+": "+ruleTokenChars+".")
	}

	// The two server URLs are one choice: the provider block decides it when
	// it sets either, otherwise the environment does.
	if !cfg.ClusterURL.IsNull() || !cfg.ServerURL.IsNull() {
		s.clusterURL, s.serverURL = cfg.ClusterURL.ValueString(), cfg.ServerURL.ValueString()
	} else {
		s.clusterURL, s.serverURL = env(envClusterURL), env(envServerURL)
		if s.clusterURL != "" && s.serverURL != "" {
			fail("server_url", "Conflicting server settings",
				"Both "+envClusterURL+" and "+envServerURL+" are set; set only one (a fixed server_url means no cluster lookup).")
		}
		if s.clusterURL != "" {
			if err := checkBaseURL(s.clusterURL, true); err != nil {
				fail("cluster_url", "Invalid URL", fmt.Sprintf("%s %s.", envClusterURL, err))
			}
		}
		if s.serverURL != "" {
			if err := checkBaseURL(s.serverURL, false); err != nil {
				fail("server_url", "Invalid URL", fmt.Sprintf("%s %s.", envServerURL, err))
			}
		}
	}
	if s.pushURL, fromEnv = str(cfg.PushURL, envPushURL); fromEnv {
		if err := checkBaseURL(s.pushURL, false); err != nil {
			fail("push_url", "Invalid URL", fmt.Sprintf("%s %s.", envPushURL, err))
		}
	}

	if t, fromEnv := str(cfg.RequestTimeout, envRequestTimeout); t != "" {
		d, err := parseTimeout(t)
		switch {
		case err != nil && fromEnv:
			fail("request_timeout", "Invalid request timeout", fmt.Sprintf("%s %s.", envRequestTimeout, err))
		case err != nil:
			fail("request_timeout", "Invalid request timeout", fmt.Sprintf("request_timeout %s.", err))
		default:
			s.timeout = d
		}
	}

	retries := int64(-1)
	if !cfg.MaxRetries.IsNull() {
		retries = cfg.MaxRetries.ValueInt64()
	} else if v := env(envMaxRetries); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 || n > maxMaxRetries {
			fail("max_retries", "Invalid max_retries",
				fmt.Sprintf("%s must be a whole number from 0 to %d; got %q.", envMaxRetries, maxMaxRetries, v))
		}
		retries = n
	}
	switch {
	case retries < 0: // not set: the client's default
		s.maxRetries = 0
	case retries == 0: // ortc spells "no retries" -1; 0 is its default
		s.maxRetries = -1
	default:
		s.maxRetries = int(retries)
	}
	return s, ok
}

// plainHTTPWarning explains, once, where the private key would travel in
// clear text: an http:// URL to a host other than this machine. Loopback
// (emulators, tunnels) is fine. A cluster reached over http hands out an http
// server, which receives the private key.
func plainHTTPWarning(s providerSettings) string {
	if s.privateKey == "" {
		return ""
	}
	var exposed []string
	for _, u := range []struct{ attr, raw string }{
		{"cluster_url", s.clusterURL},
		{"server_url", s.serverURL},
		{"push_url", s.pushURL},
	} {
		if u.raw == "" {
			continue
		}
		parsed, err := url.Parse(u.raw)
		if err != nil || parsed.Scheme != "http" || isLoopbackHost(parsed.Hostname()) {
			continue
		}
		exposed = append(exposed, fmt.Sprintf("%s (%s)", u.attr, parsed.Host))
	}
	if len(exposed) == 0 {
		return ""
	}
	return "The private key would travel unencrypted over plain http:// to " + strings.Join(exposed, ", ") +
		". Anyone on the path can read it and take over the application. Use https:// URLs, " +
		"or plain http:// only to this machine (localhost, 127.0.0.0/8, ::1)."
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
