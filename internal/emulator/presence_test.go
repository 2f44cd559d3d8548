package emulator

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

func (e *env) enable(ch, metadata string) result {
	e.t.Helper()
	f := url.Values{"privatekey": {testPK}}
	if metadata != "" {
		f.Set("metadata", metadata)
	}
	return e.post("/presence/enable/"+testApp+"/"+ch, f)
}

func (e *env) disable(ch string) result {
	e.t.Helper()
	return e.post("/presence/disable/"+testApp+"/"+ch, url.Values{"privatekey": {testPK}})
}

func TestPresence(t *testing.T) {
	e := newEnv(t, Options{})
	e.mustAuth("tok", map[string]string{"room": "p", "main:*": "p"})
	get := func(ch string) result { return e.get("/presence/" + testApp + "/tok/" + ch) }

	get("room").expect(t, 200, ctJSON, "null")
	e.enable("room", "1").expect(t, 200, ctText, "Presence enabled.")
	get("room").expect(t, 200, ctJSON, `{"subscriptions":0,"metadata":{}}`)

	e.s.AddSubscribers(testApp, "room", "user:bob", 1)
	e.s.AddSubscribers(testApp, "room", "user:ann", 2)
	e.s.AddSubscribers(testApp, "room", "", 4)
	get("room").expect(t, 200, ctJSON, `{"subscriptions":7,"metadata":{"user:ann":2,"user:bob":1}}`)
	get("room/").expect(t, 200, ctJSON, `{"subscriptions":7,"metadata":{"user:ann":2,"user:bob":1}}`)

	// Enabling again only updates the metadata flag.
	e.enable("room", "false").expect(t, 200, ctText, "Presence enabled.")
	get("room").expect(t, 200, ctJSON, `{"subscriptions":7,"metadata":{}}`)
	e.enable("room", "true").expect(t, 200, ctText, "Presence enabled.")
	get("room").expect(t, 200, ctJSON, `{"subscriptions":7,"metadata":{"user:ann":2,"user:bob":1}}`)

	e.disable("room").expect(t, 200, ctText, "Presence disabled.")
	get("room").expect(t, 200, ctJSON, "null")
	e.disable("room").expect(t, 200, ctText, "Presence disabled.")
	e.disable("never:enabled").expect(t, 200, ctText, "Presence disabled.")
}

func TestPresenceWildcard(t *testing.T) {
	e := newEnv(t, Options{})
	e.mustAuth("tok", map[string]string{"main": "p", "main:*": "p"})
	get := func(ch string) result { return e.get("/presence/" + testApp + "/tok/" + ch) }
	e.enable("main:*", "1").expect(t, 200, ctText, "Presence enabled.")
	e.s.AddSubscribers(testApp, "main:x", "m", 1)
	get("main:x").expect(t, 200, ctJSON, `{"subscriptions":1,"metadata":{"m":1}}`)
	get("main:y:z").expect(t, 200, ctJSON, `{"subscriptions":0,"metadata":{}}`)
	get("main").expect(t, 200, ctJSON, "null")
	// An exact switch wins over the wildcard's metadata flag.
	e.enable("main:x", "0").expect(t, 200, ctText, "Presence enabled.")
	get("main:x").expect(t, 200, ctJSON, `{"subscriptions":1,"metadata":{}}`)
	// Disabling the exact switch falls back to the wildcard.
	e.disable("main:x").expect(t, 200, ctText, "Presence disabled.")
	get("main:x").expect(t, 200, ctJSON, `{"subscriptions":1,"metadata":{"m":1}}`)
	e.disable("main:*").expect(t, 200, ctText, "Presence disabled.")
	get("main:x").expect(t, 200, ctJSON, "null")
	ps := e.s.Presence(testApp)
	if len(ps) != 1 || ps[0].Channel != "main:x" || ps[0].Enabled || ps[0].Subscriptions != 1 {
		t.Fatalf("presence %+v", ps)
	}
}

func TestPresenceChannelWithSlashes(t *testing.T) {
	e := newEnv(t, Options{})
	e.mustAuth("tok", map[string]string{"a/b/c": "p"})
	e.enable("a/b/c", "").expect(t, 200, ctText, "Presence enabled.")
	e.get("/presence/app1/tok/a/b/c").expect(t, 200, ctJSON, `{"subscriptions":0,"metadata":{}}`)
	e.get("/presence/app1/tok/a%2Fb%2Fc").expect(t, 200, ctJSON, `{"subscriptions":0,"metadata":{}}`)
	e.get("/presence/app1/tok/a%2Fb/c/").expect(t, 200, ctJSON, `{"subscriptions":0,"metadata":{}}`)
	if ps := e.s.Presence(testApp); len(ps) != 1 || ps[0].Channel != "a/b/c" || !ps[0].Enabled || ps[0].Metadata {
		t.Fatalf("presence %+v", ps)
	}
	// Paths a ServeMux would clean and redirect are channels like others.
	for _, ch := range []string{"x//y", "x/../y", "./z"} {
		e.mustAuth("tok2", map[string]string{ch: "p"})
		e.enable(ch, "").expect(t, 200, ctText, "Presence enabled.")
		e.get("/presence/app1/tok2/"+ch).expect(t, 200, ctJSON, `{"subscriptions":0,"metadata":{}}`)
	}
}

