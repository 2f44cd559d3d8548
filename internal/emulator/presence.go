package emulator

import (
	"net"
	"net/http"
	"strings"
)

// balancer answers GET /server/2.1 and /server/ssl/2.1 with the server URL
// for an application key, as the exact JavaScript statement strict SDK
// parsers cut apart: `var SOCKET_SERVER = "<url>";`, no newline.
//
// The ssl path answers the same URL as the plain one: the emulator has no
// TLS, so "https://host:443" would send clients to a port nobody serves.
// An https Options.PublicURL is handed out (port spelled) on both paths.
func (s *Server) balancer(q *request) *reply {
	key := q.r.URL.Query().Get("appkey")
	s.mu.Lock()
	_, ok := s.st.liveApp(key)
	s.mu.Unlock()
	server := "http://undefined:undefined"
	switch {
	case ok:
		server = s.publicURL(q.r)
	case q.args[0] == "ssl":
		server = "https://undefined:undefined"
	}
	return &reply{status: http.StatusOK, ctype: ctJS, body: []byte(`var SOCKET_SERVER = "` + server + `";`)}
}

// publicURL is the messaging server URL handed out: Options.PublicURL, else
// the Host the client reached us by (so a client sees the address it
// already uses, whatever the listener), else (HTTP/1.0 without Host) the
// listener's address.
func (s *Server) publicURL(r *http.Request) string {
	if s.public != "" {
		return s.public
	}
	host := r.Host
	if !plainHost(host) {
		host = "localhost" // only when served without a listener
		if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			host = a.String()
		}
	}
	return "http://" + host
}

// plainHost accepts host[:port] made of the characters a host name or an IP
// literal uses, so that nothing odd ends up inside the quoted answer.
func plainHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(".-:[]%_", c) >= 0) {
			return false
		}
	}
	return true
}

func (s *Server) presenceEnable(q *request) *reply  { return s.presenceSwitch(q, true) }
func (s *Server) presenceDisable(q *request) *reply { return s.presenceSwitch(q, false) }

// presenceSwitch serves POST /presence/enable|disable/{ak}/{channel}.
// Enabling twice just updates the metadata flag; disabling a channel whose
// presence is off is fine too. A switch on "main:*" covers every
// "main:<x>" that has no switch of its own; disabling "main:x" removes only
// its own switch, so a wildcard still covers it.
func (s *Server) presenceSwitch(q *request, enable bool) *reply {
	ak, ch := q.args[0], q.args[1]
	app, rp := s.appByKey(ak, "application key in the path", false)
	if rp != nil {
		return rp
	}
	if rp := checkPrivateKey(app, q.vals.Get("privatekey"), "parameter privatekey", false); rp != nil {
		return rp
	}
	switch {
	case ch == "":
		return badRequest("Missing channel in the path.")
	case !validChannelEntry(ch):
		return badRequest("Invalid channel %q: want 1 to %d bytes of [A-Za-z0-9_-:/.], or main:* for every sub-channel.", cut(ch, 100), maxChannelBytes)
	}
	metadata := false
	if m := q.vals.Get("metadata"); enable && m != "" {
		b, ok := parseBool(m)
		if !ok {
			return badRequest("Invalid parameter metadata: want 0, 1, true or false.")
		}
		metadata = b
	}
	k := appChannel{app.Key, ch}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !enable {
		var gen uint64
		if _, ok := s.st.presence[k]; ok {
			delete(s.st.presence, k)
			gen = s.changed()
		}
		return &reply{status: http.StatusOK, ctype: ctText, body: []byte("Presence disabled."), gen: gen}
	}
	s.st.presence[k] = presenceSwitch{metadata: metadata}
	return &reply{status: http.StatusOK, ctype: ctText, body: []byte("Presence enabled."), gen: s.changed()}
}

// presenceAnswer is the presence JSON: subscriptions first, metadata always
// present.
type presenceAnswer struct {
	Subscriptions int            `json:"subscriptions"`
	Metadata      map[string]int `json:"metadata"`
}

// presenceGet serves GET /presence/{ak}/{token}/{channel}: the presence
// JSON, `null` when presence is off on the channel, and with ?callback=fn
// the JSONP forms fn({"content":...}) and fn({"error":"..."}). JSONP errors
// are answered 200 like their successes: a script tag cannot read a status.
func (s *Server) presenceGet(q *request) *reply {
	query := q.r.URL.Query()
	cbs, jsonp := query["callback"]
	if jsonp && !validCallback(cbs[0]) {
		return badRequest("Invalid parameter callback: want a JavaScript identifier such as fn or ns.fn.")
	}
	rp, content := s.presenceOfRequest(q)
	if !jsonp {
		if rp != nil {
			return rp
		}
		return &reply{status: http.StatusOK, ctype: ctJSON, body: content}
	}
	var inner []byte
	if rp != nil {
		inner = marshal(struct {
			Error string `json:"error"`
		}{string(rp.body)})
	} else {
		inner = append(append([]byte(`{"content":`), content...), '}')
	}
	body := append(append([]byte(cbs[0]+"("), inner...), ')')
	return &reply{status: http.StatusOK, ctype: ctJS, body: body}
}

// presenceOfRequest checks a presence read and returns either an error
// reply or the presence JSON.
func (s *Server) presenceOfRequest(q *request) (*reply, []byte) {
	ak, at, ch := q.args[0], q.args[1], q.args[2]
	app, rp := s.appByKey(ak, "application key in the path", false)
	if rp != nil {
		return rp, nil
	}
	switch {
	case at == "":
		return badRequest("Missing authentication token in the path."), nil
	case !validName(at):
		return badRequest("Invalid authentication token in the path: a token must match ^[A-Za-z0-9_\\-:/.]+$."), nil
	case ch == "":
		return badRequest("Missing channel in the path."), nil
	case !validChannel(ch):
		return badRequest("Invalid channel %q: want 1 to %d bytes of [A-Za-z0-9_-:/.].", cut(ch, 100), maxChannelBytes), nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Without enforcement any well-formed token may read presence.
	if app.EnforceAuth {
		perms, ok := s.liveToken(app.Key, at)
		if !ok {
			return unauthorized("Invalid authentication token."), nil
		}
		if !permits(perms, ch, 'p') {
			return unauthorized("The authentication token has no presence permission on channel " + ch + "."), nil
		}
	}
	sw, on := s.st.presenceOf(app.Key, ch)
	if !on {
		return nil, []byte("null")
	}
	ans := presenceAnswer{Metadata: map[string]int{}}
	if set := s.st.subscribers[appChannel{app.Key, ch}]; set != nil {
		ans.Subscriptions = set.total
		if sw.metadata {
			for _, m := range set.order {
				if m == "" {
					continue
				}
				if len(ans.Metadata) == maxMetadataEntries {
					break
				}
				ans.Metadata[m] = set.counts[m]
			}
		}
	}
	return nil, marshal(ans)
}
