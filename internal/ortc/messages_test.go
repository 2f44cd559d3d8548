package ortc

import (
	"errors"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestSend_requestShape(t *testing.T) {
	t.Parallel()
	srv := newFake(t, created)
	c := newTestClient(t, Options{ServerURL: srv.URL, UserAgent: "terraform-provider-realtime/0.9.0"})
	d, err := c.Send(testContext(t), SendInput{Channel: "main:sub/x.y", Message: "héllo & bye", ID: "81e070f0"})
	if err != nil {
		t.Fatal(err)
	}
	if *d != (Delivery{ID: "81e070f0", Parts: 1}) {
		t.Errorf("delivery %+v", d)
	}
	r := srv.requests()[0]
	if r.Method != http.MethodPost || r.Path != "/send" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	if ct := r.Header.Get("Content-Type"); ct != formType {
		t.Errorf("Content-Type %q", ct)
	}
	if ua := r.Header.Get("User-Agent"); ua != "terraform-provider-realtime/0.9.0" {
		t.Errorf("User-Agent %q", ua)
	}
	want := "AK=" + testAppKey + "&PK=" + testPrivateKey + "&C=main%3Asub%2Fx.y&M=81e070f0_1-1_h%C3%A9llo+%26+bye"
	if string(r.Body) != want {
		t.Errorf("body\n got %s\nwant %s", r.Body, want)
	}
}

func TestSend_withTokenSendsATNotPK(t *testing.T) {
	t.Parallel()
	srv := newFake(t, created)
	c := newTestClient(t, Options{ServerURL: srv.URL})
	if _, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: "m", Token: testToken}); err != nil {
		t.Fatal(err)
	}
	f := srv.requests()[0].Form
	if f.Get("AT") != testToken || f.Has("PK") {
		t.Errorf("form %v: want AT and no PK", f)
	}
}

func TestSend_tokenOnlyClient(t *testing.T) {
	t.Parallel()
	srv := newFake(t, created)
	c, err := New(Options{ApplicationKey: testAppKey, ServerURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: "m"}); err == nil {
		t.Error("sent without a private key or token")
	}
	if _, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: "m", Token: testToken}); err != nil {
		t.Error(err)
	}
	if n := srv.count(""); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestPublish_requestShape(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, "17")
	})
	c := newTestClient(t, Options{ServerURL: srv.URL})
	d, err := c.Publish(testContext(t), PublishInput{Channel: "ch", Message: "m", TTL: 120, ID: "abcdefgh"})
	if err != nil {
		t.Fatal(err)
	}
	if *d != (Delivery{ID: "abcdefgh", Parts: 1, SequenceID: "17"}) {
		t.Errorf("delivery %+v", d)
	}
	r := srv.requests()[0]
	want := "AK=" + testAppKey + "&PK=" + testPrivateKey + "&C=ch&TTL=120&M=abcdefgh_1-1_m"
	if r.Path != "/publish" || string(r.Body) != want {
		t.Errorf("%s body %s, want /publish %s", r.Path, r.Body, want)
	}
}

