package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

func runStringValidators(vs []validator.String, value string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, v := range vs {
		var resp validator.StringResponse
		v.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("x"), PathExpression: path.MatchRoot("x"), ConfigValue: types.StringValue(value),
		}, &resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}

// channelSamples are names on both sides of every channel rule.
var channelSamples = []string{
	"orders", "a", "main:sub", "main:*", "a/b.c_d-e:f", "main:sub:*", ":*", "*", "main:", "main::x",
	"my orders", "ma*n", "main:*x", "é", "", strings.Repeat("c", 99), strings.Repeat("c", 100),
	strings.Repeat("c", 97) + ":*", strings.Repeat("c", 98) + ":*", "a//b", "/a", "a/", "./a", "a/../b", "TTL",
}

// TestChannelValidatorsAgreeWithTheClient holds the schema's channel rule to
// ortc.ValidateChannel: what one accepts, the other does.
func TestChannelValidatorsAgreeWithTheClient(t *testing.T) {
	for _, ch := range channelSamples {
		schemaOK := !runStringValidators(channelValidators(), ch).HasError()
		clientOK := ortc.ValidateChannel(ch) == nil
		if schemaOK != clientOK {
			t.Errorf("channel %q: schema accepts %v, ortc.ValidateChannel accepts %v", ch, schemaOK, clientOK)
		}
	}
}

func TestLettersValidatorsAgreeWithTheClient(t *testing.T) {
	for _, l := range []string{"r", "w", "p", "rw", "pw", "wp", "rwp", "rrw", "", "x", "R", "rx", " r", "r,w"} {
		schemaOK := !runStringValidators(lettersValidators(), l).HasError()
		clientOK := ortc.ValidateLetters(l) == nil
		if schemaOK != clientOK {
			t.Errorf("letters %q: schema accepts %v, ortc.ValidateLetters accepts %v", l, schemaOK, clientOK)
		}
	}
}

func TestTokenAndTopicValidatorsAgreeWithTheClient(t *testing.T) {
	for _, s := range []string{"tok", "a:b/c.d_e-f", "", "my token", "t*", "é", "a.b", "a/b"} {
		if schemaOK, clientOK := !runStringValidators(tokenValidators(), s).HasError(), ortc.ValidateToken(s) == nil; schemaOK != clientOK {
			t.Errorf("token %q: schema %v, ortc %v", s, schemaOK, clientOK)
		}
		if schemaOK, clientOK := !runStringValidators(topicValidators(), s).HasError(), ortc.ValidateTopic(s) == nil; schemaOK != clientOK {
			t.Errorf("topic %q: schema %v, ortc %v", s, schemaOK, clientOK)
		}
	}
}

func TestEachBadValueGetsOneDiagnosticNamingTheRule(t *testing.T) {
	for _, tc := range []struct {
		name   string
		vs     []validator.String
		value  string
		want   string
		absent string // must not appear (secrets)
	}{
		{"channel with a space", channelValidators(), "my orders", `channel names may contain only letters, digits, _ - : / .`, ""},
		{"long channel", channelValidators(), strings.Repeat("c", 100), "channel names must be 1 to 99 bytes long; got 100 bytes", ""},
		{"empty channel", channelValidators(), "", "channel names must be 1 to 99 bytes long; got 0 bytes", ""},
		{"empty letters", lettersValidators(), "", "permission letters must not be empty", ""},
		{"unknown letters", lettersValidators(), "rx", `permission letters may only be r (read), w (write) and p (presence); got "rx"`, ""},
		{"token", tokenValidators(), "se cret", "tokens may contain only letters, digits", "se cret"},
		{"presence channel with an empty segment", presenceChannelValidators(), "a//b", `must not hold an empty, "." or ".." segment`, ""},
		{"reserved channel", permissionChannelValidators(), "PK", "are reserved", ""},
		{"topic with a slash", topicValidators(), "a/b", "push topics may contain only letters, digits, _ - :", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := runStringValidators(tc.vs, tc.value)
			if diags.ErrorsCount() != 1 {
				t.Fatalf("want one error, got %v", diags)
			}
			d := diags.Errors()[0]
			if !strings.Contains(d.Detail(), tc.want) {
				t.Errorf("detail %q does not say %q", d.Detail(), tc.want)
			}
			if wp, ok := d.(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(path.Root("x")) {
				t.Errorf("diagnostic not at the attribute: %v", d)
			}
			if tc.absent != "" && strings.Contains(d.Detail()+d.Summary(), tc.absent) {
				t.Errorf("diagnostic quotes a secret: %q", d.Detail())
			}
		})
	}
}

