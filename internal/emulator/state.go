package emulator

import (
	"maps"
	"slices"
	"strings"
)

// appChannel keys everything that belongs to one channel of one app.
type appChannel struct{ app, channel string }

type tokenKey struct{ app, token string }

type messageKey struct{ app, channel, id string }

// state is everything the emulator accepted. It is guarded by Server.mu and
// is what the state file holds.
type state struct {
	apps        map[string]*App
	tokens      map[tokenKey]*Token
	presence    map[appChannel]presenceSwitch // exact or wildcard channel
	subscribers map[appChannel]*subscriberSet
	messages    []*message // in order of first part
	byID        map[messageKey]*message
	sequences   map[appChannel]int // last publish sequence id per channel
	devices     map[string]*appDevices
	pushes      []*Push
}

type presenceSwitch struct{ metadata bool }

// subscriberSet keeps simulated subscribers per metadata string in the
// order they first appeared: presence answers the first 100 of them.
type subscriberSet struct {
	order  []string
	counts map[string]int
	total  int
}

// message is a Message plus its chunks by part number, the first chunk
// received for each part.
type message struct {
	Message
	chunks map[int]string
}

// appDevices keeps one app's push topics in the order they got their first
// device, and each topic's devices in the order they were added. Both only
// grow (until a reset), which is what keeps offset page tokens valid while
// devices are added between pages.
type appDevices struct {
	topics  []string
	byTopic map[string]*topicDevices
}

type topicDevices struct {
	tokens []string
	set    map[string]struct{}
}

func newState() *state {
	return &state{
		apps:        map[string]*App{},
		tokens:      map[tokenKey]*Token{},
		presence:    map[appChannel]presenceSwitch{},
		subscribers: map[appChannel]*subscriberSet{},
		byID:        map[messageKey]*message{},
		sequences:   map[appChannel]int{},
		devices:     map[string]*appDevices{},
	}
}

// clearData drops everything but the applications.
func (st *state) clearData() {
	apps := st.apps
	*st = *newState()
	st.apps = apps
}

// liveApp returns the app for key when it exists and is enabled.
func (st *state) liveApp(key string) (App, bool) {
	a, ok := st.apps[key]
	if !ok || a.Disabled {
		return App{}, false
	}
	return *a, true
}

// permits reports whether the token's permissions grant letter on the
// concrete channel ch: the exact entry when there is one (even if it lacks
// the letter), else the "main:*" wildcard.
func permits(perms map[string]string, ch string, letter byte) bool {
	if l, ok := perms[ch]; ok {
		return lettersAllow(l, letter)
	}
	if w := wildcardOf(ch); w != "" {
		if l, ok := perms[w]; ok {
			return lettersAllow(l, letter)
		}
	}
	return false
}

// presenceOf returns the effective presence switch of a concrete channel:
// its exact entry, else its wildcard's.
func (st *state) presenceOf(app, ch string) (presenceSwitch, bool) {
	if p, ok := st.presence[appChannel{app, ch}]; ok {
		return p, true
	}
	if w := wildcardOf(ch); w != "" {
		p, ok := st.presence[appChannel{app, w}]
		return p, ok
	}
	return presenceSwitch{}, false
}

// addSubscribers adds n (or removes -n) simulated subscribers with the
// given metadata; counts never go below zero.
func (st *state) addSubscribers(app, ch, metadata string, n int) {
	k := appChannel{app, ch}
	set := st.subscribers[k]
	if set == nil {
		if n <= 0 {
			return
		}
		set = &subscriberSet{counts: map[string]int{}}
		st.subscribers[k] = set
	}
	st.setSubscribers(set, metadata, set.counts[metadata]+n)
	if set.total == 0 {
		delete(st.subscribers, k)
	}
}

func (st *state) setSubscribers(set *subscriberSet, metadata string, n int) {
	n = max(n, 0)
	old, ok := set.counts[metadata]
	switch {
	case n == 0 && ok:
		delete(set.counts, metadata)
		set.order = slices.DeleteFunc(set.order, func(m string) bool { return m == metadata })
	case n > 0 && !ok:
		set.order = append(set.order, metadata)
		set.counts[metadata] = n
	case n > 0:
		set.counts[metadata] = n
	}
	set.total += n - old
}

// addDevices subscribes device tokens to a topic, ignoring ones already
// there.
func (st *state) addDevices(app, topic string, tokens ...string) {
	ad := st.devices[app]
	if ad == nil {
		ad = &appDevices{byTopic: map[string]*topicDevices{}}
		st.devices[app] = ad
	}
	td := ad.byTopic[topic]
	for _, t := range tokens {
		if td == nil {
			td = &topicDevices{set: map[string]struct{}{}}
			ad.byTopic[topic] = td
			ad.topics = append(ad.topics, topic)
		}
		if _, dup := td.set[t]; !dup {
			td.set[t] = struct{}{}
			td.tokens = append(td.tokens, t)
		}
	}
}

func (st *state) deviceCount(app, topic string) int {
	if ad := st.devices[app]; ad != nil {
		if td := ad.byTopic[topic]; td != nil {
			return len(td.tokens)
		}
	}
	return 0
}

// channelPresence builds the admin view of one channel.
func (st *state) channelPresence(k appChannel) ChannelPresence {
	cp := ChannelPresence{App: k.app, Channel: k.channel, Subscribers: map[string]int{}}
	if isWildcard(k.channel) {
		p, ok := st.presence[k]
		cp.Enabled, cp.Metadata = ok, p.metadata
	} else {
		p, ok := st.presenceOf(k.app, k.channel)
		cp.Enabled, cp.Metadata = ok, p.metadata
	}
	if set := st.subscribers[k]; set != nil {
		cp.Subscriptions = set.total
		maps.Copy(cp.Subscribers, set.counts)
	}
	return cp
}

// copyMessage returns a deep copy, safe to hand out.
func copyMessage(m *message) Message {
	c := m.Message
	c.Parts = slices.Clone(m.Parts)
	return c
}

// joinChunks reassembles a complete message.
func (m *message) joinChunks() string {
	var b strings.Builder
	for i := 1; i <= m.Total; i++ {
		b.WriteString(m.chunks[i])
	}
	return b.String()
}

func copyToken(t *Token) Token {
	c := *t
	c.Permissions = maps.Clone(t.Permissions)
	return c
}

func copyPush(p *Push) Push {
	c := *p
	c.Channels = slices.Clone(p.Channels)
	c.Payload = slices.Clone(p.Payload)
	c.APNS = slices.Clone(p.APNS)
	c.GCM = slices.Clone(p.GCM)
	return c
}
