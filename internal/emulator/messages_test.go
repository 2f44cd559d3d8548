package emulator

import (
	"net/url"
	"strings"
	"testing"
)

func (e *env) send(path string, f url.Values) result {
	e.t.Helper()
	if !f.Has("AK") {
		f.Set("AK", testApp)
	}
	return e.post(path, f)
}

func TestSendWithPrivateKey(t *testing.T) {
	e := newEnv(t, Options{})
	e.send("/send", url.Values{"PK": {testPK}, "C": {"any:chan/x"}, "M": {"81e070f0_1-1_This is the message"}}).expect(t, 201, ctText, "")
	e.send("/send/", url.Values{"PK": {testPK}, "C": {"other"}, "M": {"unframed text"}}).expect(t, 201, ctText, "")
	msgs := e.s.Messages(testApp)
	if len(msgs) != 2 {
		t.Fatalf("messages %+v", msgs)
	}
	m := msgs[0]
	if m.Channel != "any:chan/x" || m.ID != "81e070f0" || !m.Complete || m.Text != "This is the message" || m.Endpoint != "send" || m.Total != 1 || m.SequenceID != "" {
		t.Fatalf("message %+v", m)
	}
	if u := msgs[1]; u.ID != "" || !u.Complete || u.Text != "unframed text" || u.Total != 1 {
		t.Fatalf("unframed message %+v", u)
	}
}

func TestSendPermissions(t *testing.T) {
	e := newEnv(t, Options{})
	e.mustAuth("tok", map[string]string{
		"exact": "w", "readonly": "r", "presence": "p",
		"main:*": "w", "grp:x": "r", "grp:*": "w",
	})
	for _, tc := range []struct {
		name   string
		app    string
		token  string
		ch     string
		status int
	}{
		{"an exact w entry allows writing", testApp, "tok", "exact", 201},
		{"r alone does not allow writing", testApp, "tok", "readonly", 401},
		{"p alone does not allow writing", testApp, "tok", "presence", 401},
		{"main:* covers main:x", testApp, "tok", "main:x", 201},
		{"main:* covers everything after the first colon", testApp, "tok", "main:x:y/z", 201},
		{"main:* does not cover main", testApp, "tok", "main", 401},
		{"the exact entry wins over the wildcard", testApp, "tok", "grp:x", 401},
		{"the wildcard applies beside another exact entry", testApp, "tok", "grp:y", 201},
		{"an unlisted channel is refused", testApp, "tok", "nope", 401},
		{"an unknown token is refused", testApp, "other", "exact", 401},
		{"without enforcement any token writes", openApp, "whatever", "nope", 201},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.send("/send", url.Values{"AK": {tc.app}, "AT": {tc.token}, "C": {tc.ch}, "M": {"m"}})
			if tc.status == 201 {
				r.expect(t, 201, ctText, "")
			} else {
				r.expectError(t, tc.status)
			}
		})
	}
}

