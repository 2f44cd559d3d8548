package emulator

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestBalancer(t *testing.T) {
	e := newEnv(t, Options{})
	host := strings.TrimPrefix(e.ts.URL, "http://")
	if err := e.s.PutApp(App{Key: "off", PrivateKey: "x", Disabled: true}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, want string
	}{
		{"a known key gets the emulator's own URL", "/server/2.1?appkey=app1", `var SOCKET_SERVER = "http://` + host + `";`},
		{"a trailing slash is accepted", "/server/2.1/?appkey=app1", `var SOCKET_SERVER = "http://` + host + `";`},
		{"an extra guid is ignored", "/server/2.1?appkey=app1&guid=0a1b2c", `var SOCKET_SERVER = "http://` + host + `";`},
		{"the ssl path answers the same plain URL (no TLS here)", "/server/ssl/2.1/?appkey=app1", `var SOCKET_SERVER = "http://` + host + `";`},
		{"an unknown key gets undefined", "/server/2.1?appkey=nope", `var SOCKET_SERVER = "http://undefined:undefined";`},
		{"a disabled key gets undefined", "/server/2.1?appkey=off", `var SOCKET_SERVER = "http://undefined:undefined";`},
		{"an empty key gets undefined", "/server/2.1?appkey=", `var SOCKET_SERVER = "http://undefined:undefined";`},
		{"a missing key gets undefined", "/server/2.1", `var SOCKET_SERVER = "http://undefined:undefined";`},
		{"an unknown key on the ssl path gets https undefined", "/server/ssl/2.1?appkey=nope", `var SOCKET_SERVER = "https://undefined:undefined";`},
		{"a missing key on the ssl path gets https undefined", "/server/ssl/2.1/", `var SOCKET_SERVER = "https://undefined:undefined";`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.get(tc.path)
			r.expect(t, 200, "text/javascript", tc.want)
			if r.header.Get("Content-Length") != itoa(len(tc.want)) {
				t.Fatalf("Content-Length %q", r.header.Get("Content-Length"))
			}
		})
	}
	if c := e.s.Counters(""); c["balancer"] != 10 {
		t.Fatalf("balancer counter %d, want 10", c["balancer"])
	}
}

func TestBalancerPublicURL(t *testing.T) {
	for _, tc := range []struct{ public, want string }{
		{"http://emu.test:8080", "http://emu.test:8080"},
		{"http://emu.test:8080/", "http://emu.test:8080"},
		{"https://emu.test", "https://emu.test:443"},
		{"https://emu.test:8443", "https://emu.test:8443"},
	} {
		e := newEnv(t, Options{PublicURL: tc.public})
		for _, p := range []string{"/server/2.1?appkey=app1", "/server/ssl/2.1?appkey=app1"} {
			e.get(p).expect(t, 200, "text/javascript", `var SOCKET_SERVER = "`+tc.want+`";`)
		}
	}
	for _, bad := range []string{"ftp://x", "http://", "http://x/path", "http://x?q=1", "::"} {
		if _, err := New(Options{PublicURL: bad}); err == nil {
			t.Errorf("PublicURL %q accepted", bad)
		}
	}
}

func TestBalancerWithoutHost(t *testing.T) {
	e := newEnv(t, Options{})
	// HTTP/1.0 allows a request without Host: the listener's address is
	// handed out instead.
	conn, err := net.Dial("tcp", e.ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /server/2.1?appkey=app1 HTTP/1.0\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	want := `var SOCKET_SERVER = "` + e.ts.URL + `";`
	if string(b) != want {
		t.Fatalf("got %q, want %q", b, want)
	}
}
