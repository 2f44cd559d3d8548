package provider

// Faults: the provider under a flaky network, driven by the real CLI with the
// real provider binary (cli_test.go's cliRun), as pipelines run it.
//
// What "converges" means here, and which re-runs are allowed:
//
//   - Idempotent calls (balancer, authenticate, presence enable/disable/get)
//     ride out 503, 429 + Retry-After, resets and delays within their retries:
//     the first apply must not fail on a token or a presence resource.
//   - Deliveries (send, publish, sendbatch) are never retried once the request
//     may have reached the server, so a faulted delivery fails that message's
//     create, and Terraform records nothing for it. Applying again creates it
//     again: that is the one re-run allowed, the one Terraform itself needs
//     after a failed create. Each re-run delivers only the failed messages.
//
// What "no message twice" means: no framing id ever has a part recorded twice
// (a blind retry of a part would be exactly that, and receivers reassembling
// by id would see it twice); and a channel holds one complete copy of its
// message, the one whose id is in the state. The exception proves the rule:
// when the server accepted a delivery and its answer was lost on the way
// back, the client cannot know, reports a failure, and the re-run delivers
// a second copy under a new id. The test lets an extra complete copy exist
// only for an id whose answer it dropped itself. A copy cut short (a part
// refused with 503 or 429, or dropped before the server read it) stays
// incomplete and receivers discard it: it is not a message.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/emulator"
)

// faultDelay is the delay fault: well below the provider's request timeout
// (15 s), so it slows calls without failing them.
const faultDelay = 2 * time.Second

// armFaultMix arms the emulator's four kinds of faults, each on percent of
// the contract requests that reach it, reproducibly from seed: 503, 429 with
// Retry-After 1 s, a reset before the request is processed, and a delay.
func armFaultMix(em *emulator.Server, percent int, seed int64) {
	em.InjectFault(emulator.Fault{Percent: percent, Seed: seed, Status: http.StatusServiceUnavailable})
	em.InjectFault(emulator.Fault{Percent: percent, Seed: seed + 1, Status: http.StatusTooManyRequests, RetryAfter: 1})
	em.InjectFault(emulator.Fault{Percent: percent, Seed: seed + 2, Reset: true})
	em.InjectFault(emulator.Fault{Percent: percent, Seed: seed + 3, Delay: faultDelay})
}

// flakyNetwork stands between the provider and the emulator. It adds the
// fifth kind of fault, the one the emulator cannot make: the server processes
// the request and the answer is lost (the connection is reset instead). It
// also tallies what the client experienced.
type flakyNetwork struct {
	next    http.Handler
	percent int // share of contract requests whose answer is lost

	mu    sync.Mutex
	rng   *rand.Rand
	stats map[string]int
	// lostIDs holds channel + " " + framing id of every delivery part whose
	// answer was lost: the only messages allowed a second complete copy.
	lostIDs map[string]bool
	// lostDelivery is set once a delivery's answer was lost. The first
	// delivery always loses its answer, whatever the dice say: it is the
	// case a blind retry turns into a duplicate, and a run that never met it
	// would prove nothing about "no message twice".
	lostDelivery bool
}

func newFlakyNetwork(next http.Handler, percent int, seed uint64) *flakyNetwork {
	return &flakyNetwork{
		next:    next,
		percent: percent,
		rng:     rand.New(rand.NewPCG(seed, 0x5eed)),
		stats:   map[string]int{},
		lostIDs: map[string]bool{},
	}
}