func TestSendErrors(t *testing.T) {
	e := newEnv(t, Options{})
	e.mustAuth("tok", map[string]string{"ch": "w"})
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		body   string
	}{
		{"a missing AK", url.Values{"AK": {""}, "PK": {testPK}, "C": {"ch"}, "M": {"m"}}, 400, "Missing parameter AK."},
		{"an unknown AK", url.Values{"AK": {"nope"}, "PK": {testPK}, "C": {"ch"}, "M": {"m"}}, 401, "Invalid application key."},
		{"a wrong PK, even beside a good token", url.Values{"PK": {"bad"}, "AT": {"tok"}, "C": {"ch"}, "M": {"m"}}, 401, "Invalid private key."},
		{"neither PK nor AT", url.Values{"C": {"ch"}, "M": {"m"}}, 400, "Missing parameter PK or AT."},
		{"a malformed AT", url.Values{"AT": {"t o k"}, "C": {"ch"}, "M": {"m"}}, 400, ""},
		{"a missing C", url.Values{"PK": {testPK}, "M": {"m"}}, 400, "Missing parameter C."},
		{"a bad channel", url.Values{"PK": {testPK}, "C": {"a b"}, "M": {"m"}}, 400, ""},
		{"a wildcard channel", url.Values{"PK": {testPK}, "C": {"main:*"}, "M": {"m"}}, 400, ""},
		{"a 100-byte channel", url.Values{"PK": {testPK}, "C": {strings.Repeat("c", 100)}, "M": {"m"}}, 400, ""},
		{"a missing M", url.Values{"PK": {testPK}, "C": {"ch"}}, 400, "Missing parameter M."},
		{"an empty M", url.Values{"PK": {testPK}, "C": {"ch"}, "M": {""}}, 400, "Missing parameter M."},
		{"an M of 801 bytes", url.Values{"PK": {testPK}, "C": {"ch"}, "M": {"abcdefgh_1-1_" + strings.Repeat("x", 788)}}, 400, "Parameter M is 801 bytes; a part holds at most 800 bytes."},
		{"an M that splits a character", url.Values{"PK": {testPK}, "C": {"ch"}, "M": {"abcdefgh_1-2_x\xc3"}}, 400, ""},
		{"part 0", url.Values{"PK": {testPK}, "C": {"ch"}, "M": {"abcdefgh_0-1_x"}}, 400, ""},
		{"a part beyond the total", url.Values{"PK": {testPK}, "C": {"ch"}, "M": {"abcdefgh_3-2_x"}}, 400, ""},
		{"a publish TTL that is no number", url.Values{"PK": {testPK}, "C": {"ch"}, "M": {"m"}}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.status == 0 {
				f := tc.form
				f.Set("TTL", "soon")
				e.send("/publish", f).expectError(t, 400)
				return
			}
			r := e.send("/send", tc.form)
			r.expectError(t, tc.status)
			if tc.body != "" && r.body != tc.body {
				t.Fatalf("body %q, want %q", r.body, tc.body)
			}
		})
	}
	if n := len(e.s.Messages("")); n != 0 {
		t.Fatalf("refused parts were recorded: %d", n)
	}
}

func TestPartSizeLimitCountsBytes(t *testing.T) {
	e := newEnv(t, Options{})
	prefix := "abcdefgh_1-1_"
	// The limit is 800 bytes, not runes: 13 + 393 two-byte runes + 1 = 800.
	m := prefix + strings.Repeat("é", 393) + "x"
	if len(m) != 800 {
		t.Fatalf("test message is %d bytes", len(m))
	}
	e.send("/send", url.Values{"PK": {testPK}, "C": {"ch"}, "M": {m}}).expect(t, 201, ctText, "")
	e.send("/send", url.Values{"PK": {testPK}, "C": {"ch"}, "M": {m + "y"}}).expectError(t, 400)
}

func TestReassemblyOutOfOrder(t *testing.T) {
	e := newEnv(t, Options{})
	for _, m := range []string{"k1k2k3k4_3-3_ccc", "k1k2k3k4_1-3_aaa", "k1k2k3k4_2-3_bbb"} {
		e.send("/send", url.Values{"PK": {testPK}, "C": {"ch"}, "M": {m}}).expect(t, 201, ctText, "")
	}
	msgs := e.s.Messages(testApp)
	if len(msgs) != 1 || !msgs[0].Complete || msgs[0].Text != "aaabbbccc" || msgs[0].Received != 3 || len(msgs[0].Parts) != 3 || msgs[0].Parts[0].Part != 3 {
		t.Fatalf("messages %+v", msgs)
	}
	// A part sent again is kept and counted, never delivered twice.
	e.send("/send", url.Values{"PK": {testPK}, "C": {"ch"}, "M": {"k1k2k3k4_2-3_bbb"}}).expect(t, 201, ctText, "")
	if m := e.s.Messages(testApp)[0]; m.Duplicates != 1 || m.Text != "aaabbbccc" {
		t.Fatalf("after a duplicate: %+v", m)
	}
	// The same id on another channel is another message; a different total
	// for a known id is refused.
	e.send("/send", url.Values{"PK": {testPK}, "C": {"ch2"}, "M": {"k1k2k3k4_1-2_x"}}).expect(t, 201, ctText, "")
	e.send("/send", url.Values{"PK": {testPK}, "C": {"ch2"}, "M": {"k1k2k3k4_2-3_y"}}).expect(t, 400, ctText, "Message k1k2k3k4 on channel ch2 has 2 parts, not 3.")
	if m := e.s.ChannelMessages(testApp, "ch2"); len(m) != 1 || m[0].Complete || m[0].Received != 1 || m[0].Text != "" {
		t.Fatalf("incomplete message %+v", m)
	}
}

