package provider

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// configureProvider runs Configure on a provider block given as attribute
// values (unset ones null) and an environment.
func configureProvider(t *testing.T, attrs map[string]tftypes.Value, env map[string]string) (*provider.ConfigureResponse, *providerData) {
	t.Helper()
	ctx := context.Background()
	p := testProvider(t, func(k string) string { return env[k] })
	var sresp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sresp)
	typ, ok := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("the provider schema is not an object")
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range attrs {
		if _, ok := typ.AttributeTypes[name]; !ok {
			t.Fatalf("no attribute %q", name)
		}
		vals[name] = v
	}
	cfg := tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, vals)}
	var resp provider.ConfigureResponse
	p.Configure(ctx, provider.ConfigureRequest{Config: cfg}, &resp)
	d, _ := resp.ResourceData.(*providerData)
	return &resp, d
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func unknownString() tftypes.Value { return tftypes.NewValue(tftypes.String, tftypes.UnknownValue) }

// errorAt returns the summary and detail of the first error at attribute.
func errorAt(diags diag.Diagnostics, attribute string) (string, bool) {
	for _, d := range diags.Errors() {
		if wp, ok := d.(diag.DiagnosticWithPath); ok && wp.Path().Equal(path.Root(attribute)) {
			return d.Summary() + ": " + d.Detail(), true
		}
	}
	return "", false
}

func TestConfigureHandsOneClientToEveryKind(t *testing.T) {
	resp, d := configureProvider(t, map[string]tftypes.Value{
		"application_key": str("app"),
		"private_key":     str("secret-pk"),
	}, nil)
	if resp.Diagnostics.HasError() || len(resp.Diagnostics) != 0 {
		t.Fatalf("diagnostics: %v", resp.Diagnostics)
	}
	if d == nil || d.client == nil {
		t.Fatal("no client handed to resources")
	}
	for name, v := range map[string]any{
		"DataSourceData":        resp.DataSourceData,
		"EphemeralResourceData": resp.EphemeralResourceData,
		"ActionData":            resp.ActionData,
		"ListResourceData":      resp.ListResourceData,
	} {
		if v != any(d) {
			t.Errorf("%s is %v, want the same providerData as ResourceData", name, v)
		}
	}
	if d.client.ApplicationKey() != "app" || !d.hasPrivateKey {
		t.Errorf("client for %q (private key %v)", d.client.ApplicationKey(), d.hasPrivateKey)
	}
}

func TestConfigureReportsMissingApplicationKeyOnTheAttribute(t *testing.T) {
	resp, _ := configureProvider(t, map[string]tftypes.Value{"private_key": str("pk")}, nil)
	msg, ok := errorAt(resp.Diagnostics, "application_key")
	if !ok || !strings.Contains(msg, "Missing Realtime application key") || !strings.Contains(msg, envApplicationKey) {
		t.Fatalf("want a missing-key error on application_key naming %s, got %v", envApplicationKey, resp.Diagnostics)
	}
	if resp.ResourceData != nil {
		t.Error("a failed configuration handed data to resources")
	}
}

func TestConfigureFallsBackToTheEnvironment(t *testing.T) {
	resp, d := configureProvider(t, nil, map[string]string{
		envApplicationKey:      "env-app",
		envPrivateKey:          "env-pk",
		envAuthenticationToken: "env-token",
		envServerURL:           "http://127.0.0.1:9/",
		envPushURL:             "http://localhost:9/mp",
		envRequestTimeout:      "20",
		envMaxRetries:          "0",
	})
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("diagnostics: %v", resp.Diagnostics)
	}
	if d.client.ApplicationKey() != "env-app" || d.presence.configured != "env-token" {
		t.Errorf("environment not used: app %q, token set %v", d.client.ApplicationKey(), d.presence.configured != "")
	}
}

func TestConfigurePrefersTheProviderBlockToTheEnvironment(t *testing.T) {
	resp, d := configureProvider(t, map[string]tftypes.Value{
		"application_key": str("block-app"),
		"cluster_url":     str("https://cluster.example/server/ssl/2.1"),
	}, map[string]string{
		envApplicationKey: "env-app",
		envServerURL:      "https://server.example", // ignored: the block chose the cluster
	})
	if resp.Diagnostics.HasError() {
		t.Fatalf("diagnostics: %v", resp.Diagnostics)
	}
	if got := d.client.ApplicationKey(); got != "block-app" {
		t.Errorf("application key %q, want the block's", got)
	}
}

