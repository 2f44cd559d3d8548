package ortc

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseBalancerBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		body   string
		want   string
		noSrv  bool   // want *ErrNoServer
		quoted string // the error must quote this
	}{
		{name: "the canonical answer", body: `var SOCKET_SERVER = "https://ortc-server.realtime.co:443";`, want: "https://ortc-server.realtime.co:443"},
		{name: "a plain http server with a path", body: `var SOCKET_SERVER = "http://127.0.0.1:8080/base";`, want: "http://127.0.0.1:8080/base"},
		{name: "a trailing newline is refused", body: "var SOCKET_SERVER = \"https://s:443\";\n", quoted: `var SOCKET_SERVER = \"https://s:443\";\n`},
		{name: "a BOM is refused", body: "\ufeffvar SOCKET_SERVER = \"https://s:443\";", quoted: `\ufeffvar`},
		{name: "no spaces around = is refused", body: `var SOCKET_SERVER="https://s:443";`, quoted: `SOCKET_SERVER=`},
		{name: "single quotes are refused", body: `var SOCKET_SERVER = 'https://s:443';`, quoted: `'https://s:443'`},
		{name: "a missing semicolon is refused", body: `var SOCKET_SERVER = "https://s:443"`, quoted: `\"https://s:443\""`},
		{name: "a space inside the URL is refused", body: `var SOCKET_SERVER = "https://ortc-server.realtime.co ";`, quoted: `realtime.co `},
		{name: "an empty server is refused", body: `var SOCKET_SERVER = "";`, quoted: `= \"\";`},
		{name: "a relative URL is refused", body: `var SOCKET_SERVER = "/server";`, quoted: `/server`},
		{name: "a non-http scheme is refused", body: `var SOCKET_SERVER = "ws://s:80";`, quoted: `ws://s:80`},
		{name: "an HTML error page is refused", body: `<html>502 Bad Gateway</html>`, quoted: `<html>502 Bad Gateway</html>`},
		{name: "undefined means no server", body: `var SOCKET_SERVER = "http://undefined:undefined";`, noSrv: true},
		{name: "undefined on the ssl path means no server", body: `var SOCKET_SERVER = "https://undefined:undefined";`, noSrv: true},
		{name: "unknown_server means no server", body: `var SOCKET_SERVER = "http://unknown_server";`, noSrv: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseBalancerBody([]byte(tt.body))
			switch {
			case tt.want != "":
				if err != nil || got != tt.want {
					t.Fatalf("got %q, %v; want %q", got, err, tt.want)
				}
			case tt.noSrv:
				var ns *ErrNoServer
				if !errors.As(err, &ns) || ns.Body != tt.body {
					t.Fatalf("got %q, %v; want *ErrNoServer quoting the body", got, err)
				}
			default:
				if err == nil {
					t.Fatalf("accepted %q as %q", tt.body, got)
				}
				mustContain(t, err.Error(), tt.quoted)
			}
		})
	}
}

func TestParseBalancerBody_quotesAtMost200Bytes(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("x", 199) + "YZ" + strings.Repeat("Q", 1000)
	_, err := ParseBalancerBody([]byte(body))
	if err == nil {
		t.Fatal("accepted garbage")
	}
	mustContain(t, err.Error(), strings.Repeat("x", 199)+"Y…")
	mustNotContain(t, err.Error(), "Z", "Q")
}

func FuzzParseBalancerBody(f *testing.F) {
	f.Add([]byte(`var SOCKET_SERVER = "https://ortc-server.realtime.co:443";`))
	f.Add([]byte("var SOCKET_SERVER = \"http://h:80\";\n"))
	f.Add([]byte(`var SOCKET_SERVER = "http://undefined:undefined";`))
	f.Add([]byte(`var SOCKET_SERVER = "";`))
	f.Add([]byte{0xef, 0xbb, 0xbf})
	f.Fuzz(func(t *testing.T, body []byte) {
		server, err := ParseBalancerBody(body)
		if err != nil {
			if server != "" {
				t.Fatalf("error %v with server %q", err, server)
			}
			return
		}
		if canonical := `var SOCKET_SERVER = "` + server + `";`; string(body) != canonical {
			t.Fatalf("accepted %q, which is not the canonical %q", body, canonical)
		}
		if !strings.HasPrefix(server, "http://") && !strings.HasPrefix(server, "https://") {
			t.Fatalf("accepted a non-http server %q", server)
		}
		if strings.Contains(server, "undefined") || strings.Contains(server, "unknown_server") {
			t.Fatalf("accepted a no-server answer %q", server)
		}
	})
}

