// Package ortc is the client of the Realtime Cloud Messaging (ORTC) REST API:
// the balancer, token permissions (authenticate), message delivery (send,
// publish, sendbatch, with the ORTC framing), channel presence, and the
// mobile-push JSON API.
//
// It follows the wire contract in shared/spec/ortc-rest-api.md byte for byte
// and knows nothing of Terraform (no schema, no diagnostics). It speaks only
// the REST endpoints: it never opens a WebSocket and cannot subscribe.
//
// Rules the whole package keeps:
//   - every input is checked before the first byte goes out, so a bad input
//     costs zero requests (the checks are exported for the provider's schema
//     validators: one source of truth);
//   - no secret (private key, token) appears in an error or a log line;
//   - no delivery is retried unless the request certainly never left, so no
//     receiver sees a message twice;
//   - the balancer is asked once per client, lazily, and again only after the
//     messaging server it named stopped answering.
package ortc

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Defaults of Options.
const (
	// DefaultClusterURL is the vendor's balancer (TLS variant).
	DefaultClusterURL = "https://ortc-developers.realtime.co/server/ssl/2.1"
	// DefaultPushURL is the vendor's mobile-push API.
	DefaultPushURL = "https://ortc-mobilepush.realtime.co/mp"
	// DefaultTimeout bounds one HTTP attempt (not the whole call with retries).
	DefaultTimeout = 15 * time.Second
	// DefaultMaxRetries is the number of retries after the first attempt.
	DefaultMaxRetries = 4
	// DefaultConcurrency is the number of parts of one message in flight.
	DefaultConcurrency = 4
	// DefaultUserAgent is sent when Options.UserAgent is empty.
	DefaultUserAgent = "terraform-provider-realtime/dev"

	defaultRetryWaitMin = 200 * time.Millisecond
	defaultRetryWaitMax = 10 * time.Second
)

// Options configure a Client. Only ApplicationKey is required by New; calls
// that need the private key fail with a *ValidationError when it is empty.
type Options struct {
	// ApplicationKey identifies the ORTC application (required).
	ApplicationKey string
	// PrivateKey is required for every call but Presence (which uses a token)
	// and deliveries made with a token.
	PrivateKey string
	// ClusterURL is the balancer; default DefaultClusterURL unless ServerURL
	// is set.
	ClusterURL string
	// ServerURL is a fixed messaging server: no balancer is ever asked.
	// It conflicts with ClusterURL.
	ServerURL string
	// PushURL is the mobile-push API; default DefaultPushURL.
	PushURL string
	// HTTPClient is the base client: its Transport (connection pool) and
	// redirect policy are reused; its Timeout is not (Timeout bounds each
	// attempt instead).
	// Default: a new client with its own pooled transport.
	HTTPClient *http.Client
	// Timeout bounds each attempt; default DefaultTimeout.
	Timeout time.Duration
	// MaxRetries is the number of retries after the first attempt; 0 means
	// DefaultMaxRetries and -1 means no retries.
	MaxRetries int
	// RetryWaitMin is the first backoff; default 200ms.
	RetryWaitMin time.Duration
	// RetryWaitMax caps the exponential backoff; default 10s.
	RetryWaitMax time.Duration
	// Concurrency is the number of parts of one message in flight; default
	// DefaultConcurrency.
	Concurrency int
	// UserAgent is sent with every request; default DefaultUserAgent.
	UserAgent string
	// Logger, when set, receives one line per HTTP attempt. It is never
	// given a secret: no body, no key, no token (path segments holding one
	// are replaced by "***").
	Logger func(ctx context.Context, msg string, fields map[string]any)
}

// Client calls the ORTC REST API. It is safe for concurrent use. It holds
// configuration plus one cache (the balancer's answer); no per-call state.
type Client struct {
	appKey     string
	privateKey string
	clusterURL string // "" when serverURL is set
	serverURL  string // fixed messaging server, no trailing "/"
	pushURL    string // no trailing "/"

	concurrency int
	userAgent   string
	logger      func(ctx context.Context, msg string, fields map[string]any)

	// http is the one retrying client every call goes through; the kind of
	// operation travels in the request context (see transport.go).
	http *retryablehttp.Client
	// httpClient is the per-attempt client under http; kept to close idle
	// connections on Close.
	httpClient *http.Client
	// timeout bounds each attempt, reading the answer included.
	timeout time.Duration

	bal balancer
}