func TestConfigureChecksEnvironmentValuesOnTheirAttribute(t *testing.T) {
	for _, tc := range []struct {
		name      string
		env       map[string]string
		attribute string
		want      string
	}{
		{"a non-http cluster URL", map[string]string{envClusterURL: "ftp://x/server/2.1"}, "cluster_url", "http:// or https://"},
		{"both server URLs", map[string]string{envClusterURL: "https://a/server/2.1", envServerURL: "https://b"}, "server_url", "set only one"},
		{"a push URL without host", map[string]string{envPushURL: "https:///mp"}, "push_url", "naming a host"},
		{"a timeout that is not a duration", map[string]string{envRequestTimeout: "soon"}, "request_timeout", "duration"},
		{"too many retries", map[string]string{envMaxRetries: "11"}, "max_retries", "0 to 10"},
		{"a bad application key", map[string]string{envApplicationKey: "my app"}, "application_key", "letters, digits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{envApplicationKey: "app", envPrivateKey: "pk"}
			for k, v := range tc.env {
				env[k] = v
			}
			resp, _ := configureProvider(t, nil, env)
			msg, ok := errorAt(resp.Diagnostics, tc.attribute)
			if !ok || !strings.Contains(msg, tc.want) {
				t.Fatalf("want an error on %s containing %q, got %v", tc.attribute, tc.want, resp.Diagnostics)
			}
		})
	}
}

func TestConfigureWarnsAndHandsNoClientWhenValuesAreUnknown(t *testing.T) {
	resp, d := configureProvider(t, map[string]tftypes.Value{
		"application_key": unknownString(),
		"private_key":     str("pk"),
	}, nil)
	if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 {
		t.Fatalf("want one warning, got %v", resp.Diagnostics)
	}
	if d == nil || d.client != nil || d.now == nil {
		t.Fatalf("want provider data with a clock and no client, got %+v", d)
	}
}

func TestConfigureDefersWhenTerraformAllowsIt(t *testing.T) {
	ctx := context.Background()
	p := testProvider(t, func(string) string { return "" })
	var sresp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sresp)
	cfg := tfsdk.Config{Schema: sresp.Schema}
	model := realtimeProviderModel{
		ApplicationKey: types.StringUnknown(), PrivateKey: types.StringNull(), AuthenticationToken: types.StringNull(),
		ClusterURL: types.StringNull(), ServerURL: types.StringNull(), PushURL: types.StringNull(),
		RequestTimeout: types.StringNull(), MaxRetries: types.Int64Null(),
	}
	state := tfsdk.State{Schema: sresp.Schema}
	if diags := state.Set(ctx, &model); diags.HasError() {
		t.Fatal(diags)
	}
	cfg.Raw = state.Raw
	var resp provider.ConfigureResponse
	p.Configure(ctx, provider.ConfigureRequest{Config: cfg, ClientCapabilities: provider.ConfigureProviderClientCapabilities{DeferralAllowed: true}}, &resp)
	if resp.Deferred == nil || resp.Deferred.Reason != provider.DeferredReasonProviderConfigUnknown || len(resp.Diagnostics) != 0 {
		t.Fatalf("want a deferral and no diagnostic, got %+v %v", resp.Deferred, resp.Diagnostics)
	}
}

func TestConfigureWarnsOnceAboutAPrivateKeyOverPlainHTTP(t *testing.T) {
	resp, _ := configureProvider(t, map[string]tftypes.Value{
		"application_key": str("app"),
		"private_key":     str("pk"),
		"server_url":      str("http://messaging.example.com"),
		"push_url":        str("http://push.example.com/mp"),
	}, nil)
	if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 {
		t.Fatalf("want exactly one warning, got %v", resp.Diagnostics)
	}
	w := resp.Diagnostics.Warnings()[0]
	if !strings.Contains(w.Detail(), "server_url (messaging.example.com)") || !strings.Contains(w.Detail(), "push_url (push.example.com)") {
		t.Errorf("warning does not name both URLs: %s", w.Detail())
	}
	if strings.Contains(w.Detail(), "pk") && !strings.Contains(w.Detail(), "pk)") {
		t.Errorf("warning quotes the private key: %s", w.Detail())
	}
}

