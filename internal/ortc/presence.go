package ortc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// PresenceInfo is a channel's presence: how many subscriptions, and how many
// connections share each metadata string (empty when metadata is off).
type PresenceInfo struct {
	Subscriptions int
	Metadata      map[string]int
}

// EnablePresence switches presence on for a channel ("main:*" covers every
// main:<x>): POST {server}/presence/enable/{AK}/{channel}. Enabling twice
// just updates the metadata flag.
func (c *Client) EnablePresence(ctx context.Context, channel string, metadata bool) error {
	if err := validatePathChannel(channel, validateChannel); err != nil {
		return err
	}
	if err := c.requirePrivateKey("presence_enable"); err != nil {
		return err
	}
	md := "0"
	if metadata {
		md = "1"
	}
	f := newForm(128)
	f.add("privatekey", c.privateKey)
	f.add("metadata", md)
	_, err := c.do(ctx, call{
		op: "presence_enable", kind: idempotent, method: http.MethodPost, onServer: true,
		path:  "/presence/enable/" + escapeSegment(c.appKey) + "/" + escapeChannelPath(channel),
		ctype: formType, body: f.encode(),
	})
	return err
}

// DisablePresence switches presence off for a channel: POST
// {server}/presence/disable/{AK}/{channel}. It succeeds when presence was
// already off.
func (c *Client) DisablePresence(ctx context.Context, channel string) error {
	if err := validatePathChannel(channel, validateChannel); err != nil {
		return err
	}
	if err := c.requirePrivateKey("presence_disable"); err != nil {
		return err
	}
	f := newForm(128)
	f.add("privatekey", c.privateKey)
	_, err := c.do(ctx, call{
		op: "presence_disable", kind: idempotent, method: http.MethodPost, onServer: true,
		path:  "/presence/disable/" + escapeSegment(c.appKey) + "/" + escapeChannelPath(channel),
		ctype: formType, body: f.encode(),
	})
	return err
}

// Presence reads a concrete channel's presence (not "main:*") with a token
// that has "p" on it: GET {server}/presence/{AK}/{token}/{channel}. Presence
// off (the body `null`) is an error that errors.Is ErrPresenceNotEnabled.
func (c *Client) Presence(ctx context.Context, token, channel string) (*PresenceInfo, error) {
	if err := validatePathToken(token); err != nil {
		return nil, err
	}
	if err := validatePathChannel(channel, validateConcreteChannel); err != nil {
		return nil, err
	}
	secrets := []string{token, escapeSegment(token)}
	ans, err := c.do(ctx, call{
		op: "presence_get", kind: idempotent, method: http.MethodGet, onServer: true,
		path:    "/presence/" + escapeSegment(c.appKey) + "/" + escapeSegment(token) + "/" + escapeChannelPath(channel),
		secrets: secrets,
	})
	if err != nil {
		return nil, err
	}
	body := bytes.TrimSpace(ans.body)
	if string(body) == "null" {
		return nil, fmt.Errorf("%w: %q", ErrPresenceNotEnabled, channel)
	}
	var p struct {
		Subscriptions *int           `json:"subscriptions"`
		Metadata      map[string]int `json:"metadata"`
	}
	if len(body) == 0 || body[0] != '{' || json.Unmarshal(body, &p) != nil || p.Subscriptions == nil {
		return nil, fmt.Errorf(`ortc: presence_get: unexpected answer %q, want {"subscriptions":n,"metadata":{...}} or null`,
			cut(scrub(string(body), append(secrets, c.privateKey)), 200))
	}
	if p.Metadata == nil {
		p.Metadata = map[string]int{}
	}
	return &PresenceInfo{Subscriptions: *p.Subscriptions, Metadata: p.Metadata}, nil
}

// escapeSegment percent-encodes s as one path segment: "/" inside a key or
// token must not split it (%2F stays within the segment for the server's
// router).
func escapeSegment(s string) string { return escapePath(s, false) }

// escapeChannelPath percent-encodes a channel as the rest of a path: the
// server takes everything after the key (and token) as the channel, so "/"
// stays as it is. ":" and "*" are legal in a path and sent as they are, as
// the SDKs do.
func escapeChannelPath(s string) string { return escapePath(s, true) }

func escapePath(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9',
			ch == '-', ch == '_', ch == '.', ch == '~', ch == ':', ch == '*',
			keepSlash && ch == '/':
			b.WriteByte(ch)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[ch>>4])
			b.WriteByte(hexDigits[ch&0x0f])
		}
	}
	return b.String()
}
