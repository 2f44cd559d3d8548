package provider

import (
	"fmt"
	"strings"
	"testing"

	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// badInputCase is one configuration the provider must refuse at plan time.
type badInputCase struct {
	name string
	// config is the whole configuration, provider block included.
	config func(e *testEnv) string
	// want is the diagnostic's text, however Terraform wraps it: the
	// attribute (its path) and the rule it breaks.
	want string
}

// badInputCases are the invalid configurations of the issue, across every
// kind that takes them. The per-type _validation tests go deeper on each
// type; this table is the one place that says "bad input never costs a
// request", whatever the type.
func badInputCases() []badInputCase {
	with := func(config string) func(e *testEnv) string {
		return func(e *testEnv) string { return e.ProviderBlock() + config }
	}
	tooMany := map[string]string{}
	for i := range 101 {
		tooMany[fmt.Sprintf("ch%03d", i)] = "r"
	}
	provider := func(attrs string) func(e *testEnv) string {
		return func(e *testEnv) string {
			return fmt.Sprintf("provider \"realtime\" {\n  application_key = %q\n  private_key = %q\n%s\n}\n", e.AppKey, e.PrivateKey, attrs) +
				presenceConfig("p", "orders", nil)
		}
	}
	return []badInputCase{
		{"bad channel characters in a presence channel", with(presenceConfig("p", "my orders", nil)),
			`channel: channel names may contain only letters, digits, _ - : / .`},
		{"bad channel characters in a permission", with(tokenConfig("tok", 600, map[string]string{"my orders": "r"})),
			`permissions["my orders"]: channel names may contain only letters, digits, _ - : / .`},
		{"bad channel characters in a message", with(messageConfig(`channels = ["ok", "a b"]`, `message = "m"`)),
			`channels[1]: channel names may contain only letters, digits, _ - : / .`},
		{"a 100-byte presence channel", with(presenceConfig("p", strings.Repeat("c", 100), nil)),
			`channel: channel names must be 1 to 99 bytes long; got 100 bytes`},
		{"a 100-byte channel in a permission", with(tokenConfig("tok", 600, map[string]string{strings.Repeat("c", 100): "r"})),
			`permissions["` + strings.Repeat("c", 100) + `"]: channel names must be 1 to 99 bytes long; got 100 bytes`},
		{"a 100-byte channel in a data source", with(fmt.Sprintf("data \"realtime_channel_presence\" \"d\" {\n  channel = %q\n}\n", strings.Repeat("c", 100))),
			`channel: channel names must be 1 to 99 bytes long; got 100 bytes`},
		{"unknown permission letters", with(tokenConfig("tok", 600, map[string]string{"orders": "rx"})),
			`permissions["orders"]: permission letters may only be r (read), w (write) and p (presence); got "rx"`},
		{"empty permission letters", with(tokenConfig("tok", 600, map[string]string{"orders": ""})),
			`permissions["orders"]: permission letters must not be empty`},
		{"empty permissions", with(tokenConfig("tok", 600, map[string]string{})),
			`permissions: a token holds 1 to 100 channel permissions; got 0`},
		{"a TTL of 61", with(tokenConfig("tok", 61, map[string]string{"orders": "r"})),
			`ttl must be at least 62 seconds (the Realtime API's minimum token TTL); got 61`},
		{"101 permissions", with(tokenConfig("tok", 600, tooMany)),
			`permissions: a token holds 1 to 100 channel permissions; got 101`},
		{"51 send channels", with(messageConfig("channels = "+hclList(channelNames("c", 51)...), `message = "m"`)),
			`channels: send delivers to 1 to 50 channels (one sendbatch request); got 51.`},
		{"101 push channels", with(messageConfig(`delivery = "push"`, "channels = "+hclList(channelNames("t", 101)...), `message = "m"`)),
			`channels: push delivers to 1 to 100 topics (one publishbatch request); got 101.`},
		{"ttl with send", with(messageConfig(`channels = ["a"]`, `message = "m"`, `ttl = 60`)),
			`ttl: only publish keeps messages, so ttl applies to delivery = "publish" only; here delivery = "send"`},
		{"a payload that is not a JSON object", with(messageConfig(`delivery = "push"`, `channels = ["a"]`, `message = "m"`, `payload = jsonencode(["sound"])`)),
			`payload must be a JSON object, such as jsonencode({ sound = "default" }); got an array.`},
		{"an empty message", with(messageConfig(`channels = ["a"]`, `message = ""`)),
			`message: a message must not be empty.`},
		{"a cluster URL that is not http", provider(`  cluster_url = "ftp://127.0.0.1/server/2.1"`),
			`cluster_url must be an http:// or https:// URL; got "ftp://127.0.0.1/server/2.1"`},
		{"a relative server URL", provider(`  server_url = "/server"`),
			`server_url must be an http:// or https:// URL; got "/server"`},
		{"a push URL with credentials", provider(`  push_url = "https://user:hunter2@push.example/mp"`),
			`push_url must not carry credentials (user information); got "https://user:xxxxx@push.example/mp"`},
		{"a cluster URL with a fragment", provider(`  cluster_url = "https://c.example/server/2.1#x"`),
			`cluster_url must have no fragment`},
		{"a push URL with a query", provider(`  push_url = "https://push.example/mp?x=1"`),
			`push_url must have no query`},
		{"a URL without a host", provider(`  cluster_url = "http:///server/2.1"`),
			`cluster_url must be an absolute URL naming a host`},
		{"conflicting cluster and server URLs", provider(`  cluster_url = "https://c.example/server/2.1"` + "\n" + `  server_url = "https://s.example"`),
			`Attribute "cluster_url" cannot be specified when "server_url" is specified`},
		{"conflicting token and token_wo", with(tokenConfig("tok", 600, map[string]string{"orders": "r"}, `token_wo = "tok2"`, `token_wo_version = 1`)),
			`exactly one of token (stored in state, sensitive) and token_wo`},
		{"token_wo without token_wo_version", with("resource \"realtime_token_permissions\" \"t\" {\n  token_wo = \"tok\"\n  ttl = 600\n  permissions = { orders = \"r\" }\n}\n"),
			`token_wo and token_wo_version go together`},
		{"conflicting message and message_wo", with(messageConfig(`channels = ["a"]`, `message = "m"`, `message_wo = "m"`, `message_wo_version = 1`)),
			`exactly one of message and message_wo`},
	}
}

// TestAccBadInput: each invalid configuration fails at plan time with a
// diagnostic naming the attribute and the rule, and the emulator counts no
// request at all (not even the balancer).
func TestAccBadInput(t *testing.T) {
	for _, tc := range badInputCases() {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t)
			acc.ParallelTest(t, acc.TestCase{
				ProtoV6ProviderFactories: e.Factories(),
				Steps: []acc.TestStep{{
					Config:      tc.config(e),
					ExpectError: errRe(tc.want),
					PlanOnly:    true,
				}},
			})
			e.ExpectNoRequests()
		})
	}
}