func (f *flakyNetwork) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		f.next.ServeHTTP(w, r)
		return
	}
	f.mu.Lock()
	lose := f.percent > 0 && f.rng.IntN(100) < f.percent
	if f.percent > 0 && isDelivery(r.URL.Path) && !f.lostDelivery {
		lose = true
	}
	f.mu.Unlock()
	if lose {
		f.loseAnswer(w, r)
		return
	}
	start := time.Now()
	ow := &observedWriter{ResponseWriter: w}
	f.next.ServeHTTP(ow, r)
	kind := "ok"
	switch {
	case ow.status == 0:
		kind = "reset"
	case ow.status == http.StatusServiceUnavailable || ow.status == http.StatusTooManyRequests:
		kind = fmt.Sprint(ow.status)
	case time.Since(start) >= faultDelay:
		kind = "delay"
	}
	f.count(kind)
}

// loseAnswer lets the emulator process the request, then resets the
// connection instead of answering.
func (f *flakyNetwork) loseAnswer(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	f.mu.Lock()
	f.stats["lost"]++
	if isDelivery(r.URL.Path) {
		f.lostDelivery = true
		if form, err := url.ParseQuery(string(body)); err == nil && len(form.Get("M")) > 8 {
			for _, ch := range strings.Split(form.Get("C"), ",") {
				f.lostIDs[ch+" "+form.Get("M")[:8]] = true
			}
		}
	}
	f.mu.Unlock()
	func() {
		// An emulator fault of its own (a reset) cannot hijack a recorder:
		// it aborts, and the connection is dropped below all the same.
		defer func() { _ = recover() }()
		f.next.ServeHTTP(httptest.NewRecorder(), r)
	}()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// answerLostOnADelivery reports whether a delivery part's answer was lost.
func (f *flakyNetwork) answerLostOnADelivery() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.lostIDs) > 0
}

// isDelivery reports the routes of messaging deliveries (the framed ones).
func isDelivery(path string) bool {
	return path == "/send" || path == "/publish" || path == "/sendbatch"
}

func (f *flakyNetwork) count(kind string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stats[kind]++
}

// Stats is how many requests met each fate: ok, 503, 429, reset, delay, lost.
func (f *flakyNetwork) Stats() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.stats))
	for k, v := range f.stats {
		out[k] = v
	}
	return out
}

func (f *flakyNetwork) answerLost(channel, id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lostIDs[channel+" "+id]
}

// observedWriter remembers the status written; 0 means the handler hijacked
// the connection (the emulator's reset). Unwrap lets the emulator hijack
// through it.
type observedWriter struct {
	http.ResponseWriter
	status int
}

func (o *observedWriter) WriteHeader(status int) {
	if o.status == 0 {
		o.status = status
	}
	o.ResponseWriter.WriteHeader(status)
}

func (o *observedWriter) Write(b []byte) (int, error) {
	if o.status == 0 {
		o.status = http.StatusOK
	}
	return o.ResponseWriter.Write(b)
}

func (o *observedWriter) Unwrap() http.ResponseWriter { return o.ResponseWriter }

// faultsConfig is 50 resources of every managed kind: 20 presence switches,
// 20 token permissions, and 10 messages (one-part sends, two-part sends,
// a sendbatch to three channels, one-part publishes). Every message goes to
// channels of its own with a text of its own, so the emulator's record says
// which resource a message belongs to. prefix keeps tokens apart between
// tests.
func faultsConfig(prefix string) string {
	long := strings.Repeat("a long message, cut into parts of 800 bytes; ", 25) // ~1.1 kB: 2 parts
	return fmt.Sprintf(`
resource "realtime_channel_presence" "p" {
  count    = 20
  channel  = "faults:presence-${count.index}"
  metadata = count.index %% 2 == 0
}

resource "realtime_token_permissions" "t" {
  count       = 20
  token       = "%[1]s-${count.index}"
  ttl         = 3600
  private     = count.index %% 3 == 0
  permissions = {
    "faults:chan-${count.index}"     = "rw"
    "faults:presence-${count.index}" = "p"
  }
}

resource "realtime_message" "send" {
  count    = 4
  channels = ["faults:send-${count.index}"]
  message  = "send number ${count.index}"
}

resource "realtime_message" "long" {
  count    = 2
  channels = ["faults:long-${count.index}"]
  message  = "long number ${count.index}: %[2]s"
}

resource "realtime_message" "batch" {
  count    = 2
  channels = ["faults:batch-${count.index}-a", "faults:batch-${count.index}-b", "faults:batch-${count.index}-c"]
  message  = "batch number ${count.index}"
}

resource "realtime_message" "publish" {
  count    = 2
  delivery = "publish"
  channels = ["faults:publish-${count.index}"]
  message  = "publish number ${count.index}"
}
`, prefix, long)
}

