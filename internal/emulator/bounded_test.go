package emulator

// Bad input on every route, and bodies that never end: the emulator answers
// a 4xx sentence (text/plain on the messaging server, {"exception",
// "message"} on push, {"error"} on the admin API) and keeps serving. The
// endless bodies prove the read is bounded: an unbounded read would never
// answer.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// postRoutes are the contract routes that read a body.
var postRoutes = []struct{ name, path string }{
	{"authenticate", "/authenticate"},
	{"send", "/send"},
	{"publish", "/publish"},
	{"sendbatch", "/sendbatch"},
	{"presence_enable", "/presence/enable/app1/ch"},
	{"presence_disable", "/presence/disable/app1/ch"},
	{"push_listtopics", "/mp/listtopics"},
	{"push_topicdevices", "/mp/topicdevices/news"},
	{"push_istopicsubscribed", "/mp/isTopicSubscribed/news"},
	{"push_publish", "/mp/publish"},
	{"push_publishbatch", "/mp/publishbatch"},
}

// TestEveryRouteRefusesGarbage sends every body route every kind of garbage
// and wants a 4xx sentence each time; nothing is recorded.
func TestEveryRouteRefusesGarbage(t *testing.T) {
	e := newEnv(t, Options{})
	e.s.AddDevices(testApp, "news", "d1")
	bodies := []struct{ name, ctype, body string }{
		{"an empty body", formType, ""},
		{"a malformed form", formType, "AK=app1&PK=pk1&M=%zz"},
		{"a form with semicolons", formType, "AK=app1;PK=pk1"},
		{"truncated JSON", jsonType, `{"AK":"app1","applicationKey":"app1",`},
		{"JSON with trailing data", jsonType, `{"AK":"app1"} {}`},
		{"a JSON array", jsonType, `[{"AK":"app1"}]`},
		{"a JSON string", jsonType, `"app1"`},
		{"JSON with invalid UTF-8 escapes", jsonType, `{"AK":"\ud800","M":"\xff"}`},
		{"binary", "application/octet-stream", "\x00\x01\xfe\xff\r\n\r\n"},
		{"deep JSON", jsonType, `{"AK":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`},
		{"a key of a megabyte less one", formType, strings.Repeat("k", MaxBodyBytes-1) + "=v"},
		{"a body one byte over the bound", formType, strings.Repeat("k", MaxBodyBytes+1)},
		{"wrong credentials", formType, "AK=app1&PK=wrong&applicationKey=app1&privateKey=wrong&privatekey=wrong&C=c&M=m&AT=t&TTL=62&TP=0"},
	}
	for _, rt := range postRoutes {
		for _, b := range bodies {
			t.Run(rt.name+" refuses "+b.name, func(t *testing.T) {
				r := e.do(http.MethodPost, rt.path, b.ctype, b.body)
				expectRefusal(t, r, strings.HasPrefix(rt.path, "/mp/"))
				if b.name == "a body one byte over the bound" && r.status != http.StatusRequestEntityTooLarge {
					t.Errorf("status %d, want 413", r.status)
				}
			})
		}
	}
	if len(e.s.Messages("")) != 0 || len(e.s.Pushes("")) != 0 || len(e.s.Tokens("")) != 0 {
		t.Error("garbage was recorded")
	}
	for _, p := range e.s.Presence("") {
		if p.Enabled {
			t.Errorf("garbage switched presence on: %+v", p)
		}
	}
	e.get("/server/2.1?appkey=app1").expect(t, 200, ctJS, `var SOCKET_SERVER = "`+e.ts.URL+`";`)
}

// TestBadPathsAndQueries: what a client can break in a URL (paths that
// net/http itself refuses are TestRawGarbage's).
func TestBadPathsAndQueries(t *testing.T) {
	e := newEnv(t, Options{})
	for _, tc := range []struct{ name, method, target string }{
		{"a channel with an encoded invalid escape", "GET", "/presence/app1/tok/%25zz"},
		{"a presence read without a channel", "GET", "/presence/app1/tok"},
		{"a presence read without anything", "GET", "/presence"},
		{"presence enable without a channel", "POST", "/presence/enable/app1"},
		{"a malformed query on a body route", "POST", "/authenticate?AK=%zz"},
		{"a JSONP callback that is not a name", "GET", "/presence/app1/tok/ch?callback=alert(1)"},
		{"an unknown route", "GET", "/nope/" + strings.Repeat("x", 5000)},
		{"an unknown push route", "POST", "/mp/" + strings.Repeat("y", 300)},
		{"an unknown admin route", "GET", "/_emulator/nope"},
		{"the wrong method on the admin API", "DELETE", "/_emulator/faults"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.method, tc.target, formType, "")
			switch {
			case strings.HasPrefix(tc.target, "/_emulator/"):
				var got struct{ Error string }
				if r.status < 400 || r.status > 499 || json.Unmarshal([]byte(r.body), &got) != nil || !isSentence(got.Error) {
					t.Fatalf("got %d %q, want a 4xx {\"error\": sentence}", r.status, r.body)
				}
			default:
				expectRefusal(t, r, strings.HasPrefix(tc.target, "/mp/"))
				if len(r.body) > 300 {
					t.Errorf("the answer quotes too much: %d bytes", len(r.body))
				}
			}
		})
	}
}

