package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

const presenceDataAddr = "data.realtime_channel_presence.p"

// enablePresence switches presence on through the API, outside Terraform.
func (e *testEnv) enablePresence(t *testing.T, channel string, metadata bool) {
	t.Helper()
	md := "0"
	if metadata {
		md = "1"
	}
	resp, err := http.PostForm(e.URL+"/presence/enable/"+url.PathEscape(e.AppKey)+"/"+channel,
		url.Values{"privatekey": {e.PrivateKey}, "metadata": {md}})
	if err != nil {
		t.Fatalf("enable presence: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("enable presence: HTTP %d", resp.StatusCode)
	}
}

func presenceDataConfig(channel string, extra ...string) string {
	s := "data \"realtime_channel_presence\" \"p\" {\n  channel = \"" + channel + "\"\n"
	for _, l := range extra {
		s += "  " + l + "\n"
	}
	return s + "}\n"
}

func TestAccChannelPresenceDataSource_enabled(t *testing.T) {
	e := newTestEnv(t)
	e.enablePresence(t, "lobby", true)
	e.Emulator.AddSubscribers(e.AppKey, "lobby", "user:ann", 2)
	e.Emulator.AddSubscribers(e.AppKey, "lobby", "user:bob", 1)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{{
			// No token anywhere: the provider's own read token (enforced
			// authentication, so it is saved with the private key).
			Config: e.ProviderBlock() + presenceDataConfig("lobby"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(presenceDataAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(presenceDataAddr, tfjsonpath.New("subscriptions"), knownvalue.Int64Exact(3)),
				statecheck.ExpectKnownValue(presenceDataAddr, tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{
					"user:ann": knownvalue.Int64Exact(2),
					"user:bob": knownvalue.Int64Exact(1),
				})),
			},
		}},
	})
}

func TestAccChannelPresenceDataSource_off(t *testing.T) {
	e := newTestEnv(t)
	e.Emulator.AddSubscribers(e.AppKey, "quiet", "user:ann", 4)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{{
			// Presence off is no error: enabled = false, nothing counted.
			Config: e.ProviderBlock() + presenceDataConfig("quiet"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(presenceDataAddr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(presenceDataAddr, tfjsonpath.New("subscriptions"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue(presenceDataAddr, tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{})),
			},
		}},
	})
}

func TestAccChannelPresenceDataSource_token(t *testing.T) {
	e := newTestEnv(t)
	e.enablePresence(t, "lobby", false)
	e.Emulator.AddSubscribers(e.AppKey, "lobby", "user:ann", 2)
	reader, writer := "tok-"+randomHex(t, 8), "tok-"+randomHex(t, 8)
	c := e.client(t)
	for token, letters := range map[string]string{reader: "p", writer: "w"} {
		if err := c.Authenticate(context.Background(), ortc.AuthenticateInput{Token: token, TTL: 3600,
			Permissions: map[string]string{"lobby": letters}}); err != nil {
			t.Fatal(err)
		}
	}
	e.Emulator.ResetCounters()
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{
			{
				// A token with p reads; metadata is not collected here.
				Config: e.ProviderBlock() + presenceDataConfig("lobby", "token = \""+reader+"\""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(presenceDataAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(presenceDataAddr, tfjsonpath.New("subscriptions"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(presenceDataAddr, tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					statecheck.ExpectSensitiveValue(presenceDataAddr, tfjsonpath.New("token")),
				},
				Check: func(*terraform.State) error {
					// The given token read: the provider saved no token of its own.
					if n := e.Counters()["authenticate"]; n != 0 {
						return fmt.Errorf("%d authenticate requests, want 0", n)
					}
					return nil
				},
			},
			{
				// A token without p is refused, and the error says what it needs.
				Config:      e.ProviderBlock() + presenceDataConfig("lobby", "token = \""+writer+"\""),
				ExpectError: errRe(`the token was refused reading presence on "lobby"; it needs the p permission on that channel`),
			},
		},
	})
}

func TestAccChannelPresenceDataSource_validation(t *testing.T) {
	e := newTestEnv(t)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []acc.TestStep{
			{
				Config:      e.ProviderBlock() + presenceDataConfig("lobby:*"),
				ExpectError: errRe(`channel: a wildcard such as main:* stands for many channels`),
			},
			{
				Config:      e.ProviderBlock() + presenceDataConfig("a//b"),
				ExpectError: errRe(`channel names used in a URL path must not hold an empty`),
			},
		},
	})
	e.ExpectNoRequests()
}
