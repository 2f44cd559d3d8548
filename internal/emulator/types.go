package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// App is an application: its key, private key and whether it enforces
// authentication (token permissions) on token-based calls.
type App struct {
	Key         string `json:"key"`
	PrivateKey  string `json:"privateKey"`
	EnforceAuth bool   `json:"enforceAuth"`
	// Disabled makes the application behave as unknown everywhere: the
	// balancer answers "undefined" and every call is refused with 401.
	Disabled bool `json:"disabled,omitempty"`
}

// Token is a token's saved permissions, as the last authenticate call left
// them (replace semantics).
type Token struct {
	App     string `json:"app"`
	Token   string `json:"token"`
	Private bool   `json:"private"`
	// Permissions maps a channel (or "main:*") to its letters in canonical
	// order ("r", "w", "p" subset in that order). Empty after a TP=0 save.
	Permissions map[string]string `json:"permissions"`
	TTL         int               `json:"ttl"`
	SavedAt     time.Time         `json:"savedAt"`
	ExpiresAt   time.Time         `json:"expiresAt"`
}

// ChannelPresence is what the emulator knows of one channel's presence:
// the switch (effective, so a channel covered by an enabled "main:*" reads
// as enabled) and the simulated subscribers.
type ChannelPresence struct {
	App      string `json:"app"`
	Channel  string `json:"channel"`
	Enabled  bool   `json:"enabled"`
	Metadata bool   `json:"metadata"`
	// Subscriptions is the number of simulated subscribers.
	Subscriptions int `json:"subscriptions"`
	// Subscribers maps each connection metadata string ("" for none) to its
	// count.
	Subscribers map[string]int `json:"subscribers"`
}

// Message is one message as reassembled from its parts, per channel: a
// sendbatch to three channels is three Messages.
type Message struct {
	App      string `json:"app"`
	Channel  string `json:"channel"`
	Endpoint string `json:"endpoint"` // "send", "publish" or "sendbatch"
	// ID is the framing id; "" for an unframed M (a one-part message).
	ID       string `json:"id"`
	Total    int    `json:"total"`
	Received int    `json:"received"` // distinct parts received
	Complete bool   `json:"complete"`
	// Text is the reassembled message once Complete, the chunks joined in
	// part order; "" before.
	Text string `json:"text"`
	// SequenceID is what the completing publish POST answered.
	SequenceID string `json:"sequenceId,omitempty"`
	TTL        int    `json:"ttl,omitempty"`   // publish only
	Token      string `json:"token,omitempty"` // AT of the first part, when sent with a token
	// Duplicates counts parts received again after their first arrival:
	// anything but 0 means a receiver would have seen something twice.
	Duplicates int `json:"duplicates,omitempty"`
	// Parts lists every received part in arrival order, duplicates included.
	Parts []MessagePart `json:"parts"`
}

// MessagePart is one received part of a message.
type MessagePart struct {
	Part  int    `json:"part"`
	Chunk string `json:"chunk"`
}

// Push is one accepted push notification (publish or publishbatch).
type Push struct {
	App      string   `json:"app"`
	Endpoint string   `json:"endpoint"` // "publish" or "publishbatch"
	Channels []string `json:"channels"`
	Message  string   `json:"message"`
	// Payload is the payload object (decoded when it was sent as a
	// JSON-encoded string); APNS and GCM are the raw platform objects.
	Payload json.RawMessage `json:"payload,omitempty"`
	APNS    json.RawMessage `json:"apns,omitempty"`
	GCM     json.RawMessage `json:"gcm,omitempty"`
	// Devices is the number of device tokens the notification reached.
	Devices int `json:"devices"`
}

// Fault makes the emulator misbehave on purpose for matching requests of
// the contract routes (never the admin API).
//
// A fault matches a request when Route is "" or the request's route key
// (see Routes) and App is "" or the request's application key. Count > 0
// applies it to the next Count matching requests; Percent > 0 applies it to
// that share of matching requests, drawn deterministically from Seed (with
// Count > 0 too, it stops after Count hits). With neither, it applies once.
//
// A faulted request is counted. Delay waits first (abandoning the request
// if the client goes away); then Reset drops the connection without an
// answer, or Status answers instead of processing (nothing is recorded),
// with a Retry-After header when RetryAfter > 0. A Delay alone delays and
// then processes the request.
//
// In JSON, Delay is a Go duration string ("250ms"); a number is taken as
// nanoseconds.
type Fault struct {
	Route      string        `json:"route,omitempty"`
	App        string        `json:"app,omitempty"`
	Count      int           `json:"count,omitempty"`
	Percent    int           `json:"percent,omitempty"`
	Seed       int64         `json:"seed,omitempty"`
	Status     int           `json:"status,omitempty"`
	RetryAfter int           `json:"retryAfter,omitempty"`
	Delay      time.Duration `json:"delay,omitempty"`
	Reset      bool          `json:"reset,omitempty"`
}

// faultJSON is Fault with a human Delay; the alias drops Fault's methods.
type faultJSON struct {
	faultAlias
	Delay any `json:"delay,omitempty"`
}

type faultAlias Fault

// MarshalJSON writes Delay as a duration string.
func (f Fault) MarshalJSON() ([]byte, error) {
	j := faultJSON{faultAlias: faultAlias(f)}
	if f.Delay != 0 {
		j.Delay = f.Delay.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads Delay as a duration string or a number of
// nanoseconds.
func (f *Fault) UnmarshalJSON(b []byte) error {
	var j faultJSON
	// Strict: a misspelt field would otherwise arm a fault that does
	// nothing the test expects.
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	*f = Fault(j.faultAlias)
	switch d := j.Delay.(type) {
	case nil:
	case string:
		v, err := time.ParseDuration(d)
		if err != nil {
			return fmt.Errorf("delay: %w", err)
		}
		f.Delay = v
	case float64:
		f.Delay = time.Duration(d)
	default:
		return fmt.Errorf("delay: want a duration string such as \"250ms\"")
	}
	return nil
}

// Validate reports what is wrong with a fault, in a sentence.
func (f Fault) Validate() error {
	switch {
	case f.Route != "" && !isRoute(f.Route):
		return fmt.Errorf("unknown route %q (want one of the counter names)", f.Route)
	case f.Count < 0:
		return fmt.Errorf("count must not be negative")
	case f.Percent < 0 || f.Percent > 100:
		return fmt.Errorf("percent must be between 0 and 100")
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("status must be between 400 and 599")
	case f.RetryAfter < 0:
		return fmt.Errorf("retryAfter must not be negative")
	case f.Delay < 0 || f.Delay > time.Hour:
		return fmt.Errorf("delay must be between 0 and 1h")
	case f.Status == 0 && f.Delay == 0 && !f.Reset:
		return fmt.Errorf("a fault needs a status, a delay or reset")
	case f.Status != 0 && f.Reset:
		return fmt.Errorf("status and reset exclude each other")
	}
	return nil
}

// Subscribers describes simulated subscribers of a channel, for seeding:
// Count connections whose metadata is Metadata ("" for none).
type Subscribers struct {
	App      string `json:"app"`
	Channel  string `json:"channel"`
	Metadata string `json:"metadata,omitempty"`
	Count    int    `json:"count"`
}

// Devices describes device tokens subscribed to a push topic, for seeding.
type Devices struct {
	App    string   `json:"app"`
	Topic  string   `json:"topic"`
	Tokens []string `json:"tokens"`
}