// TestAccFaults_applyConvergesUnderFaults: 30 % of requests fail (503, 429
// with Retry-After, resets before and after processing, 2 s delays) while
// Terraform applies 50 resources with -parallelism=10. Tokens and presence
// converge in the first apply; failed deliveries converge in re-runs; then
// the plan is empty, the state matches the emulator exactly, no part was
// recorded twice, and destroy converges in one run too.
func TestAccFaults_applyConvergesUnderFaults(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	flaky := newFlakyNetwork(e.Emulator, 7, 7)
	srv := httptest.NewServer(flaky)
	t.Cleanup(srv.Close)
	e.URL = srv.URL // the provider goes through the flaky network
	cli := newCLIRun(t, "1.11.0")
	writeMainTF(cli, e.ProviderBlock("max_retries = 8"), faultsConfig("tok-faults-"+randomHex(t, 4)))
	// 7 % each of five kinds: 1 - 0.93^5 ≈ 30 % of requests faulted.
	armFaultMix(e.Emulator, 7, 7)

	// A delivery request fails one time in four (503, 429, resets, lost
	// answers); a two-part message one time in two. Ten runs make a test
	// failure from bad luck alone about 1 in 2000.
	const maxApplies = 10
	applies := applyUntilConverged(t, cli, maxApplies, "-parallelism=10")
	t.Logf("converged after %d apply run(s); the network: %v", applies, flaky.Stats())

	// The next plan, still under faults, is empty.
	if out, code := cliTry(cli, nil, "plan", "-detailed-exitcode", "-input=false", "-parallelism=10"); code != 0 {
		t.Fatalf("the plan after convergence is not empty (exit %d):\n%s", code, out)
	}

	st := showState(cli)
	checkStateMatchesEmulator(t, e.Emulator, e.AppKey, st, flaky.answerLost)

	for _, kind := range []string{"503", "429", "reset", "delay", "lost"} {
		if flaky.Stats()[kind] == 0 {
			t.Errorf("no request met a %q fault: the mix was not exercised (stats %v)", kind, flaky.Stats())
		}
	}
	if !flaky.answerLostOnADelivery() {
		t.Error("no delivery lost its answer: a blind retry would have gone unseen")
	}

	// Destroy (idempotent calls only: disable presence, revoke tokens)
	// converges in one run under the same faults.
	if out, code := cliTry(cli, nil, "destroy", "-auto-approve", "-input=false", "-parallelism=10"); code != 0 {
		t.Fatalf("destroy under faults failed (exit %d):\n%s", code, out)
	}
	for _, p := range e.Emulator.Presence(e.AppKey) {
		if p.Enabled && strings.HasPrefix(p.Channel, "faults:") {
			t.Errorf("presence still on for %q after destroy", p.Channel)
		}
	}
	for _, r := range st.resources("realtime_token_permissions") {
		if tk, ok := e.Token(r.str("token")); ok && len(tk.Permissions) > 0 {
			t.Errorf("token %s still holds %v after destroy", r.Address, tk.Permissions)
		}
	}
}

