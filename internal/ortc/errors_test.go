package ortc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestAPIError_Error(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  APIError
		want string
	}{
		{APIError{Op: "send", Status: 401, Body: "Invalid key", Attempts: 1}, "ortc: send: HTTP 401: Invalid key"},
		{APIError{Op: "authenticate", Status: 503, Attempts: 5}, "ortc: authenticate: HTTP 503 after 5 attempts"},
		{APIError{Op: "push_publish", Status: 400, Body: "no devices", Exception: "InvalidRequest"}, "ortc: push_publish: HTTP 400: InvalidRequest: no devices"},
		{APIError{Op: "push_publish", Status: 400, Exception: "InvalidRequest"}, "ortc: push_publish: HTTP 400: InvalidRequest"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestPredicates(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { return fmt.Errorf("context: %w", err) }
	tests := []struct {
		name                                string
		err                                 error
		unauthorized, badRequest, transient bool
	}{
		{"401", wrap(&APIError{Status: 401}), true, false, false},
		{"400", wrap(&APIError{Status: 400}), false, true, false},
		{"429", wrap(&APIError{Status: 429}), false, false, true},
		{"500", &APIError{Status: 500}, false, false, true},
		{"599", &APIError{Status: 599}, false, false, true},
		{"404", &APIError{Status: 404}, false, false, false},
		{"no answer", wrap(&ConnectionError{Err: errors.New("refused")}), false, false, true},
		{"a cancel", context.Canceled, false, false, false},
		{"a validation error", &ValidationError{Field: "x"}, false, false, false},
		{"nil", nil, false, false, false},
	}
	for _, tt := range tests {
		if IsUnauthorized(tt.err) != tt.unauthorized || IsBadRequest(tt.err) != tt.badRequest || IsTransient(tt.err) != tt.transient {
			t.Errorf("%s: unauthorized=%v badRequest=%v transient=%v", tt.name, IsUnauthorized(tt.err), IsBadRequest(tt.err), IsTransient(tt.err))
		}
	}
}

func TestScrub(t *testing.T) {
	t.Parallel()
	secrets := []string{"k/ey:1", "tok"}
	got := scrub("a k/ey:1 b k%2Fey%3A1 c k%2Fey:1 d tok", secrets)
	if got != "a *** b *** c *** d ***" {
		t.Errorf("got %q", got)
	}
	if scrub("unchanged", []string{""}) != "unchanged" {
		t.Error("an empty secret changed the text")
	}
}

// A server echoing the private key or the call's token (raw or encoded) in
// its answer never gets it into an error string.
func TestSecretsNeverInErrors(t *testing.T) {
	t.Parallel()
	echo := func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		body, _ := io.ReadAll(r.Body)
		// The token appears only where the call sent it (body or path), raw
		// or encoded; the private key always.
		_, _ = fmt.Fprintf(w, "rejected %s path=%s pk=%s", body, r.URL.EscapedPath(), testPrivateKey)
	}
	srv := newFake(t, echo)
	c := newTestClient(t, Options{ServerURL: srv.URL, PushURL: srv.URL})
	ctx := testContext(t)
	calls := map[string]func() error{
		"authenticate": func() error { return c.Authenticate(ctx, authInput) },
		"send": func() error {
			_, err := c.Send(ctx, SendInput{Channel: "ch", Message: "m", Token: testToken})
			return err
		},
		"publish":  func() error { _, err := c.Publish(ctx, PublishInput{Channel: "ch", Message: "m"}); return err },
		"presence": func() error { _, err := c.Presence(ctx, testToken, "ch"); return err },
		"enable":   func() error { return c.EnablePresence(ctx, "ch", true) },
		"push":     func() error { return c.PushPublish(ctx, "t", PushNotification{Message: "m"}) },
		"topics":   func() error { _, err := c.AllTopics(ctx); return err },
	}
	for name, call := range calls {
		err := call()
		if !IsUnauthorized(err) {
			t.Errorf("%s: got %v, want a 401", name, err)
			continue
		}
		mustNotContain(t, err.Error(), testPrivateKey, testToken)
		mustContain(t, err.Error(), "***")
	}
}

func TestSecretsNeverInLogs(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/presence/") && r.Method == http.MethodGet {
			_, _ = io.WriteString(w, `{"subscriptions":1,"metadata":{}}`)
			return
		}
		if r.URL.Path == "/send" {
			hangUp(t, w) // an error line too
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	var mu sync.Mutex
	var lines []string
	logger := func(_ context.Context, msg string, fields map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprint(msg, fields))
	}
	c := newTestClient(t, Options{ServerURL: srv.URL, Logger: logger})
	ctx := testContext(t)
	if _, err := c.Presence(ctx, testToken, "room/1"); err != nil {
		t.Fatal(err)
	}
	if err := c.Authenticate(ctx, authInput); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(ctx, SendInput{Channel: "ch", Message: "m", Token: testToken}); err == nil {
		t.Fatal("send through a hang-up succeeded")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 3 {
		t.Fatalf("%d log lines, want one per attempt (3): %q", len(lines), lines)
	}
	for _, l := range lines {
		mustNotContain(t, l, testToken, testPrivateKey)
		mustContain(t, l, "op:", "method:", "attempt:1")
	}
	mustContain(t, lines[0], "/presence/"+testAppKey+"/***/room/1", "status:200")
	mustContain(t, lines[2], "error:")
}
