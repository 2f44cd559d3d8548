package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func (e *env) sendOne(ch string) result {
	e.t.Helper()
	return e.post("/send", url.Values{"AK": {testApp}, "PK": {testPK}, "C": {ch}, "M": {"m"}})
}

func TestFaultCountStatusRetryAfter(t *testing.T) {
	e := newEnv(t, Options{})
	e.s.InjectFault(Fault{Route: "send", Count: 2, Status: 503, RetryAfter: 7})
	for range 2 {
		r := e.sendOne("ch")
		r.expect(t, 503, ctText, "Injected fault: HTTP 503.")
		if r.header.Get("Retry-After") != "7" {
			t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
		}
	}
	e.sendOne("ch").expect(t, 201, ctText, "")
	if n := len(e.s.Messages("")); n != 1 {
		t.Fatalf("faulted requests were processed: %d messages", n)
	}
	// Faulted requests are counted.
	if c := e.s.Counters(testApp); c["send"] != 3 {
		t.Fatalf("counters %v", c)
	}
	if f := e.s.Faults(); len(f) != 0 {
		t.Fatalf("spent fault still armed: %+v", f)
	}
}

func TestFaultMatching(t *testing.T) {
	e := newEnv(t, Options{})
	// Only the open app's publish is faulted; a push fault answers JSON.
	e.s.InjectFault(Fault{Route: "publish", App: openApp, Status: 429})
	e.s.InjectFault(Fault{Route: "push_listtopics", Status: 500})
	e.post("/publish", url.Values{"AK": {testApp}, "PK": {testPK}, "C": {"c"}, "M": {"m"}}).expect(t, 201, ctText, "1")
	e.post("/send", url.Values{"AK": {openApp}, "PK": {openPK}, "C": {"c"}, "M": {"m"}}).expect(t, 201, ctText, "")
	e.post("/publish", url.Values{"AK": {openApp}, "PK": {openPK}, "C": {"c"}, "M": {"m"}}).expect(t, 429, ctText, "Injected fault: HTTP 429.")
	e.postJSON("/mp/listtopics", "{"+creds+"}").expect(t, 500, ctJSON, `{"exception":"ServerError","message":"Injected fault: HTTP 500."}`)
	// A fault without route hits every contract route, never the admin API.
	e.s.InjectFault(Fault{Count: 2, Status: 502})
	if r := e.get("/_emulator/counters"); r.status != 200 {
		t.Fatalf("admin faulted: %d", r.status)
	}
	e.get("/server/2.1?appkey=app1").expect(t, 502, ctText, "Injected fault: HTTP 502.")
	e.mustAuthFails(502)
	e.get("/server/2.1?appkey=app1").expect(t, 200, ctJS, `var SOCKET_SERVER = "`+e.ts.URL+`";`)
}

func (e *env) mustAuthFails(status int) {
	e.t.Helper()
	e.auth(testApp, testPK, "tok", 100, nil).expectError(e.t, status)
}

func TestFaultDelay(t *testing.T) {
	e := newEnv(t, Options{})
	e.s.InjectFault(Fault{Route: "send", Delay: 150 * time.Millisecond})
	start := time.Now()
	e.sendOne("ch").expect(t, 201, ctText, "")
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("answered after %v", d)
	}
	if n := len(e.s.Messages("")); n != 1 {
		t.Fatalf("a delayed request must still be processed: %d", n)
	}
	// Delay and status: wait, then fail.
	e.s.InjectFault(Fault{Route: "send", Delay: 50 * time.Millisecond, Status: 503})
	start = time.Now()
	e.sendOne("ch").expectError(t, 503)
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("answered after %v", d)
	}
}

