package ortc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestValidateChannel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		channel string
		ok      bool
	}{
		{"yellow", true},
		{"main:sub", true},
		{"a-b_c.d/e:f", true},
		{"main:*", true},
		{strings.Repeat("c", 99), true},
		{strings.Repeat("c", 100), false},
		{"", false},
		{"with space", false},
		{"comma,separated", false},
		{"ümlaut", false},
		{"*", false},
		{":*", false},
		{"a:b:*", false},
		{"main*", false},
		{"main:*x", false},
	}
	for _, tt := range tests {
		err := ValidateChannel(tt.channel)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateChannel(%q) = %v, want ok=%v", tt.channel, err, tt.ok)
		}
		var ve *ValidationError
		if err != nil && (!errors.As(err, &ve) || ve.Field != "channel") {
			t.Errorf("ValidateChannel(%q): %T %v is not a ValidationError on channel", tt.channel, err, err)
		}
	}
}

func TestValidateTopic(t *testing.T) {
	t.Parallel()
	for topic, ok := range map[string]bool{"news": true, "a:b-c_d": true, "a/b": false, "a.b": false, "": false, "a:*": false, strings.Repeat("t", 99): true, strings.Repeat("t", 100): false} {
		if err := ValidateTopic(topic); (err == nil) != ok {
			t.Errorf("ValidateTopic(%q) = %v, want ok=%v", topic, err, ok)
		}
	}
}

func TestValidateToken_neverQuotesTheToken(t *testing.T) {
	t.Parallel()
	for _, tok := range []string{"bad token value", "secret\x00", "ümlaut-secret"} {
		err := ValidateToken(tok)
		if err == nil {
			t.Fatalf("accepted %q", tok)
		}
		mustNotContain(t, err.Error(), tok, "secret")
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Value != "" || ve.Field != "token" {
			t.Errorf("%#v", err)
		}
	}
	if err := ValidateToken("a.b/c:d-e_f"); err != nil {
		t.Error(err)
	}
}

func TestValidateLetters(t *testing.T) {
	t.Parallel()
	for l, ok := range map[string]bool{"r": true, "w": true, "p": true, "rwp": true, "pw": true, "rrw": true, "": false, "R": false, "rx": false, "r w": false} {
		if err := ValidateLetters(l); (err == nil) != ok {
			t.Errorf("ValidateLetters(%q) = %v, want ok=%v", l, err, ok)
		}
	}
}

