package ortc

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestNew_refusesBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		opts  Options
		field string
	}{
		{"no application key", Options{}, "application_key"},
		{"an application key with a space", Options{ApplicationKey: "a b"}, "application_key"},
		{"both a server and a cluster", Options{ApplicationKey: "k", ServerURL: "http://s", ClusterURL: "http://c"}, "server_url"},
		{"a server URL that is relative", Options{ApplicationKey: "k", ServerURL: "/srv"}, "server_url"},
		{"a server URL with a query", Options{ApplicationKey: "k", ServerURL: "http://s/?x=1"}, "server_url"},
		{"a cluster URL over ftp", Options{ApplicationKey: "k", ClusterURL: "ftp://c"}, "cluster_url"},
		{"a push URL without a host", Options{ApplicationKey: "k", PushURL: "https://"}, "push_url"},
		{"a negative timeout", Options{ApplicationKey: "k", Timeout: -time.Second}, "timeout"},
		{"max retries below -1", Options{ApplicationKey: "k", MaxRetries: -2}, "max_retries"},
		{"a negative concurrency", Options{ApplicationKey: "k", Concurrency: -1}, "concurrency"},
		{"a wait max below the min", Options{ApplicationKey: "k", RetryWaitMin: time.Second, RetryWaitMax: time.Millisecond}, "retry_wait_max"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tt.opts)
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Fatalf("got %v, want a ValidationError on %s", err, tt.field)
			}
		})
	}
}

func TestNew_hidesAPasswordInAURL(t *testing.T) {
	t.Parallel()
	_, err := New(Options{ApplicationKey: "k", ServerURL: "ftp://user:hunter2@s"})
	if err == nil {
		t.Fatal("accepted ftp")
	}
	mustNotContain(t, err.Error(), "hunter2")
}

func TestNew_defaultsAndNoNetwork(t *testing.T) {
	t.Parallel()
	c, err := New(Options{ApplicationKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if c.clusterURL != DefaultClusterURL || c.pushURL != DefaultPushURL || c.userAgent != DefaultUserAgent ||
		c.concurrency != DefaultConcurrency || c.http.RetryMax != DefaultMaxRetries || c.timeout != DefaultTimeout {
		t.Errorf("defaults not applied: %+v", c)
	}
	if c.ApplicationKey() != "k" {
		t.Errorf("ApplicationKey %q", c.ApplicationKey())
	}
	if c.http.Logger != nil {
		t.Error("retryablehttp's default logger is on")
	}
}

func TestNew_keepsTheCallersHTTPClient(t *testing.T) {
	t.Parallel()
	srv := newFake(t, created)
	base := &http.Client{Timeout: time.Hour}
	c := newTestClient(t, Options{ServerURL: srv.URL, HTTPClient: base, Timeout: 3 * time.Second})
	if base.Timeout != time.Hour || base.Transport != nil {
		t.Error("New changed the caller's http.Client")
	}
	if c.timeout != 3*time.Second || c.httpClient.Timeout != 0 {
		t.Errorf("per-attempt timeout %v, http.Client.Timeout %v", c.timeout, c.httpClient.Timeout)
	}
	if _, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: "m"}); err != nil {
		t.Fatal(err)
	}
}
