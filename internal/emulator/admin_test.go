package emulator

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

func (e *env) admin(method, path, body string) result {
	e.t.Helper()
	return e.do(method, "/_emulator/"+path, jsonType, body)
}

func decode[T any](t *testing.T, r result) T {
	t.Helper()
	if r.status != 200 || r.header.Get("Content-Type") != ctJSON {
		t.Fatalf("admin answer %d %q %q", r.status, r.header.Get("Content-Type"), r.body)
	}
	var v T
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("%v: %q", err, r.body)
	}
	return v
}

func TestAdminAPI(t *testing.T) {
	e := newEnv(t, Options{})

	apps := decode[[]App](t, e.admin("POST", "apps", `{"key":"new","privateKey":"npk","enforceAuth":true}`))
	if len(apps) != 3 || apps[0].Key != "app1" || apps[0].PrivateKey != testPK || !apps[0].EnforceAuth || apps[1].Key != "new" {
		t.Fatalf("apps %+v", apps)
	}
	decode[[]App](t, e.admin("POST", "apps", `[{"key":"x1","privateKey":"p"},{"key":"x2","privateKey":"p","disabled":true}]`))
	if apps := decode[[]App](t, e.admin("GET", "apps", "")); len(apps) != 5 || !apps[4].Disabled {
		t.Fatalf("apps %+v", apps)
	}
	e.get("/server/2.1?appkey=x2").expect(t, 200, ctJS, `var SOCKET_SERVER = "http://undefined:undefined";`)
	e.admin("POST", "apps", `{"key":"bad key","privateKey":"p"}`).expect(t, 400, ctJSON, `{"error":"Application key \"bad key\" must match ^[A-Za-z0-9_\\-:/.]+$."}`)
	e.admin("POST", "apps", `{"key":"k","privateKey":"p","enforce":true}`).expect(t, 400, ctJSON, `{"error":"The request body is not valid: json: unknown field \"enforce\"."}`)

	e.mustAuth("tok", map[string]string{"ch": "w"})
	if toks := decode[[]Token](t, e.admin("GET", "tokens?app=app1", "")); len(toks) != 1 || toks[0].Permissions["ch"] != "w" {
		t.Fatalf("tokens %+v", toks)
	}
	if toks := decode[[]Token](t, e.admin("GET", "tokens?app=open", "")); len(toks) != 0 {
		t.Fatalf("tokens %+v", toks)
	}

	e.enable("room", "1")
	pres := decode[[]ChannelPresence](t, e.admin("POST", "subscribers", `[{"app":"app1","channel":"room","metadata":"u","count":2},{"app":"app1","channel":"room","count":1}]`))
	if len(pres) != 1 || pres[0].Subscriptions != 3 || pres[0].Subscribers["u"] != 2 || pres[0].Subscribers[""] != 1 || !pres[0].Enabled || !pres[0].Metadata {
		t.Fatalf("presence %+v", pres)
	}
	decode[[]ChannelPresence](t, e.admin("POST", "subscribers", `{"app":"app1","channel":"room","metadata":"u","count":-5}`))
	if pres := decode[[]ChannelPresence](t, e.admin("GET", "presence?app=app1", "")); len(pres) != 1 || pres[0].Subscriptions != 1 {
		t.Fatalf("presence %+v", pres)
	}
	e.admin("POST", "subscribers", `{"app":"ghost","channel":"room","count":1}`).expect(t, 400, ctJSON, `{"error":"Subscribers: unknown application \"ghost\"."}`)

	devs := decode[[]Devices](t, e.admin("POST", "devices", `{"app":"app1","topic":"news","tokens":["d1","d2"]}`))
	if len(devs) != 1 || strings.Join(devs[0].Tokens, ",") != "d1,d2" {
		t.Fatalf("devices %+v", devs)
	}
	e.admin("POST", "devices", `{"app":"app1","topic":"a.b","tokens":["d"]}`).expect(t, 400, ctJSON, `{"error":"Devices: invalid topic \"a.b\"."}`)
	e.postJSON("/mp/publish", "{"+creds+`,"channel":"news","message":"hello"}`).expect(t, 200, ctJSON, "null")
	if ps := decode[[]Push](t, e.admin("GET", "pushes?app=app1", "")); len(ps) != 1 || ps[0].Message != "hello" || ps[0].Devices != 2 {
		t.Fatalf("pushes %+v", ps)
	}

	e.post("/send", url.Values{"AK": {testApp}, "PK": {testPK}, "C": {"ch"}, "M": {"abcdabcd_1-1_one"}})
	e.post("/send", url.Values{"AK": {testApp}, "PK": {testPK}, "C": {"other"}, "M": {"two"}})
	if ms := decode[[]Message](t, e.admin("GET", "messages?app=app1&channel=ch", "")); len(ms) != 1 || ms[0].Text != "one" {
		t.Fatalf("messages %+v", ms)
	}
	if ms := decode[[]Message](t, e.admin("GET", "messages", "")); len(ms) != 2 {
		t.Fatalf("messages %+v", ms)
	}

	if c := decode[map[string]int](t, e.admin("GET", "counters?app=app1", "")); c["send"] != 2 || c["authenticate"] != 1 || c["presence_enable"] != 1 {
		t.Fatalf("counters %v", c)
	}
	if c := decode[map[string]int](t, e.admin("GET", "connections", "")); c["connections"] != 1 {
		t.Fatalf("connections %v", c)
	}
	decode[map[string]int](t, e.admin("POST", "counters/reset", ""))
	if c := decode[map[string]int](t, e.admin("GET", "counters", "")); len(c) != 0 {
		t.Fatalf("counters after reset %v", c)
	}

	fs := decode[[]Fault](t, e.admin("POST", "faults", `{"route":"send","count":1,"status":503,"retryAfter":2,"delay":"10ms"}`))
	if len(fs) != 1 || fs[0].Delay != 10*time.Millisecond || fs[0].Status != 503 {
		t.Fatalf("faults %+v", fs)
	}
	if r := e.admin("GET", "faults", ""); r.body != `[{"route":"send","count":1,"status":503,"retryAfter":2,"delay":"10ms"}]` {
		t.Fatalf("faults %q", r.body)
	}
	e.admin("POST", "faults", `{"route":"send","status":503,"stauts":1}`).expect(t, 400, ctJSON, `{"error":"The request body is not valid: json: unknown field \"stauts\"."}`)
	e.admin("POST", "faults", `{"route":"sned","status":503}`).expect(t, 400, ctJSON, `{"error":"Invalid fault: unknown route \"sned\" (want one of the counter names)."}`)
	e.sendOne("ch").expectError(t, 503)
	decode[[]Fault](t, e.admin("POST", "faults", `{"route":"send","delay":1000000,"count":5}`))
	decode[[]Fault](t, e.admin("POST", "faults/reset", ""))
	if fs := e.s.Faults(); len(fs) != 0 {
		t.Fatalf("faults after reset %+v", fs)
	}

	decode[map[string]bool](t, e.admin("POST", "reset", ""))
	if len(e.s.Tokens("")) != 0 || len(e.s.Messages("")) != 0 || len(e.s.Presence("")) != 0 || len(e.s.Pushes("")) != 0 || len(e.s.Devices("")) != 0 {
		t.Fatal("reset left data")
	}
	if len(e.s.Apps()) != 5 {
		t.Fatal("reset dropped the apps")
	}
	decode[map[string]bool](t, e.admin("POST", "reset/", `{"apps":true}`))
	if len(e.s.Apps()) != 0 {
		t.Fatal("reset with apps kept them")
	}

	if idx := decode[[]string](t, e.admin("GET", "", "")); len(idx) != len(adminRoutes) || idx[0] != "GET /_emulator/apps" {
		t.Fatalf("index %v", idx)
	}
	e.admin("GET", "nothing", "").expect(t, 404, ctJSON, `{"error":"No such admin endpoint: nothing."}`)
	e.admin("DELETE", "apps", "").expect(t, 405, ctJSON, `{"error":"Method DELETE is not allowed on this admin path."}`)
	e.admin("POST", "devices", `[]`).expect(t, 400, ctJSON, `{"error":"The request body holds nothing."}`)
	if c := e.s.Counters(""); len(c) != 0 {
		t.Fatalf("admin requests were counted: %v", c)
	}
}