// applyUntilConverged runs apply until it succeeds, at most maxRuns times,
// and returns how many runs it took. A failed run may only have failed on
// deliveries ("Message not delivered"): anything else is a protection that
// did not hold.
func applyUntilConverged(t *testing.T, cli *cliRun, maxRuns int, extra ...string) int {
	t.Helper()
	for run := 1; ; run++ {
		out, code := cliTry(cli, nil, append([]string{"apply", "-auto-approve", "-input=false"}, extra...)...)
		if code == 0 {
			return run
		}
		summaries := errorSummaries(out)
		if len(summaries) == 0 {
			t.Fatalf("apply run %d failed (exit %d) without a diagnostic:\n%s", run, code, out)
		}
		for _, s := range summaries {
			if s != "Message not delivered" {
				t.Fatalf("apply run %d failed with %q: only a delivery may fail under faults (and need the "+
					"re-run Terraform needs after any failed create)\n%s", run, s, out)
			}
		}
		t.Logf("apply run %d: %d deliveries failed and are created again by the next run", run, len(summaries))
		if run == maxRuns {
			t.Fatalf("not converged after %d apply runs\n%s", maxRuns, out)
		}
	}
}

var errorSummary = regexp.MustCompile(`(?m)Error: ([^\n]+?)\s*$`)

// errorSummaries are the summaries of the error diagnostics in CLI output.
func errorSummaries(out string) []string {
	var s []string
	for _, m := range errorSummary.FindAllStringSubmatch(out, -1) {
		s = append(s, strings.TrimSpace(m[1]))
	}
	return s
}