// expectRefusal wants a 4xx whose body explains it in a sentence.
func expectRefusal(t *testing.T, r result, push bool) {
	t.Helper()
	if r.status < 400 || r.status > 499 {
		t.Fatalf("status %d (body %q), want a 4xx", r.status, r.body)
	}
	if !push {
		r.expectError(t, r.status)
		return
	}
	var got struct{ Exception, Message string }
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || r.header.Get("Content-Type") != ctJSON ||
		got.Exception != pushException(r.status) || !isSentence(got.Message) {
		t.Fatalf("push answer %d %q %q is not {\"exception\",\"message\": sentence}", r.status, r.header.Get("Content-Type"), r.body)
	}
}

// TestEndlessBodyIsAnswered413: a body that never ends, chunked (no
// Content-Length to refuse up front), gets its 413 once the bound is read:
// the read is bounded. The admin API has a larger bound of its own.
func TestEndlessBodyIsAnswered413(t *testing.T) {
	e := newEnv(t, Options{})
	for _, tc := range []struct {
		name, path string
		bound      int
		want       string
	}{
		{"send", "/send", MaxBodyBytes, fmt.Sprintf("The request body is larger than %d bytes.", MaxBodyBytes)},
		{"authenticate", "/authenticate", MaxBodyBytes, fmt.Sprintf("The request body is larger than %d bytes.", MaxBodyBytes)},
		{"push publish", "/mp/publish", MaxBodyBytes, fmt.Sprintf(`{"exception":"PayloadTooLarge","message":"The request body is larger than %d bytes."}`, MaxBodyBytes)},
		{"admin faults", "/_emulator/faults", maxAdminBody, fmt.Sprintf(`{"error":"The request body is larger than %d bytes."}`, maxAdminBody)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body, sent := endlessPost(t, e.ts.Listener.Addr().String(), tc.path, 20*time.Second)
			if status != http.StatusRequestEntityTooLarge || body != tc.want {
				t.Fatalf("got %d %q, want 413 %q", status, body, tc.want)
			}
			// The server stopped reading soon after the bound: what the
			// client managed to write is the bound plus socket buffers.
			if sent > int64(tc.bound)+64<<20 {
				t.Errorf("the client wrote %d bytes before the answer; the bound is %d", sent, tc.bound)
			}
		})
	}
	// Still serving, and nothing recorded.
	e.get("/server/2.1?appkey=app1").expect(t, 200, ctJS, `var SOCKET_SERVER = "`+e.ts.URL+`";`)
	if len(e.s.Messages("")) != 0 || len(e.s.Faults()) != 0 {
		t.Error("an endless body was recorded")
	}
}

// endlessPost POSTs a chunked body that never ends over a raw connection
// and returns the answer's status and body, and how many body bytes were
// written until then. It fails the test if no answer comes within limit.
func endlessPost(t *testing.T, addr, path string, limit time.Duration) (status int, body string, sent int64) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(limit))
	head := "POST " + path + " HTTP/1.1\r\nHost: emulator\r\nContent-Type: " + formType + "\r\nTransfer-Encoding: chunked\r\n\r\n"
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	written := make(chan int64, 1)
	stop := make(chan struct{})
	go func() {
		chunk := fmt.Sprintf("%x\r\n%s\r\n", 32<<10, strings.Repeat("a", 32<<10))
		var n int64
		defer func() { written <- n }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := io.WriteString(conn, chunk); err != nil {
				return // the server closed the connection
			}
			n += 32 << 10
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	close(stop)
	if err != nil {
		t.Fatalf("no answer to an endless body within %v: %v", limit, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	_ = conn.Close() // unblocks the writer
	return resp.StatusCode, string(b), <-written
}