func TestTTLValidatorNamesTheRule(t *testing.T) {
	for ttl, wantErr := range map[int64]bool{61: true, 0: true, -5: true, 62: false, 86400: false, 1 << 31: true} {
		var resp validator.Int64Response
		for _, v := range ttlValidators() {
			v.ValidateInt64(context.Background(), validator.Int64Request{Path: path.Root("ttl"), ConfigValue: types.Int64Value(ttl)}, &resp)
		}
		if resp.Diagnostics.HasError() != wantErr {
			t.Errorf("ttl %d: error %v, want %v", ttl, resp.Diagnostics.HasError(), wantErr)
		}
		if wantErr && ttl < 62 && !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "ttl must be at least 62 seconds") {
			t.Errorf("ttl %d: %s", ttl, resp.Diagnostics.Errors()[0].Detail())
		}
	}
}

func TestPermissionsValidatorsCheckSizeKeysAndValues(t *testing.T) {
	mk := func(m map[string]string) types.Map {
		elems := map[string]attr.Value{}
		for k, v := range m {
			elems[k] = NewLettersValue(v)
		}
		mv, diags := types.MapValue(LettersType{}, elems)
		if diags.HasError() {
			t.Fatal(diags)
		}
		return mv
	}
	run := func(m types.Map) diag.Diagnostics {
		var diags diag.Diagnostics
		for _, v := range permissionsValidators() {
			var resp validator.MapResponse
			v.ValidateMap(context.Background(), validator.MapRequest{Path: path.Root("permissions"), PathExpression: path.MatchRoot("permissions"), ConfigValue: m}, &resp)
			diags.Append(resp.Diagnostics...)
		}
		return diags
	}
	if d := run(mk(map[string]string{"orders": "rw", "main:*": "p"})); d.HasError() {
		t.Errorf("valid permissions refused: %v", d)
	}
	d := run(mk(map[string]string{"bad name": "r", "orders": "x"}))
	if d.ErrorsCount() != 2 {
		t.Fatalf("want an error for the key and one for the value, got %v", d)
	}
	for _, e := range d.Errors() {
		wp, ok := e.(diag.DiagnosticWithPath)
		if !ok {
			t.Fatalf("error without a path: %v", e)
		}
		p := wp.Path()
		if !p.Equal(path.Root("permissions").AtMapKey("bad name")) && !p.Equal(path.Root("permissions").AtMapKey("orders")) {
			t.Errorf("error at %s, want at the map key", p)
		}
	}
	many := map[string]string{}
	for i := range ortc.MaxPermissions + 1 {
		many["c"+strings.Repeat("x", i%5)+string(rune('a'+i%26))+string(rune('a'+i/26))] = "r"
	}
	if d := run(mk(many)); d.ErrorsCount() != 1 || !strings.Contains(d.Errors()[0].Detail(), "a token holds 1 to 100 channel permissions; got 101") {
		t.Errorf("101 permissions: %v", d)
	}
}

func TestCheckBaseURL(t *testing.T) {
	for _, tc := range []struct {
		url        string
		allowQuery bool
		want       string // "" = valid
	}{
		{"https://ortc-developers.realtime.co/server/ssl/2.1", false, ""},
		{"http://127.0.0.1:8080/server/2.1", false, ""},
		{"https://host/cluster?region=eu", true, ""},
		{"https://host/cluster?region=eu", false, "must have no query"},
		{"ftp://host/x", false, "must be an http:// or https:// URL"},
		{"host/x", false, "must be an http:// or https:// URL"},
		{"https:///x", false, "naming a host"},
		{"https:host", false, "naming a host"},
		{"https://user:pw@host", false, "must not carry credentials"},
		{"https://host/#frag", true, "must have no fragment"},
		{"http://[::1", false, "does not parse"},
	} {
		err := checkBaseURL(tc.url, tc.allowQuery)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q refused: %v", tc.url, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: error %v, want %q", tc.url, err, tc.want)
		case err != nil && strings.Contains(err.Error(), "pw"):
			t.Errorf("%q: error shows the password: %v", tc.url, err)
		}
	}
}

func TestParseTimeout(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"15s": 15 * time.Second, "15": 15 * time.Second, "1m30s": 90 * time.Second, "500ms": 500 * time.Millisecond, "600": 10 * time.Minute,
	} {
		if got, err := parseTimeout(in); err != nil || got != want {
			t.Errorf("parseTimeout(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "0", "0s", "-1s", "50ms", "601", "11m", "1.5"} {
		if _, err := parseTimeout(in); err == nil {
			t.Errorf("parseTimeout(%q) accepted", in)
		}
	}
}
