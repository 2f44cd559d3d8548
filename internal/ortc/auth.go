package ortc

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// AuthenticateInput is a token's full set of channel permissions.
type AuthenticateInput struct {
	Token       string            // the authentication token (a secret)
	Private     bool              // PVT: a private token
	TTL         int               // seconds the permissions live, MinTTL to MaxTTL
	Permissions map[string]string // channel -> letters (r, w, p); at most MaxPermissions
}

// Authenticate saves a token's channel permissions: POST {server}/authenticate.
// It replaces whatever the token held (last write wins); the permissions live
// TTL seconds from now. It is idempotent, so it is retried.
func (c *Client) Authenticate(ctx context.Context, in AuthenticateInput) error {
	if err := ValidateToken(in.Token); err != nil {
		return err
	}
	if in.TTL < MinTTL || in.TTL > MaxTTL {
		return &ValidationError{Field: "ttl", Value: strconv.Itoa(in.TTL), Rule: fmt.Sprintf("must be %d to %d seconds", MinTTL, MaxTTL)}
	}
	if len(in.Permissions) > MaxPermissions {
		return &ValidationError{Field: "permissions", Value: strconv.Itoa(len(in.Permissions)) + " channels", Rule: fmt.Sprintf("must hold at most %d channels", MaxPermissions)}
	}
	channels := make([]string, 0, len(in.Permissions))
	for ch, letters := range in.Permissions {
		if err := validateChannel("permissions channel", ch); err != nil {
			return err
		}
		if reservedAuthField(ch) {
			return &ValidationError{Field: "permissions channel", Value: ch, Rule: "is a reserved field name of /authenticate (AT, PVT, AK, PK, TTL, TP)"}
		}
		if err := validateLetters(fmt.Sprintf("permissions[%q]", ch), letters); err != nil {
			return err
		}
		channels = append(channels, ch)
	}
	if err := c.requirePrivateKey("authenticate"); err != nil {
		return err
	}
	// Sorted, so that the same input always makes the same body.
	slices.Sort(channels)

	pvt := "0"
	if in.Private {
		pvt = "1"
	}
	f := newForm(256)
	f.add("AT", in.Token)
	f.add("PVT", pvt)
	f.add("AK", c.appKey)
	f.add("PK", c.privateKey)
	f.add("TTL", strconv.Itoa(in.TTL))
	f.add("TP", strconv.Itoa(len(channels)))
	for _, ch := range channels {
		f.add(ch, NormalizeLetters(in.Permissions[ch]))
	}
	_, err := c.do(ctx, call{
		op: "authenticate", kind: idempotent, method: http.MethodPost, onServer: true,
		path: "/authenticate", ctype: formType, body: f.encode(), secrets: []string{in.Token},
	})
	return err
}

// Revoke ends a token's permissions early: it re-saves the token with no
// channels (TP=0) for MinTTL seconds. There is no delete endpoint.
func (c *Client) Revoke(ctx context.Context, token string) error {
	return c.Authenticate(ctx, AuthenticateInput{Token: token, TTL: MinTTL})
}

const formType = "application/x-www-form-urlencoded"

// form is an ordered form body. url.Values would sort the fields; keeping
// the vendor's order makes request bodies read like the reference.
type form struct{ b []byte }

// newForm starts a form with room for about size bytes.
func newForm(size int) form { return form{b: make([]byte, 0, size)} }

func (f *form) add(name, value string) {
	if len(f.b) > 0 {
		f.b = append(f.b, '&')
	}
	f.b = append(f.b, url.QueryEscape(name)...)
	f.b = append(f.b, '=')
	f.b = append(f.b, url.QueryEscape(value)...)
}

func (f form) encode() []byte { return f.b }
