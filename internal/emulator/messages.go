package emulator

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

func (s *Server) send(q *request) *reply      { return s.deliver(q, "send") }
func (s *Server) publish(q *request) *reply   { return s.deliver(q, "publish") }
func (s *Server) sendbatch(q *request) *reply { return s.deliver(q, "sendbatch") }

// deliver accepts one message part for send, publish or sendbatch. It
// records the part per channel, all channels or none, and answers 201: for
// a publish that completes its message, with the message's sequence id as
// the body; otherwise with an empty body.
func (s *Server) deliver(q *request, endpoint string) *reply {
	v := q.vals
	app, rp := s.appByKey(v.Get("AK"), "parameter AK", false)
	if rp != nil {
		return rp
	}
	// PK, when given, wins: it may write any channel, so a token beside it
	// is not consulted.
	pk, at := v.Get("PK"), v.Get("AT")
	switch {
	case pk != "":
		if pk != app.PrivateKey {
			return unauthorized("Invalid private key.")
		}
		at = ""
	case at == "":
		return badRequest("Missing parameter PK or AT.")
	case !validName(at):
		return badRequest("Invalid parameter AT: a token must match ^[A-Za-z0-9_\\-:/.]+$.")
	}
	channels, rp := channelsOf(v.Get("C"), endpoint == "sendbatch")
	if rp != nil {
		return rp
	}
	fr, rp := parseFrame(v.Get("M"))
	if rp != nil {
		return rp
	}
	ttl := 0
	if endpoint == "publish" {
		if t := v.Get("TTL"); t != "" {
			n, err := strconv.Atoi(t)
			if err != nil || n < 0 || n > maxTTL {
				return badRequest("Invalid parameter TTL: want a number of seconds, 0 for the plan's retention.")
			}
			ttl = n
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	// The contract checks w only when the application enforces
	// authentication; otherwise a token is a credential of the right shape.
	if at != "" && app.EnforceAuth {
		perms, ok := s.liveToken(app.Key, at)
		if !ok {
			return unauthorized("Invalid authentication token.")
		}
		for _, ch := range channels {
			if !permits(perms, ch, 'w') {
				return unauthorized("The authentication token has no write permission on channel " + ch + ".")
			}
		}
	}
	if fr.id != "" {
		for _, ch := range channels {
			if m := s.st.byID[messageKey{app.Key, ch, fr.id}]; m != nil && m.Total != fr.total {
				return badRequest("Message %s on channel %s has %d parts, not %d.", fr.id, ch, m.Total, fr.total)
			}
		}
	}
	var seq string
	for _, ch := range channels {
		seq = s.st.addPart(app.Key, ch, endpoint, fr, ttl, at)
	}
	return &reply{status: http.StatusCreated, ctype: ctText, body: []byte(seq), gen: s.changed()}
}

// channelsOf validates C: one concrete channel, or for sendbatch a
// comma-delimited list of 1 to 50 (blanks around commas are ignored, as in
// the vendor's own example "yellow, red, blue"; repeats count once).
func channelsOf(c string, batch bool) ([]string, *reply) {
	if c == "" {
		return nil, badRequest("Missing parameter C.")
	}
	if !batch {
		if !validChannel(c) {
			return nil, badRequest("Invalid channel %q: want 1 to %d bytes of [A-Za-z0-9_-:/.].", cut(c, 100), maxChannelBytes)
		}
		return []string{c}, nil
	}
	parts := strings.Split(c, ",")
	if len(parts) > maxSendBatchChannels {
		return nil, badRequest("Parameter C names %d channels; at most %d.", len(parts), maxSendBatchChannels)
	}
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if !validChannel(p) {
			return nil, badRequest("Invalid channel %q in parameter C: want 1 to %d bytes of [A-Za-z0-9_-:/.].", cut(p, 100), maxChannelBytes)
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// frame is one parsed M value.
type frame struct {
	id          string // "" when unframed
	part, total int
	chunk       string
}

// parseFrame validates M and splits its framing prefix
// "<8 [a-z0-9]>_<part>-<total>_". An M without a well-formed prefix is an
// unframed one-part message (older SDKs send those).
func parseFrame(m string) (frame, *reply) {
	switch {
	case m == "":
		return frame{}, badRequest("Missing parameter M.")
	case len(m) > maxPartBytes:
		return frame{}, badRequest("Parameter M is %d bytes; a part holds at most %d bytes.", len(m), maxPartBytes)
	case !utf8.ValidString(m):
		// A chunk cut inside a multi-byte character: the contract forbids it.
		return frame{}, badRequest("Parameter M is not valid UTF-8 (a part must not split a character).")
	}
	unframed := frame{part: 1, total: 1, chunk: m}
	if len(m) < 13 || m[8] != '_' {
		return unframed, nil
	}
	for i := 0; i < 8; i++ {
		if c := m[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return unframed, nil
		}
	}
	partText, rest, ok := cutDigits(m[9:], '-')
	if !ok {
		return unframed, nil
	}
	totalText, chunk, ok := cutDigits(rest, '_')
	if !ok {
		return unframed, nil
	}
	part, err1 := strconv.Atoi(partText)
	total, err2 := strconv.Atoi(totalText)
	if err1 != nil || err2 != nil || len(partText) > 9 || len(totalText) > 9 ||
		part < 1 || total < 1 || part > total || total > maxParts {
		return frame{}, badRequest("Invalid message framing %q: want <id>_<part>-<total>_ with 1 <= part <= total <= %d.", cut(m, 40), maxParts)
	}
	return frame{id: m[:8], part: part, total: total, chunk: chunk}, nil
}

// cutDigits splits s at sep when everything before sep is 1+ digits.
func cutDigits(s string, sep byte) (digits, rest string, ok bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i == len(s) || s[i] != sep {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// addPart records one part of a message on one channel and returns the
// sequence id when it completes a published message. A part that arrives
// again is kept in Parts and counted as a duplicate; its first chunk stays.
func (st *state) addPart(app, ch, endpoint string, fr frame, ttl int, token string) string {
	var m *message
	key := messageKey{app, ch, fr.id}
	if fr.id != "" {
		m = st.byID[key]
	}
	if m == nil {
		m = &message{
			Message: Message{App: app, Channel: ch, Endpoint: endpoint, ID: fr.id, Total: fr.total, TTL: ttl, Token: token},
			chunks:  map[int]string{},
		}
		st.messages = append(st.messages, m)
		if fr.id != "" {
			st.byID[key] = m
		}
	}
	m.Parts = append(m.Parts, MessagePart{Part: fr.part, Chunk: fr.chunk})
	if _, dup := m.chunks[fr.part]; dup {
		m.Duplicates++
		return ""
	}
	m.chunks[fr.part] = fr.chunk
	m.Received++
	if m.Received < m.Total {
		return ""
	}
	m.Complete = true
	m.Text = m.joinChunks()
	if endpoint != "publish" {
		return ""
	}
	k := appChannel{app, ch}
	st.sequences[k]++
	m.SequenceID = strconv.Itoa(st.sequences[k])
	return m.SequenceID
}