// checkStateMatchesEmulator compares Terraform's state with what the
// emulator holds, both ways.
func checkStateMatchesEmulator(t *testing.T, em emulatorView, app string, st *cliState, answerLost func(channel, id string) bool) {
	t.Helper()
	if n := len(st.Values.RootModule.Resources); n != 50 {
		t.Errorf("the state holds %d resources, want 50", n)
	}

	// Presence: exactly the channels in the state are on, with their flag.
	want := map[string]bool{}
	for _, r := range st.resources("realtime_channel_presence") {
		want[r.str("channel")] = r.Values["metadata"] == true
	}
	got := map[string]bool{}
	for _, p := range em.Presence(app) {
		if p.Enabled {
			got[p.Channel] = p.Metadata
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("presence in the emulator %v, in the state %v", got, want)
	}

	// Tokens: each holds exactly its configured permissions; the only other
	// tokens are the provider's presence read tokens ("p" on one channel).
	tokens := map[string]bool{}
	live := map[string]emulator.Token{}
	for _, tk := range em.Tokens(app) {
		live[tk.Token] = tk
	}
	for _, r := range st.resources("realtime_token_permissions") {
		token := r.str("token")
		tokens[token] = true
		perms := map[string]string{}
		m, _ := r.Values["permissions"].(map[string]any)
		for ch, l := range m {
			perms[ch], _ = l.(string)
		}
		tk, ok := live[token]
		switch {
		case !ok:
			t.Errorf("%s: token not in the emulator", r.Address)
		case !sameMap(tk.Permissions, perms):
			t.Errorf("%s: emulator permissions %v, state %v", r.Address, tk.Permissions, perms)
		case tk.Private != (r.Values["private"] == true) || float64(tk.TTL) != r.Values["ttl"]:
			t.Errorf("%s: emulator private %v ttl %d, state %v %v", r.Address, tk.Private, tk.TTL, r.Values["private"], r.Values["ttl"])
		}
	}
	for _, tk := range live {
		if tokens[tk.Token] {
			continue
		}
		if len(tk.Permissions) != 1 || !tk.Private {
			t.Errorf("an unexpected token in the emulator: %d permissions %v", len(tk.Permissions), tk.Permissions)
			continue
		}
		for ch, l := range tk.Permissions {
			if _, ok := want[ch]; !ok || l != "p" {
				t.Errorf("an unexpected token in the emulator: permissions %v", tk.Permissions)
			}
		}
	}

	// Messages: never a part twice; each message of the state complete
	// exactly once under its id; any other complete copy of a text only where
	// an answer was lost.
	msgs := em.Messages(app)
	for _, m := range msgs {
		if m.Duplicates != 0 {
			t.Errorf("channel %q, id %s: %d parts recorded twice: a delivery was retried blindly", m.Channel, m.ID, m.Duplicates)
		}
	}
	stateMessages := 0
	for _, typ := range []string{"realtime_message"} {
		for _, r := range st.resources(typ) {
			stateMessages++
			id, text := r.str("id"), r.str("message")
			channels, _ := r.Values["channels"].([]any)
			for _, c := range channels {
				ch, _ := c.(string)
				var mine, others int
				for _, m := range msgs {
					if m.Channel != ch || !m.Complete {
						continue
					}
					switch {
					case m.ID == id && m.Text == text:
						mine++
					case answerLost(ch, m.ID):
						others++ // accepted, answer lost: the re-run could not know
					default:
						t.Errorf("%s: channel %q holds a complete message %s (%q) that is not the state's %s",
							r.Address, ch, m.ID, shortText(m.Text, 40), id)
					}
				}
				if mine != 1 {
					t.Errorf("%s: channel %q holds %d complete copies of the state's message %s, want 1", r.Address, ch, mine, id)
				}
				if others > 0 {
					t.Logf("%s: channel %q also holds %d copy(ies) whose answer the network lost", r.Address, ch, others)
				}
				if r.Values["delivery"] == "publish" {
					seqs, _ := r.Values["sequence_ids"].(map[string]any)
					if m, ok := completeMessage(msgs, ch, id); ok && seqs[ch] != m.SequenceID {
						t.Errorf("%s: state sequence id %v, emulator %q", r.Address, seqs[ch], m.SequenceID)
					}
				}
			}
		}
	}
	if stateMessages != 10 {
		t.Errorf("the state holds %d messages, want 10", stateMessages)
	}
}

// emulatorView is what the checks read of an emulator: *emulator.Server in
// process, or adminClient over the admin API of an emulator command.
type emulatorView interface {
	Presence(app string) []emulator.ChannelPresence
	Tokens(app string) []emulator.Token
	Messages(app string) []emulator.Message
}

func completeMessage(msgs []emulator.Message, channel, id string) (emulator.Message, bool) {
	for _, m := range msgs {
		if m.Channel == channel && m.ID == id && m.Complete {
			return m, true
		}
	}
	return emulator.Message{}, false
}

func shortText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// TestAccFaults_lostAnswerToASendIsNotRetried: the server accepts a send and
// the answer is lost. The client must not send it again (a receiver would
// see it twice): the apply fails, the emulator holds the one copy, and the
// state records nothing. An idempotent call whose answer is lost, by
// contrast, is repeated until its retries run out.
func TestAccFaults_lostAnswerToASendIsNotRetried(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	flaky := newFlakyNetwork(e.Emulator, 100, 1)
	srv := httptest.NewServer(flaky)
	t.Cleanup(srv.Close)
	e.URL = srv.URL
	cli := newCLIRun(t, "1.11.0")

	// Every answer is lost, the balancer's too: a fixed server_url needs no
	// balancer.
	block := fmt.Sprintf("provider \"realtime\" {\n  application_key = %q\n  private_key = %q\n  server_url = %q\n  push_url = %q\n  max_retries = 2\n}\n",
		e.AppKey, e.PrivateKey, e.URL, e.PushURL())
	writeMainTF(cli, block, messageConfig(`channels = ["lost"]`, `message = "said once"`))
	out, code := cliTry(cli, nil, "apply", "-auto-approve", "-input=false")
	if code == 0 {
		t.Fatalf("apply succeeded although every answer was lost:\n%s", out)
	}
	if s := errorSummaries(out); len(s) != 1 || s[0] != "Message not delivered" {
		t.Fatalf("errors %q, want one \"Message not delivered\":\n%s", s, out)
	}
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "the server may have received it") {
		t.Errorf("the error does not warn that the lost send may have arrived:\n%s", out)
	}
	if n := e.Counters()["send"]; n != 1 {
		t.Errorf("%d send requests, want exactly 1: a send whose answer was lost must not be repeated", n)
	}
	msgs := e.Emulator.Messages(e.AppKey)
	if len(msgs) != 1 || !msgs[0].Complete || msgs[0].Duplicates != 0 {
		t.Errorf("the emulator holds %+v, want the one complete copy", msgs)
	}
	if st := showState(cli); len(st.Values.RootModule.Resources) != 0 {
		t.Errorf("the state records %d resources after a failed delivery, want none", len(st.Values.RootModule.Resources))
	}

	// An idempotent call whose answers are lost is repeated: each attempt
	// is processed, and the result is the same.
	writeMainTF(cli, block, tokenConfig("tok-"+randomHex(t, 6), 600, map[string]string{"lost": "r"}))
	out, code = cliTry(cli, nil, "apply", "-auto-approve", "-input=false")
	if code == 0 {
		t.Fatalf("apply succeeded although every answer was lost:\n%s", out)
	}
	if n := e.Counters()["authenticate"]; n != 3 {
		t.Errorf("%d authenticate requests, want 3 (max_retries = 2)", n)
	}
	if !errRe("after 3 attempts").MatchString(out) {
		t.Errorf("the error does not say how many attempts were made:\n%s", out)
	}
}

