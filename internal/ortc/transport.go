package ortc

// The retry policy, in one place (contract §7):
//
//   - idempotent operations (balancer, authenticate, presence enable/disable/get,
//     push listtopics/topicdevices/isTopicSubscribed) retry on connection
//     errors, 429 and 5xx, with exponential backoff and jitter, honouring
//     Retry-After on 429/503;
//   - deliveries (send, publish, sendbatch, push publish/publishbatch) retry
//     only when the request certainly never left: the dial failed (connection
//     refused, DNS, no route) — so no receiver ever sees a duplicate;
//   - no other 4xx is retried; at most MaxRetries retries;
//   - a Retry-After that would outlive the context (or 5 minutes without a
//     deadline) ends the call at once with the 429/503, instead of sleeping.
//
// One retryablehttp.Client serves every call: the operation's kind travels
// in the request context (callState).

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// opKind decides the retry policy of an operation.
type opKind int

const (
	idempotent opKind = iota // safe to repeat: retried on any transient failure
	delivery                 // delivers a message: retried only if it never left
)

// maxRetryAfter bounds a Retry-After wait when the context has no deadline:
// a server asking for longer is treated as "not now" and the 429/503 returned.
const maxRetryAfter = 5 * time.Minute

// maxAnswerBytes bounds what is read of an answer (push pages are the largest:
// 100 device tokens).
const maxAnswerBytes = 8 << 20

// call describes one request of an operation.
type call struct {
	op       string
	kind     opKind
	method   string
	onServer bool   // path is relative to the messaging server (balancer or ServerURL)
	base     string // absolute base when !onServer (balancer URL, push URL)
	path     string // escaped path (and query) appended to the base
	ctype    string // Content-Type of body
	body     []byte
	secrets  []string // scrubbed from errors and logs, besides the private key
}

// answer is a 2xx answer.
type answer struct {
	status   int
	body     []byte
	attempts int
}

// callState is the per-call state carried in the request context. Every
// field is used only by the goroutine running the call (retryablehttp runs
// attempts, CheckRetry and PrepareRetry in sequence on it).
type callState struct {
	op       string
	kind     opKind
	secrets  []string
	parent   context.Context // the caller's context: tells a cancel from a per-attempt timeout
	balanced bool            // the base came from the balancer: re-ask it after a connection failure
	server   string          // base of the current attempt
	path     string
	attempts int
	// prepareErr is why a retry could not be prepared (the balancer failed).
	prepareErr error
}

type stateKey struct{}

func stateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(stateKey{}).(*callState)
	return st
}

// do runs one operation's request with retries and returns its 2xx answer;
// anything else is an error: *APIError, *ConnectionError, a wrapped context
// error, or the balancer's error.
func (c *Client) do(ctx context.Context, cl call) (*answer, error) {
	secrets := append(append([]string{c.privateKey}, cl.secrets...), secretsFrom(ctx)...)
	st := &callState{op: cl.op, kind: cl.kind, secrets: secrets, parent: ctx, path: cl.path}
	base := cl.base
	if cl.onServer {
		srv, err := c.Server(ctx)
		if err != nil {
			return nil, err
		}
		base = strings.TrimRight(srv, "/")
		st.balanced = c.serverURL == ""
	}
	st.server = base

	var raw any // a nil []byte would still make a (probed, chunked) body
	if cl.body != nil {
		raw = cl.body
	}
	req, err := retryablehttp.NewRequestWithContext(context.WithValue(ctx, stateKey{}, st), cl.method, base+cl.path, raw)
	if err != nil {
		return nil, fmt.Errorf("ortc: %s: building request: %s", cl.op, scrub(err.Error(), secrets))
	}
	req.Header.Set("User-Agent", c.userAgent)
	if cl.ctype != "" {
		req.Header.Set("Content-Type", cl.ctype)
	}

	resp, err := c.http.Do(req)
	attempts := max(st.attempts, 1)
	var body []byte
	var readErr error
	if resp != nil {
		body, readErr = readAnswer(resp)
	}
	var ra *retryAfterError
	switch {
	case err == nil && resp != nil && readErr == nil:
		// An answer (possibly the last of exhausted retries): judged below.
		// Checked before the context, so that a delivery that went through
		// is never reported as failed because the context ended just after.
	case errors.As(err, &ra) && resp != nil && readErr == nil:
		apiErr := newAPIError(cl.op, resp.StatusCode, body, attempts, secrets)
		return nil, fmt.Errorf("%w (not retried: %s)", apiErr, ra)
	case ctx.Err() != nil:
		// The caller gave up (cancel or deadline): say so, not "connection error".
		return nil, fmt.Errorf("ortc: %s: %w (after %d attempt(s))", cl.op, ctx.Err(), attempts)
	case st.prepareErr != nil:
		return nil, st.prepareErr
	case err != nil:
		return nil, c.connectionError(st, req.Request, attempts, err)
	case readErr != nil:
		return nil, c.connectionError(st, req.Request, attempts, readErr)
	default:
		return nil, c.connectionError(st, req.Request, attempts, errors.New("no answer"))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, newAPIError(cl.op, resp.StatusCode, body, attempts, secrets)
	}
	return &answer{status: resp.StatusCode, body: body, attempts: attempts}, nil
}

