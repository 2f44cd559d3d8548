package ortc

// Edges of the retry policy that transport_test.go and balancer_test.go do
// not reach: Retry-After beyond the 5-minute cap (no deadline) and beyond the
// per-attempt timeout, a cancel while honouring Retry-After, exhaustion on
// 429 and on resets, deliveries refused with 429, a balancer that refuses
// connections and then comes up, and a stale server hit by many callers at
// once or by a reset.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Without a context deadline, a Retry-After above the 5-minute cap ends the
// call at once with the 429, naming the operation, the status, the attempts
// and why it did not wait.
func TestRetry_retryAfterBeyondTheCapWithoutDeadline(t *testing.T) {
	t.Parallel()
	srv := newFake(t, failFirst(10, 429, map[string]string{"Retry-After": "600"}))
	c := newTestClient(t, Options{ServerURL: srv.URL})
	done := make(chan error, 1)
	go func() { done <- c.EnablePresence(t.Context(), "ch", false) }() // t.Context has no deadline
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("still waiting after 5s: the 10-minute Retry-After was honoured")
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 429 || ae.Op != "presence_enable" || ae.Attempts != 1 {
		t.Fatalf("got %v, want a presence_enable APIError 429 after 1 attempt", err)
	}
	mustContain(t, err.Error(), "ortc: presence_enable: HTTP 429", "Retry-After 10m0s is longer than 5m0s")
	if n := srv.count(""); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// The request timeout bounds one attempt, not the wait between attempts: a
// Retry-After longer than the timeout is honoured, and the retry succeeds.
func TestRetry_retryAfterLongerThanTheRequestTimeoutIsHonoured(t *testing.T) {
	t.Parallel()
	srv := newFake(t, failFirst(1, 503, map[string]string{"Retry-After": "1"}))
	c := newTestClient(t, Options{ServerURL: srv.URL, Timeout: 200 * time.Millisecond})
	start := time.Now()
	if err := c.Authenticate(testContext(t), authInput); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Errorf("retried after %v, want the Retry-After of 1s (503 carries it too)", waited)
	}
	if n := srv.count("/authenticate"); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// A cancel while sleeping out a Retry-After (not the exponential backoff)
// ends the call at once with the cancel, not the 429.
func TestRetry_contextCancelledWhileHonouringRetryAfter(t *testing.T) {
	t.Parallel()
	srv := newFake(t, failFirst(10, 429, map[string]string{"Retry-After": "30"}))
	c := newTestClient(t, Options{ServerURL: srv.URL})
	ctx, cancel := context.WithCancel(t.Context()) // no deadline: the 30 s wait is honoured
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	err := c.Authenticate(ctx, authInput)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	mustContain(t, err.Error(), "ortc: authenticate:", "after 1 attempt")
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("returned after %v, want soon after the cancel", elapsed)
	}
	if n := srv.count(""); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestRetry_exhausted(t *testing.T) {
	t.Parallel()
	t.Run("on 429 the error names the operation, the status and the attempts", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, failFirst(100, 429, map[string]string{"Retry-After": "0"}))
		c := newTestClient(t, Options{ServerURL: srv.URL, MaxRetries: 3})
		err := c.EnablePresence(testContext(t), "ch", true)
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != 429 || ae.Attempts != 4 || !IsTransient(err) {
			t.Fatalf("got %v, want a transient APIError 429 after 4 attempts", err)
		}
		if got, want := err.Error(), "ortc: presence_enable: HTTP 429: Too Many Requests after 4 attempts"; got != want {
			t.Errorf("error %q, want %q", got, want)
		}
		if n := srv.count(""); n != 4 {
			t.Errorf("%d requests, want 4", n)
		}
	})
	t.Run("on resets the error names the operation, the URL and the attempts", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { hangUp(t, w) })
		c := newTestClient(t, Options{ServerURL: srv.URL, MaxRetries: 2})
		err := c.Authenticate(testContext(t), authInput)
		var ce *ConnectionError
		if !errors.As(err, &ce) || ce.Op != "authenticate" || ce.Attempts != 3 || !IsTransient(err) {
			t.Fatalf("got %v, want a transient authenticate ConnectionError after 3 attempts", err)
		}
		mustContain(t, err.Error(), "ortc: authenticate: POST "+srv.URL+"/authenticate", "after 3 attempts")
		mustNotContain(t, err.Error(), testPrivateKey, testToken)
		if n := srv.count(""); n != 3 {
			t.Errorf("%d requests, want 3", n)
		}
	})
}

// A 429 reached the server: a delivery is not repeated on it either, even
// with a Retry-After (the policy retries deliveries only when the request
// never left).
func TestRetry_deliveryRefusedWith429IsNotRetried(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		op   string
		call func(c *Client, ctx context.Context) error
		path string
	}{
		{"send", func(c *Client, ctx context.Context) error {
			_, err := c.Send(ctx, SendInput{Channel: "ch", Message: "m"})
			return err
		}, "/send"},
		{"publish", func(c *Client, ctx context.Context) error {
			_, err := c.Publish(ctx, PublishInput{Channel: "ch", Message: "m"})
			return err
		}, "/publish"},
		{"sendbatch", func(c *Client, ctx context.Context) error {
			_, err := c.SendBatch(ctx, SendBatchInput{Channels: []string{"a", "b"}, Message: "m"})
			return err
		}, "/sendbatch"},
		{"push_publishbatch", func(c *Client, ctx context.Context) error {
			return c.PushPublishBatch(ctx, []string{"a", "b"}, PushNotification{Message: "m"})
		}, "/mp/publishbatch"},
	} {
		t.Run(tc.op, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, failFirst(1, 429, map[string]string{"Retry-After": "0"}))
			c := newTestClient(t, Options{ServerURL: srv.URL, PushURL: srv.URL + "/mp"})
			err := tc.call(c, testContext(t))
			var ae *APIError
			if !errors.As(err, &ae) || ae.Status != 429 || ae.Op != tc.op || ae.Attempts != 1 || !IsTransient(err) {
				t.Fatalf("got %v, want a transient %s APIError 429 after 1 attempt", err, tc.op)
			}
			if n := srv.count(tc.path); n != 1 {
				t.Errorf("%d requests, want exactly 1", n)
			}
		})
	}
}