func TestServer_asksTheBalancerOnceLazily(t *testing.T) {
	t.Parallel()
	msg := newFake(t, created)
	bal := newFake(t, func(w http.ResponseWriter, r *http.Request) { balancerAnswer(w, msg.URL) })
	c := newTestClient(t, Options{ClusterURL: bal.URL + "/server/2.1", UserAgent: "terraform-provider-realtime/1.2.3"})
	if n := bal.count(""); n != 0 {
		t.Fatalf("New made %d requests, want none", n)
	}
	ctx := testContext(t)
	for range 3 {
		got, err := c.Server(ctx)
		if err != nil || got != msg.URL {
			t.Fatalf("Server = %q, %v; want %q", got, err, msg.URL)
		}
	}
	if _, err := c.Send(ctx, SendInput{Channel: "ch", Message: "hi"}); err != nil {
		t.Fatal(err)
	}
	reqs := bal.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d balancer requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodGet || r.Path != "/server/2.1" || r.Query.Get("appkey") != testAppKey {
		t.Errorf("balancer request %s %s ?%v", r.Method, r.Path, r.Query)
	}
	if ua := r.Header.Get("User-Agent"); ua != "terraform-provider-realtime/1.2.3" {
		t.Errorf("User-Agent %q", ua)
	}
	if len(r.Body) != 0 {
		t.Errorf("GET with a body %q", r.Body)
	}
}

func TestServer_undefinedIsErrNoServer(t *testing.T) {
	t.Parallel()
	bal := newFake(t, func(w http.ResponseWriter, r *http.Request) { balancerAnswer(w, "http://undefined:undefined") })
	c := newTestClient(t, Options{ClusterURL: bal.URL + "/server/2.1"})
	_, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: "hi"})
	var ns *ErrNoServer
	if !errors.As(err, &ns) {
		t.Fatalf("got %v, want *ErrNoServer", err)
	}
	mustContain(t, err.Error(), "undefined:undefined")
	// Not cached: the next call asks again.
	_, _ = c.Server(testContext(t))
	if n := bal.count(""); n != 2 {
		t.Errorf("%d balancer requests, want 2", n)
	}
}

func TestServer_trailingNewlineRejected(t *testing.T) {
	t.Parallel()
	bal := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("var SOCKET_SERVER = \"http://127.0.0.1:1\";\n"))
	})
	c := newTestClient(t, Options{ClusterURL: bal.URL})
	_, err := c.Server(testContext(t))
	if err == nil {
		t.Fatal("accepted a body with a trailing newline")
	}
	mustContain(t, err.Error(), `var SOCKET_SERVER = \"http://127.0.0.1:1\";\n`)
}

func TestServer_balancerDownThenUp(t *testing.T) {
	t.Parallel()
	t.Run("within the retries of one call", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		bal := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) <= 2 {
				http.Error(w, "down", http.StatusInternalServerError)
				return
			}
			balancerAnswer(w, "https://s1:443")
		})
		c := newTestClient(t, Options{ClusterURL: bal.URL})
		got, err := c.Server(testContext(t))
		if err != nil || got != "https://s1:443" {
			t.Fatalf("Server = %q, %v", got, err)
		}
		if n := bal.count(""); n != 3 {
			t.Errorf("%d balancer requests, want 3", n)
		}
	})
	t.Run("an error is not cached", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		bal := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				http.Error(w, "down", http.StatusInternalServerError)
				return
			}
			balancerAnswer(w, "https://s1:443")
		})
		c := newTestClient(t, Options{ClusterURL: bal.URL, MaxRetries: -1})
		_, err := c.Server(testContext(t))
		var ae *APIError
		if !errors.As(err, &ae) || ae.Op != "balancer" || ae.Status != 500 || !IsTransient(err) {
			t.Fatalf("got %v, want a transient balancer APIError 500", err)
		}
		got, err := c.Server(testContext(t))
		if err != nil || got != "https://s1:443" {
			t.Fatalf("second Server = %q, %v", got, err)
		}
	})
}

