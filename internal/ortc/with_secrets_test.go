package ortc

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// A message the caller marks secret (WithSecrets: a write-only message)
// never reaches an error, whole or part by part, even from a server that
// echoes what it refused; unmarked, the same echo shows it (so the test
// does see the echo).
func TestWithSecrets_keepsASecretMessageOutOfErrors(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusBadRequest)
		_, _ = fmt.Fprintf(w, "refused %s", body)
	})
	c := newTestClient(t, Options{ServerURL: srv.URL, PushURL: srv.URL + "/mp", Concurrency: 1})
	// Three parts; quotes and a newline so that the JSON spelling differs.
	secret := "wo-" + strings.Repeat("secret \"text\"\n ", 120)
	calls := map[string]func(ctx context.Context) error{
		"send": func(ctx context.Context) error {
			_, err := c.Send(ctx, SendInput{Channel: "ch", Message: secret})
			return err
		},
		"sendbatch": func(ctx context.Context) error {
			_, err := c.SendBatch(ctx, SendBatchInput{Channels: []string{"a", "b"}, Message: secret})
			return err
		},
		"publish": func(ctx context.Context) error {
			_, err := c.Publish(ctx, PublishInput{Channel: "ch", Message: secret})
			return err
		},
		"push": func(ctx context.Context) error {
			return c.PushPublish(ctx, "topic", PushNotification{Message: secret})
		},
	}
	if parts, err := Frame("abcdabcd", secret); err != nil || len(parts) < 3 {
		t.Fatalf("want a message of three parts or more: %d parts, %v", len(parts), err)
	}
	for name, call := range calls {
		err := call(WithSecrets(testContext(t), secret))
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		msg := err.Error()
		if !strings.Contains(msg, "refused") || !strings.Contains(msg, "***") {
			t.Errorf("%s: the echo is not in the error: %s", name, msg)
		}
		// Every chunk holds the word, in every spelling.
		if strings.Contains(msg, "secret") {
			t.Errorf("%s: a part of the secret message is in the error: %s", name, msg)
		}
		if err := call(testContext(t)); err == nil || !strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: unmarked, the echo does not show the message (%v): the test would prove nothing", name, err)
		}
	}
}

func TestWithSecrets_accumulates(t *testing.T) {
	t.Parallel()
	ctx := WithSecrets(context.Background(), "one", "")
	ctx2 := WithSecrets(ctx, "two")
	if got := secretsFrom(ctx2); strings.Join(got, ",") != "one,two" {
		t.Errorf("secrets %v", got)
	}
	if got := secretsFrom(ctx); strings.Join(got, ",") != "one" {
		t.Errorf("the parent context changed: %v", got)
	}
	if got := scrub(`{"m":"a \"q\"\n"}`, []string{"a \"q\"\n"}); got != `{"m":"***"}` {
		t.Errorf("the JSON spelling is not scrubbed: %s", got)
	}
}