func TestFaultDelayAbandonedByClient(t *testing.T) {
	e := newEnv(t, Options{})
	e.s.InjectFault(Fault{Route: "send", Delay: 5 * time.Second})
	c := &http.Client{Timeout: 100 * time.Millisecond}
	_, err := c.PostForm(e.ts.URL+"/send", url.Values{"AK": {testApp}, "PK": {testPK}, "C": {"c"}, "M": {"m"}})
	if err == nil {
		t.Fatal("want a client timeout")
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(e.s.Messages("")); n != 0 {
		t.Fatalf("an abandoned request was processed: %d", n)
	}
}

func TestFaultReset(t *testing.T) {
	e := newEnv(t, Options{})
	e.s.InjectFault(Fault{Route: "send", Reset: true})
	_, err := e.ts.Client().PostForm(e.ts.URL+"/send", url.Values{"AK": {testApp}, "PK": {testPK}, "C": {"c"}, "M": {"m"}})
	if err == nil {
		t.Fatal("want a connection error")
	}
	if n := len(e.s.Messages("")); n != 0 {
		t.Fatalf("a reset request was processed: %d", n)
	}
	e.sendOne("ch").expect(t, 201, ctText, "")
}

func TestFaultPercentIsDeterministic(t *testing.T) {
	pattern := func() string {
		e := newEnv(t, Options{})
		e.s.InjectFault(Fault{Route: "send", Percent: 30, Seed: 42, Status: 503})
		var b strings.Builder
		for range 100 {
			if e.sendOne("ch").status == 503 {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b := pattern(), pattern()
	if a != b {
		t.Fatalf("same seed, different faults:\n%s\n%s", a, b)
	}
	if n := strings.Count(a, "x"); n < 15 || n > 45 {
		t.Fatalf("%d of 100 faulted at 30%%: %s", n, a)
	}
	// Percent with Count stops after Count hits.
	e := newEnv(t, Options{})
	e.s.InjectFault(Fault{Route: "send", Percent: 50, Count: 3, Status: 500})
	hits := 0
	for range 60 {
		if e.sendOne("ch").status == 500 {
			hits++
		}
	}
	if hits != 3 {
		t.Fatalf("%d hits, want 3", hits)
	}
}

func TestFaultValidate(t *testing.T) {
	for _, f := range []Fault{
		{Route: "nope", Status: 500},
		{Status: 200},
		{Status: 600},
		{Percent: 101, Status: 500},
		{Count: -1, Status: 500},
		{},
		{Status: 500, Reset: true},
		{Delay: -time.Second},
	} {
		if f.Validate() == nil {
			t.Errorf("%+v accepted", f)
		}
	}
	s, _ := New(Options{})
	s.InjectFault(Fault{Route: "nope", Status: 500})
	if len(s.Faults()) != 0 {
		t.Fatal("an invalid fault was armed")
	}
}

func TestCountersAndConnections(t *testing.T) {
	e := newEnv(t, Options{})
	e.get("/server/2.1?appkey=app1")
	e.sendOne("a")
	e.sendOne("b")
	e.post("/send", url.Values{"AK": {openApp}, "PK": {openPK}, "C": {"c"}, "M": {"m"}})
	e.post("/send", url.Values{"AK": {"unknown"}, "PK": {openPK}, "C": {"c"}, "M": {"m"}})
	e.postJSON("/mp/listtopics", "{"+creds+"}")
	e.get("/nope")
	e.get("/_emulator/counters")
	if c := e.s.Counters(""); !equalMaps(c, map[string]int{"balancer": 1, "send": 4, "push_listtopics": 1}) {
		t.Fatalf("all counters %v", c)
	}
	if c := e.s.Counters(testApp); !equalMaps(c, map[string]int{"balancer": 1, "send": 2, "push_listtopics": 1}) {
		t.Fatalf("app counters %v", c)
	}
	if c := e.s.Counters(openApp); !equalMaps(c, map[string]int{"send": 1}) {
		t.Fatalf("open app counters %v", c)
	}
	// One keep-alive client: one connection.
	if n := e.s.Connections(); n != 1 {
		t.Fatalf("%d connections", n)
	}
	c2 := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for range 3 {
		resp, err := c2.Get(e.ts.URL + "/server/2.1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if n := e.s.Connections(); n != 4 {
		t.Fatalf("%d connections, want 4", n)
	}
	e.s.ResetCounters()
	if c := e.s.Counters(""); len(c) != 0 || e.s.Connections() != 0 {
		t.Fatalf("after reset: %v %d", c, e.s.Connections())
	}
}
