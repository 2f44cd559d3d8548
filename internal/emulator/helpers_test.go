package emulator

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testApp  = "app1"
	testPK   = "pk1"
	openApp  = "open"
	openPK   = "open-pk"
	formType = "application/x-www-form-urlencoded"
	jsonType = "application/json"
)

// fakeClock is an injectable Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is an emulator behind a loopback httptest server, with an enforcing
// app (testApp) and a non-enforcing one (openApp).
type env struct {
	t     *testing.T
	s     *Server
	ts    *httptest.Server
	clock *fakeClock
}

func newEnv(t *testing.T, o Options) *env {
	t.Helper()
	clock := &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	if o.Now == nil {
		o.Now = clock.Now
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddApp(testApp, testPK, true); err != nil {
		t.Fatal(err)
	}
	if err := s.AddApp(openApp, openPK, false); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, s: s, ts: newServer(t, s), clock: clock}
}

// newServer serves s on loopback with its connection counter hooked.
func newServer(t *testing.T, s *Server) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(s)
	ts.Config.ConnState = s.ConnState
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

// result is one answer, body read whole.
type result struct {
	status int
	proto  string
	header http.Header
	body   string
}

func (e *env) do(method, path, ctype, body string) result {
	e.t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return result{resp.StatusCode, resp.Proto, resp.Header, string(b)}
}

func (e *env) get(path string) result { return e.do(http.MethodGet, path, "", "") }

func (e *env) post(path string, form url.Values) result {
	return e.do(http.MethodPost, path, formType, form.Encode())
}

func (e *env) postJSON(path, body string) result {
	return e.do(http.MethodPost, path, jsonType, body)
}

// expect checks status, content type and the exact body, and that the
// answer is HTTP/1.1 with a Content-Length.
func (r result) expect(t *testing.T, status int, ctype, body string) {
	t.Helper()
	if r.status != status || r.header.Get("Content-Type") != ctype || r.body != body {
		t.Fatalf("got %d %q %q\nwant %d %q %q", r.status, r.header.Get("Content-Type"), r.body, status, ctype, body)
	}
	if r.proto != "HTTP/1.1" || r.header.Get("Content-Length") != strconv.Itoa(len(body)) {
		t.Fatalf("answer %s with Content-Length %q", r.proto, r.header.Get("Content-Length"))
	}
}

// expectError checks the status and that an error body is a sentence.
func (r result) expectError(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d (body %q)", r.status, status, r.body)
	}
	if r.header.Get("Content-Type") != ctText || !isSentence(r.body) {
		t.Fatalf("error answer %q %q is not a text/plain sentence", r.header.Get("Content-Type"), r.body)
	}
}

func isSentence(s string) bool {
	return len(s) > 3 && len(s) < 400 && s[0] >= 'A' && s[0] <= 'Z' && strings.HasSuffix(s, ".") && !strings.Contains(s, "\n")
}

// auth saves token permissions with the private key.
func (e *env) auth(app, pk, token string, ttl int, perms map[string]string) result {
	e.t.Helper()
	f := url.Values{"AT": {token}, "AK": {app}, "PK": {pk}, "PVT": {"0"}, "TTL": {itoa(ttl)}, "TP": {itoa(len(perms))}}
	for ch, l := range perms {
		f.Set(ch, l)
	}
	return e.post("/authenticate", f)
}

func (e *env) mustAuth(token string, perms map[string]string) {
	e.t.Helper()
	e.auth(testApp, testPK, token, 1800, perms).expect(e.t, 201, ctText, "")
}

func itoa(n int) string { return strconv.Itoa(n) }

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
