package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var baseLine = regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+$`)

// started is a run in progress.
type started struct {
	base   string
	lines  chan string // stdout after the first line
	cancel context.CancelFunc
	done   chan int
}

func start(t *testing.T, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var stderr bytes.Buffer // read only after run returned
	go func() {
		code := run(ctx, args, pw, &stderr)
		pw.Close()
		done <- code
	}()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		cancel()
		code := <-done
		t.Fatalf("no first line; exit %d: %s", code, stderr.String())
	}
	first := sc.Text()
	if !baseLine.MatchString(first) {
		cancel()
		t.Fatalf("first line %q", first)
	}
	// Keep reading, so that the command never blocks on its output.
	lines := make(chan string, 100)
	go func() {
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	s := &started{base: first, lines: lines, cancel: cancel, done: done}
	t.Cleanup(func() { s.stop(t) })
	return s
}

func (s *started) next(t *testing.T) string {
	t.Helper()
	select {
	case l := <-s.lines:
		return l
	case <-time.After(5 * time.Second):
		t.Fatal("no further line")
		return ""
	}
}

func (s *started) stop(t *testing.T) {
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	select {
	case code := <-s.done:
		if code != 0 {
			t.Errorf("exit %d after shutdown", code)
		}
	case <-time.After(10 * time.Second):
		t.Error("no shutdown")
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestRunDemo(t *testing.T) {
	s := start(t)
	if l, want := s.next(t), "cluster "+s.base+"/server/2.1  push "+s.base+"/mp  admin "+s.base+"/_emulator/"; l != want {
		t.Fatalf("second line %q", l)
	}
	if l := s.next(t); !strings.Contains(l, "demo-app") || !strings.Contains(l, "demo-private-key") {
		t.Fatalf("third line %q", l)
	}
	if got := get(t, s.base+"/server/2.1?appkey=demo-app"); got != `var SOCKET_SERVER = "`+s.base+`";` {
		t.Fatalf("balancer %q", got)
	}
}

func TestRunAppsSeedAndState(t *testing.T) {
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.json")
	state := filepath.Join(dir, "state.json")
	writeFile(t, seed, `{"apps":[{"key":"seeded","privateKey":"sp"}],
		"subscribers":[{"app":"k","channel":"chat","metadata":"m","count":2}],
		"devices":[{"app":"seeded","topic":"news","tokens":["d1"]}]}`)
	s := start(t, "-app", "k:p:enforce", "-app", "open:q", "-seed", seed, "-state", state, "-page-size", "1")
	// No demo app beside configured ones.
	apps := get(t, s.base+"/_emulator/apps")
	want := `[{"key":"k","privateKey":"p","enforceAuth":true},{"key":"open","privateKey":"q","enforceAuth":false},{"key":"seeded","privateKey":"sp","enforceAuth":false}]`
	if apps != want {
		t.Fatalf("apps %s", apps)
	}
	if p := get(t, s.base+"/_emulator/presence?app=k"); !strings.Contains(p, `"subscriptions":2`) {
		t.Fatalf("presence %s", p)
	}
	s.stop(t)
	// The state file holds it all; a restart with the same seed doubles nothing.
	s2 := start(t, "-state", state, "-seed", seed)
	if p := get(t, s2.base+"/_emulator/presence?app=k"); !strings.Contains(p, `"subscriptions":2`) {
		t.Fatalf("presence after restart %s", p)
	}
	if d := get(t, s2.base+"/_emulator/devices"); d != `[{"app":"seeded","topic":"news","tokens":["d1"]}]` {
		t.Fatalf("devices %s", d)
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.json")
	writeFile(t, corrupt, `{"version":1,`)
	badSeed := filepath.Join(dir, "seed.json")
	writeFile(t, badSeed, `{"apps":[{"key":"k","privateKey":"p","extra":1}]}`)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"an unknown flag", []string{"-nope"}, 2, "flag provided but not defined"},
		{"a bad app", []string{"-app", "justakey"}, 2, "KEY:PRIVATE"},
		{"an app with a bad third part", []string{"-app", "k:p:x"}, 2, "KEY:PRIVATE"},
		{"a page size of 0", []string{"-page-size", "0"}, 2, "-page-size"},
		{"a stray argument", []string{"extra"}, 2, "unexpected argument"},
		{"a non-loopback address", []string{"-listen", "0.0.0.0:0"}, 2, "-allow-remote"},
		{"an address without port", []string{"-listen", "127.0.0.1"}, 2, "missing port"},
		{"a corrupt state file", []string{"-state", corrupt}, 1, "not valid"},
		{"a missing seed file", []string{"-seed", filepath.Join(dir, "none.json")}, 1, "no such file"},
		{"a seed with an unknown field", []string{"-seed", badSeed}, 1, "unknown field"},
		{"an invalid app key", []string{"-app", "a b:p"}, 1, "must match"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), tc.args, &stdout, &stderr); code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.msg) || stdout.Len() != 0 {
				t.Fatalf("stdout %q stderr %q", stdout.String(), stderr.String())
			}
		})
	}
	if b, _ := os.ReadFile(corrupt); string(b) != `{"version":1,` {
		t.Fatalf("corrupt state file changed: %q", b)
	}
}

// The built binary prints its URL first and exits 0 on SIGTERM.
func TestBinarySignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	bin := filepath.Join(t.TempDir(), "realtime-emulator")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-listen", "127.0.0.1:0")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() || !baseLine.MatchString(sc.Text()) {
		_ = cmd.Process.Kill()
		t.Fatalf("first line %q", sc.Text())
	}
	if got := get(t, sc.Text()+"/server/2.1?appkey=demo-app"); got != `var SOCKET_SERVER = "`+sc.Text()+`";` {
		t.Errorf("balancer %q", got)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	// A bad flag is a non-zero exit.
	if err := exec.Command(bin, "-bogus").Run(); err == nil {
		t.Fatal("bad flag exited 0")
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