// The real-CLI helpers these tests add to cli_test.go's cliRun.

// writeMainTF writes main.tf: the required provider, a provider block and
// the configuration.
func writeMainTF(c *cliRun, providerBlock, config string) {
	c.t.Helper()
	c.Write("main.tf", "terraform {\n  required_providers {\n    realtime = {\n      source = \"ortc-terraform/realtime\"\n    }\n  }\n}\n\n"+
		providerBlock+config)
}

// cliTry runs the CLI like cliRun.Run, with -no-color, but returns its exit
// code instead of failing the test: for runs that may or must fail.
func cliTry(c *cliRun, env []string, args ...string) (string, int) {
	c.t.Helper()
	cmd := exec.Command(c.cli, append(args, "-no-color")...)
	cmd.Dir = c.dir
	cmd.Env = append(append([]string(nil), c.env...), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &ee):
		return out.String(), ee.ExitCode()
	}
	c.t.Fatalf("%s %s: %v", filepath.Base(c.cli), strings.Join(args, " "), err)
	return "", -1
}

// cliState is what the tests read of `terraform show -json`.
type cliState struct {
	Values struct {
		RootModule struct {
			Resources []cliResource `json:"resources"`
		} `json:"root_module"`
	} `json:"values"`
}

type cliResource struct {
	Address string         `json:"address"`
	Type    string         `json:"type"`
	Values  map[string]any `json:"values"`
}

func (r cliResource) str(name string) string { s, _ := r.Values[name].(string); return s }

