package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkPublish measures one framed publish through the handler, the hot
// path of load tests.
func BenchmarkPublish(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.AddApp("a", "p", true); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body := "AK=a&PK=p&C=ch" + itoa(i%10) + "&M=abcdefgh_1-1_" + itoa(i)
		req := httptest.NewRequest(http.MethodPost, "/publish", strings.NewReader(body))
		req.Header.Set("Content-Type", formType)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 201 {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

// TestTenThousandSends: a load test's worth of sends is accepted and
// recorded in order (each request is O(1) in the state size).
func TestTenThousandSends(t *testing.T) {
	if testing.Short() {
		t.Skip("load")
	}
	s, _ := New(Options{})
	_ = s.AddApp("a", "p", false)
	for i := range 10000 {
		req := httptest.NewRequest(http.MethodPost, "/send", strings.NewReader("AK=a&AT=t&C=c&M=m"+itoa(i)))
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 201 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	msgs := s.Messages("a")
	if len(msgs) != 10000 || msgs[9999].Text != "m9999" {
		t.Fatalf("%d messages", len(msgs))
	}
	if c := s.Counters("a"); c["send"] != 10000 {
		t.Fatalf("counters %v", c)
	}
}