func TestPresencePermission(t *testing.T) {
	e := newEnv(t, Options{})
	e.mustAuth("tok", map[string]string{"w": "rw", "p": "p", "g:*": "p", "g:x": "w"})
	for _, ch := range []string{"w", "p", "g:y", "g:x", "nope"} {
		e.enable(ch, "").expect(t, 200, ctText, "Presence enabled.")
	}
	for _, tc := range []struct {
		app, token, ch string
		status         int
	}{
		{testApp, "tok", "p", 200},
		{testApp, "tok", "g:y", 200},
		{testApp, "tok", "w", 401},    // w does not imply p
		{testApp, "tok", "g:x", 401},  // the exact entry wins
		{testApp, "tok", "nope", 401}, // no entry
		{testApp, "other", "p", 401},  // unknown token
		{openApp, "any", "nope", 200}, // no enforcement: any token reads
	} {
		r := e.get("/presence/" + tc.app + "/" + tc.token + "/" + tc.ch)
		switch {
		case tc.status == 200 && tc.app == openApp:
			r.expect(t, 200, ctJSON, "null")
		case tc.status == 200:
			r.expect(t, 200, ctJSON, `{"subscriptions":0,"metadata":{}}`)
		default:
			r.expectError(t, tc.status)
		}
	}
	e.get("/presence/app1/tok/w").expect(t, 401, ctText, "The authentication token has no presence permission on channel w.")
}

func TestPresenceJSONP(t *testing.T) {
	e := newEnv(t, Options{})
	e.mustAuth("tok", map[string]string{"room": "p"})
	e.get("/presence/app1/tok/room?callback=cb").expect(t, 200, ctJS, `cb({"content":null})`)
	e.enable("room", "1")
	e.s.AddSubscribers(testApp, "room", "u", 3)
	e.get("/presence/app1/tok/room?callback=jQuery.cb_1").expect(t, 200, ctJS, `jQuery.cb_1({"content":{"subscriptions":3,"metadata":{"u":3}}})`)
	e.get("/presence/app1/bad/room?callback=cb").expect(t, 200, ctJS, `cb({"error":"Invalid authentication token."})`)
	e.get("/presence/nope/tok/room?callback=cb").expect(t, 200, ctJS, `cb({"error":"Invalid application key."})`)
	for _, bad := range []string{"", "alert(1)", "1cb", "a..b", "cb;x", strings.Repeat("a", 129)} {
		e.get("/presence/app1/tok/room?callback="+url.QueryEscape(bad)).expect(t, 400, ctText,
			"Invalid parameter callback: want a JavaScript identifier such as fn or ns.fn.")
	}
}

func TestPresenceErrors(t *testing.T) {
	e := newEnv(t, Options{})
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		text                     string
	}{
		{"enable with an unknown app", "POST", "/presence/enable/nope/ch", "privatekey=pk1", 401, "Invalid application key."},
		{"enable with a wrong private key", "POST", "/presence/enable/app1/ch", "privatekey=x", 401, "Invalid private key."},
		{"enable without a private key", "POST", "/presence/enable/app1/ch", "", 400, "Missing parameter privatekey."},
		{"enable without a channel", "POST", "/presence/enable/app1/", "privatekey=pk1", 400, "Missing channel in the path."},
		{"enable without app and channel", "POST", "/presence/enable", "privatekey=pk1", 400, "Missing application key in the path."},
		{"enable a bad channel", "POST", "/presence/enable/app1/a%20b", "privatekey=pk1", 400, ""},
		{"enable with a bad metadata flag", "POST", "/presence/enable/app1/ch", "privatekey=pk1&metadata=yes", 400, "Invalid parameter metadata: want 0, 1, true or false."},
		{"disable with a wrong private key", "POST", "/presence/disable/app1/ch", "privatekey=x", 401, "Invalid private key."},
		{"get with an unknown app", "GET", "/presence/nope/tok/ch", "", 401, "Invalid application key."},
		{"get without a token", "GET", "/presence/app1//ch", "", 400, "Missing authentication token in the path."},
		{"get without a channel", "GET", "/presence/app1/tok", "", 400, "Missing channel in the path."},
		{"get a wildcard", "GET", "/presence/app1/tok/main:*", "", 400, ""},
		{"get with a bad token", "GET", "/presence/app1/t%20k/ch", "", 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.method, tc.path, formType, tc.body)
			r.expectError(t, tc.status)
			if tc.text != "" && r.body != tc.text {
				t.Fatalf("body %q, want %q", r.body, tc.text)
			}
		})
	}
}

func TestPresenceMetadataLimit(t *testing.T) {
	e := newEnv(t, Options{})
	e.enable("room", "1")
	for i := range 150 {
		e.s.AddSubscribers(testApp, "room", "m"+itoa(1000+i), 1)
	}
	r := e.get("/presence/open/any/room")
	if r.body != "null" {
		t.Fatalf("open app sees another app's presence: %q", r.body)
	}
	e.mustAuth("tok", map[string]string{"room": "p"})
	r = e.get("/presence/app1/tok/room")
	var ans presenceAnswer
	if err := json.Unmarshal([]byte(r.body), &ans); err != nil {
		t.Fatal(err)
	}
	// The first 100 metadata strings, in the order they appeared.
	if ans.Subscriptions != 150 || len(ans.Metadata) != 100 || ans.Metadata["m1000"] != 1 || ans.Metadata["m1099"] != 1 || ans.Metadata["m1100"] != 0 {
		t.Fatalf("body %q", r.body)
	}
}
