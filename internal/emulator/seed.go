package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// Seed is what a seed file (the command's -seed) or the admin API puts in
// an emulator:
//
//	{
//	  "apps": [
//	    {"key": "demo-app", "privateKey": "demo-private-key", "enforceAuth": true}
//	  ],
//	  "subscribers": [
//	    {"app": "demo-app", "channel": "chat", "metadata": "user:ann", "count": 2},
//	    {"app": "demo-app", "channel": "chat", "count": 1}
//	  ],
//	  "devices": [
//	    {"app": "demo-app", "topic": "news", "tokens": ["device-1", "device-2"]}
//	  ]
//	}
//
// Every section is optional. Applying a seed is idempotent, so a seed file
// can be given on every start beside a state file: apps are created or
// replaced, subscriber counts are set (not added) per app, channel and
// metadata, and devices already on a topic are not added twice.
type Seed struct {
	Apps        []App         `json:"apps,omitempty"`
	Subscribers []Subscribers `json:"subscribers,omitempty"`
	Devices     []Devices     `json:"devices,omitempty"`
}

// ParseSeed decodes a seed file; unknown fields are errors, so that a typo
// does not silently seed nothing.
func ParseSeed(data []byte) (Seed, error) {
	var sd Seed
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sd); err != nil {
		return Seed{}, fmt.Errorf("emulator: seed: %w", err)
	}
	if dec.More() {
		return Seed{}, fmt.Errorf("emulator: seed: data after the JSON object")
	}
	return sd, nil
}

// ApplySeed validates a seed whole and then applies it (see Seed).
// Subscribers and devices must name an application of the seed or of the
// emulator.
func (s *Server) ApplySeed(sd Seed) error {
	for _, a := range sd.Apps {
		if err := validateApp(a); err != nil {
			return err
		}
	}
	s.mu.Lock()
	known := func(app string) bool {
		_, ok := s.st.apps[app]
		return ok || slices.ContainsFunc(sd.Apps, func(a App) bool { return a.Key == app })
	}
	for _, sb := range sd.Subscribers {
		if err := validateSubscribers(sb, known); err != nil {
			s.mu.Unlock()
			return err
		}
	}
	for _, d := range sd.Devices {
		if err := validateDevices(d, known); err != nil {
			s.mu.Unlock()
			return err
		}
	}
	for _, a := range sd.Apps {
		s.st.apps[a.Key] = &a
	}
	for _, sb := range sd.Subscribers {
		k := appChannel{sb.App, sb.Channel}
		cur := 0
		if set := s.st.subscribers[k]; set != nil {
			cur = set.counts[sb.Metadata]
		}
		s.st.addSubscribers(sb.App, sb.Channel, sb.Metadata, sb.Count-cur)
	}
	for _, d := range sd.Devices {
		s.st.addDevices(d.App, d.Topic, d.Tokens...)
	}
	gen := s.changed()
	s.mu.Unlock()
	return s.persist(gen)
}

func validateSubscribers(sb Subscribers, known func(string) bool) error {
	switch {
	case !known(sb.App):
		return fmt.Errorf("emulator: subscribers: unknown application %q", cut(sb.App, 100))
	case !validChannel(sb.Channel):
		return fmt.Errorf("emulator: subscribers: invalid channel %q", cut(sb.Channel, 100))
	case len(sb.Metadata) > 256:
		return fmt.Errorf("emulator: subscribers: metadata longer than 256 bytes")
	}
	return nil
}

func validateDevices(d Devices, known func(string) bool) error {
	switch {
	case !known(d.App):
		return fmt.Errorf("emulator: devices: unknown application %q", cut(d.App, 100))
	case !validTopic(d.Topic):
		return fmt.Errorf("emulator: devices: invalid topic %q", cut(d.Topic, 100))
	case len(d.Tokens) == 0:
		return fmt.Errorf("emulator: devices: topic %s has no tokens", d.Topic)
	}
	for _, t := range d.Tokens {
		if t == "" || len(t) > 4096 {
			return fmt.Errorf("emulator: devices: a device token must be 1 to 4096 bytes")
		}
	}
	return nil
}

// AddSubscribers adds n simulated subscribers (or removes -n) with the given
// connection metadata ("" for none) to a channel; they feed presence
// counts. Errors saving the state file are reported by the next request.
func (s *Server) AddSubscribers(app, channel, metadata string, n int) {
	_ = s.addSubscribers(app, channel, metadata, n)
}

func (s *Server) addSubscribers(app, channel, metadata string, n int) error {
	s.mu.Lock()
	s.st.addSubscribers(app, channel, metadata, n)
	gen := s.changed()
	s.mu.Unlock()
	return s.persist(gen)
}

// AddDevices subscribes device tokens to a push topic of an app.
func (s *Server) AddDevices(app, topic string, tokens ...string) {
	_ = s.addDevices(app, topic, tokens...)
}

func (s *Server) addDevices(app, topic string, tokens ...string) error {
	s.mu.Lock()
	s.st.addDevices(app, topic, tokens...)
	gen := s.changed()
	s.mu.Unlock()
	return s.persist(gen)
}

// Tokens returns the live (unexpired) tokens of an app, or of all apps when
// app is "", sorted by app and token.
func (s *Server) Tokens(app string) []Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := []Token{}
	for k, t := range s.st.tokens {
		if (app == "" || k.app == app) && now.Before(t.ExpiresAt) {
			out = append(out, copyToken(t))
		}
	}
	sortBy(out, func(t Token) string { return t.App + "\x00" + t.Token })
	return out
}

// Presence returns every channel with a presence switch or simulated
// subscribers, of an app or of all apps when app is "", sorted.
func (s *Server) Presence(app string) []ChannelPresence {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := map[appChannel]bool{}
	for k := range s.st.presence {
		keys[k] = true
	}
	for k := range s.st.subscribers {
		keys[k] = true
	}
	out := []ChannelPresence{}
	for k := range keys {
		if app == "" || k.app == app {
			out = append(out, s.st.channelPresence(k))
		}
	}
	sortBy(out, func(c ChannelPresence) string { return c.App + "\x00" + c.Channel })
	return out
}

// Messages returns the messages of an app (all apps when ""), complete and
// incomplete, in the order their first part arrived.
func (s *Server) Messages(app string) []Message {
	return s.ChannelMessages(app, "")
}

// ChannelMessages is Messages limited to one channel when channel is not "".
func (s *Server) ChannelMessages(app, channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Message{}
	for _, m := range s.st.messages {
		if (app == "" || m.App == app) && (channel == "" || m.Channel == channel) {
			out = append(out, copyMessage(m))
		}
	}
	return out
}

// Pushes returns the accepted push notifications of an app (all apps when
// ""), in order.
func (s *Server) Pushes(app string) []Push {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Push{}
	for _, p := range s.st.pushes {
		if app == "" || p.App == app {
			out = append(out, copyPush(p))
		}
	}
	return out
}

// Devices returns the push topics and their device tokens of an app (all
// apps when ""), topics in the order they got their first device.
func (s *Server) Devices(app string) []Devices {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Devices{}
	for a, ad := range s.st.devices {
		if app != "" && a != app {
			continue
		}
		for _, t := range ad.topics {
			out = append(out, Devices{App: a, Topic: t, Tokens: slices.Clone(ad.byTopic[t].tokens)})
		}
	}
	slices.SortStableFunc(out, func(x, y Devices) int {
		switch {
		case x.App < y.App:
			return -1
		case x.App > y.App:
			return 1
		}
		return 0
	})
	return out
}
