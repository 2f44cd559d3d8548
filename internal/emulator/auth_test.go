package emulator

import (
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestAuthenticateSavesPermissions(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.post("/authenticate", url.Values{
		"AT": {"tok"}, "PVT": {"1"}, "AK": {testApp}, "PK": {testPK}, "TTL": {"1800"}, "TP": {"3"},
		"main:*": {"pw"}, "chat/room.1": {"r"}, "b": {"wrpw"},
	})
	r.expect(t, 201, ctText, "")
	toks := e.s.Tokens(testApp)
	if len(toks) != 1 {
		t.Fatalf("tokens %+v", toks)
	}
	tok := toks[0]
	want := map[string]string{"main:*": "wp", "chat/room.1": "r", "b": "rwp"}
	if tok.Token != "tok" || !tok.Private || tok.TTL != 1800 || !equalMaps(tok.Permissions, want) {
		t.Fatalf("token %+v", tok)
	}
	if !tok.ExpiresAt.Equal(e.clock.Now().Add(1800 * time.Second)) {
		t.Fatalf("expires %v", tok.ExpiresAt)
	}
}

func equalMaps[K, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestAuthenticateReplacesPermissions(t *testing.T) {
	e := newEnv(t, Options{})
	e.mustAuth("tok", map[string]string{"a": "w", "b": "r"})
	e.mustAuth("tok", map[string]string{"c": "p"})
	if got := e.s.Tokens(testApp)[0].Permissions; !equalMaps(got, map[string]string{"c": "p"}) {
		t.Fatalf("after a second save: %v", got)
	}
	// TP=0 is the revoke: the token is left with no permissions.
	e.mustAuth("tok", nil)
	if got := e.s.Tokens(testApp)[0].Permissions; len(got) != 0 {
		t.Fatalf("after TP=0: %v", got)
	}
	e.post("/send", url.Values{"AK": {testApp}, "AT": {"tok"}, "C": {"c"}, "M": {"x"}}).expectError(t, 401)
}

func TestAuthenticateExpiry(t *testing.T) {
	e := newEnv(t, Options{})
	e.auth(testApp, testPK, "tok", 62, map[string]string{"ch": "w"}).expect(t, 201, ctText, "")
	send := func() result {
		return e.post("/send", url.Values{"AK": {testApp}, "AT": {"tok"}, "C": {"ch"}, "M": {"hi"}})
	}
	e.clock.Advance(61 * time.Second)
	send().expect(t, 201, ctText, "")
	e.clock.Advance(time.Second)
	send().expect(t, 401, ctText, "Invalid authentication token.")
	if n := len(e.s.Tokens(testApp)); n != 0 {
		t.Fatalf("expired token still listed (%d)", n)
	}
}

func TestAuthenticateErrors(t *testing.T) {
	e := newEnv(t, Options{})
	if err := e.s.PutApp(App{Key: "off", PrivateKey: "x", Disabled: true}); err != nil {
		t.Fatal(err)
	}
	good := func() url.Values {
		return url.Values{"AT": {"tok"}, "PVT": {"0"}, "AK": {testApp}, "PK": {testPK}, "TTL": {"1800"}, "TP": {"1"}, "ch": {"r"}}
	}
	many := func(n int) url.Values {
		f := good()
		f.Del("ch")
		f.Set("TP", itoa(n))
		for i := range n {
			f.Set("c"+itoa(i), "r")
		}
		return f
	}
	for _, tc := range []struct {
		name   string
		edit   func(url.Values) url.Values
		status int
		body   string
	}{
		{"a missing AK is a bad request", func(f url.Values) url.Values { f.Del("AK"); return f }, 400, "Missing parameter AK."},
		{"an unknown AK is unauthorized", func(f url.Values) url.Values { f.Set("AK", "nope"); return f }, 401, "Invalid application key."},
		{"a disabled AK is unauthorized", func(f url.Values) url.Values { f.Set("AK", "off"); f.Set("PK", "x"); return f }, 401, "Invalid application key."},
		{"a missing PK is a bad request", func(f url.Values) url.Values { f.Del("PK"); return f }, 400, "Missing parameter PK."},
		{"a wrong PK is unauthorized", func(f url.Values) url.Values { f.Set("PK", "bad"); return f }, 401, "Invalid private key."},
		{"a missing AT is a bad request", func(f url.Values) url.Values { f.Del("AT"); return f }, 400, "Missing parameter AT."},
		{"an AT with a space is invalid", func(f url.Values) url.Values { f.Set("AT", "a b"); return f }, 400, ""},
		{"PVT 2 is invalid", func(f url.Values) url.Values { f.Set("PVT", "2"); return f }, 400, "Invalid parameter PVT: want 0, 1, true or false."},
		{"a missing TTL is a bad request", func(f url.Values) url.Values { f.Del("TTL"); return f }, 400, "Missing parameter TTL."},
		{"TTL 61 is too short", func(f url.Values) url.Values { f.Set("TTL", "61"); return f }, 400, "Invalid parameter TTL: want an integer of at least 62 seconds."},
		{"a TTL that is no integer is invalid", func(f url.Values) url.Values { f.Set("TTL", "1e3"); return f }, 400, ""},
		{"a huge TTL is invalid", func(f url.Values) url.Values { f.Set("TTL", "99999999999"); return f }, 400, ""},
		{"TP must count the channels", func(f url.Values) url.Values { f.Set("TP", "2"); return f }, 400, "TP is 2 but 1 channel permissions were sent."},
		{"a missing TP means 0", func(f url.Values) url.Values { f.Del("TP"); return f }, 400, "TP is 0 but 1 channel permissions were sent."},
		{"a negative TP is invalid", func(f url.Values) url.Values { f.Set("TP", "-1"); return f }, 400, ""},
		{"101 channels are too many", func(url.Values) url.Values { return many(101) }, 400, "Too many channel permissions: 101 (at most 100)."},
		{"an unknown letter is invalid", func(f url.Values) url.Values { f.Set("ch", "rx"); return f }, 400, ""},
		{"upper-case letters are invalid", func(f url.Values) url.Values { f.Set("ch", "W"); return f }, 400, ""},
		{"empty letters are invalid", func(f url.Values) url.Values { f.Set("ch", ""); return f }, 400, ""},
		{"a channel with a space is invalid", func(f url.Values) url.Values { f.Del("ch"); f.Set("c h", "r"); return f }, 400, ""},
		{"a channel of 100 bytes is invalid", func(f url.Values) url.Values { f.Del("ch"); f.Set(strings.Repeat("c", 100), "r"); return f }, 400, ""},
		{"a wildcard below a sub-channel is invalid", func(f url.Values) url.Values { f.Del("ch"); f.Set("a:b:*", "r"); return f }, 400, ""},
		{"a bare star is invalid", func(f url.Values) url.Values { f.Del("ch"); f.Set("*", "r"); return f }, 400, ""},
		{"a channel given twice is invalid", func(f url.Values) url.Values { f.Add("ch", "w"); return f }, 400, "Channel ch is given more than once."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.post("/authenticate", tc.edit(good()))
			r.expectError(t, tc.status)
			if tc.body != "" && r.body != tc.body {
				t.Fatalf("body %q, want %q", r.body, tc.body)
			}
		})
	}
	if n := len(e.s.Tokens("")); n != 0 {
		t.Fatalf("a refused save left %d tokens", n)
	}
}

func TestAuthenticateAccepts(t *testing.T) {
	e := newEnv(t, Options{})
	for _, tc := range []struct {
		name string
		form url.Values
	}{
		{"PVT true", url.Values{"PVT": {"true"}, "TTL": {"62"}, "TP": {"0"}}},
		{"PVT false", url.Values{"PVT": {"false"}, "TTL": {"62"}}},
		{"no PVT and no TP", url.Values{"TTL": {"62"}}},
		{"100 channels", func() url.Values {
			f := url.Values{"TTL": {"62"}, "TP": {"100"}}
			for i := range 100 {
				f.Set("c"+itoa(i), "r")
			}
			return f
		}()},
		{"a 99-byte channel", url.Values{"TTL": {"62"}, "TP": {"1"}, strings.Repeat("c", 99): {"r"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.form
			f.Set("AK", testApp)
			f.Set("PK", testPK)
			f.Set("AT", "tok")
			e.post("/authenticate", f).expect(t, 201, ctText, "")
		})
	}
}

// The server decodes JSON when the body starts with '{' and form data
// otherwise, whatever the Content-Type, and merges query parameters.
func TestLenientBodies(t *testing.T) {
	e := newEnv(t, Options{})
	form := "AT=t1&AK=app1&PK=pk1&TTL=100&TP=1&main%3A%2A=w"
	js := `{"AT":"t2","AK":"app1","PK":"pk1","TTL":100,"TP":1,"PVT":true,"main:*":"w"}`
	e.do("POST", "/authenticate", jsonType, form).expect(t, 201, ctText, "")
	e.do("POST", "/authenticate", formType, js).expect(t, 201, ctText, "")
	e.do("POST", "/authenticate", "", " \n"+js).expect(t, 201, ctText, "")
	e.do("POST", "/authenticate?AK=app1&PK=pk1", formType, "AT=t3&TTL=100&TP=1&x=r").expect(t, 201, ctText, "")
	e.do("POST", "/authenticate/?AT=t4&AK=app1&PK=pk1&TTL=100", "text/plain", "").expect(t, 201, ctText, "")
	// The body wins over the query for one name.
	e.do("POST", "/authenticate?PK=wrong", formType, "AT=t5&AK=app1&PK=pk1&TTL=100").expect(t, 201, ctText, "")
	toks := e.s.Tokens(testApp)
	if len(toks) != 5 || !toks[1].Private || toks[1].TTL != 100 || toks[1].Permissions["main:*"] != "w" || toks[2].Permissions["x"] != "r" {
		t.Fatalf("tokens %+v", toks)
	}
}

// TestLenientRoutes takes TestLenientBodies to every route: a JSON body, a
// form body under a wrong or missing Content-Type, query parameters merged
// into either (the body winning name by name) and a trailing slash. Each
// case checks what the emulator recorded, not only the status: a parameter
// that is silently dropped still answers 200.
func TestLenientRoutes(t *testing.T) {
	const (
		js       = `{"AK":"app1","PK":"pk1",`
		push     = `{` + creds + `,`
		enabled  = "Presence enabled."
		disabled = "Presence disabled."
		pushOK   = "null"
	)
	for _, tc := range []struct {
		name, path, ctype, body string
		status                  int
		answer                  string
		state                   string // as lenientState writes it
	}{
		// JSON bodies on the form routes.
		{"send, JSON", "/send", jsonType, js + `"C":"ch","M":"abcdefgh_1-1_hi"}`, 201, "", "msg send ch hi"},
		{"publish, JSON with a number TTL", "/publish", jsonType, js + `"C":"ch","M":"hi","TTL":60}`, 201, "1", "msg publish ch hi ttl=60 seq=1"},
		{"sendbatch, JSON", "/sendbatch", jsonType, js + `"C":"a,b","M":"hi"}`, 201, "", "msg sendbatch a hi; msg sendbatch b hi"},
		{"presence enable, JSON metadata true", "/presence/enable/app1/room", jsonType, `{"privatekey":"pk1","metadata":true}`, 200, enabled, "presence room metadata"},
		{`presence enable, JSON metadata "1"`, "/presence/enable/app1/room", jsonType, `{"privatekey":"pk1","metadata":"1"}`, 200, enabled, "presence room metadata"},
		{"presence enable, JSON metadata false", "/presence/enable/app1/room", jsonType, `{"privatekey":"pk1","metadata":false}`, 200, enabled, "presence room"},
		{"presence disable, JSON", "/presence/disable/app1/room", jsonType, `{"privatekey":"pk1"}`, 200, disabled, ""},
		{"push publish, JSON labelled as form", "/mp/publish", formType, push + `"channel":"news","message":"m","payload":{"a":1}}`, 200, pushOK, `push publish news m payload={"a":1}`},

		// Form bodies whatever the Content-Type.
		{"send, form labelled JSON", "/send", jsonType, "AK=app1&PK=pk1&C=ch&M=hi", 201, "", "msg send ch hi"},
		{"publish, form without Content-Type", "/publish", "", "AK=app1&PK=pk1&C=ch&M=hi&TTL=60", 201, "1", "msg publish ch hi ttl=60 seq=1"},
		{"sendbatch, form labelled text", "/sendbatch", "text/plain", "AK=app1&PK=pk1&C=a%2Cb&M=hi", 201, "", "msg sendbatch a hi; msg sendbatch b hi"},
		{"presence enable, form labelled JSON", "/presence/enable/app1/room", jsonType, "privatekey=pk1&metadata=1", 200, enabled, "presence room metadata"},
		{"presence disable, form without Content-Type", "/presence/disable/app1/room", "", "privatekey=pk1", 200, disabled, ""},
		{"push publish, form without Content-Type", "/mp/publish", "", "applicationKey=app1&privateKey=pk1&channel=news&message=m&payload=%7B%22a%22%3A1%7D", 200, pushOK, `push publish news m payload={"a":1}`},
		{"push publishbatch, form labelled JSON", "/mp/publishbatch", jsonType, "applicationKey=app1&privateKey=pk1&channels=news&channels=sport&message=m", 200, pushOK, "push publishbatch news,sport m"},

		// Query parameters on the form routes, under either body.
		{"send, credentials in the query", "/send?AK=app1&PK=pk1", formType, "C=ch&M=hi", 201, "", "msg send ch hi"},
		{"publish, TTL in the query of a JSON body", "/publish?TTL=60", jsonType, js + `"C":"ch","M":"hi"}`, 201, "1", "msg publish ch hi ttl=60 seq=1"},
		{"presence enable, metadata in the query", "/presence/enable/app1/room?metadata=1", formType, "privatekey=pk1", 200, enabled, "presence room metadata"},
		{"presence enable, private key in the query of a JSON body", "/presence/enable/app1/room?privatekey=pk1", jsonType, `{"metadata":"1"}`, 200, enabled, "presence room metadata"},
		{"send, the form body wins", "/send?C=other&M=nope", formType, "AK=app1&PK=pk1&C=ch&M=hi", 201, "", "msg send ch hi"},
		{"send, the JSON body wins", "/send?C=other&M=nope", jsonType, js + `"C":"ch","M":"hi"}`, 201, "", "msg send ch hi"},
		{"send, a JSON null is absent", "/send?C=ch", jsonType, js + `"C":null,"M":"hi"}`, 201, "", "msg send ch hi"},
		{"authenticate, a query channel beside the body's", "/authenticate?x=w", formType, "AT=t&AK=app1&PK=pk1&TTL=100&TP=2&x=r&y=r", 201, "", "token t x=r,y=r"},

		// Query parameters on the push routes, under either body: every
		// field a JSON body lacks is taken from the query.
		{"push publish, payload in the query", "/mp/publish?payload=%7B%22sound%22%3A%22default%22%7D", jsonType, push + `"channel":"news","message":"m"}`, 200, pushOK, `push publish news m payload={"sound":"default"}`},
		{"push publish, apns and gcm in the query", "/mp/publish?apns=%7B%22aps%22%3A%7B%7D%7D&gcm=%7B%22data%22%3A%7B%7D%7D", jsonType, push + `"channel":"news","message":"m"}`, 200, pushOK, `push publish news m apns={"aps":{}} gcm={"data":{}}`},
		{"push publish, everything in the query", "/mp/publish?applicationKey=app1&privateKey=pk1&channel=news&message=m&payload=%7B%7D", jsonType, "{}", 200, pushOK, "push publish news m payload={}"},
		{"push publishbatch, channels in the query", "/mp/publishbatch?channels=news&channels=sport", jsonType, push + `"message":"m"}`, 200, pushOK, "push publishbatch news,sport m"},
		{"push publishbatch, channels in the query of a form body", "/mp/publishbatch?channels=news", formType, "applicationKey=app1&privateKey=pk1&message=m", 200, pushOK, "push publishbatch news m"},
		{"push publish, the JSON body wins", "/mp/publish?message=q&channel=sport&payload=%7B%22b%22%3A2%7D", jsonType, push + `"channel":"news","message":"m","payload":{"a":1}}`, 200, pushOK, `push publish news m payload={"a":1}`},
		{"push publishbatch, the JSON channels win", "/mp/publishbatch?channels=sport", jsonType, push + `"channels":["news"],"message":"m"}`, 200, pushOK, "push publishbatch news m"},
		{"push publishbatch, the form channels win", "/mp/publishbatch?channels=sport", formType, "applicationKey=app1&privateKey=pk1&channels=news&message=m", 200, pushOK, "push publishbatch news m"},
		{"push publish, a JSON null is absent", "/mp/publish?payload=%7B%22a%22%3A1%7D", jsonType, push + `"channel":"news","message":"m","payload":null}`, 200, pushOK, `push publish news m payload={"a":1}`},
		{"push publish, a query payload is checked", "/mp/publish?payload=x", jsonType, push + `"channel":"news","message":"m"}`, 400, `{"exception":"InvalidRequest","message":"Invalid payload: want a JSON object."}`, ""},
		{"push listtopics, credentials in the query", "/mp/listtopics?applicationKey=app1&privateKey=pk1", jsonType, "{}", 200, `{"topics":["news","sport"],"nextToken":null}`, ""},
		{"push topicdevices, nextToken in the query", "/mp/topicdevices/news?nextToken=x", jsonType, push[:len(push)-1] + "}", 400, `{"exception":"InvalidRequest","message":"Invalid nextToken: pass the nextToken of the previous page of this listing."}`, ""},

		// A trailing slash on every route that takes a body (the balancer
		// and presence reads have theirs in TestBalancer and TestPresence).
		{"authenticate/", "/authenticate/", formType, "AT=t&AK=app1&PK=pk1&TTL=100&TP=1&ch=w", 201, "", "token t ch=w"},
		{"send/", "/send/", formType, "AK=app1&PK=pk1&C=ch&M=hi", 201, "", "msg send ch hi"},
		{"publish/", "/publish/", formType, "AK=app1&PK=pk1&C=ch&M=hi", 201, "1", "msg publish ch hi seq=1"},
		{"sendbatch/", "/sendbatch/", formType, "AK=app1&PK=pk1&C=a%2Cb&M=hi", 201, "", "msg sendbatch a hi; msg sendbatch b hi"},
		{"presence enable/", "/presence/enable/app1/room/", formType, "privatekey=pk1&metadata=1", 200, enabled, "presence room metadata"},
		{"presence disable/", "/presence/disable/app1/room/", formType, "privatekey=pk1", 200, disabled, ""},
		{"push listtopics/", "/mp/listtopics/", jsonType, push[:len(push)-1] + "}", 200, `{"topics":["news","sport"],"nextToken":null}`, ""},
		{"push topicdevices/", "/mp/topicdevices/news/", jsonType, push[:len(push)-1] + "}", 200, `{"tokens":["d1"],"nextToken":null}`, ""},
		{"push isTopicSubscribed/", "/mp/isTopicSubscribed/news/", jsonType, push[:len(push)-1] + "}", 200, "true", ""},
		{"push publish/", "/mp/publish/", jsonType, push + `"channel":"news","message":"m"}`, 200, pushOK, "push publish news m"},
		{"push publishbatch/", "/mp/publishbatch/", jsonType, push + `"channels":["news","sport"],"message":"m"}`, 200, pushOK, "push publishbatch news,sport m"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			e.s.AddDevices(testApp, "news", "d1")
			e.s.AddDevices(testApp, "sport", "d2")
			// A disable must have something to switch off.
			if strings.HasPrefix(tc.path, "/presence/disable/") {
				e.enable("room", "1").expect(t, 200, ctText, enabled)
			}
			ctype := ctText
			if strings.HasPrefix(tc.path, "/mp/") {
				ctype = ctJSON
			}
			e.do("POST", tc.path, tc.ctype, tc.body).expect(t, tc.status, ctype, tc.answer)
			if got := lenientState(e); got != tc.state {
				t.Fatalf("recorded %q\nwant     %q", got, tc.state)
			}
		})
	}
}

// lenientState sums up what the emulator recorded: tokens, presence
// switches, messages and pushes, one "; "-separated entry each, in the
// order the emulator lists them.
func lenientState(e *env) string {
	var out []string
	for _, tok := range e.s.Tokens("") {
		var perms []string
		for ch, l := range tok.Permissions {
			perms = append(perms, ch+"="+l)
		}
		sort.Strings(perms)
		out = append(out, "token "+tok.Token+" "+strings.Join(perms, ","))
	}
	for _, p := range e.s.Presence("") {
		if p.Enabled {
			s := "presence " + p.Channel
			if p.Metadata {
				s += " metadata"
			}
			out = append(out, s)
		}
	}
	for _, m := range e.s.Messages("") {
		s := "msg " + m.Endpoint + " " + m.Channel + " " + m.Text
		if m.TTL != 0 {
			s += " ttl=" + itoa(m.TTL)
		}
		if m.SequenceID != "" {
			s += " seq=" + m.SequenceID
		}
		out = append(out, s)
	}
	for _, p := range e.s.Pushes("") {
		s := "push " + p.Endpoint + " " + strings.Join(p.Channels, ",") + " " + p.Message
		for _, f := range []struct {
			name string
			raw  []byte
		}{{"payload", p.Payload}, {"apns", p.APNS}, {"gcm", p.GCM}} {
			if f.raw != nil {
				s += " " + f.name + "=" + string(f.raw)
			}
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}