func TestPlainHTTPWarning(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    providerSettings
		want bool
	}{
		{"https everywhere is quiet", providerSettings{privateKey: "k", clusterURL: "https://c.example/server/ssl/2.1"}, false},
		{"defaults are quiet", providerSettings{privateKey: "k"}, false},
		{"http to 127.0.0.1 is quiet", providerSettings{privateKey: "k", clusterURL: "http://127.0.0.1:8080/server/2.1", pushURL: "http://127.0.0.1:8080/mp"}, false},
		{"http to 127.9.9.9 is quiet", providerSettings{privateKey: "k", serverURL: "http://127.9.9.9"}, false},
		{"http to ::1 is quiet", providerSettings{privateKey: "k", serverURL: "http://[::1]:80"}, false},
		{"http to localhost is quiet", providerSettings{privateKey: "k", serverURL: "http://LocalHost:8080"}, false},
		{"http to a remote cluster warns", providerSettings{privateKey: "k", clusterURL: "http://ortc-developers.realtime.co/server/2.1"}, true},
		{"http to a LAN address warns", providerSettings{privateKey: "k", serverURL: "http://10.0.0.5:8080"}, true},
		{"no private key, nothing to leak", providerSettings{serverURL: "http://10.0.0.5:8080"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := plainHTTPWarning(tc.s) != ""; got != tc.want {
				t.Errorf("warning %v, want %v", got, tc.want)
			}
		})
	}
}

func TestIsLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost":         true,
		"LOCALHOST":         true,
		"localhost.":        true,
		"app.localhost":     true,
		"127.0.0.1":         true,
		"127.255.255.254":   true,
		"::1":               true,
		"0:0:0:0:0:0:0:1":   true,
		"128.0.0.1":         false,
		"10.0.0.1":          false,
		"::2":               false,
		"localhost.example": false,
		"example.com":       false,
		"":                  false,
	} {
		if got := isLoopbackHost(host); got != want {
			t.Errorf("isLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestMaxRetriesMapsToTheClientsSpelling(t *testing.T) {
	p := &realtimeProvider{getenv: func(string) string { return "" }}
	for _, tc := range []struct {
		in   types.Int64
		want int
	}{
		{types.Int64Null(), 0}, // client default
		{types.Int64Value(0), -1},
		{types.Int64Value(3), 3},
	} {
		var diags diag.Diagnostics
		s, ok := p.settings(realtimeProviderModel{ApplicationKey: types.StringValue("a"), MaxRetries: tc.in}, &diags)
		if !ok || s.maxRetries != tc.want {
			t.Errorf("max_retries %v → %d (ok %v), want %d", tc.in, s.maxRetries, ok, tc.want)
		}
	}
}

func TestMaskSecretsKeepsThemForTheClientLogger(t *testing.T) {
	ctx := maskSecrets(context.Background(), "s1")
	ctx = maskSecrets(ctx, "s2")
	got, _ := ctx.Value(secretsKey{}).([]string)
	if strings.Join(got, ",") != "s1,s2" {
		t.Errorf("secrets in context %v", got)
	}
	// The logger must not panic without a root logger (unit tests, no SDK).
	ortcLogger([]string{"pk"})(ctx, "ortc request", map[string]any{"op": "x"})
}

// providerCase is one provider block that must fail validation.
type providerCase struct {
	name  string
	block func(e *testEnv) string
	want  string
}

// TestAccProvider_invalidConfiguration checks that each bad provider block
// fails with a diagnostic naming the rule, before any request.
func TestAccProvider_invalidConfiguration(t *testing.T) {
	resourceBlock := `
resource "realtime_channel_presence" "p" {
  channel = "orders"
}
`
	for _, tc := range []providerCase{
		{"missing application key", func(e *testEnv) string {
			return fmt.Sprintf("provider \"realtime\" {\n  private_key = %q\n  cluster_url = %q\n}\n", e.PrivateKey, e.ClusterURL())
		}, "Missing Realtime application key"},
		{"conflicting cluster and server URLs", func(e *testEnv) string {
			return e.ProviderBlock(fmt.Sprintf("server_url = %q", e.URL))
		}, `Attribute "cluster_url" cannot be specified when "server_url" is specified`},
		{"non-http cluster URL", func(e *testEnv) string {
			return fmt.Sprintf("provider \"realtime\" {\n  application_key = %q\n  private_key = %q\n  cluster_url = \"ftp://127.0.0.1/server/2.1\"\n}\n", e.AppKey, e.PrivateKey)
		}, `cluster_url must be an http:// or https:// URL; got "ftp://127.0.0.1/server/2.1"`},
		{"relative server URL", func(e *testEnv) string {
			return fmt.Sprintf("provider \"realtime\" {\n  application_key = %q\n  private_key = %q\n  server_url = \"/server\"\n}\n", e.AppKey, e.PrivateKey)
		}, `server_url must be an http:// or https:// URL`},
		{"push URL with a query", func(e *testEnv) string {
			return fmt.Sprintf("provider \"realtime\" {\n  application_key = %q\n  private_key = %q\n  cluster_url = %q\n  push_url = \"https://push.example/mp?x=1\"\n}\n", e.AppKey, e.PrivateKey, e.ClusterURL())
		}, `push_url must have no query`},
		{"request timeout not a duration", func(e *testEnv) string {
			return e.ProviderBlock(`request_timeout = "fast"`)
		}, `request_timeout must be a duration such as "15s"`},
		{"max retries out of range", func(e *testEnv) string {
			return e.ProviderBlock(`max_retries = 11`)
		}, `max_retries value must be between 0 and 10`},
		{"application key with a space", func(e *testEnv) string {
			return fmt.Sprintf("provider \"realtime\" {\n  application_key = \"my app\"\n  private_key = %q\n  cluster_url = %q\n}\n", e.PrivateKey, e.ClusterURL())
		}, `application keys may contain only letters, digits`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: e.Factories(),
				Steps: []resource.TestStep{{
					Config:      tc.block(e) + resourceBlock,
					ExpectError: errRe(tc.want),
				}},
			})
			e.ExpectNoRequests()
		})
	}
}