func (s *cliState) resources(typ string) []cliResource {
	var out []cliResource
	for _, r := range s.Values.RootModule.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

// showState reads the state through `terraform show -json` (stdout only:
// the CLI's warnings go to stderr).
func showState(c *cliRun) *cliState {
	c.t.Helper()
	cmd := exec.Command(c.cli, "show", "-json", "-no-color")
	cmd.Dir = c.dir
	cmd.Env = c.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		c.t.Fatalf("terraform show -json: %v\n%s", err, stderr.String())
	}
	var st cliState
	if err := json.Unmarshal(out, &st); err != nil {
		c.t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	return &st
}

// TestAccFaults_emulatorRestartLosesNothing: the emulator command, run with
// -state, is killed (SIGKILL) in the middle of an apply and started again on
// the same address with the same state file. Everything it had answered
// before the kill is still there after the restart; the apply converges
// (re-runs only for the deliveries the kill cut off), the plan is empty and
// the state matches the emulator.
//
// To know exactly what had been answered, the test freezes the emulator
// before killing it: a fault delays every new request for ten minutes (a
// delayed request is not processed until the delay ends), so after a short
// wait every request it did process has been answered, and the admin API's
// view is the set of accepted changes. The requests held by the freeze are
// cut off by the kill unprocessed, as requests are when a server dies.
func TestAccFaults_emulatorRestartLosesNothing(t *testing.T) {
	t.Parallel()
	cli := newCLIRun(t, "1.11.0")
	bin := buildEmulatorCommand(t)
	statePath := filepath.Join(t.TempDir(), "emulator-state.json")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	e := &testEnv{t: t, URL: "http://" + addr, AppKey: "tfacc-" + randomHex(t, 6), PrivateKey: "pk-" + randomHex(t, 16)}
	args := []string{"-listen", addr, "-state", statePath, "-app", e.AppKey + ":" + e.PrivateKey + ":enforce"}
	em := startEmulatorCommand(t, bin, args)
	admin := adminClient{t: t, base: e.URL}

	// Slow the apply down, so that it is surely mid-way when the kill comes.
	admin.post("faults", `{"percent":50,"seed":5,"delay":"1s"}`)

	writeMainTF(cli, e.ProviderBlock("max_retries = 10"), faultsConfig("tok-restart-"+randomHex(t, 4)))
	type result struct {
		out  string
		code int
	}
	first := make(chan result, 1)
	go func() {
		out, code := cliTry(cli, nil, "apply", "-auto-approve", "-input=false", "-parallelism=10")
		first <- result{out, code}
	}()

	// Mid-way: some of the 50 creates accepted, not all.
	deadline := time.Now().Add(2 * time.Minute)
	for accepted := 0; accepted < 25; accepted = admin.accepted(e.AppKey) {
		if time.Now().After(deadline) {
			t.Fatalf("the emulator accepted only %d changes in 2 minutes", accepted)
		}
		time.Sleep(20 * time.Millisecond)
	}
	admin.post("faults/reset", "")
	admin.post("faults", `{"delay":"10m","percent":100}`) // freeze: hold every new request
	time.Sleep(500 * time.Millisecond)                    // what was processed has been answered
	before := admin.snapshot(e.AppKey)
	if err := em.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = em.Wait()
	t.Logf("killed the emulator holding %d tokens, %d presence channels, %d messages",
		len(before.tokens), len(before.presence), len(before.messages))
	if n := len(before.tokens) + len(before.presence); n >= 40 {
		t.Fatalf("the apply had finished its tokens and presence (%d) before the kill: nothing was mid-way", n)
	}

	startEmulatorCommand(t, bin, args)
	after := admin.snapshot(e.AppKey)
	for _, tk := range before.tokens {
		got, ok := after.tokens[tk.Token]
		if !ok || !sameMap(got.Permissions, tk.Permissions) || got.TTL != tk.TTL || got.Private != tk.Private {
			t.Errorf("token lost in the restart: before %v %d %v, after %v (found %v)", tk.Permissions, tk.TTL, tk.Private, got.Permissions, ok)
		}
	}
	for ch, p := range before.presence {
		if got, ok := after.presence[ch]; !ok || !got.Enabled || got.Metadata != p.Metadata {
			t.Errorf("presence on %q lost in the restart: before %+v, after %+v", ch, p, got)
		}
	}
	for key, m := range before.messages {
		if got, ok := after.messages[key]; !ok || got.Received < m.Received || (m.Complete && !got.Complete) {
			t.Errorf("message %s lost in the restart: before %d of %d parts, after %d", key, m.Received, m.Total, got.Received)
		}
	}

	// The interrupted apply goes on against the new process: idempotent
	// calls retry through the restart; deliveries cut off fail, and only
	// they need the re-run.
	res := <-first
	runs := 1
	if res.code != 0 {
		for _, s := range errorSummaries(res.out) {
			if s != "Message not delivered" {
				t.Fatalf("the interrupted apply failed with %q: only a delivery may fail\n%s", s, res.out)
			}
		}
		runs += applyUntilConverged(t, cli, 3, "-parallelism=10")
	}
	t.Logf("converged after %d apply run(s)", runs)
	if out, code := cliTry(cli, nil, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("the plan after the restart is not empty (exit %d):\n%s", code, out)
	}
	// The held requests were never processed, and no answer was lost after
	// processing: the strict form of "no message twice".
	checkStateMatchesEmulator(t, admin, e.AppKey, showState(cli), func(string, string) bool { return false })
}

// buildEmulatorCommand builds cmd/realtime-emulator into a temporary
// directory.
func buildEmulatorCommand(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "realtime-emulator")
	cmd := exec.Command("go", "build", "-o", bin, "./internal/emulator/cmd/realtime-emulator")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the emulator: %v\n%s", err, out)
	}
	return bin
}

