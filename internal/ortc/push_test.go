package ortc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// pager serves items in pages of size, with nextToken "page-<n>".
func pager(t *testing.T, field string, items []string, size int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			ApplicationKey string  `json:"applicationKey"`
			PrivateKey     string  `json:"privateKey"`
			NextToken      *string `json:"nextToken"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.ApplicationKey != testAppKey || req.PrivateKey != testPrivateKey {
			t.Errorf("bad page request: %v %+v", err, req)
			http.Error(w, `{"exception":"InvalidRequest","message":"bad"}`, 400)
			return
		}
		start := 0
		if req.NextToken != nil {
			_, _ = fmt.Sscanf(*req.NextToken, "page-%d", &start)
		}
		end := min(start+size, len(items))
		var next any
		if end < len(items) {
			next = fmt.Sprintf("page-%d", end)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{field: items[start:end], "nextToken": next})
	}
}

func TestTopics_crossesPages(t *testing.T) {
	t.Parallel()
	items := []string{"t1", "t2", "t3", "t4", "t5"}
	srv := newFake(t, pager(t, "topics", items, 2))
	c := newTestClient(t, Options{PushURL: srv.URL + "/mp/"})
	got, err := c.AllTopics(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, items) {
		t.Errorf("got %v", got)
	}
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3 pages", len(reqs))
	}
	for i, r := range reqs {
		if r.Method != http.MethodPost || r.Path != "/mp/listtopics" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("page %d: %s %s %q", i, r.Method, r.Path, r.Header.Get("Content-Type"))
		}
	}
	if want := `{"applicationKey":"` + testAppKey + `","privateKey":"` + testPrivateKey + `"}`; string(reqs[0].Body) != want {
		t.Errorf("first page body %s, want %s", reqs[0].Body, want)
	}
	if want := `{"applicationKey":"` + testAppKey + `","privateKey":"` + testPrivateKey + `","nextToken":"page-2"}`; string(reqs[1].Body) != want {
		t.Errorf("second page body %s, want %s", reqs[1].Body, want)
	}
}

func TestTopics_stopsWhenTheConsumerBreaks(t *testing.T) {
	t.Parallel()
	srv := newFake(t, pager(t, "topics", []string{"a", "b", "c", "d", "e", "f", "g"}, 2))
	c := newTestClient(t, Options{PushURL: srv.URL})
	var got []string
	for topic, err := range c.Topics(testContext(t)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, topic)
		if len(got) == 3 {
			break
		}
	}
	if n := srv.count("/listtopics"); n != 2 {
		t.Errorf("%d page requests, want 2 (no page fetched ahead)", n)
	}
}

func TestTopicDevices_crossesPages(t *testing.T) {
	t.Parallel()
	devices := []string{"d1", "d2", "d3"}
	srv := newFake(t, pager(t, "tokens", devices, 1))
	c := newTestClient(t, Options{PushURL: srv.URL + "/mp"})
	got, err := c.AllTopicDevices(testContext(t), "news:sport")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, devices) {
		t.Errorf("got %v", got)
	}
	if r := srv.requests()[0]; r.RawPath != "/mp/topicdevices/news:sport" {
		t.Errorf("path %s", r.RawPath)
	}
	if n := srv.count(""); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestTopics_emptyListIsNotNil(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"topics":[],"nextToken":null}`)
	})
	c := newTestClient(t, Options{PushURL: srv.URL})
	got, err := c.AllTopics(testContext(t))
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("got %#v, %v", got, err)
	}
}

func TestTopics_repeatedNextTokenIsAnError(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"topics":["x"],"nextToken":"same"}`)
	})
	c := newTestClient(t, Options{PushURL: srv.URL})
	_, err := c.AllTopics(testContext(t))
	if err == nil || !strings.Contains(err.Error(), "same nextToken") {
		t.Fatalf("got %v", err)
	}
	if n := srv.count(""); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestIsTopicSubscribed(t *testing.T) {
	t.Parallel()
	for _, want := range []bool{true, false} {
		srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = fmt.Fprint(w, want) })
		c := newTestClient(t, Options{PushURL: srv.URL})
		got, err := c.IsTopicSubscribed(testContext(t), "news")
		if err != nil || got != want {
			t.Errorf("got %v, %v; want %v", got, err, want)
		}
		r := srv.requests()[0]
		if r.Path != "/isTopicSubscribed/news" || string(r.Body) != `{"applicationKey":"`+testAppKey+`","privateKey":"`+testPrivateKey+`"}` {
			t.Errorf("%s %s", r.Path, r.Body)
		}
	}
}

func TestPushPublish_requestShape(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "null") })
	c := newTestClient(t, Options{PushURL: srv.URL})
	err := c.PushPublish(testContext(t), "news", PushNotification{
		Message: "Hi <all> & co",
		Payload: json.RawMessage(`{"sound": "default", "badge": "1"}`),
		GCM:     json.RawMessage(`{"priority":"high"}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	want := `{"applicationKey":"` + testAppKey + `","privateKey":"` + testPrivateKey +
		`","channel":"news","message":"Hi <all> & co","payload":{"sound":"default","badge":"1"},"gcm":{"priority":"high"}}`
	if r.Path != "/publish" || string(r.Body) != want {
		t.Errorf("%s body\n got %s\nwant %s", r.Path, r.Body, want)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestPushPublishBatch_requestShape(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "null") })
	c := newTestClient(t, Options{PushURL: srv.URL})
	if err := c.PushPublishBatch(testContext(t), []string{"a", "b:c"}, PushNotification{Message: "m", APNS: json.RawMessage(`{"aps":{"alert":"x"}}`)}); err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	want := `{"applicationKey":"` + testAppKey + `","privateKey":"` + testPrivateKey + `","channels":["a","b:c"],"message":"m","apns":{"aps":{"alert":"x"}}}`
	if r.Path != "/publishbatch" || string(r.Body) != want {
		t.Errorf("%s body\n got %s\nwant %s", r.Path, r.Body, want)
	}
}

func TestPush_exceptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
	}{
		{"a 400 with an exception object", 400, `{"exception":"InvalidRequest","message":"No devices subscribed to news"}`},
		{"a 401 with an exception object", 401, `{"exception":"Unauthorized","message":"Invalid private key ` + testPrivateKey + `"}`},
		{"a 200 carrying an exception object", 200, `{"exception":"InvalidRequest","message":"No devices subscribed to news"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			c := newTestClient(t, Options{PushURL: srv.URL})
			err := c.PushPublish(testContext(t), "news", PushNotification{Message: "m"})
			var ae *APIError
			if !errors.As(err, &ae) || ae.Status != tt.status || ae.Exception == "" || ae.Op != "push_publish" {
				t.Fatalf("got %#v", err)
			}
			mustContain(t, err.Error(), "ortc: push_publish: HTTP "+itoa(tt.status)+": "+ae.Exception+": ")
			mustNotContain(t, err.Error(), testPrivateKey)
			if n := srv.count(""); n != 1 {
				t.Errorf("%d requests", n)
			}
			// The same for a read, which has its own decoding.
			_, err = c.IsTopicSubscribed(testContext(t), "news")
			if !errors.As(err, &ae) || ae.Exception == "" {
				t.Errorf("IsTopicSubscribed: got %v", err)
			}
			_, err = c.AllTopics(testContext(t))
			if !errors.As(err, &ae) || ae.Exception == "" {
				t.Errorf("AllTopics: got %v", err)
			}
		})
	}
}
