package emulator

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseBody: the lenient parser never panics, and a form body
// round-trips through url.Values.Encode.
func FuzzParseBody(f *testing.F) {
	for _, s := range []string{
		"", "AK=app1&PK=pk1&C=main%3A*&M=abcdefgh_1-1_hi",
		`{"AK":"app1","TTL":62,"PVT":true,"x":null,"o":{"a":[1,2]}}`,
		" \n{\"a\":\"b\"}", "a=1&a=2&b", "%zz", "a=1;b=2", "{", "{}", "[1]", "=x&&y=",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		vals, raw, err := parseBody(body)
		if err != nil {
			return
		}
		if looksJSON(body) {
			for k := range raw {
				if _, ok := vals[k]; !ok {
					t.Fatalf("member %q of %q has no value", k, body)
				}
			}
			return
		}
		enc := vals.Encode()
		again, _, err := parseBody([]byte(enc))
		if err != nil {
			t.Fatalf("re-encoded form %q does not parse: %v", enc, err)
		}
		if len(vals) == 0 && len(again) == 0 {
			return
		}
		if !reflect.DeepEqual(vals, again) {
			t.Fatalf("form %q -> %v -> %q -> %v", body, vals, enc, again)
		}
	})
}

// FuzzServeHTTP: whatever the method, path and body, the emulator answers
// below 500 (it has no faults armed and no state file that could fail).
func FuzzServeHTTP(f *testing.F) {
	for _, c := range [][3]string{
		{"GET", "/server/2.1?appkey=app1", ""},
		{"POST", "/authenticate", "AT=t&AK=app1&PK=pk1&TTL=62&TP=1&c=w"},
		{"POST", "/send", "AK=app1&AT=t&C=c&M=abcdefgh_1-2_x"},
		{"POST", "/publish", `{"AK":"app1","PK":"pk1","C":"c","M":"m","TTL":"0"}`},
		{"POST", "/sendbatch", "AK=app1&PK=pk1&C=a,b,,c&M=x"},
		{"POST", "/presence/enable/app1/main:*", "privatekey=pk1&metadata=1"},
		{"GET", "/presence/app1/t/c?callback=fn", ""},
		{"POST", "/mp/listtopics", `{"applicationKey":"app1","privateKey":"pk1","nextToken":"x"}`},
		{"POST", "/mp/publishbatch", `{"applicationKey":"app1","privateKey":"pk1","channels":["t"],"message":"m","payload":"{}"}`},
		{"POST", "/_emulator/faults", `{"route":"send"}`},
		{"POST", "/_emulator/subscribers", `{"app":"app1","channel":"c","count":-3}`},
	} {
		f.Add(c[0], c[1], c[2])
	}
	s, err := New(Options{PageSize: 1})
	if err != nil {
		f.Fatal(err)
	}
	if err := s.AddApp("app1", "pk1", true); err != nil {
		f.Fatal(err)
	}
	s.AddDevices("app1", "t", "d1", "d2")
	f.Fuzz(func(t *testing.T, method, target, body string) {
		u, err := url.ParseRequestURI(target)
		if err != nil || !validMethod(method) {
			return
		}
		// Fault injection answers chosen statuses, 5xx included: keep it out.
		if strings.HasPrefix(u.Path, "/_emulator/faults") {
			return
		}
		req := httptest.NewRequest(http.MethodGet, "/", strings.NewReader(body))
		req.Method, req.URL, req.RequestURI = method, u, target
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %q", method, target, body, rec.Code, rec.Body.String())
		}
		s.ClearFaults()
	})
}

func validMethod(m string) bool {
	if m == "" || len(m) > 10 {
		return false
	}
	for i := 0; i < len(m); i++ {
		if m[i] < 'A' || m[i] > 'Z' {
			return false
		}
	}
	return true
}