func TestPublishSequenceIDs(t *testing.T) {
	e := newEnv(t, Options{})
	pub := func(ch, m string) result {
		return e.send("/publish", url.Values{"PK": {testPK}, "C": {ch}, "M": {m}, "TTL": {"60"}})
	}
	pub("a", "aaaaaaa1_1-1_one").expect(t, 201, ctText, "1")
	pub("a", "aaaaaaa2_1-1_two").expect(t, 201, ctText, "2")
	pub("b", "bbbbbbb1_1-1_one").expect(t, 201, ctText, "1")
	// A multi-part message answers its id on the POST that completes it,
	// whatever the part number; the others answer an empty body.
	pub("a", "aaaaaaa3_2-3_y").expect(t, 201, ctText, "")
	pub("a", "aaaaaaa3_3-3_z").expect(t, 201, ctText, "")
	pub("a", "aaaaaaa3_1-3_x").expect(t, 201, ctText, "3")
	// send does not take sequence ids.
	e.send("/send", url.Values{"PK": {testPK}, "C": {"a"}, "M": {"aaaaaaa4_1-1_s"}}).expect(t, 201, ctText, "")
	pub("a", "unframed").expect(t, 201, ctText, "4")
	msgs := e.s.ChannelMessages(testApp, "a")
	if len(msgs) != 5 || msgs[2].SequenceID != "3" || msgs[2].Text != "xyz" || msgs[2].TTL != 60 || msgs[2].Endpoint != "publish" {
		t.Fatalf("messages %+v", msgs)
	}
}

func TestSendBatch(t *testing.T) {
	e := newEnv(t, Options{})
	e.mustAuth("tok", map[string]string{"a": "w", "b:*": "w", "c": "r"})
	batch := func(c, m string) result {
		return e.send("/sendbatch", url.Values{"AT": {"tok"}, "C": {c}, "M": {m}})
	}
	batch("a, b:1,b:2", "idid0001_1-1_hello").expect(t, 201, ctText, "")
	msgs := e.s.Messages(testApp)
	if len(msgs) != 3 || msgs[0].Channel != "a" || msgs[1].Channel != "b:1" || msgs[2].Channel != "b:2" || msgs[2].Text != "hello" || msgs[2].Endpoint != "sendbatch" {
		t.Fatalf("messages %+v", msgs)
	}
	// All or nothing: one channel without w refuses the whole batch.
	batch("a,c", "idid0002_1-1_x").expect(t, 401, ctText, "The authentication token has no write permission on channel c.")
	batch("a,,b:1", "idid0003_1-1_x").expectError(t, 400)
	batch("a,main:*", "idid0003_1-1_x").expectError(t, 400)
	many := make([]string, 51)
	for i := range many {
		many[i] = "b:" + itoa(i)
	}
	batch(strings.Join(many, ","), "idid0004_1-1_x").expect(t, 400, ctText, "Parameter C names 51 channels; at most 50.")
	batch(strings.Join(many[:50], ","), "idid0005_1-1_x").expect(t, 201, ctText, "")
	// A repeated channel counts once.
	batch("a,a", "idid0006_1-1_x").expect(t, 201, ctText, "")
	if n := len(e.s.Messages(testApp)); n != 3+50+1 {
		t.Fatalf("%d messages", n)
	}
}