func TestSeed(t *testing.T) {
	sd, err := ParseSeed([]byte(`{
		"apps": [{"key": "demo", "privateKey": "dpk", "enforceAuth": true}],
		"subscribers": [{"app": "demo", "channel": "chat", "metadata": "user:ann", "count": 2}, {"app": "demo", "channel": "chat", "count": 1}],
		"devices": [{"app": "demo", "topic": "news", "tokens": ["a", "b"]}]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := New(Options{})
	for range 2 { // applying twice changes nothing
		if err := s.ApplySeed(sd); err != nil {
			t.Fatal(err)
		}
	}
	if p := s.Presence("demo"); len(p) != 1 || p[0].Subscriptions != 3 {
		t.Fatalf("presence %+v", p)
	}
	if d := s.Devices("demo"); len(d) != 1 || len(d[0].Tokens) != 2 {
		t.Fatalf("devices %+v", d)
	}
	for _, bad := range []string{
		`{"apps":[{"key":"k"}]}`,
		`{"apps":[],"extra":1}`,
		`{"subscribers":[{"app":"ghost","channel":"c","count":1}]}`,
		`{"devices":[{"app":"demo","topic":"t","tokens":[]}]}`,
		`{} {}`,
		`[`,
	} {
		sd, err := ParseSeed([]byte(bad))
		if err == nil {
			err = s.ApplySeed(sd)
		}
		if err == nil {
			t.Errorf("seed %s accepted", bad)
		}
	}
}