// TestAccProvider_environment configures the provider from REALTIME_*
// variables alone.
func TestAccProvider_environment(t *testing.T) {
	e := newTestEnv(t)
	e.SetEnv(envApplicationKey, e.AppKey)
	e.SetEnv(envPrivateKey, e.PrivateKey)
	e.SetEnv(envClusterURL, e.ClusterURL())
	e.SetEnv(envPushURL, e.PushURL())
	e.SetEnv(envRequestTimeout, "5s")
	e.SetEnv(envMaxRetries, "1")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckPresenceOff("env"),
		Steps: []resource.TestStep{{
			Config: "provider \"realtime\" {}\n\nresource \"realtime_channel_presence\" \"p\" {\n  channel = \"env\"\n}\n",
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("realtime_channel_presence.p", tfjsonpath.New("id"), knownvalue.StringExact("env")),
			},
			Check: e.CheckPresence("env", false),
		}},
	})
}

// TestAccProvider_environmentConflict refuses both server URLs from the
// environment, before any request.
func TestAccProvider_environmentConflict(t *testing.T) {
	e := newTestEnv(t)
	e.SetEnv(envApplicationKey, e.AppKey)
	e.SetEnv(envPrivateKey, e.PrivateKey)
	e.SetEnv(envClusterURL, e.ClusterURL())
	e.SetEnv(envServerURL, e.URL)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []resource.TestStep{{
			Config:      "provider \"realtime\" {}\n\nresource \"realtime_channel_presence\" \"p\" {\n  channel = \"env\"\n}\n",
			ExpectError: errRe("Both " + envClusterURL + " and " + envServerURL + " are set"),
		}},
	})
	e.ExpectNoRequests()
}

