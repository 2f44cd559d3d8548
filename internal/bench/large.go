package bench

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/emulator"
	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

// MixedText returns exactly size bytes of valid UTF-8 mixing ASCII with
// 2-, 3- and 4-byte characters, the same for the same seed. Multi-byte
// characters land on part borders, which is what the framer must not split.
func MixedText(size int, seed uint64) string {
	pieces := []string{
		"The quick brown fox jumps over the lazy dog. ", "0123456789 ", "a", " ", ",", "\n",
		"é", "ß", "Ω", "ж", // 2 bytes
		"€", "中", "日本語", "ー", // 3 bytes
		"😀", "𝄞", "🚀", // 4 bytes
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var b strings.Builder
	b.Grow(size)
	for b.Len() < size {
		p := pieces[r.IntN(len(pieces))]
		if b.Len()+len(p) > size {
			p = strings.Repeat("x", size-b.Len()) // pad with ASCII to the exact size
		}
		b.WriteString(p)
	}
	return b.String()
}

// LargeResult is item 4: one large message through Send.
type LargeResult struct {
	Bytes, Runes, Parts int
	// Requests is the number of sends the emulator counted for one message
	// (one per part: no wasted round trip).
	Requests int
	// Equal reports that the emulator reassembled exactly the input, every
	// time, with no part received twice.
	Equal bool
	// Wall times per concurrency (parts in flight), one per repetition.
	Wall map[int][]time.Duration
	// Connections is the most TCP connections one message opened, per
	// concurrency (with keep-alive: at most the concurrency).
	Connections map[int]int
}

// MeasureLargeMessage sends text through Client.Send reps times with each
// concurrency, alternating, and checks each reassembled message. latency,
// when set, delays every send in the emulator (a fault with a delay only),
// standing in for the round trip of a server across a network.
func MeasureLargeMessage(ctx context.Context, em *Emulator, text string, concurrencies []int, reps int, latency time.Duration) (LargeResult, error) {
	res := LargeResult{
		Bytes: len(text), Runes: utf8.RuneCountInString(text), Equal: true,
		Wall: map[int][]time.Duration{}, Connections: map[int]int{},
	}
	const channel = "bench:large"
	for rep := range reps {
		for _, conc := range concurrencies {
			// A new client per message: its connections are counted from
			// zero, as for a provider process.
			c, err := ortc.New(ortc.Options{ApplicationKey: em.AppKey, PrivateKey: em.PrivateKey, ServerURL: em.URL, Concurrency: conc})
			if err != nil {
				return res, err
			}
			// Reset: the previous message's megabyte is not this one's heap.
			if err := em.Reset(false); err != nil {
				return res, err
			}
			if latency > 0 {
				em.InjectFault(emulator.Fault{Route: "send", Percent: 100, Delay: latency})
			}
			start := time.Now()
			d, err := c.Send(ctx, ortc.SendInput{Channel: channel, Message: text})
			wall := time.Since(start)
			c.CloseIdleConnections()
			if err != nil {
				return res, fmt.Errorf("concurrency %d, repetition %d: %w", conc, rep+1, err)
			}
			res.Wall[conc] = append(res.Wall[conc], wall)
			res.Connections[conc] = max(res.Connections[conc], em.Connections())
			res.Parts = d.Parts
			res.Requests = em.Counters("")["send"]
			msgs := em.Messages(em.AppKey)
			if len(msgs) != 1 || !msgs[0].Complete || msgs[0].Text != text || msgs[0].Duplicates != 0 || res.Requests != d.Parts {
				res.Equal = false
			}
		}
	}
	return res, nil
}

// RawConnections posts the framed parts of text with nothing but net/http,
// inFlight at a time, the way Client.Send does, and returns the TCP
// connections the emulator accepted: the floor to compare the client's
// count with. (net/http hands a connection back to its pool a moment after
// the answer's body is closed, so a part launched right then may dial a new
// one: more connections than parts in flight, with or without the client.)
func RawConnections(ctx context.Context, em *Emulator, text string, inFlight int) (int, error) {
	parts, err := ortc.Frame("", text)
	if err != nil {
		return 0, err
	}
	if err := em.Reset(false); err != nil {
		return 0, err
	}
	tr := &http.Transport{MaxIdleConnsPerHost: max(2*inFlight, 8)}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	prefix := "AK=" + url.QueryEscape(em.AppKey) + "&PK=" + url.QueryEscape(em.PrivateKey) + "&C=bench%3Araw&M="
	var (
		wg    sync.WaitGroup
		sem   = make(chan struct{}, inFlight)
		mu    sync.Mutex
		first error
	)
	for _, m := range parts {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, em.URL+"/send", strings.NewReader(prefix+url.QueryEscape(m)))
			if err == nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				var resp *http.Response
				if resp, err = hc.Do(req); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						err = fmt.Errorf("HTTP %d", resp.StatusCode)
					}
				}
			}
			if err != nil {
				mu.Lock()
				first = cmp.Or(first, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return em.Connections(), first
}
