package ortc

import (
	"errors"
	"io"
	"net/http"
	"reflect"
	"testing"
)

func TestEnablePresence_requestShape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, channel, rawPath string
		metadata               bool
		wantMetadata           string
	}{
		{"a plain channel with metadata", "lobby", "/presence/enable/" + testAppKey + "/lobby", true, "1"},
		{"a wildcard without metadata", "main:*", "/presence/enable/" + testAppKey + "/main:*", false, "0"},
		{"a channel with slashes stays the rest of the path", "a:b/c.d/e", "/presence/enable/" + testAppKey + "/a:b/c.d/e", true, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "Presence enabled") })
			c := newTestClient(t, Options{ServerURL: srv.URL})
			if err := c.EnablePresence(testContext(t), tt.channel, tt.metadata); err != nil {
				t.Fatal(err)
			}
			r := srv.requests()[0]
			if r.Method != http.MethodPost || r.RawPath != tt.rawPath {
				t.Errorf("%s %s, want POST %s", r.Method, r.RawPath, tt.rawPath)
			}
			if ct := r.Header.Get("Content-Type"); ct != formType {
				t.Errorf("Content-Type %q", ct)
			}
			want := "privatekey=" + testPrivateKey + "&metadata=" + tt.wantMetadata
			if string(r.Body) != want {
				t.Errorf("body %s, want %s", r.Body, want)
			}
		})
	}
}

func TestDisablePresence_requestShape(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "Presence disabled") })
	c := newTestClient(t, Options{ServerURL: srv.URL})
	if err := c.DisablePresence(testContext(t), "main:sub"); err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if r.Method != http.MethodPost || r.RawPath != "/presence/disable/"+testAppKey+"/main:sub" {
		t.Errorf("%s %s", r.Method, r.RawPath)
	}
	if string(r.Body) != "privatekey="+testPrivateKey {
		t.Errorf("body %s", r.Body)
	}
}

func TestPresence_get(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"subscriptions":3,"metadata":{"user:ann":2,"user:bob":1}}`)
	})
	c := newTestClient(t, Options{ServerURL: srv.URL})
	got, err := c.Presence(testContext(t), testToken, "room/1:a")
	if err != nil {
		t.Fatal(err)
	}
	want := &PresenceInfo{Subscriptions: 3, Metadata: map[string]int{"user:ann": 2, "user:bob": 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	r := srv.requests()[0]
	if wantPath := "/presence/" + testAppKey + "/" + testToken + "/room/1:a"; r.Method != http.MethodGet || r.RawPath != wantPath {
		t.Errorf("%s %s, want GET %s", r.Method, r.RawPath, wantPath)
	}
	if len(r.Body) != 0 || r.Header.Get("Content-Type") != "" {
		t.Errorf("GET with a body %q or Content-Type %q", r.Body, r.Header.Get("Content-Type"))
	}
}

func TestPresence_emptyMetadata(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"subscriptions":0,"metadata":{}}`)
	})
	c := newTestClient(t, Options{ServerURL: srv.URL})
	got, err := c.Presence(testContext(t), testToken, "ch")
	if err != nil || got.Subscriptions != 0 || got.Metadata == nil || len(got.Metadata) != 0 {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestPresence_tokenWithSlashStaysOneSegment(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"subscriptions":1,"metadata":{}}`)
	})
	c := newTestClient(t, Options{ServerURL: srv.URL})
	if _, err := c.Presence(testContext(t), "tok/en", "ch"); err != nil {
		t.Fatal(err)
	}
	if got, want := srv.requests()[0].RawPath, "/presence/"+testAppKey+"/tok%2Fen/ch"; got != want {
		t.Errorf("path %s, want %s", got, want)
	}
}

func TestPresence_nullMeansNotEnabled(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "null") })
	c := newTestClient(t, Options{ServerURL: srv.URL})
	_, err := c.Presence(testContext(t), testToken, "ch")
	if !errors.Is(err, ErrPresenceNotEnabled) {
		t.Fatalf("got %v, want ErrPresenceNotEnabled", err)
	}
}

func TestPresence_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		check  func(error) bool
	}{
		{"a 401 is unauthorized", 401, "Invalid token " + testToken, IsUnauthorized},
		{"a 400 is a bad request", 400, "bad channel", IsBadRequest},
		{"an unexpected body is an error", 200, `{"count":1}`, func(err error) bool { return err != nil }},
		{"a JSONP-looking body is an error", 200, `fn({"content":{}})`, func(err error) bool { return err != nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			c := newTestClient(t, Options{ServerURL: srv.URL})
			_, err := c.Presence(testContext(t), testToken, "ch")
			if !tt.check(err) {
				t.Fatalf("got %v", err)
			}
			mustNotContain(t, err.Error(), testToken)
		})
	}
}
