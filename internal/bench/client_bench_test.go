package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/emulator"
	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

// The client against the physical limit: the same single-part sends, byte
// for byte, through ortc.Client and through a plain net/http loop, against
// one emulator served in this process. `make bench` runs both with
// -benchtime=10000x, alternately, and reports the ratio of their ns/op and
// the TCP connections each opened ("conns": with keep-alive, one for a
// sequential loop).

// shared is the one emulator of this test binary: both benchmarks talk to
// the same server, so the server's cost is the same on both sides.
var shared struct {
	once sync.Once
	e    *Emulator
	err  error
}

func sharedEmulator(tb testing.TB) *Emulator {
	tb.Helper()
	shared.once.Do(func() { shared.e, shared.err = StartEmulator(emulator.Options{}, false) })
	if shared.err != nil {
		tb.Fatalf("emulator: %v", shared.err)
	}
	return shared.e
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.e != nil {
		_ = shared.e.Close()
	}
	os.Exit(code)
}

const (
	sendChannel = "bench:send"
	sendText    = "hello from the benchmark"
	// rawMaxIdlePerHost is what ortc's default transport keeps per host
	// (max(2×DefaultConcurrency, 8)); the raw loop gets the same pool.
	rawMaxIdlePerHost = 8
)

// sendID is the framing id of the i-th send: both loops send the same ids,
// so the emulator records the same messages for both.
func sendID(i int) string { return fmt.Sprintf("%08x", uint32(i)) }

// startRun clears what the previous run left in the emulator (recorded
// messages grow the heap, which would tax whichever benchmark runs later)
// and zeroes its counters.
func startRun(b *testing.B) *Emulator {
	b.Helper()
	e := sharedEmulator(b)
	if err := e.Reset(false); err != nil {
		b.Fatal(err)
	}
	return e
}

// endRun reports the connections opened and the process CPU time per send
// (client and emulator together: steadier than wall time on a shared
// machine), and checks every send arrived.
func endRun(b *testing.B, e *Emulator, cpu0 time.Duration) {
	b.Helper()
	b.StopTimer()
	if cpu := ProcessCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	if got := e.Counters("")["send"]; got != b.N {
		b.Fatalf("the emulator counted %d sends, want %d", got, b.N)
	}
	b.ReportMetric(float64(e.Connections()), "conns")
}

// BenchmarkClientSend is Client.Send of a one-part message, one after the
// other, as the provider makes it (default options: pooled keep-alive
// transport, retry policy, framing, validation).
func BenchmarkClientSend(b *testing.B) {
	e := startRun(b)
	send := clientSender(b, e.URL, e.AppKey, e.PrivateKey)
	b.ReportAllocs()
	cpu0 := ProcessCPU()
	b.ResetTimer()
	for i := range b.N {
		send(i)
	}
	endRun(b, e, cpu0)
}

// BenchmarkRawHTTPSend posts the same forms with nothing but net/http:
// the floor of what a client can cost.
func BenchmarkRawHTTPSend(b *testing.B) {
	e := startRun(b)
	send := rawSender(b, e.URL, e.AppKey, e.PrivateKey)
	b.ReportAllocs()
	cpu0 := ProcessCPU()
	b.ResetTimer()
	for i := range b.N {
		send(i)
	}
	endRun(b, e, cpu0)
}

// clientSender returns a function making the i-th send through ortc.Client.
func clientSender(tb testing.TB, server, appKey, privateKey string) func(i int) {
	c, err := ortc.New(ortc.Options{ApplicationKey: appKey, PrivateKey: privateKey, ServerURL: server})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.CloseIdleConnections)
	ctx := context.Background()
	return func(i int) {
		if _, err := c.Send(ctx, ortc.SendInput{Channel: sendChannel, Message: sendText, ID: sendID(i)}); err != nil {
			tb.Fatal(err)
		}
	}
}

// rawSender returns a function making the i-th send with net/http alone.
func rawSender(tb testing.TB, server, appKey, privateKey string) func(i int) {
	tr := &http.Transport{MaxIdleConnsPerHost: rawMaxIdlePerHost}
	tb.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr}
	target := server + "/send"
	prefix := "AK=" + url.QueryEscape(appKey) + "&PK=" + url.QueryEscape(privateKey) + "&C=" + url.QueryEscape(sendChannel) + "&M="
	ctx := context.Background()
	return func(i int) {
		body := prefix + url.QueryEscape(sendID(i)+"_1-1_"+sendText)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
		if err != nil {
			tb.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("User-Agent", ortc.DefaultUserAgent)
		resp, err := hc.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			tb.Fatalf("HTTP %d", resp.StatusCode)
		}
	}
}

// TestClientAndRawSendTheSameRequests keeps the comparison honest: the two
// loops must put the same request on the wire (path, headers that matter,
// body byte for byte), or the ratio compares different work.
func TestClientAndRawSendTheSameRequests(t *testing.T) {
	em, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := em.AddApp(benchAppKey, benchPrivateKey, false); err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		seen []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%s %s ct=%q ua=%q body=%s", r.Method, r.URL.Path,
			r.Header.Get("Content-Type"), r.Header.Get("User-Agent"), body))
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		em.ServeHTTP(w, r)
	}))
	defer srv.Close()

	clientSender(t, srv.URL, benchAppKey, benchPrivateKey)(7)
	rawSender(t, srv.URL, benchAppKey, benchPrivateKey)(7)
	if len(seen) != 2 {
		t.Fatalf("saw %d requests, want 2: %q", len(seen), seen)
	}
	if seen[0] != seen[1] {
		t.Errorf("the client sent\n  %s\nthe raw loop sent\n  %s", seen[0], seen[1])
	}
}
