package emulator

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestBadInput(t *testing.T) {
	e := newEnv(t, Options{})
	huge := strings.Repeat("a", MaxBodyBytes+1)
	for _, tc := range []struct {
		name, method, path, ctype, body string
		status                          int
		text                            string
	}{
		{"a malformed form", "POST", "/send", formType, "AK=app1&M=%zz", 400, "The request body is not valid form data."},
		{"a form with a semicolon", "POST", "/send", formType, "AK=app1;M=x", 400, "The request body is not valid form data."},
		{"malformed JSON", "POST", "/authenticate", jsonType, `{"AK":"app1",`, 400, "The request body is not a valid JSON object."},
		{"JSON with trailing data", "POST", "/authenticate", jsonType, `{"AK":"app1"} x`, 400, "The request body is not a valid JSON object."},
		{"JSON of the wrong shape", "POST", "/send", jsonType, `{"AK":["app1"],"PK":{"x":1},"C":"c","M":"m"}`, 401, "Invalid application key."},
		{"a malformed query", "POST", "/send?AK=%zz", formType, "", 400, "The query string is not valid."},
		{"an oversize part", "POST", "/send", formType, "AK=app1&PK=pk1&C=c&M=" + strings.Repeat("x", 801), 400, "Parameter M is 801 bytes; a part holds at most 800 bytes."},
		{"a huge body", "POST", "/send", formType, huge, 413, "The request body is larger than 1048576 bytes."},
		{"a huge push body", "POST", "/mp/publish", jsonType, huge, 413, ""},
		{"an unknown route", "GET", "/nope", "", "", 404, "No such endpoint: /nope."},
		{"the root", "GET", "/", "", "", 404, "No such endpoint: /."},
		{"a near miss", "POST", "/sendx", formType, "", 404, "No such endpoint: /sendx."},
		{"two trailing slashes", "POST", "/send//", formType, "", 404, "No such endpoint: /send//."},
		{"GET on a POST route", "GET", "/send", "", "", 405, "Method GET is not allowed here; use POST."},
		{"PUT on the balancer", "PUT", "/server/2.1", "", "", 405, "Method PUT is not allowed here; use GET."},
		{"POST on presence get", "POST", "/presence/app1/tok/ch", formType, "", 405, "Method POST is not allowed here; use GET."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.method, tc.path, tc.ctype, tc.body)
			if strings.HasPrefix(tc.path, "/mp/") {
				if r.status != tc.status || r.header.Get("Content-Type") != ctJSON {
					t.Fatalf("got %d %q", r.status, r.body)
				}
				return
			}
			r.expectError(t, tc.status)
			if tc.text != "" && r.body != tc.text {
				t.Fatalf("body %q, want %q", r.body, tc.text)
			}
			if tc.status == 405 && r.header.Get("Allow") == "" {
				t.Fatal("405 without Allow")
			}
		})
	}
}

// A huge body sent chunked (no Content-Length) is cut at the bound too.
func TestHugeChunkedBody(t *testing.T) {
	e := newEnv(t, Options{})
	pr, pw := io.Pipe()
	go func() {
		chunk := strings.Repeat("x", 64<<10)
		for range 20 {
			if _, err := io.WriteString(pw, chunk); err != nil {
				return
			}
		}
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", e.ts.URL+"/send", pr)
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || string(b) != "The request body is larger than 1048576 bytes." {
		t.Fatalf("got %d %q", resp.StatusCode, b)
	}
}

// Requests net/http itself refuses never reach the handler, but must still
// leave the server serving.
func TestRawGarbage(t *testing.T) {
	e := newEnv(t, Options{})
	for _, raw := range []string{
		"GET /presence/app1/tok/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /send HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nAK=a",
		"BREW /coffee HTCPCP/1.0\r\n\r\n",
		"\x00\x01\x02\r\n\r\n",
	} {
		conn, err := net.Dial("tcp", e.ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(conn, raw)
		if c, ok := conn.(*net.TCPConn); ok {
			_ = c.CloseWrite()
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err == nil {
			if resp.StatusCode >= 500 {
				t.Errorf("%q: %d", raw, resp.StatusCode)
			}
			resp.Body.Close()
		}
		conn.Close()
	}
	e.get("/server/2.1?appkey=app1").expect(t, 200, ctJS, `var SOCKET_SERVER = "`+e.ts.URL+`";`)
}

func TestPanicIsRecovered(t *testing.T) {
	s, _ := New(Options{})
	// A nil Body makes no sense to net/http's server, but a handler wrapper
	// could pass one; the emulator must answer rather than crash.
	req, _ := http.NewRequest("POST", "/send", nil)
	req.Body = panicBody{}
	rec := newRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 500 || rec.Body.String() != "Internal emulator error." {
		t.Fatalf("got %d %q", rec.Code, rec.Body.String())
	}
}

type panicBody struct{}

func (panicBody) Read([]byte) (int, error) { panic("boom") }
func (panicBody) Close() error             { return nil }