// The balancer refuses connections (down), then starts listening on the
// same address: one call rides it out within its retries, and the answer is
// cached.
func TestServer_balancerRefusingThenUp(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connection refused

	var asked atomic.Int32
	bal := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		balancerAnswer(w, "https://s1:443")
	}))
	t.Cleanup(bal.Close)
	up := make(chan struct{})
	time.AfterFunc(300*time.Millisecond, func() {
		defer close(up)
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("listen again on %s: %v", addr, err)
			return
		}
		bal.Listener = l
		bal.Start()
	})
	t.Cleanup(func() { <-up })

	c := newTestClient(t, Options{ClusterURL: "http://" + addr + "/server/2.1", MaxRetries: 10,
		RetryWaitMin: 50 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond})
	got, err := c.Server(testContext(t))
	if err != nil || got != "https://s1:443" {
		t.Fatalf("Server = %q, %v; want the answer once the balancer is up", got, err)
	}
	if got, err := c.Server(testContext(t)); err != nil || got != "https://s1:443" || asked.Load() != 1 {
		t.Errorf("second Server = %q, %v after %d balancer answers, want the cached answer", got, err, asked.Load())
	}
}

// Twenty calls in flight on the cached server find it going away: it resets
// each of them, most only after the new server is known. The balancer
// is asked again exactly once: a late failure of the old server must not
// drop the new one (compare-and-drop). Every call reaches the new server
// exactly once.
func TestServer_staleServerReplacedOnceForConcurrentCalls(t *testing.T) {
	t.Parallel()
	var arrived atomic.Int32
	all := make(chan struct{})
	dying := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		// Hold every call until all twenty are in flight here, then fail
		// them over 400 ms; the new lookup takes 50 ms.
		k := arrived.Add(1)
		if k == 20 {
			close(all)
		}
		select {
		case <-all:
		case <-time.After(5 * time.Second):
		}
		time.Sleep(time.Duration(k-1) * 20 * time.Millisecond)
		hangUp(t, w)
	})
	fresh := newFake(t, created)
	var n atomic.Int32
	bal := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			balancerAnswer(w, dying.URL)
			return
		}
		time.Sleep(50 * time.Millisecond)
		balancerAnswer(w, fresh.URL)
	})
	c := newTestClient(t, Options{ClusterURL: bal.URL})
	ctx := testContext(t)
	if got, _ := c.Server(ctx); got != dying.URL {
		t.Fatalf("first server %q, want %q", got, dying.URL)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Go(func() {
			errs <- c.Authenticate(ctx, AuthenticateInput{Token: fmt.Sprintf("tok%d", i), TTL: 3600, Permissions: map[string]string{"ch": "r"}})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := bal.count(""); got != 2 {
		t.Errorf("%d balancer requests, want 2 (one more for all twenty failures)", got)
	}
	if a, d := fresh.count("/authenticate"), dying.count("/authenticate"); a != 20 || d != 20 {
		t.Errorf("the new server got %d authenticate and the old one %d, want 20 and 20", a, d)
	}
}

// The cached server resets connections (it is going away): an idempotent
// call is retried on the server the balancer names now; a delivery is not
// retried, but the next call goes to the new server.
func TestServer_staleServerResetting(t *testing.T) {
	t.Parallel()
	dying := newFake(t, func(w http.ResponseWriter, r *http.Request) { hangUp(t, w) })
	fresh := newFake(t, created)
	var n atomic.Int32
	bal := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			balancerAnswer(w, dying.URL)
			return
		}
		balancerAnswer(w, fresh.URL)
	})

	t.Run("authenticate moves to the new server", func(t *testing.T) {
		n.Store(0)
		c := newTestClient(t, Options{ClusterURL: bal.URL})
		before := fresh.count("/authenticate")
		if err := c.Authenticate(testContext(t), authInput); err != nil {
			t.Fatal(err)
		}
		if got := fresh.count("/authenticate") - before; got != 1 {
			t.Errorf("%d authenticate on the new server, want 1", got)
		}
		if got := n.Load(); got != 2 {
			t.Errorf("%d balancer requests, want 2", got)
		}
	})
	t.Run("send fails once, the next call moves", func(t *testing.T) {
		n.Store(0)
		c := newTestClient(t, Options{ClusterURL: bal.URL})
		sendsBefore := dying.count("/send")
		_, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: "m"})
		var ce *ConnectionError
		if !errors.As(err, &ce) || ce.Op != "send" || ce.Attempts != 1 {
			t.Fatalf("got %v, want a send ConnectionError after 1 attempt", err)
		}
		if got := dying.count("/send") - sendsBefore; got != 1 {
			t.Errorf("%d sends reached the dying server, want exactly 1", got)
		}
		if strings.Contains(err.Error(), testPrivateKey) {
			t.Errorf("error holds the private key: %v", err)
		}
		if _, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: "again"}); err != nil {
			t.Fatalf("next send: %v", err)
		}
		if got := n.Load(); got != 2 {
			t.Errorf("%d balancer requests, want 2", got)
		}
	})
}
