package ortc

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var authInput = AuthenticateInput{Token: testToken, TTL: 3600, Permissions: map[string]string{"ch": "r"}}

// failFirst answers status (with headers) to the first n requests, then 201.
func failFirst(n int32, status int, headers map[string]string) http.HandlerFunc {
	var seen atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) <= n {
			for k, v := range headers {
				w.Header().Set(k, v)
			}
			http.Error(w, http.StatusText(status), status)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}
}

func TestRetry_503ThenSuccess(t *testing.T) {
	t.Parallel()
	t.Run("authenticate is retried", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, failFirst(1, 503, nil))
		c := newTestClient(t, Options{ServerURL: srv.URL})
		if err := c.Authenticate(testContext(t), authInput); err != nil {
			t.Fatal(err)
		}
		if n := srv.count("/authenticate"); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
	})
	t.Run("send is not retried", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, failFirst(1, 503, nil))
		c := newTestClient(t, Options{ServerURL: srv.URL})
		_, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: "m"})
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != 503 || ae.Op != "send" || ae.Attempts != 1 {
			t.Fatalf("got %v, want a send APIError 503 after 1 attempt", err)
		}
		if !IsTransient(err) {
			t.Error("503 not transient")
		}
		if n := srv.count("/send"); n != 1 {
			t.Errorf("%d requests, want exactly 1", n)
		}
	})
	t.Run("push publish is not retried", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, failFirst(1, 500, nil))
		c := newTestClient(t, Options{ServerURL: srv.URL, PushURL: srv.URL + "/mp"})
		if err := c.PushPublish(testContext(t), "topic", PushNotification{Message: "m"}); err == nil {
			t.Fatal("no error")
		}
		if n := srv.count("/mp/publish"); n != 1 {
			t.Errorf("%d requests, want exactly 1", n)
		}
	})
}

func TestRetry_429HonoursRetryAfter(t *testing.T) {
	t.Parallel()
	srv := newFake(t, failFirst(1, 429, map[string]string{"Retry-After": "1"}))
	c := newTestClient(t, Options{ServerURL: srv.URL})
	start := time.Now()
	if err := c.EnablePresence(testContext(t), "ch", false); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Errorf("retried after %v, want about the Retry-After of 1s", waited)
	}
	if n := srv.count("/presence/enable"); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestRetry_retryAfterBeyondDeadlineFailsPromptly(t *testing.T) {
	t.Parallel()
	srv := newFake(t, failFirst(10, 429, map[string]string{"Retry-After": "30"}))
	c := newTestClient(t, Options{ServerURL: srv.URL})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	start := time.Now()
	err := c.Authenticate(ctx, authInput)
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("took %v, want a prompt failure", elapsed)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 429 {
		t.Fatalf("got %v, want the 429", err)
	}
	mustContain(t, err.Error(), "Retry-After", "deadline")
	if n := srv.count(""); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestRetry_contextCancelledWhileWaiting(t *testing.T) {
	t.Parallel()
	srv := newFake(t, failFirst(10, 503, nil))
	c := newTestClient(t, Options{ServerURL: srv.URL, RetryWaitMin: 10 * time.Second, RetryWaitMax: 10 * time.Second})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	err := c.Authenticate(ctx, authInput)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if IsTransient(err) {
		t.Error("a cancel reported as transient")
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("returned after %v, want soon after the cancel", elapsed)
	}
}

func TestRetry_exhaustedNamesOpStatusAttempts(t *testing.T) {
	t.Parallel()
	srv := newFake(t, failFirst(100, 502, nil))
	c := newTestClient(t, Options{ServerURL: srv.URL, MaxRetries: 2})
	err := c.Authenticate(testContext(t), authInput)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 502 || ae.Attempts != 3 {
		t.Fatalf("got %v, want APIError 502 after 3 attempts", err)
	}
	if got, want := err.Error(), "ortc: authenticate: HTTP 502: Bad Gateway after 3 attempts"; got != want {
		t.Errorf("error %q, want %q", got, want)
	}
	if n := srv.count(""); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestRetry_noRetriesWhenMaxRetriesIsMinusOne(t *testing.T) {
	t.Parallel()
	srv := newFake(t, failFirst(100, 500, nil))
	c := newTestClient(t, Options{ServerURL: srv.URL, MaxRetries: -1})
	if err := c.Authenticate(testContext(t), authInput); err == nil {
		t.Fatal("no error")
	}
	if n := srv.count(""); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestRetry_other4xxNeverRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 409} {
		srv := newFake(t, failFirst(100, status, nil))
		c := newTestClient(t, Options{ServerURL: srv.URL})
		err := c.Authenticate(testContext(t), authInput)
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != status || IsTransient(err) {
			t.Errorf("%d: got %v", status, err)
		}
		if n := srv.count(""); n != 1 {
			t.Errorf("%d: %d requests, want 1", status, n)
		}
	}
}

// The server reads the request and drops the connection: it may have acted
// on it, so an idempotent call is retried and a delivery is not.
func TestRetry_connectionResetMidRequest(t *testing.T) {
	t.Parallel()
	resetFirst := func(t *testing.T) http.HandlerFunc {
		var n atomic.Int32
		return func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				hangUp(t, w)
				return
			}
			w.WriteHeader(http.StatusCreated)
		}
	}
	t.Run("authenticate is retried", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, resetFirst(t))
		c := newTestClient(t, Options{ServerURL: srv.URL})
		if err := c.Authenticate(testContext(t), authInput); err != nil {
			t.Fatal(err)
		}
		if n := srv.count(""); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
	})
	t.Run("send is not duplicated", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, resetFirst(t))
		c := newTestClient(t, Options{ServerURL: srv.URL})
		_, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: "m"})
		var ce *ConnectionError
		if !errors.As(err, &ce) || ce.Op != "send" || !IsTransient(err) {
			t.Fatalf("got %v, want a transient send ConnectionError", err)
		}
		if !MayHaveArrived(err) {
			t.Errorf("MayHaveArrived = false for a reset after the request was sent")
		}
		if n := srv.count(""); n != 1 {
			t.Errorf("%d requests, want exactly 1", n)
		}
	})
}

