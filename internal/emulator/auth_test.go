package emulator

import (
	"net/url"
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
