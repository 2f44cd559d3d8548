package emulator

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"time"
)

// activeFault is an injected fault with its remaining budget and its own
// random source, so that a Percent fault is reproducible from its Seed.
type activeFault struct {
	Fault
	left int // remaining hits; -1 = unlimited
	rng  *rand.Rand
}

// InjectFault arms a fault (see Fault). Faults are tried in the order they
// were injected; the first that matches a request and draws a hit applies.
// An invalid fault (see Fault.Validate) is ignored; the admin API reports it
// instead.
func (s *Server) InjectFault(f Fault) {
	if f.Validate() != nil {
		return
	}
	af := &activeFault{Fault: f, left: f.Count}
	switch {
	case f.Count == 0 && f.Percent > 0:
		af.left = -1
	case f.Count == 0:
		af.left = 1
	}
	if f.Percent > 0 {
		af.rng = rand.New(rand.NewPCG(uint64(f.Seed), 0x9e3779b97f4a7c15))
	}
	s.mu.Lock()
	s.faults = append(s.faults, af)
	s.mu.Unlock()
}

// Faults returns the armed faults with their remaining Count (0 for
// unlimited percentage faults).
func (s *Server) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, 0, len(s.faults))
	for _, af := range s.faults {
		f := af.Fault
		f.Count = max(af.left, 0)
		out = append(out, f)
	}
	return out
}

// ClearFaults disarms every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// takeFault finds the fault that applies to a request of route for app and
// spends one hit of it.
func (s *Server) takeFault(route, app string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, af := range s.faults {
		if (af.Route != "" && af.Route != route) || (af.App != "" && af.App != app) {
			continue
		}
		if af.rng != nil && af.rng.IntN(100) >= af.Percent {
			continue
		}
		if af.left > 0 {
			af.left--
			if af.left == 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
		}
		return af.Fault, true
	}
	return Fault{}, false
}

// applyFault carries a fault out and reports whether the request should
// still be processed (a Delay alone).
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, rt *route, f Fault) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return false // the client gave up: process nothing
		}
	}
	switch {
	case f.Reset:
		dropConnection(w)
		return false
	case f.Status != 0:
		rp := errorReply(rt.push, f.Status, fmt.Sprintf("Injected fault: HTTP %d.", f.Status))
		rp.retryAfter = f.RetryAfter
		writeReply(w, rp)
		return false
	}
	return true
}

// dropConnection closes the client's connection without an answer. A TCP
// connection is closed with SO_LINGER 0, so the client sees a reset rather
// than a clean end of stream.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2): net/http's own way to abort a response.
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