// startEmulatorCommand starts the emulator and waits for the base URL it
// prints first. It is killed when the test ends, if still running.
func startEmulatorCommand(t *testing.T, bin string, args []string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		b := make([]byte, 256)
		n, _ := stdout.Read(b)
		line <- string(b[:n])
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case l := <-line:
		if !strings.HasPrefix(l, "http://") {
			t.Fatalf("the emulator printed %q (stderr %q)", l, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("the emulator did not start: %s", stderr.String())
	}
	return cmd
}

// adminClient reads and drives an emulator command over its admin API; it
// is an emulatorView.
type adminClient struct {
	t    *testing.T
	base string
}

func (a adminClient) get(path string, v any) {
	a.t.Helper()
	resp, err := http.Get(a.base + "/_emulator/" + path)
	if err != nil {
		a.t.Fatalf("admin GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		a.t.Fatalf("admin GET %s: %d %s", path, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		a.t.Fatalf("admin GET %s: %v", path, err)
	}
}

func (a adminClient) post(path, body string) {
	a.t.Helper()
	resp, err := http.Post(a.base+"/_emulator/"+path, "application/json", strings.NewReader(body))
	if err != nil {
		a.t.Fatalf("admin POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		a.t.Fatalf("admin POST %s: %d %s", path, resp.StatusCode, b)
	}
}

func (a adminClient) Tokens(app string) []emulator.Token {
	var v []emulator.Token
	a.get("tokens?app="+url.QueryEscape(app), &v)
	return v
}

func (a adminClient) Presence(app string) []emulator.ChannelPresence {
	var v []emulator.ChannelPresence
	a.get("presence?app="+url.QueryEscape(app), &v)
	return v
}

func (a adminClient) Messages(app string) []emulator.Message {
	var v []emulator.Message
	a.get("messages?app="+url.QueryEscape(app), &v)
	return v
}

// accepted counts the changes the emulator holds: tokens, presence
// switches and message parts.
func (a adminClient) accepted(app string) int {
	s := a.snapshot(app)
	n := len(s.tokens) + len(s.presence)
	for _, m := range s.messages {
		n += m.Received
	}
	return n
}

type emulatorSnapshot struct {
	tokens   map[string]emulator.Token
	presence map[string]emulator.ChannelPresence
	messages map[string]emulator.Message // by channel + " " + id
}

func (a adminClient) snapshot(app string) emulatorSnapshot {
	s := emulatorSnapshot{map[string]emulator.Token{}, map[string]emulator.ChannelPresence{}, map[string]emulator.Message{}}
	for _, tk := range a.Tokens(app) {
		s.tokens[tk.Token] = tk
	}
	for _, p := range a.Presence(app) {
		if p.Enabled {
			s.presence[p.Channel] = p
		}
	}
	for _, m := range a.Messages(app) {
		s.messages[m.Channel+" "+m.ID] = m
	}
	return s
}