// New checks the options and builds a client. It makes no request: the
// balancer is asked on the first call that needs the messaging server.
func New(o Options) (*Client, error) {
	if o.ApplicationKey == "" {
		return nil, &ValidationError{Field: "application_key", Rule: "is required"}
	}
	if !NamePattern.MatchString(o.ApplicationKey) {
		return nil, &ValidationError{Field: "application_key", Value: o.ApplicationKey, Rule: "must match " + NamePattern.String()}
	}
	if o.ServerURL != "" && o.ClusterURL != "" {
		return nil, &ValidationError{Field: "server_url", Value: redactURL(o.ServerURL), Rule: "conflicts with cluster_url: set one of them"}
	}
	c := &Client{
		appKey:      o.ApplicationKey,
		privateKey:  o.PrivateKey,
		concurrency: o.Concurrency,
		userAgent:   o.UserAgent,
		logger:      o.Logger,
	}
	if o.ServerURL != "" {
		if err := checkBaseURL("server_url", o.ServerURL, false); err != nil {
			return nil, err
		}
		c.serverURL = strings.TrimRight(o.ServerURL, "/")
	} else {
		c.clusterURL = o.ClusterURL
		if c.clusterURL == "" {
			c.clusterURL = DefaultClusterURL
		}
		// The balancer URL may carry its own query (the appkey is added).
		if err := checkBaseURL("cluster_url", c.clusterURL, true); err != nil {
			return nil, err
		}
	}
	c.pushURL = o.PushURL
	if c.pushURL == "" {
		c.pushURL = DefaultPushURL
	}
	if err := checkBaseURL("push_url", c.pushURL, false); err != nil {
		return nil, err
	}
	c.pushURL = strings.TrimRight(c.pushURL, "/")

	timeout := o.Timeout
	switch {
	case timeout < 0:
		return nil, &ValidationError{Field: "timeout", Value: timeout.String(), Rule: "must not be negative"}
	case timeout == 0:
		timeout = DefaultTimeout
	}
	retries := o.MaxRetries
	switch {
	case retries < -1:
		return nil, &ValidationError{Field: "max_retries", Value: itoa(retries), Rule: "must be -1 (no retries), 0 (default) or more"}
	case retries == 0:
		retries = DefaultMaxRetries
	case retries == -1:
		retries = 0
	}
	waitMin, waitMax := o.RetryWaitMin, o.RetryWaitMax
	if waitMin < 0 || waitMax < 0 {
		return nil, &ValidationError{Field: "retry_wait", Value: waitMin.String() + ".." + waitMax.String(), Rule: "must not be negative"}
	}
	if waitMin == 0 {
		waitMin = defaultRetryWaitMin
	}
	if waitMax == 0 {
		waitMax = max(defaultRetryWaitMax, waitMin)
	}
	if waitMax < waitMin {
		return nil, &ValidationError{Field: "retry_wait_max", Value: waitMax.String(), Rule: "must not be below retry_wait_min " + waitMin.String()}
	}
	switch {
	case c.concurrency < 0:
		return nil, &ValidationError{Field: "concurrency", Value: itoa(c.concurrency), Rule: "must not be negative"}
	case c.concurrency == 0:
		c.concurrency = DefaultConcurrency
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}

	// A copy, so the caller's client is left as it was; its transport (the
	// connection pool) is shared on purpose: keep-alive across every call.
	var hc http.Client
	if o.HTTPClient != nil {
		hc = *o.HTTPClient
	}
	if hc.CheckRedirect == nil {
		hc.CheckRedirect = noPostRedirects
	}
	next := hc.Transport
	if next == nil {
		next = newTransport(c.concurrency)
	}
	hc.Transport = &attemptTransport{client: c, next: next}
	// The per-attempt timeout ("timeout per request" in the contract) is a
	// context deadline that attemptTransport sets and the answer's body
	// ends; not http.Client.Timeout, which for a transport net/http does not
	// recognise (this wrapper) takes its legacy path on every request: a
	// timer, a goroutine and a cancel channel (see BENCHMARKS.md, note B).
	hc.Timeout = 0
	c.timeout = timeout
	c.httpClient = &hc

	c.http = &retryablehttp.Client{
		HTTPClient:   &hc,
		Logger:       nil, // its default logger prints URLs to stderr; we log through Options.Logger only
		RetryWaitMin: waitMin,
		RetryWaitMax: waitMax,
		RetryMax:     retries,
		CheckRetry:   c.checkRetry,
		Backoff:      backoff,
		// Hand back the last answer (or error) so that the error names the
		// operation, the last status and the attempts.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		PrepareRetry: c.prepareRetry,
	}
	return c, nil
}

// ApplicationKey returns the application key the client was built with.
func (c *Client) ApplicationKey() string { return c.appKey }

// CloseIdleConnections closes the idle keep-alive connections of the
// client's transport (useful in tests and at provider shutdown).
func (c *Client) CloseIdleConnections() { c.httpClient.CloseIdleConnections() }

// noPostRedirects follows redirects of GET only. Go would turn a redirected
// POST (301/302/303) into a bodiless GET: a delivery or a token save would
// silently become another request. The 3xx comes back as an *APIError.
func noPostRedirects(req *http.Request, via []*http.Request) error {
	if len(via) > 0 && via[0].Method != http.MethodGet {
		return http.ErrUseLastResponse
	}
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// newTransport is the default connection pool. Unlike http.DefaultTransport
// it keeps enough idle connections per host for the parts of a message in
// flight, so that multi-part messages reuse connections.
func newTransport(concurrency int) *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   max(2*concurrency, 8),
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
}

// checkBaseURL accepts absolute http(s) URLs with a host. Paths are appended
// to a base, so a base may not carry a query or fragment unless allowQuery.
func checkBaseURL(field, raw string, allowQuery bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return &ValidationError{Field: field, Value: redactURL(raw), Rule: "must be an absolute http or https URL"}
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return &ValidationError{Field: field, Value: redactURL(raw), Rule: "must be an absolute http or https URL"}
	}
	if u.Fragment != "" || (!allowQuery && (u.RawQuery != "" || u.ForceQuery)) {
		return &ValidationError{Field: field, Value: redactURL(raw), Rule: "must not have a query or a fragment"}
	}
	return nil
}

// redactURL hides a password in a URL's user info before the URL is quoted.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
