package ortc

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Test credentials: long enough that scrubbing them cannot hit other text.
const (
	testAppKey     = "app-key-1"
	testPrivateKey = "pk-Secret-0123456789"
	testToken      = "tok-Secret-9876543210"
)

// recorded is one request as the fake server saw it.
type recorded struct {
	Method  string
	Path    string // decoded
	RawPath string // as sent on the wire (escaped)
	Query   url.Values
	Header  http.Header
	Body    []byte
	Form    url.Values // parsed Body when it is a form
}

// fakeServer is a hand-written httptest server (not the emulator): it records
// every request and hands it to the test's handler.
type fakeServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newFake(t *testing.T, h http.HandlerFunc) *fakeServer {
	t.Helper()
	f := &fakeServer{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec := recorded{
			Method:  r.Method,
			Path:    r.URL.Path,
			RawPath: r.URL.EscapedPath(),
			Query:   r.URL.Query(),
			Header:  r.Header.Clone(),
			Body:    body,
		}
		if strings.HasPrefix(r.Header.Get("Content-Type"), formType) {
			rec.Form, _ = url.ParseQuery(string(body))
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, rec)
		f.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		if h != nil {
			h(w, r)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// count is the number of requests whose path starts with prefix ("" = all).
func (f *fakeServer) count(prefix string) int {
	n := 0
	for _, r := range f.requests() {
		if strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// newTestClient builds a client with tiny retry waits; o's zero fields get
// test defaults.
func newTestClient(t *testing.T, o Options) *Client {
	t.Helper()
	if o.ApplicationKey == "" {
		o.ApplicationKey = testAppKey
	}
	if o.PrivateKey == "" {
		o.PrivateKey = testPrivateKey
	}
	if o.RetryWaitMin == 0 {
		o.RetryWaitMin = time.Millisecond
	}
	if o.RetryWaitMax == 0 {
		o.RetryWaitMax = 5 * time.Millisecond
	}
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	c, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// balancerAnswer writes the exact balancer body for server.
func balancerAnswer(w http.ResponseWriter, server string) {
	w.Header().Set("Content-Type", "text/javascript")
	_, _ = io.WriteString(w, `var SOCKET_SERVER = "`+server+`";`)
}

// created answers 201 with an empty body, like the messaging server.
func created(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusCreated) }

// hangUp drops the connection without an answer, after the request was read
// (the request reached the server: a delivery must not be repeated).
func hangUp(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // a reset, not a polite close
	}
	_ = conn.Close()
}

// closedURL is the URL of a server that no longer listens: connection refused.
func closedURL(t *testing.T) string {
	t.Helper()
	s := httptest.NewServer(http.NotFoundHandler())
	u := s.URL
	s.Close()
	return u
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustContain(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%q does not contain %q", s, sub)
		}
	}
}

func mustNotContain(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			t.Errorf("%q contains %q", s, sub)
		}
	}
}
