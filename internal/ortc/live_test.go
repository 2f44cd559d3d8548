package ortc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// Live tests: the client against the real service. Opt-in, never in CI:
//
//	REALTIME_LIVE=1 REALTIME_APPLICATION_KEY=... REALTIME_PRIVATE_KEY=... \
//	  go test -run '^TestLive' -v ./internal/ortc
//
// REALTIME_CLUSTER_URL, REALTIME_SERVER_URL and REALTIME_PUSH_URL override
// the defaults as they do for the provider. Each run uses channels of its
// own (tf-live-<random>) and leaves nothing behind: the token it saves is
// revoked and presence is switched off again.

// liveClient is a client for the real service, or skips the test when live
// tests were not asked for. Asked for without keys, it fails: a live run
// that silently tested nothing would look green.
func liveClient(t *testing.T) *Client {
	t.Helper()
	if os.Getenv("REALTIME_LIVE") != "1" {
		t.Skip("live test against the real service: opt in with REALTIME_LIVE=1, REALTIME_APPLICATION_KEY and REALTIME_PRIVATE_KEY")
	}
	ak, pk := os.Getenv("REALTIME_APPLICATION_KEY"), os.Getenv("REALTIME_PRIVATE_KEY")
	if ak == "" || pk == "" {
		t.Fatal("REALTIME_LIVE=1 needs REALTIME_APPLICATION_KEY and REALTIME_PRIVATE_KEY")
	}
	c, err := New(Options{
		ApplicationKey: ak,
		PrivateKey:     pk,
		ClusterURL:     os.Getenv("REALTIME_CLUSTER_URL"),
		ServerURL:      os.Getenv("REALTIME_SERVER_URL"),
		PushURL:        os.Getenv("REALTIME_PUSH_URL"),
		UserAgent:      "terraform-provider-realtime/live-test",
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func liveName(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "tf-live-" + hex.EncodeToString(b)
}

// TestLiveMessaging: balancer, token save, presence on/read/off, the three
// deliveries (one part and many), and revoke, in the order a provider run
// makes them.
func TestLiveMessaging(t *testing.T) {
	c := liveClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	server, err := c.Server(ctx)
	if err != nil {
		t.Fatalf("Server: %v", err)
	}
	if !strings.HasPrefix(server, "http://") && !strings.HasPrefix(server, "https://") {
		t.Fatalf("Server = %q, want an http(s) URL", server)
	}

	ch := liveName(t)
	token := liveName(t)
	if err := c.Authenticate(ctx, AuthenticateInput{
		Token: token, TTL: MinTTL, Permissions: map[string]string{ch: "rwp", ch + ":*": "rw"},
	}); err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Revoke(context.Background(), token); err != nil {
			t.Errorf("Revoke: %v", err)
		}
	})

	if err := c.EnablePresence(ctx, ch, true); err != nil {
		t.Fatalf("EnablePresence: %v", err)
	}
	info, err := c.Presence(ctx, token, ch)
	if err != nil {
		t.Fatalf("Presence after enable: %v", err)
	}
	if info.Subscriptions != 0 || info.Metadata == nil {
		t.Errorf("Presence of a channel nobody is on = %+v, want 0 subscriptions and a metadata map", info)
	}

	if _, err := c.Send(ctx, SendInput{Channel: ch, Message: "live one-part"}); err != nil {
		t.Errorf("Send: %v", err)
	}
	long := strings.Repeat("héllo wörld ✓ ", 200) // several parts, multi-byte runes on the cuts
	d, err := c.Send(ctx, SendInput{Channel: ch + ":sub", Message: long, Token: token})
	if err != nil {
		t.Errorf("Send with the token: %v", err)
	} else if d.Parts < 2 {
		t.Errorf("Send of %d bytes went in %d part(s), want several", len(long), d.Parts)
	}
	if _, err := c.SendBatch(ctx, SendBatchInput{Channels: []string{ch, ch + ":a"}, Message: "live batch"}); err != nil {
		t.Errorf("SendBatch: %v", err)
	}
	p, err := c.Publish(ctx, PublishInput{Channel: ch, Message: "live publish", TTL: 60})
	if err != nil {
		t.Errorf("Publish: %v", err)
	} else if p.SequenceID == "" {
		t.Errorf("Publish answered no sequence id")
	}

	if err := c.DisablePresence(ctx, ch); err != nil {
		t.Fatalf("DisablePresence: %v", err)
	}
	if _, err := c.Presence(ctx, token, ch); !errors.Is(err, ErrPresenceNotEnabled) {
		t.Errorf("Presence after disable: %v, want ErrPresenceNotEnabled", err)
	}
}

// TestLivePushReads: the push API's reads (listing every page of topics, the
// devices of the first topic, its subscription flag). Nothing is published:
// a live push reaches real phones.
func TestLivePushReads(t *testing.T) {
	c := liveClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	topics, err := c.AllTopics(ctx)
	if err != nil {
		t.Fatalf("AllTopics: %v", err)
	}
	t.Logf("%d topics", len(topics))
	if len(topics) == 0 {
		return
	}
	devices, err := c.AllTopicDevices(ctx, topics[0])
	if err != nil {
		t.Fatalf("AllTopicDevices(%q): %v", topics[0], err)
	}
	subscribed, err := c.IsTopicSubscribed(ctx, topics[0])
	if err != nil {
		t.Fatalf("IsTopicSubscribed(%q): %v", topics[0], err)
	}
	if subscribed != (len(devices) > 0) {
		t.Errorf("topic %q: subscribed %v with %d devices", topics[0], subscribed, len(devices))
	}
}