func TestServer_oneLookupForConcurrentCalls(t *testing.T) {
	t.Parallel()
	msg := newFake(t, created)
	bal := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(50 * time.Millisecond) // let every caller arrive while the lookup runs
		balancerAnswer(w, msg.URL)
	})
	c := newTestClient(t, Options{ClusterURL: bal.URL})
	ctx := testContext(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Go(func() {
			_, err := c.Send(ctx, SendInput{Channel: fmt.Sprintf("ch%d", i), Message: "hi"})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := bal.count(""); n != 1 {
		t.Errorf("%d balancer requests for 20 concurrent calls, want 1", n)
	}
	if n := msg.count("/send"); n != 20 {
		t.Errorf("%d sends, want 20", n)
	}
}

// The cached server stops listening: the send fails with connection refused
// (so it never left), the balancer is asked again exactly once, and the send
// is retried on the new server, once.
func TestServer_staleServerIsReplaced(t *testing.T) {
	t.Parallel()
	stale := closedURL(t)
	fresh := newFake(t, created)
	var n atomic.Int32
	bal := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			balancerAnswer(w, stale)
			return
		}
		balancerAnswer(w, fresh.URL)
	})
	c := newTestClient(t, Options{ClusterURL: bal.URL})
	ctx := testContext(t)
	if got, _ := c.Server(ctx); got != stale {
		t.Fatalf("first server %q, want %q", got, stale)
	}
	d, err := c.Send(ctx, SendInput{Channel: "ch", Message: "hello", ID: "abcd1234"})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if d.Parts != 1 {
		t.Errorf("parts %d", d.Parts)
	}
	if n := bal.count(""); n != 2 {
		t.Errorf("%d balancer requests, want 2 (one more after the failure)", n)
	}
	if n := fresh.count("/send"); n != 1 {
		t.Errorf("%d sends reached the new server, want exactly 1", n)
	}
	// The new server is cached now.
	if _, err := c.Send(ctx, SendInput{Channel: "ch", Message: "again"}); err != nil {
		t.Fatal(err)
	}
	if n := bal.count(""); n != 2 {
		t.Errorf("%d balancer requests after a good send, want still 2", n)
	}
}

// An HTTP error status is an answer: the server the balancer named is up, so
// it stays cached however many calls fail (and retry) on it. Only a
// connection-level failure sends the next call to the balancer.
func TestServer_onlyAConnectionFailureAsksTheBalancerAgain(t *testing.T) {
	t.Parallel()
	msg := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/authenticate", "/send":
			http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		case "/publish":
			http.Error(w, "Invalid parameter C.", http.StatusBadRequest)
		case "/sendbatch":
			hangUp(t, w)
		default:
			_, _ = io.WriteString(w, "Presence enabled.")
		}
	})
	bal := newFake(t, func(w http.ResponseWriter, r *http.Request) { balancerAnswer(w, msg.URL) })
	c := newTestClient(t, Options{ClusterURL: bal.URL, MaxRetries: 2})
	ctx := testContext(t)
	for range 2 {
		var ae *APIError
		if err := c.Authenticate(ctx, authInput); !errors.As(err, &ae) || ae.Status != 503 || ae.Attempts != 3 {
			t.Fatalf("authenticate: got %v, want a 503 after 3 attempts", err)
		}
		if _, err := c.Send(ctx, SendInput{Channel: "ch", Message: "m"}); !errors.As(err, &ae) || ae.Status != 503 {
			t.Fatalf("send: got %v, want a 503", err)
		}
		if _, err := c.Publish(ctx, PublishInput{Channel: "ch", Message: "m"}); !IsBadRequest(err) {
			t.Fatalf("publish: got %v, want a 400", err)
		}
	}
	if n := bal.count(""); n != 1 {
		t.Fatalf("%d balancer requests after %d failed requests, want 1", n, msg.count(""))
	}
	var ce *ConnectionError
	if _, err := c.SendBatch(ctx, SendBatchInput{Channels: []string{"a", "b"}, Message: "m"}); !errors.As(err, &ce) {
		t.Fatalf("sendbatch: got %v, want a ConnectionError", err)
	}
	if err := c.EnablePresence(ctx, "ch", false); err != nil {
		t.Fatal(err)
	}
	if n := bal.count(""); n != 2 {
		t.Errorf("%d balancer requests, want 2 (one more after the dropped connection)", n)
	}
}

func TestServerURL_skipsTheBalancer(t *testing.T) {
	t.Parallel()
	msg := newFake(t, created)
	c := newTestClient(t, Options{ServerURL: msg.URL + "/"})
	got, err := c.Server(testContext(t))
	if err != nil || got != msg.URL {
		t.Fatalf("Server = %q, %v; want %q", got, err, msg.URL)
	}
	if _, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: "m"}); err != nil {
		t.Fatal(err)
	}
	if reqs := msg.requests(); len(reqs) != 1 || reqs[0].Path != "/send" {
		t.Fatalf("requests %+v, want one POST /send", reqs)
	}
}
