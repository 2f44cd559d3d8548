package emulator

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"
)

// reservedFields are the authenticate fields that are not channels; every
// other field name is a channel.
var reservedFields = map[string]bool{"AT": true, "PVT": true, "AK": true, "PK": true, "TTL": true, "TP": true}

func badRequest(format string, a ...any) *reply {
	return textReply(http.StatusBadRequest, fmt.Sprintf(format, a...))
}

func unauthorized(text string) *reply { return textReply(http.StatusUnauthorized, text) }

// appByKey resolves an application key: 400 when it is missing, 401 when it
// is unknown or disabled. what names the parameter in the sentence.
func (s *Server) appByKey(key, what string, push bool) (App, *reply) {
	if key == "" {
		return App{}, errorReply(push, http.StatusBadRequest, "Missing "+what+".")
	}
	s.mu.Lock()
	app, ok := s.st.liveApp(key)
	s.mu.Unlock()
	if !ok {
		return App{}, errorReply(push, http.StatusUnauthorized, "Invalid application key.")
	}
	return app, nil
}

// checkPrivateKey: 400 when missing, 401 when wrong.
func checkPrivateKey(app App, pk, what string, push bool) *reply {
	switch {
	case pk == "":
		return errorReply(push, http.StatusBadRequest, "Missing "+what+".")
	case pk != app.PrivateKey:
		return errorReply(push, http.StatusUnauthorized, "Invalid private key.")
	}
	return nil
}

// liveToken returns a token's permissions when it exists and has not
// expired. Callers hold s.mu.
func (s *Server) liveToken(app, token string) (map[string]string, bool) {
	t, ok := s.st.tokens[tokenKey{app, token}]
	if !ok || !s.now().Before(t.ExpiresAt) {
		return nil, false
	}
	return t.Permissions, true
}

// authenticate saves a token's permissions: POST /authenticate.
//
// Checks run credentials first (an unauthenticated caller learns nothing
// about its other fields), then every field; nothing is saved unless all
// are valid. The permissions replace whatever the token had.
func (s *Server) authenticate(q *request) *reply {
	v := q.vals
	app, rp := s.appByKey(v.Get("AK"), "parameter AK", false)
	if rp != nil {
		return rp
	}
	if rp := checkPrivateKey(app, v.Get("PK"), "parameter PK", false); rp != nil {
		return rp
	}
	at := v.Get("AT")
	switch {
	case at == "":
		return badRequest("Missing parameter AT.")
	case !validName(at):
		return badRequest("Invalid parameter AT: a token must match ^[A-Za-z0-9_\\-:/.]+$.")
	}
	private := false
	if p := v.Get("PVT"); p != "" {
		b, ok := parseBool(p)
		if !ok {
			return badRequest("Invalid parameter PVT: want 0, 1, true or false.")
		}
		private = b
	}
	ttlText := v.Get("TTL")
	if ttlText == "" {
		return badRequest("Missing parameter TTL.")
	}
	ttl, err := strconv.Atoi(ttlText)
	switch {
	case err != nil || ttl < minTTL:
		return badRequest("Invalid parameter TTL: want an integer of at least %d seconds.", minTTL)
	case ttl > maxTTL:
		return badRequest("Invalid parameter TTL: at most %d seconds.", maxTTL)
	}
	var channels []string
	for k := range v {
		if !reservedFields[k] {
			channels = append(channels, k)
		}
	}
	sort.Strings(channels)
	if len(channels) > maxPermissions {
		return badRequest("Too many channel permissions: %d (at most %d).", len(channels), maxPermissions)
	}
	tp := 0
	if t := v.Get("TP"); t != "" {
		if tp, err = strconv.Atoi(t); err != nil || tp < 0 {
			return badRequest("Invalid parameter TP: want the number of channel permissions.")
		}
	}
	if tp != len(channels) {
		return badRequest("TP is %d but %d channel permissions were sent.", tp, len(channels))
	}
	perms := make(map[string]string, len(channels))
	for _, ch := range channels {
		if !validChannelEntry(ch) {
			return badRequest("Invalid channel %q: want 1 to %d bytes of [A-Za-z0-9_-:/.], or main:* for every sub-channel.", cut(ch, 100), maxChannelBytes)
		}
		if len(v[ch]) != 1 {
			return badRequest("Channel %s is given more than once.", ch)
		}
		letters, ok := normalizeLetters(v[ch][0])
		if !ok {
			return badRequest("Invalid permission %q for channel %s: want letters among r, w and p.", cut(v[ch][0], 20), ch)
		}
		perms[ch] = letters
	}
	now := s.now()
	s.mu.Lock()
	s.st.tokens[tokenKey{app.Key, at}] = &Token{
		App: app.Key, Token: at, Private: private, Permissions: perms, TTL: ttl,
		SavedAt: now, ExpiresAt: now.Add(time.Duration(ttl) * time.Second),
	}
	gen := s.changed()
	s.mu.Unlock()
	return &reply{status: http.StatusCreated, ctype: ctText, gen: gen}
}