// readAnswer reads a bounded body and always closes it, so the connection
// goes back to the pool.
func readAnswer(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxAnswerBytes {
		return nil, fmt.Errorf("answer larger than %d bytes", maxAnswerBytes)
	}
	return body, nil
}

// newAPIError reads the server's explanation: push errors are
// {"exception","message"} objects, the messaging server says a short text.
func newAPIError(op string, status int, body []byte, attempts int, secrets []string) *APIError {
	e := &APIError{Op: op, Status: status, Attempts: attempts}
	var ex struct {
		Exception string `json:"exception"`
		Message   string `json:"message"`
	}
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &ex) == nil && ex.Exception != "" {
		e.Exception = cut(scrub(ex.Exception, secrets), 100)
		e.Body = cut(scrub(ex.Message, secrets), 500)
		return e
	}
	// Scrub before cutting: a cut could leave half a secret behind otherwise.
	e.Body = cut(strings.TrimSpace(scrub(string(body), secrets)), 500)
	return e
}

func (c *Client) connectionError(st *callState, req *http.Request, attempts int, err error) *ConnectionError {
	// url.Error repeats the URL (which may hold a token); keep only the cause.
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err
	}
	msg := scrub(cause.Error(), st.secrets)
	// The caller's context is alive here, so a deadline is the per-attempt
	// timeout; Go words it either way, say it plainly.
	var ne net.Error
	if (errors.As(cause, &ne) && ne.Timeout()) || errors.Is(cause, context.DeadlineExceeded) {
		msg = fmt.Sprintf("no answer within the request timeout of %s (%s)", c.timeout, msg)
	}
	return &ConnectionError{
		Op:       st.op,
		Method:   req.Method,
		URL:      safeURL(req.URL, st.secrets),
		Attempts: attempts,
		Err:      cause,
		msg:      msg,
	}
}

// safeURL is scheme://host/path with secrets replaced and no query (the
// balancer's only parameter is the application key, not a secret, but
// nothing else belongs in a log).
func safeURL(u *url.URL, secrets []string) string {
	if u == nil {
		return ""
	}
	return u.Scheme + "://" + u.Host + scrub(u.EscapedPath(), secrets)
}

// checkRetry is the CheckRetry policy; see the top of this file.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	st := stateFrom(ctx)
	repeatable := st == nil || st.kind == idempotent
	if err != nil {
		if !repeatable {
			return neverLeft(err), nil
		}
		// retryablehttp knows the errors no retry can fix (bad scheme,
		// redirect loop, invalid header, untrusted certificate).
		retry, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		return retry && !permanent(err), nil
	}
	if resp.StatusCode != http.StatusTooManyRequests && (resp.StatusCode < 500 || resp.StatusCode > 599) {
		return false, nil
	}
	if !repeatable {
		return false, nil // it reached the server: repeating could deliver twice
	}
	if wait, ok := retryAfter(resp); ok {
		if dl, has := ctx.Deadline(); has && wait > time.Until(dl) {
			return false, &retryAfterError{wait: wait, why: "is longer than the time left before the context deadline"}
		}
		if wait > maxRetryAfter {
			return false, &retryAfterError{wait: wait, why: "is longer than " + maxRetryAfter.String()}
		}
	}
	return true, nil
}

// retryAfterError ends a call whose Retry-After cannot be honoured in time.
type retryAfterError struct {
	wait time.Duration
	why  string
}

func (e *retryAfterError) Error() string { return "Retry-After " + e.wait.String() + " " + e.why }