func TestRetry_connectionRefused(t *testing.T) {
	t.Parallel()
	url := closedURL(t)
	c := newTestClient(t, Options{ServerURL: url, MaxRetries: 2})
	_, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: "m"})
	var ce *ConnectionError
	if !errors.As(err, &ce) || ce.Attempts != 3 {
		t.Fatalf("got %v, want a ConnectionError after 3 attempts (refused is safe to retry)", err)
	}
	if MayHaveArrived(err) {
		t.Errorf("MayHaveArrived = true for a refused connection")
	}
	mustContain(t, err.Error(), "ortc: send: POST "+url+"/send", "after 3 attempts")
}

// The retry policy of every operation: a first request to the operation's
// route that fails with a 503, or that is dropped after the server read it,
// is repeated for an idempotent operation and never for a delivery (it may
// have been delivered). Calls go through the balancer, as by default; its
// lookups are on another route and not counted.
func TestRetry_policyOfEveryOperation(t *testing.T) {
	t.Parallel()
	const (
		presenceGet = "/presence/" + testAppKey + "/" + testToken + "/ch"
		page        = `{"topics":["t"],"tokens":["d"],"nextToken":null}`
	)
	answer := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, body) }
	}
	drain := func(seq func(func(string, error) bool)) error {
		for _, err := range seq {
			if err != nil {
				return err
			}
		}
		return nil
	}
	n := PushNotification{Message: "m"}
	ops := []struct {
		op         string
		idempotent bool
		route      string           // the path the fault hits and requests are counted on
		ok         http.HandlerFunc // the success answer; nil = 201, empty body
		call       func(c *Client, ctx context.Context) error
	}{
		{"balancer", true, "/server/2.1", func(w http.ResponseWriter, r *http.Request) { balancerAnswer(w, "http://"+r.Host) },
			func(c *Client, ctx context.Context) error { _, err := c.Server(ctx); return err }},
		{"authenticate", true, "/authenticate", nil,
			func(c *Client, ctx context.Context) error { return c.Authenticate(ctx, authInput) }},
		{"revoke", true, "/authenticate", nil,
			func(c *Client, ctx context.Context) error { return c.Revoke(ctx, testToken) }},
		{"presence_enable", true, "/presence/enable/" + testAppKey + "/ch", answer("Presence enabled."),
			func(c *Client, ctx context.Context) error { return c.EnablePresence(ctx, "ch", true) }},
		{"presence_disable", true, "/presence/disable/" + testAppKey + "/ch", answer("Presence disabled."),
			func(c *Client, ctx context.Context) error { return c.DisablePresence(ctx, "ch") }},
		{"presence_get", true, presenceGet, answer(`{"subscriptions":1,"metadata":{}}`),
			func(c *Client, ctx context.Context) error { _, err := c.Presence(ctx, testToken, "ch"); return err }},
		{"topics", true, "/mp/listtopics", answer(page),
			func(c *Client, ctx context.Context) error { return drain(c.Topics(ctx)) }},
		{"all_topics", true, "/mp/listtopics", answer(page),
			func(c *Client, ctx context.Context) error { _, err := c.AllTopics(ctx); return err }},
		{"topic_devices", true, "/mp/topicdevices/t", answer(page),
			func(c *Client, ctx context.Context) error { return drain(c.TopicDevices(ctx, "t")) }},
		{"all_topic_devices", true, "/mp/topicdevices/t", answer(page),
			func(c *Client, ctx context.Context) error { _, err := c.AllTopicDevices(ctx, "t"); return err }},
		{"is_topic_subscribed", true, "/mp/isTopicSubscribed/t", answer("true"),
			func(c *Client, ctx context.Context) error { _, err := c.IsTopicSubscribed(ctx, "t"); return err }},
		{"send", false, "/send", nil, func(c *Client, ctx context.Context) error {
			_, err := c.Send(ctx, SendInput{Channel: "ch", Message: "m"})
			return err
		}},
		{"sendbatch", false, "/sendbatch", nil, func(c *Client, ctx context.Context) error {
			_, err := c.SendBatch(ctx, SendBatchInput{Channels: []string{"a", "b"}, Message: "m"})
			return err
		}},
		{"publish", false, "/publish", answer("1"), func(c *Client, ctx context.Context) error {
			_, err := c.Publish(ctx, PublishInput{Channel: "ch", Message: "m"})
			return err
		}},
		{"push_publish", false, "/mp/publish", answer("null"),
			func(c *Client, ctx context.Context) error { return c.PushPublish(ctx, "t", n) }},
		{"push_publishbatch", false, "/mp/publishbatch", answer("null"),
			func(c *Client, ctx context.Context) error { return c.PushPublishBatch(ctx, []string{"a", "b"}, n) }},
	}
	faults := []struct {
		name  string
		fault func(t *testing.T, w http.ResponseWriter)
	}{
		{"503", func(_ *testing.T, w http.ResponseWriter) {
			http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
		}},
		{"connection dropped", hangUp},
	}
	for _, op := range ops {
		for _, f := range faults {
			t.Run(op.op+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				var hits atomic.Int32
				srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
					switch {
					case r.URL.Path == op.route && hits.Add(1) == 1:
						f.fault(t, w)
					case r.URL.Path == op.route && op.ok != nil:
						op.ok(w, r)
					case r.URL.Path == "/server/2.1":
						balancerAnswer(w, "http://"+r.Host)
					default:
						w.WriteHeader(http.StatusCreated)
					}
				})
				// A new connection per request: net/http itself repeats a GET
				// whose reused connection drops, which would hide the policy.
				// newTestClient waits 1 to 5 ms between attempts.
				hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
				c := newTestClient(t, Options{ClusterURL: srv.URL + "/server/2.1", PushURL: srv.URL + "/mp", HTTPClient: hc})
				err := op.call(c, testContext(t))
				got := srv.count(op.route)
				if op.idempotent {
					if err != nil || got != 2 {
						t.Fatalf("got %v after %d requests, want success after 2 (retried)", err, got)
					}
					return
				}
				if got != 1 {
					t.Errorf("%d requests, want exactly 1 (a delivery is never repeated once it may have arrived)", got)
				}
				var ae *APIError
				switch {
				case f.name == "503" && (!errors.As(err, &ae) || ae.Status != 503 || ae.Attempts != 1):
					t.Errorf("got %v, want an APIError 503 after 1 attempt", err)
				case f.name != "503" && !MayHaveArrived(err):
					t.Errorf("got %v, want a ConnectionError that may have arrived", err)
				}
			})
		}
	}
}