func TestSendBatch_requestShape(t *testing.T) {
	t.Parallel()
	srv := newFake(t, created)
	c := newTestClient(t, Options{ServerURL: srv.URL})
	var progress []PartProgress
	_, err := c.SendBatch(testContext(t), SendBatchInput{
		Channels: []string{"yellow", "red", "a:b"}, Message: "m", ID: "abcdefgh", Token: testToken,
		Progress: func(p PartProgress) { progress = append(progress, p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	want := "AK=" + testAppKey + "&AT=" + testToken + "&C=yellow%2Cred%2Ca%3Ab&M=abcdefgh_1-1_m"
	if r.Path != "/sendbatch" || string(r.Body) != want {
		t.Errorf("%s body %s, want /sendbatch %s", r.Path, r.Body, want)
	}
	if len(progress) != 1 || progress[0] != (PartProgress{Channel: "yellow,red,a:b", Part: 1, Total: 1}) {
		t.Errorf("progress %+v", progress)
	}
}

// reassembler is a fake messaging server that reassembles framed parts.
type reassembler struct {
	mu       sync.Mutex
	parts    map[string]map[int]string // id -> part -> chunk
	totals   map[string]int
	inFlight atomic.Int32
	maxSeen  atomic.Int32
	delay    time.Duration
	failPart int    // answer 400 to this part number
	seq      string // answered by the part that completes a message
}

var mPattern = regexp.MustCompile(`^([a-z0-9]{8})_(\d+)-(\d+)_`)

func (ra *reassembler) handle(w http.ResponseWriter, r *http.Request) {
	n := ra.inFlight.Add(1)
	defer ra.inFlight.Add(-1)
	for {
		m := ra.maxSeen.Load()
		if n <= m || ra.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(ra.delay)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	mv := r.PostForm.Get("M")
	if len(mv) > MaxPartBytes {
		http.Error(w, "part too large", http.StatusBadRequest)
		return
	}
	sm := mPattern.FindStringSubmatch(mv)
	if sm == nil {
		http.Error(w, "unframed", http.StatusBadRequest)
		return
	}
	part, _ := strconv.Atoi(sm[2])
	total, _ := strconv.Atoi(sm[3])
	if part == ra.failPart {
		http.Error(w, "Invalid part", http.StatusBadRequest)
		return
	}
	ra.mu.Lock()
	if ra.parts == nil {
		ra.parts, ra.totals = map[string]map[int]string{}, map[string]int{}
	}
	if ra.parts[sm[1]] == nil {
		ra.parts[sm[1]] = map[int]string{}
	}
	ra.parts[sm[1]][part] = mv[len(sm[0]):]
	ra.totals[sm[1]] = total
	complete := len(ra.parts[sm[1]]) == total
	ra.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
	if complete {
		_, _ = io.WriteString(w, ra.seq)
	}
}

func (ra *reassembler) message(id string) string {
	ra.mu.Lock()
	defer ra.mu.Unlock()
	var nums []int
	for n := range ra.parts[id] {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	var b strings.Builder
	for _, n := range nums {
		b.WriteString(ra.parts[id][n])
	}
	return b.String()
}

func TestSend_multiPartReassembly(t *testing.T) {
	t.Parallel()
	ra := &reassembler{}
	srv := newFake(t, ra.handle)
	c := newTestClient(t, Options{ServerURL: srv.URL})
	message := strings.Repeat("Ünïcödé 😀 text, ", 300) // ~6 KB, multibyte everywhere
	var calls, concurrent atomic.Int32
	var parts []int
	d, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: message, Progress: func(p PartProgress) {
		if concurrent.Add(1) != 1 {
			t.Error("Progress called concurrently")
		}
		defer concurrent.Add(-1)
		calls.Add(1)
		parts = append(parts, p.Part) // unsynchronised on purpose: -race checks the serialisation
		time.Sleep(time.Millisecond)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Parts < 8 || !idPattern.MatchString(d.ID) {
		t.Fatalf("delivery %+v", d)
	}
	if got := ra.message(d.ID); got != message {
		t.Error("the reassembled message differs")
	}
	if int(calls.Load()) != d.Parts || len(parts) != d.Parts {
		t.Errorf("progress called %d times for %d parts", calls.Load(), d.Parts)
	}
	if n := srv.count("/send"); n != d.Parts {
		t.Errorf("%d POSTs for %d parts", n, d.Parts)
	}
}

func TestSend_concurrencyIsBounded(t *testing.T) {
	t.Parallel()
	ra := &reassembler{delay: 20 * time.Millisecond}
	srv := newFake(t, ra.handle)
	c := newTestClient(t, Options{ServerURL: srv.URL, Concurrency: 3})
	d, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: strings.Repeat("x", 12*780)})
	if err != nil {
		t.Fatal(err)
	}
	if d.Parts != 12 {
		t.Fatalf("parts %d", d.Parts)
	}
	if m := ra.maxSeen.Load(); m > 3 || m < 2 {
		t.Errorf("max in flight %d, want 2..3 (bounded by 3, and actually concurrent)", m)
	}
}

func TestSend_onePartFailingFailsTheMessage(t *testing.T) {
	t.Parallel()
	ra := &reassembler{failPart: 2, delay: 5 * time.Millisecond}
	srv := newFake(t, ra.handle)
	c := newTestClient(t, Options{ServerURL: srv.URL, Concurrency: 1})
	var accepted int
	_, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: strings.Repeat("x", 6*780), Progress: func(PartProgress) { accepted++ }})
	if !IsBadRequest(err) {
		t.Fatalf("got %v, want the 400 of part 2", err)
	}
	mustContain(t, err.Error(), "part 2 of 6", "Invalid part")
	if accepted != 1 {
		t.Errorf("progress for %d parts, want 1 (part 1 only)", accepted)
	}
	// With one part in flight, nothing after the failing part was sent.
	if n := srv.count("/send"); n != 2 {
		t.Errorf("%d POSTs, want 2 (the rest cancelled)", n)
	}
}

func TestPublish_sequenceIDFromTheCompletingPart(t *testing.T) {
	t.Parallel()
	ra := &reassembler{seq: "msg-seq-42"}
	srv := newFake(t, ra.handle)
	c := newTestClient(t, Options{ServerURL: srv.URL, Concurrency: 4})
	var withSeq []PartProgress
	d, err := c.Publish(testContext(t), PublishInput{Channel: "ch", Message: strings.Repeat("p", 5*780), Progress: func(p PartProgress) {
		if p.SequenceID != "" {
			withSeq = append(withSeq, p)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if d.SequenceID != "msg-seq-42" || d.Parts != 5 {
		t.Errorf("delivery %+v", d)
	}
	if len(withSeq) != 1 || withSeq[0].SequenceID != "msg-seq-42" {
		t.Errorf("progress with a sequence id: %+v, want exactly one", withSeq)
	}
	for _, r := range srv.requests() {
		if r.Form.Get("TTL") != "0" {
			t.Errorf("TTL %q, want 0", r.Form.Get("TTL"))
		}
	}
}

func TestSend_errorStatuses(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 429, 500} {
		srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "nope", status) })
		c := newTestClient(t, Options{ServerURL: srv.URL})
		_, err := c.Send(testContext(t), SendInput{Channel: "ch", Message: "m"})
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != status || ae.Body != "nope" || ae.Op != "send" {
			t.Errorf("%d: got %v", status, err)
		}
		if n := srv.count(""); n != 1 {
			t.Errorf("%d: %d requests, want 1", status, n)
		}
	}
}
