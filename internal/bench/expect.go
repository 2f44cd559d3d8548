package bench

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// The physical limit of a provider, per Terraform command (the issue's
// targets), for n resources of one kind against an application that does
// not enforce authentication:
//
//   - apply from nothing: n writes and 1 balancer lookup (the plan walk
//     calls nothing; the apply walk's provider process asks the balancer
//     once, lazily, on its first call);
//   - a plan with nothing to change: at most n reads and no write; the
//     provider process that refreshes asks the balancer once, and a kind
//     that has nothing to read (token permissions: the API cannot read a
//     token back) makes no request at all, not even the lookup;
//   - destroy: the refresh of a plan plus n writes, each of its two
//     API-calling provider processes (plan walk, apply walk) asking the
//     balancer once.
//
// Terraform starts more provider processes than that (schemas, validation);
// the lookup is lazy, so those ask nothing.
//
// Any request above these is a bug to fix, not a number to report: the
// provider's acceptance test asserts them exactly (TestAccRequestCounts_*).

// Expected returns the exact requests per emulator route of one phase.
func Expected(kind Kind, phase Phase, n int) map[string]int {
	if n == 0 {
		return map[string]int{}
	}
	switch kind {
	case ChannelPresence:
		switch phase {
		case Apply:
			return map[string]int{"presence_enable": n, "balancer": 1}
		case Plan:
			return map[string]int{"presence_get": n, "balancer": 1}
		case Destroy:
			return map[string]int{"presence_get": n, "presence_disable": n, "balancer": 2}
		}
	case TokenPermissions:
		switch phase {
		case Apply, Destroy: // destroy revokes: a save with no channels
			return map[string]int{"authenticate": n, "balancer": 1}
		case Plan:
			return map[string]int{}
		}
	}
	return map[string]int{}
}

// ExpectedEnforcedAuth is the cost of realtime_channel_presence when the
// application enforces authentication and the provider has no
// authentication_token: it reads presence with a token of its own per
// channel (channel_presence_read_token.go), saved on demand for 300 s. A
// plan after the tokens ran out (cold) pays, per channel, a refused read, a
// save and the read again; while they live (warm) it pays one read. This is
// above the target (a no-change plan writes nothing) by design: the
// benchmark reports it and says why.
func ExpectedEnforcedAuth(phase Phase, n int, cold bool) map[string]int {
	if phase == Plan && cold && n > 0 {
		return map[string]int{"presence_get": 2 * n, "authenticate": n, "balancer": 1}
	}
	return Expected(ChannelPresence, phase, n)
}

// readRoutes are the routes that read; every other contract route but the
// balancer writes (saves, switches, deliveries).
var readRoutes = map[string]bool{
	"presence_get":           true,
	"push_listtopics":        true,
	"push_topicdevices":      true,
	"push_istopicsubscribed": true,
}

// Split sums a counters map into reads, writes and balancer lookups.
func Split(counts map[string]int) (reads, writes, balancer int) {
	for route, c := range counts {
		switch {
		case route == "balancer":
			balancer += c
		case readRoutes[route]:
			reads += c
		default:
			writes += c
		}
	}
	return reads, writes, balancer
}

// Diff describes how got differs from want, route by route ("" when equal).
func Diff(got, want map[string]int) string {
	routes := slices.Sorted(maps.Keys(want))
	for r := range got {
		if _, ok := want[r]; !ok {
			routes = append(routes, r)
		}
	}
	slices.Sort(routes)
	var out []string
	for _, r := range routes {
		if got[r] != want[r] {
			out = append(out, fmt.Sprintf("%s %d, want %d", r, got[r], want[r]))
		}
	}
	return strings.Join(out, "; ")
}

// FormatCounts renders a counters map as "route=n route=n", sorted.
func FormatCounts(counts map[string]int) string {
	if len(counts) == 0 {
		return "none"
	}
	var parts []string
	for _, r := range slices.Sorted(maps.Keys(counts)) {
		if counts[r] != 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", r, counts[r]))
		}
	}
	return strings.Join(parts, " ")
}
