package emulator

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPersistenceAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, Options{StatePath: path, PageSize: 1})
	e.mustAuth("tok", map[string]string{"ch": "wp", "main:*": "r"})
	e.enable("ch", "1").expect(t, 200, ctText, "Presence enabled.")
	e.enable("main:*", "0").expect(t, 200, ctText, "Presence enabled.")
	e.s.AddSubscribers(testApp, "ch", "u:1", 2)
	e.s.AddSubscribers(testApp, "ch", "u:0", 1)
	e.post("/publish", url.Values{"AK": {testApp}, "PK": {testPK}, "C": {"ch"}, "M": {"abcdabcd_1-1_done"}}).expect(t, 201, ctText, "1")
	e.post("/publish", url.Values{"AK": {testApp}, "PK": {testPK}, "C": {"ch"}, "M": {"efghefgh_2-2_half"}}).expect(t, 201, ctText, "")
	e.s.AddDevices(testApp, "news", "d1", "d2")
	e.postJSON("/mp/publish", "{"+creds+`,"channel":"news","message":"m","apns":{"a":1}}`).expect(t, 200, ctJSON, "null")
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v %v", fi, err)
	}

	// A new emulator on the same file sees everything, and goes on from it.
	s2, err := New(Options{StatePath: path, Now: e.clock.Now, PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	e2 := &env{t: t, s: s2, clock: e.clock}
	e2.ts = newServer(t, s2)
	if a := s2.Apps(); len(a) != 2 {
		t.Fatalf("apps %+v", a)
	}
	if tk := s2.Tokens(testApp); len(tk) != 1 || tk[0].Permissions["ch"] != "wp" || !tk[0].ExpiresAt.Equal(e.s.Tokens(testApp)[0].ExpiresAt) {
		t.Fatalf("tokens %+v", tk)
	}
	e2.get("/presence/app1/tok/ch").expect(t, 200, ctJSON, `{"subscriptions":3,"metadata":{"u:0":1,"u:1":2}}`)
	e2.get("/presence/app1/tok/main:x").expectError(t, 401) // r, not p: the permissions survived as they were
	if ms := s2.Messages(testApp); len(ms) != 2 || ms[0].Text != "done" || ms[1].Complete {
		t.Fatalf("messages %+v", ms)
	}
	// The half message completes after the restart, and the sequence goes on.
	e2.post("/publish", url.Values{"AK": {testApp}, "PK": {testPK}, "C": {"ch"}, "M": {"efghefgh_1-2_the "}}).expect(t, 201, ctText, "2")
	if ms := s2.Messages(testApp); ms[1].Text != "the half" {
		t.Fatalf("messages %+v", ms)
	}
	if topics, pages := e2.all("/mp/listtopics", nil); len(topics) != 1 || pages != 1 {
		t.Fatalf("topics %v", topics)
	}
	if tokens, _ := e2.all("/mp/topicdevices/news", nil); strings.Join(tokens, ",") != "d1,d2" {
		t.Fatalf("devices %v", tokens)
	}
	if ps := s2.Pushes(testApp); len(ps) != 1 || string(ps[0].APNS) != `{"a":1}` {
		t.Fatalf("pushes %+v", ps)
	}
	// No temporary file is left beside the state.
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Fatalf("directory holds %d entries", len(entries))
	}
}

func TestPersistenceRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"corrupt.json":   `{"version":1,"apps":[`,
		"version.json":   `{"version":2}`,
		"badapp.json":    `{"version":1,"apps":[{"key":"a b","privateKey":"p"}]}`,
		"notjson.json":   "hello",
		"wrongtype.json": `{"version":"1"}`,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := New(Options{StatePath: path}); err == nil {
			t.Errorf("%s: New accepted %q", name, content)
		}
		if b, _ := os.ReadFile(path); string(b) != content {
			t.Errorf("%s: file changed to %q", name, b)
		}
	}
	// A directory is unreadable as a file.
	if _, err := New(Options{StatePath: dir}); err == nil {
		t.Error("New accepted a directory")
	}
	// An empty file (as mktemp leaves) is an empty state.
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{StatePath: empty})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddApp("a", "b", false); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(empty); !strings.Contains(string(b), `"key":"a"`) {
		t.Fatalf("state not saved: %q", b)
	}
}

func TestPersistenceSaveFailureIsAnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "state.json") // the folder does not exist
	s, err := New(Options{StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddApp("a", "b", false); err == nil {
		t.Fatal("AddApp reported no save error")
	}
	ts := newServer(t, s)
	e := &env{t: t, s: s, ts: ts}
	r := e.post("/authenticate", url.Values{"AK": {"a"}, "PK": {"b"}, "AT": {"t"}, "TTL": {"100"}})
	if r.status != 500 || !strings.HasPrefix(r.body, "The emulator could not save its state: ") {
		t.Fatalf("got %d %q", r.status, r.body)
	}
}

// Many concurrent writers share saves (group commit) and none is lost.
func TestPersistenceConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, Options{StatePath: path})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				r := e.post("/publish", url.Values{"AK": {testApp}, "PK": {testPK}, "C": {"ch" + itoa(w)}, "M": {"msg" + itoa(i)}})
				if r.status != 201 {
					t.Errorf("publish: %d %q", r.status, r.body)
					return
				}
			}
		}()
	}
	wg.Wait()
	s2, err := New(Options{StatePath: path, Now: func() time.Time { return time.Time{} }})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s2.Messages(testApp)); n != 200 {
		t.Fatalf("%d messages after restart, want 200", n)
	}
}