func TestNormalizeLetters(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"pw": "wp", "rrw": "rw", "prw": "rwp", "w": "w", "ppp": "p", "": ""} {
		if got := NormalizeLetters(in); got != want {
			t.Errorf("NormalizeLetters(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidationError_message(t *testing.T) {
	t.Parallel()
	err := ValidateChannel("bad channel")
	want := `ortc: invalid channel "bad channel": must match ^[A-Za-z0-9_\-:/.]+$ (or be a wildcard "<main>:*")`
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
}

// Every bad input is refused before the first byte goes out.
func TestValidation_makesNoRequest(t *testing.T) {
	t.Parallel()
	srv := newFake(t, created)
	c := newTestClient(t, Options{ServerURL: srv.URL, PushURL: srv.URL})
	noPK, err := New(Options{ApplicationKey: testAppKey, ServerURL: srv.URL, PushURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	perms := func(n int) map[string]string {
		m := map[string]string{}
		for i := range n {
			m[fmt.Sprintf("ch%d", i)] = "r"
		}
		return m
	}
	channels := func(n int) []string {
		var s []string
		for i := range n {
			s = append(s, fmt.Sprintf("ch%d", i))
		}
		return s
	}
	ok := AuthenticateInput{Token: testToken, TTL: 62, Permissions: map[string]string{"ch": "rw"}}
	tests := []struct {
		name  string
		field string
		call  func(context.Context) error
	}{
		{"authenticate with an empty token", "token", func(ctx context.Context) error {
			in := ok
			in.Token = ""
			return c.Authenticate(ctx, in)
		}},
		{"authenticate with a bad token", "token", func(ctx context.Context) error {
			in := ok
			in.Token = "a b"
			return c.Authenticate(ctx, in)
		}},
		{"authenticate with a TTL of 61", "ttl", func(ctx context.Context) error {
			in := ok
			in.TTL = 61
			return c.Authenticate(ctx, in)
		}},
		{"authenticate with a TTL above MaxTTL", "ttl", func(ctx context.Context) error {
			in := ok
			in.TTL = MaxTTL + 1
			return c.Authenticate(ctx, in)
		}},
		{"authenticate with 101 permissions", "permissions", func(ctx context.Context) error {
			in := ok
			in.Permissions = perms(101)
			return c.Authenticate(ctx, in)
		}},
		{"authenticate with a bad channel", "permissions channel", func(ctx context.Context) error {
			in := ok
			in.Permissions = map[string]string{"a b": "r"}
			return c.Authenticate(ctx, in)
		}},
		{"authenticate with a channel named like a field", "permissions channel", func(ctx context.Context) error {
			in := ok
			in.Permissions = map[string]string{"TTL": "r"}
			return c.Authenticate(ctx, in)
		}},
		{"authenticate with bad letters", `permissions["ch"]`, func(ctx context.Context) error {
			in := ok
			in.Permissions = map[string]string{"ch": "rx"}
			return c.Authenticate(ctx, in)
		}},
		{"authenticate with empty letters", `permissions["ch"]`, func(ctx context.Context) error {
			in := ok
			in.Permissions = map[string]string{"ch": ""}
			return c.Authenticate(ctx, in)
		}},
		{"authenticate without a private key", "private_key", func(ctx context.Context) error { return noPK.Authenticate(ctx, ok) }},
		{"revoke with a bad token", "token", func(ctx context.Context) error { return c.Revoke(ctx, "") }},
		{"send to a bad channel", "channel", func(ctx context.Context) error {
			_, err := c.Send(ctx, SendInput{Channel: "a,b", Message: "m"})
			return err
		}},
		{"send to a 100-byte channel", "channel", func(ctx context.Context) error {
			_, err := c.Send(ctx, SendInput{Channel: strings.Repeat("c", 100), Message: "m"})
			return err
		}},
		{"send to a wildcard", "channel", func(ctx context.Context) error {
			_, err := c.Send(ctx, SendInput{Channel: "main:*", Message: "m"})
			return err
		}},
		{"send an empty message", "message", func(ctx context.Context) error {
			_, err := c.Send(ctx, SendInput{Channel: "ch"})
			return err
		}},
		{"send invalid UTF-8", "message", func(ctx context.Context) error {
			_, err := c.Send(ctx, SendInput{Channel: "ch", Message: "\xff"})
			return err
		}},
		{"send with a bad id", "id", func(ctx context.Context) error {
			_, err := c.Send(ctx, SendInput{Channel: "ch", Message: "m", ID: "TOOLONG123"})
			return err
		}},
		{"send with a bad token", "token", func(ctx context.Context) error {
			_, err := c.Send(ctx, SendInput{Channel: "ch", Message: "m", Token: "bad token"})
			return err
		}},
		{"send without a key or token", "private_key", func(ctx context.Context) error {
			_, err := noPK.Send(ctx, SendInput{Channel: "ch", Message: "m"})
			return err
		}},
		{"publish with a negative TTL", "ttl", func(ctx context.Context) error {
			_, err := c.Publish(ctx, PublishInput{Channel: "ch", Message: "m", TTL: -1})
			return err
		}},
		{"publish with a TTL above MaxTTL", "ttl", func(ctx context.Context) error {
			_, err := c.Publish(ctx, PublishInput{Channel: "ch", Message: "m", TTL: MaxTTL + 1})
			return err
		}},
		{"publish to a bad channel", "channel", func(ctx context.Context) error {
			_, err := c.Publish(ctx, PublishInput{Channel: "", Message: "m"})
			return err
		}},
		{"sendbatch to no channel", "channels", func(ctx context.Context) error {
			_, err := c.SendBatch(ctx, SendBatchInput{Message: "m"})
			return err
		}},
		{"sendbatch to 51 channels", "channels", func(ctx context.Context) error {
			_, err := c.SendBatch(ctx, SendBatchInput{Channels: channels(51), Message: "m"})
			return err
		}},
		{"sendbatch with a bad channel", "channels[1]", func(ctx context.Context) error {
			_, err := c.SendBatch(ctx, SendBatchInput{Channels: []string{"ok", "not ok"}, Message: "m"})
			return err
		}},
		{"sendbatch with a repeated channel", "channels[1]", func(ctx context.Context) error {
			_, err := c.SendBatch(ctx, SendBatchInput{Channels: []string{"ok", "ok"}, Message: "m"})
			return err
		}},
		{"enable presence on a bad channel", "channel", func(ctx context.Context) error { return c.EnablePresence(ctx, "a b", true) }},
		{"enable presence on an empty path segment", "channel", func(ctx context.Context) error { return c.EnablePresence(ctx, "a//b", true) }},
		{"disable presence on a dot segment", "channel", func(ctx context.Context) error { return c.DisablePresence(ctx, "a/../b") }},
		{"enable presence without a private key", "private_key", func(ctx context.Context) error { return noPK.EnablePresence(ctx, "ch", true) }},
		{"read presence with a bad token", "token", func(ctx context.Context) error {
			_, err := c.Presence(ctx, "", "ch")
			return err
		}},
		{"read presence of a bad channel", "channel", func(ctx context.Context) error {
			_, err := c.Presence(ctx, testToken, "")
			return err
		}},
		{"read presence of a wildcard", "channel", func(ctx context.Context) error {
			_, err := c.Presence(ctx, testToken, "main:*")
			return err
		}},
		{"list devices of a bad topic", "topic", func(ctx context.Context) error {
			_, err := c.AllTopicDevices(ctx, "a/b")
			return err
		}},
		{"list topics without a private key", "private_key", func(ctx context.Context) error {
			_, err := noPK.AllTopics(ctx)
			return err
		}},
		{"check a bad topic", "topic", func(ctx context.Context) error {
			_, err := c.IsTopicSubscribed(ctx, "a.b")
			return err
		}},
		{"push to a bad topic", "channel", func(ctx context.Context) error {
			return c.PushPublish(ctx, "a.b", PushNotification{Message: "m"})
		}},
		{"push an empty message", "message", func(ctx context.Context) error {
			return c.PushPublish(ctx, "t", PushNotification{})
		}},
		{"push a payload that is an array", "payload", func(ctx context.Context) error {
			return c.PushPublish(ctx, "t", PushNotification{Message: "m", Payload: json.RawMessage(`[1]`)})
		}},
		{"push a payload that is null", "payload", func(ctx context.Context) error {
			return c.PushPublish(ctx, "t", PushNotification{Message: "m", Payload: json.RawMessage(`null`)})
		}},
		{"push apns that is not JSON", "apns", func(ctx context.Context) error {
			return c.PushPublish(ctx, "t", PushNotification{Message: "m", APNS: json.RawMessage(`{bad`)})
		}},
		{"push gcm that is a string", "gcm", func(ctx context.Context) error {
			return c.PushPublishBatch(ctx, []string{"t"}, PushNotification{Message: "m", GCM: json.RawMessage(`"x"`)})
		}},
		{"push to 101 topics", "channels", func(ctx context.Context) error {
			return c.PushPublishBatch(ctx, channels(101), PushNotification{Message: "m"})
		}},
		{"push to no topic", "channels", func(ctx context.Context) error {
			return c.PushPublishBatch(ctx, nil, PushNotification{Message: "m"})
		}},
	}
	// The rules of the bounds the server would otherwise answer 400 to.
	rules := map[string]string{
		"authenticate with a TTL above MaxTTL": "must be 62 to 2147483647 seconds",
		"publish with a TTL above MaxTTL":      "must be 0 (the plan's retention) to 2147483647 seconds",
		"read presence of a wildcard":          `must be one concrete channel, not a wildcard "<main>:*"`,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(testContext(t))
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Fatalf("got %v, want a ValidationError on %s", err, tt.field)
			}
			if rule, ok := rules[tt.name]; ok && ve.Rule != rule {
				t.Errorf("rule %q, want %q", ve.Rule, rule)
			}
			mustNotContain(t, err.Error(), testToken, testPrivateKey)
		})
	}
	if n := srv.count(""); n != 0 {
		t.Errorf("invalid inputs made %d requests, want 0", n)
	}
}

// MaxTTL itself is a valid TTL: the bound is inclusive, and goes out as is.
func TestTTL_maxTTLIsAccepted(t *testing.T) {
	t.Parallel()
	srv := newFake(t, created)
	c := newTestClient(t, Options{ServerURL: srv.URL})
	ctx := testContext(t)
	if err := c.Authenticate(ctx, AuthenticateInput{Token: testToken, TTL: MaxTTL}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Publish(ctx, PublishInput{Channel: "ch", Message: "m", TTL: MaxTTL}); err != nil {
		t.Fatal(err)
	}
	for _, r := range srv.requests() {
		if got := r.Form.Get("TTL"); got != "2147483647" {
			t.Errorf("%s TTL=%q, want 2147483647", r.Path, got)
		}
	}
	if n := srv.count(""); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}