// neverLeft reports an error that proves no byte of the request was sent:
// the connection was never made (refused, DNS, unreachable, dial timeout).
func neverLeft(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// permanent reports transport errors that a retry cannot fix.
func permanent(err error) bool {
	var (
		unknownCA *x509.UnknownAuthorityError
		invalid   *x509.CertificateInvalidError
		hostname  *x509.HostnameError
		verify    *tls.CertificateVerificationError
	)
	return errors.As(err, &unknownCA) || errors.As(err, &invalid) || errors.As(err, &hostname) || errors.As(err, &verify)
}

// retryAfter reads Retry-After the way retryablehttp.DefaultBackoff does
// (on 429 and 503, seconds or an HTTP date), to know whether it is there.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return 0, false
	}
	h := resp.Header.Get("Retry-After")
	if h == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		if secs < 0 || secs > int64(24*time.Hour/time.Second) {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := time.Parse(time.RFC1123, h)
	if err != nil {
		return 0, false
	}
	return max(time.Until(t), 0), true
}

// backoff honours Retry-After through retryablehttp.DefaultBackoff (which
// reads it on 429/503 in v0.7.8) and otherwise adds jitter to its exponential
// backoff, so that many clients failing together do not retry together.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	wait := retryablehttp.DefaultBackoff(minWait, maxWait, attempt, resp)
	if _, ok := retryAfter(resp); ok {
		return wait
	}
	// "Equal jitter": somewhere in [wait/2, wait].
	half := wait / 2
	if half <= 0 {
		return wait
	}
	return half + rand.N(wait-half+1)
}

// prepareRetry sends a retry to the server the balancer names now: after a
// connection failure the attempt dropped the cached server, so this asks the
// balancer again (once, shared by every concurrent caller).
func (c *Client) prepareRetry(req *http.Request) error {
	st := stateFrom(req.Context())
	if st == nil || !st.balanced {
		return nil
	}
	srv, err := c.Server(st.parent)
	if err != nil {
		st.prepareErr = err
		return err
	}
	srv = strings.TrimRight(srv, "/")
	if srv == st.server {
		return nil
	}
	u, err := url.Parse(srv + st.path)
	if err != nil {
		st.prepareErr = fmt.Errorf("ortc: %s: bad server URL from the balancer: %w", st.op, err)
		return st.prepareErr
	}
	// The request is retryablehttp's private shallow copy: replace, never
	// mutate, its URL. An empty Host makes the Host header follow the URL.
	req.URL = u
	req.Host = ""
	st.server = srv
	return nil
}

// attemptTransport sees every attempt: it counts attempts, drops the cached
// server after a connection failure, and logs.
type attemptTransport struct {
	client *Client
	next   http.RoundTripper
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// The attempt's deadline: it ends when the answer's body is read to its
	// end or closed, so it covers reading the answer too.
	var cancel context.CancelFunc = func() {}
	if t.client.timeout > 0 {
		var ctx context.Context
		ctx, cancel = context.WithTimeout(req.Context(), t.client.timeout)
		req = req.WithContext(ctx)
	}
	resp, err := t.attempt(req)
	if err != nil || resp == nil || resp.Body == nil {
		cancel()
		return resp, err
	}
	resp.Body = &attemptBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// attemptBody ends the attempt's deadline once the body is done with. On the
// read that reaches the end, net/http has already put the connection back
// in its pool, so ending the context then does not cost the keep-alive.
type attemptBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.cancel()
	}
	return n, err
}

func (b *attemptBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func (t *attemptTransport) attempt(req *http.Request) (*http.Response, error) {
	st := stateFrom(req.Context())
	if st == nil {
		return t.next.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	st.attempts++
	if err != nil && st.balanced && st.parent.Err() == nil {
		// The server the balancer named did not answer: the next use asks
		// the balancer again (compare-and-drop: only if still cached).
		t.client.bal.invalidate(st.server)
	}
	if t.client.logger != nil {
		fields := map[string]any{
			"op":          st.op,
			"method":      req.Method,
			"url":         safeURL(req.URL, st.secrets),
			"attempt":     st.attempts,
			"duration_ms": time.Since(start).Milliseconds(),
		}
		if err != nil {
			fields["error"] = scrub(err.Error(), st.secrets)
		} else {
			fields["status"] = resp.StatusCode
		}
		t.client.logger(req.Context(), "ortc request", fields)
	}
	return resp, err
}

// CloseIdleConnections forwards to the wrapped transport, so that
// retryablehttp and Client.CloseIdleConnections reach the pool.
func (t *attemptTransport) CloseIdleConnections() {
	if ci, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}
