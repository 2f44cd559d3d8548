package provider

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

// Reading presence (GET /presence/{AK}/{AT}/{channel}) takes a token, not the
// private key, and when the application enforces authentication the token
// needs "p" on the channel. The provider uses its authentication_token when
// one is configured. Otherwise it reads with tokens of its own, chosen so
// that a plan with nothing to change costs one GET per channel and no save:
//
//   - One token per channel, derived (HMAC-SHA256 keyed with the private key)
//     from the application key and the channel. A save replaces a token's
//     whole permission set, so one token shared by channels read in parallel
//     would have each save undo the others'; a token per channel never races.
//     Derived, not random, so it is the same in every provider process:
//     Terraform starts one per plan and per apply, and a token saved by the
//     last one is still good.
//   - Optimistic: GET first with the derived token. It answers when the
//     application does not enforce authentication (any token reads) or when
//     the token is still valid. Only a 401 costs a save (authenticate with
//     "p" on that channel, private, TTL 300 s), then the GET again.
//
// Cost per channel read: 1 GET while the token lives (5 minutes after its
// last save); otherwise 2 GETs and 1 save. A random token per process would
// cost 1 save and 1 GET on every plan; one token for all channels could not
// be saved concurrently. What the derived token can do if it leaks: read the
// presence of that one channel for at most 5 minutes.

// presenceReadTokenTTL is the life of the provider's read tokens, seconds.
const presenceReadTokenTTL = 300

type presenceReader struct {
	client     *ortc.Client
	configured string // the provider's authentication_token, if any
	key        []byte // derivation key: the private key; nil without one
	appKey     string
	now        func() time.Time

	mu       sync.Mutex
	channels map[string]*readTokenState
}

// readTokenState serialises the reads of one channel within the process, so
// that two reads of the same channel (a resource and a data source) save its
// token at most once.
type readTokenState struct {
	mu      sync.Mutex
	savedAt time.Time // zero until this process saved the token
}

func newPresenceReader(client *ortc.Client, privateKey, authToken string, now func() time.Time) *presenceReader {
	r := &presenceReader{
		client:     client,
		configured: authToken,
		appKey:     client.ApplicationKey(),
		now:        now,
		channels:   map[string]*readTokenState{},
	}
	if privateKey != "" {
		r.key = []byte(privateKey)
	}
	return r
}

// Read returns the presence of channel; ortc.ErrPresenceNotEnabled when
// presence is off there.
func (r *presenceReader) Read(ctx context.Context, channel string) (*ortc.PresenceInfo, error) {
	if r.configured != "" {
		info, err := r.client.Presence(ctx, r.configured, channel)
		if ortc.IsUnauthorized(err) {
			return nil, fmt.Errorf("the provider's authentication_token was refused reading presence on %q; "+
				"it needs the p permission on that channel (or its main:*): %w", channel, err)
		}
		return info, err
	}
	if r.key == nil {
		return nil, errors.New("reading presence needs a token: set authentication_token (with the p permission) " +
			"or private_key (the provider then saves short-lived read tokens of its own) in the provider block")
	}

	st := r.state(channel)
	st.mu.Lock()
	defer st.mu.Unlock()

	token := presenceReadToken(r.key, r.appKey, channel)
	info, err := r.client.Presence(ctx, token, channel)
	if !ortc.IsUnauthorized(err) {
		return info, err
	}
	if !st.savedAt.IsZero() && r.now().Before(st.savedAt.Add(presenceReadTokenTTL*time.Second)) {
		// Saved by this process and still refused: saving again would not help.
		return nil, fmt.Errorf("the provider's presence read token for %q was refused although just saved: %w", channel, err)
	}
	savedAt := r.now()
	if err := r.client.Authenticate(ctx, ortc.AuthenticateInput{
		Token:       token,
		Private:     true,
		TTL:         presenceReadTokenTTL,
		Permissions: map[string]string{channel: "p"},
	}); err != nil {
		return nil, fmt.Errorf("saving the provider's presence read token for %q: %w", channel, err)
	}
	st.savedAt = savedAt
	return r.client.Presence(ctx, token, channel)
}

func (r *presenceReader) state(channel string) *readTokenState {
	r.mu.Lock()
	defer r.mu.Unlock()
	st, ok := r.channels[channel]
	if !ok {
		st = &readTokenState{}
		r.channels[channel] = st
	}
	return st
}

// presenceReadToken derives the provider's read token of one channel. It is
// not reversible to the private key, and differs per application and channel.
func presenceReadToken(key []byte, appKey, channel string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("terraform-provider-realtime presence read token\x00" + appKey + "\x00" + channel))
	return "tf-presence-" + hex.EncodeToString(mac.Sum(nil))[:40]
}
