package ortc

import (
	"errors"
	"io"
	"net/http"
	"testing"
)

func TestAuthenticate_requestShape(t *testing.T) {
	t.Parallel()
	srv := newFake(t, created)
	c := newTestClient(t, Options{ServerURL: srv.URL})
	err := c.Authenticate(testContext(t), AuthenticateInput{
		Token:   testToken,
		Private: true,
		TTL:     3600,
		Permissions: map[string]string{
			"yellow":     "r",
			"main:*":     "pw",
			"a:b/c.d":    "wrw",
			"blue_green": "rwp",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != "/authenticate" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", ct)
	}
	if ua := r.Header.Get("User-Agent"); ua != DefaultUserAgent {
		t.Errorf("User-Agent %q", ua)
	}
	// Vendor order, channels sorted, letters normalised, ":" "/" "*" encoded.
	want := "AT=" + testToken + "&PVT=1&AK=" + testAppKey + "&PK=" + testPrivateKey +
		"&TTL=3600&TP=4&a%3Ab%2Fc.d=rw&blue_green=rwp&main%3A%2A=wp&yellow=r"
	if string(r.Body) != want {
		t.Errorf("body\n got %s\nwant %s", r.Body, want)
	}
}

func TestRevoke_savesNoChannels(t *testing.T) {
	t.Parallel()
	srv := newFake(t, created)
	c := newTestClient(t, Options{ServerURL: srv.URL})
	if err := c.Revoke(testContext(t), testToken); err != nil {
		t.Fatal(err)
	}
	f := srv.requests()[0].Form
	want := map[string]string{"AT": testToken, "PVT": "0", "AK": testAppKey, "PK": testPrivateKey, "TTL": "62", "TP": "0"}
	if len(f) != len(want) {
		t.Errorf("form %v, want %v", f, want)
	}
	for k, v := range want {
		if f.Get(k) != v {
			t.Errorf("%s=%q, want %q", k, f.Get(k), v)
		}
	}
}

func TestAuthenticate_acceptsAny2xx(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
	c := newTestClient(t, Options{ServerURL: srv.URL})
	if err := c.Authenticate(testContext(t), authInput); err != nil {
		t.Fatal(err)
	}
}

func TestAuthenticate_errorStatuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status       int
		unauthorized bool
		badRequest   bool
	}{
		{401, true, false},
		{400, false, true},
		{403, false, false},
		{404, false, false},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "Unable to authenticate, invalid application key", tt.status)
			})
			c := newTestClient(t, Options{ServerURL: srv.URL})
			err := c.Authenticate(testContext(t), authInput)
			var ae *APIError
			if !errors.As(err, &ae) || ae.Status != tt.status || ae.Op != "authenticate" {
				t.Fatalf("got %v", err)
			}
			if IsUnauthorized(err) != tt.unauthorized || IsBadRequest(err) != tt.badRequest || IsTransient(err) {
				t.Errorf("predicates wrong for %d", tt.status)
			}
			want := "ortc: authenticate: HTTP " + itoa(tt.status) + ": Unable to authenticate, invalid application key"
			if err.Error() != want {
				t.Errorf("error %q, want %q", err, want)
			}
		})
	}
}
