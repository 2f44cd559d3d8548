package ortc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// balancerBody is the one answer shape: exactly one space each side of "=",
// double quotes, a final ";", nothing before or after (no newline, no BOM).
// The URL is printable ASCII without spaces or quotes.
var balancerBody = regexp.MustCompile(`\Avar SOCKET_SERVER = "([!#-~]*)";\z`)

// ParseBalancerBody returns the server URL of a balancer answer. It accepts
// only the exact shape `var SOCKET_SERVER = "<url>";` with an absolute http(s)
// URL; anything else is an error quoting the body (cut to 200 bytes). A
// server containing "undefined" or "unknown_server" is an *ErrNoServer.
func ParseBalancerBody(body []byte) (string, error) {
	m := balancerBody.FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf(`ortc: balancer: unexpected answer %q, want var SOCKET_SERVER = "<url>";`, cut(string(body), 200))
	}
	server := string(m[1])
	if strings.Contains(server, "undefined") || strings.Contains(server, "unknown_server") {
		return "", &ErrNoServer{Body: cut(string(body), 200)}
	}
	// The scheme is checked as written (url.Parse would lower-case "HTTPS").
	schemeOK := strings.HasPrefix(server, "http://") || strings.HasPrefix(server, "https://")
	u, err := url.Parse(server)
	if err != nil || !schemeOK || u.Host == "" || u.Opaque != "" ||
		u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", fmt.Errorf("ortc: balancer: answer %q does not name an http(s) server URL", cut(string(body), 200))
	}
	return server, nil
}

// balancer caches the balancer's answer for one client. Concurrent first
// callers share one lookup (a hand-rolled singleflight: no dependency for
// twenty lines).
type balancer struct {
	mu     sync.Mutex
	server string  // cached answer; "" = ask
	flight *lookup // the lookup in progress, if any
}

type lookup struct {
	done   chan struct{}
	server string
	err    error
}

// invalidate drops the cached server if it is still the one that failed, so
// that a burst of failures against one server causes one new lookup.
func (b *balancer) invalidate(server string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.server != "" && strings.TrimRight(b.server, "/") == strings.TrimRight(server, "/") {
		b.server = ""
	}
}

// Server returns the messaging server: Options.ServerURL when set, else the
// balancer's answer, asked once and cached until a connection to that
// server fails. Errors are not cached: the next call asks again.
func (c *Client) Server(ctx context.Context) (string, error) {
	if c.serverURL != "" {
		return c.serverURL, nil
	}
	for {
		c.bal.mu.Lock()
		if s := c.bal.server; s != "" {
			c.bal.mu.Unlock()
			return s, nil
		}
		if f := c.bal.flight; f != nil {
			c.bal.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return "", fmt.Errorf("ortc: balancer: %w", ctx.Err())
			}
			if f.err == nil {
				return f.server, nil
			}
			// The leader's own context ended; ours may still be alive: ask
			// again (as the new leader, or joining another lookup).
			if ctx.Err() == nil && (errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) {
				continue
			}
			return "", f.err
		}
		f := &lookup{done: make(chan struct{})}
		c.bal.flight = f
		c.bal.mu.Unlock()

		f.server, f.err = c.askBalancer(ctx)

		c.bal.mu.Lock()
		c.bal.flight = nil
		if f.err == nil {
			c.bal.server = f.server
		}
		c.bal.mu.Unlock()
		close(f.done)
		return f.server, f.err
	}
}

// askBalancer is GET {cluster}?appkey={AK}.
func (c *Client) askBalancer(ctx context.Context) (string, error) {
	u, err := url.Parse(c.clusterURL)
	if err != nil {
		return "", fmt.Errorf("ortc: balancer: bad cluster URL: %w", err)
	}
	q := u.Query()
	q.Set("appkey", c.appKey)
	u.RawQuery = q.Encode()
	ans, err := c.do(ctx, call{op: "balancer", kind: idempotent, method: http.MethodGet, base: u.String()})
	if err != nil {
		return "", err
	}
	return ParseBalancerBody(ans.body)
}