// TestAccProvider_serverURL talks to a fixed server: no balancer request.
func TestAccProvider_serverURL(t *testing.T) {
	e := newTestEnv(t)
	block := fmt.Sprintf("provider \"realtime\" {\n  application_key = %q\n  private_key = %q\n  server_url = %q\n  push_url = %q\n}\n",
		e.AppKey, e.PrivateKey, e.URL, e.PushURL())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckPresenceOff("fixed"),
		Steps: []resource.TestStep{{
			Config: block + "resource \"realtime_channel_presence\" \"p\" {\n  channel = \"fixed\"\n}\n",
			Check: func(*terraform.State) error {
				if n := e.Counters()["balancer"]; n != 0 {
					return fmt.Errorf("%d balancer requests with a fixed server_url", n)
				}
				return nil
			},
		}},
	})
}

func TestConfiguredClientSendsTheUserAgent(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case got <- r.UserAgent():
		default:
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	ctx := context.Background()
	p, ok := newWithClockAndEnv("1.2.3", time.Now, func(string) string { return "" })().(*realtimeProvider)
	if !ok {
		t.Fatal("newWithClockAndEnv does not make a *realtimeProvider")
	}
	var sresp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sresp)
	state := tfsdk.State{Schema: sresp.Schema}
	if diags := state.Set(ctx, &realtimeProviderModel{
		ApplicationKey: types.StringValue("app"), PrivateKey: types.StringValue("pk"), AuthenticationToken: types.StringNull(),
		ClusterURL: types.StringNull(), ServerURL: types.StringValue(srv.URL), PushURL: types.StringNull(),
		RequestTimeout: types.StringValue("2s"), MaxRetries: types.Int64Value(0),
	}); diags.HasError() {
		t.Fatal(diags)
	}
	var resp provider.ConfigureResponse
	p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{Schema: sresp.Schema, Raw: state.Raw}}, &resp)
	d, _ := resp.ResourceData.(*providerData)
	if resp.Diagnostics.HasError() || d == nil {
		t.Fatalf("configure: %v", resp.Diagnostics)
	}
	if err := d.client.EnablePresence(ctx, "orders", false); err != nil {
		t.Fatal(err)
	}
	if ua := <-got; ua != "terraform-provider-realtime/1.2.3" {
		t.Errorf("User-Agent %q", ua)
	}
}

// TestAccProvider_unknownConfiguration: an application key known only at
// apply (from another resource) plans with a warning and applies.
func TestAccProvider_unknownConfiguration(t *testing.T) {
	e := newTestEnv(t)
	cfg := fmt.Sprintf(`
resource "terraform_data" "key" {
  input = %q
}

provider "realtime" {
  application_key = terraform_data.key.output
  private_key     = %q
  cluster_url     = %q
  push_url        = %q
}

resource "realtime_channel_presence" "p" {
  channel = "late"
}
`, e.AppKey, e.PrivateKey, e.ClusterURL(), e.PushURL())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		CheckDestroy:             e.CheckPresenceOff("late"),
		Steps: []resource.TestStep{{
			Config: cfg,
			Check:  e.CheckPresence("late", false),
		}},
	})
}

func TestLogsMaskSecrets(t *testing.T) {
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	d := &providerData{secrets: []string{"pk-s3cr3t", "at-s3cr3t"}}
	ctx = d.logContext(ctx, "tok-s3cr3t")
	tflog.Debug(ctx, "saving tok-s3cr3t with pk-s3cr3t", map[string]any{
		"private_key": "anything", "token": "anything", "url": "/presence/app/at-s3cr3t/orders", "channel": "orders",
	})
	ortcLogger(d.secrets)(ctx, "ortc request tok-s3cr3t", map[string]any{"url": "/x/pk-s3cr3t", "AT": "anything"})
	logs := out.String()
	if strings.Contains(logs, "s3cr3t") || strings.Contains(logs, "anything") {
		t.Errorf("a secret reached the log:\n%s", logs)
	}
	if !strings.Contains(logs, "orders") || !strings.Contains(logs, "ortc request") {
		t.Errorf("the log lines are missing:\n%s", logs)
	}
}

// testProvider is the provider with the real clock and the given environment.
func testProvider(t *testing.T, getenv func(string) string) *realtimeProvider {
	t.Helper()
	p, ok := newWithClockAndEnv("test", time.Now, getenv)().(*realtimeProvider)
	if !ok {
		t.Fatal("newWithClockAndEnv does not make a *realtimeProvider")
	}
	return p
}