func TestTimeout_perAttempt(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
	})
	c := newTestClient(t, Options{ServerURL: srv.URL, Timeout: 100 * time.Millisecond, MaxRetries: -1})
	start := time.Now()
	err := c.EnablePresence(testContext(t), "ch", true)
	var ce *ConnectionError
	if !errors.As(err, &ce) || !IsTransient(err) {
		t.Fatalf("got %v, want a transient ConnectionError", err)
	}
	mustContain(t, err.Error(), "no answer within the request timeout of 100ms")
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("took %v, want about the 100ms timeout", elapsed)
	}
}

// The per-attempt timeout covers reading the answer, not only its headers:
// an answer whose body stalls fails within the timeout.
func TestTimeout_coversTheAnswersBody(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("nu"))
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
	})
	c := newTestClient(t, Options{ServerURL: srv.URL, Timeout: 100 * time.Millisecond, MaxRetries: -1})
	start := time.Now()
	_, err := c.Presence(testContext(t), "tok", "ch")
	if err == nil {
		t.Fatal("a stalled answer was accepted")
	}
	mustContain(t, err.Error(), "no answer within the request timeout of 100ms")
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("took %v, want about the 100ms timeout", elapsed)
	}
}

// The per-attempt deadline ends with the answer without costing the
// keep-alive: sequential calls, each under the timeout, share one connection.
func TestTimeout_keepsTheConnectionAlive(t *testing.T) {
	t.Parallel()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.Method == http.MethodGet {
			_, _ = w.Write([]byte(`{"subscriptions":0,"metadata":{}}`))
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := newTestClient(t, Options{ServerURL: srv.URL, Timeout: 5 * time.Second})
	ctx := testContext(t)
	for i := range 50 {
		if i%2 == 0 {
			if _, err := c.Send(ctx, SendInput{Channel: "ch", Message: "m"}); err != nil {
				t.Fatal(err)
			}
		} else if _, err := c.Presence(ctx, "tok", "ch"); err != nil {
			t.Fatal(err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("50 sequential calls opened %d connections, want 1", n)
	}
}

func TestRetry_concurrentCallsShareOneClient(t *testing.T) {
	t.Parallel()
	// One retryablehttp client serves both kinds at once: the policy follows
	// each request's operation, not the client.
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	c := newTestClient(t, Options{ServerURL: srv.URL, MaxRetries: 3})
	var wg sync.WaitGroup
	wg.Go(func() { _ = c.Authenticate(testContext(t), authInput) })
	wg.Go(func() { _, _ = c.Send(testContext(t), SendInput{Channel: "ch", Message: "m"}) })
	wg.Wait()
	if a, s := srv.count("/authenticate"), srv.count("/send"); a != 4 || s != 1 {
		t.Errorf("authenticate %d requests (want 4), send %d (want 1)", a, s)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	ra := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"3"}}}
	if got := backoff(time.Millisecond, time.Second, 0, ra); got != 3*time.Second {
		t.Errorf("Retry-After 3: waited %v", got)
	}
	for attempt := range 6 {
		full := min(100*time.Millisecond<<attempt, 2*time.Second)
		got := backoff(100*time.Millisecond, 2*time.Second, attempt, nil)
		if got < full/2 || got > full {
			t.Errorf("attempt %d: %v outside [%v, %v]", attempt, got, full/2, full)
		}
	}
}

func TestRedirect_postIsNotFollowed(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/send", "/presence/" + testAppKey + "/" + testToken + "/old":
			http.Redirect(w, r, "/moved", http.StatusFound)
		case "/moved":
			_, _ = w.Write([]byte(`{"subscriptions":1,"metadata":{}}`))
		}
	})
	c := newTestClient(t, Options{ServerURL: srv.URL})
	_, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: "m"})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusFound {
		t.Fatalf("got %v, want the 302 itself", err)
	}
	if n := srv.count("/moved"); n != 0 {
		t.Errorf("a POST was redirected %d times (as a GET)", n)
	}
	if _, err := c.Presence(testContext(t), testToken, "old"); err != nil {
		t.Errorf("a GET redirect was not followed: %v", err)
	}
}

func TestRetryAfter_parse(t *testing.T) {
	t.Parallel()
	resp := func(status int, h string) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{"Retry-After": {h}}}
	}
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		name string
		resp *http.Response
		ok   bool
		min  time.Duration
	}{
		{"seconds on a 429", resp(429, "7"), true, 7 * time.Second},
		{"seconds on a 503", resp(503, "0"), true, 0},
		{"a date on a 429", resp(429, future), true, 59 * time.Minute},
		{"ignored on a 500", resp(500, "7"), false, 0},
		{"negative", resp(429, "-1"), false, 0},
		{"garbage", resp(429, "soon"), false, 0},
		{"no answer", nil, false, 0},
	}
	for _, tt := range tests {
		got, ok := retryAfter(tt.resp)
		if ok != tt.ok || got < tt.min {
			t.Errorf("%s: %v, %v", tt.name, got, ok)
		}
	}
}
