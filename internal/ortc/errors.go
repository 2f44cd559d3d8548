package ortc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// APIError is an HTTP answer outside 2xx (or a push answer carrying an
// exception). Body is the server's text, cut to 500 bytes, with every secret
// known to the call replaced by "***": the server may echo a key.
type APIError struct {
	Op        string // operation: balancer, authenticate, send, publish, sendbatch, presence_enable, ...
	Status    int    // HTTP status of the last attempt
	Body      string // server text (push: the exception's message), secrets scrubbed
	Attempts  int    // attempts made, retries included
	Exception string // push only: the exception kind
}

// Error reads "ortc: <op>: HTTP <status>: <body>", plus " after N attempts"
// when the call was retried.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ortc: %s: HTTP %d", e.Op, e.Status)
	msg := e.Body
	if e.Exception != "" {
		if msg == "" {
			msg = e.Exception
		} else {
			msg = e.Exception + ": " + msg
		}
	}
	if msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

// ConnectionError reports an attempt that got no HTTP answer: refused
// connection, DNS failure, reset, per-attempt timeout. URL is the request's
// URL with any secret path segment replaced by "***". It is transient.
type ConnectionError struct {
	Op       string
	Method   string
	URL      string
	Attempts int
	Err      error // the cause (net, TLS or timeout error)

	msg string // Err's text with secrets scrubbed, fixed when built
}

func (e *ConnectionError) Error() string {
	msg := e.msg
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	s := fmt.Sprintf("ortc: %s: %s %s: %s", e.Op, e.Method, e.URL, msg)
	if e.Attempts > 1 {
		s += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	return s
}

// Unwrap gives errors.Is and errors.As the cause.
func (e *ConnectionError) Unwrap() error { return e.Err }

// MayHaveArrived reports a failed call whose request may still have reached
// the server: the connection broke or timed out after it was made, so no
// answer says either way. For a delivery this means a receiver may have the
// message although the call failed; delivering again may duplicate it.
func MayHaveArrived(err error) bool {
	var ce *ConnectionError
	return errors.As(err, &ce) && !neverLeft(ce.Err)
}

// ErrPresenceNotEnabled is returned (wrapped) by Presence when the server
// answers `null`: presence is off on the channel.
var ErrPresenceNotEnabled = errors.New("ortc: presence is not enabled on the channel")

// ErrNoServer reports a balancer answer naming no server (`undefined` or
// `unknown_server`): the application key is unknown or disabled.
type ErrNoServer struct {
	Body string // the balancer's answer, cut to 200 bytes
}

func (e *ErrNoServer) Error() string {
	return fmt.Sprintf("ortc: balancer: no messaging server for this application key (answer %q): check that the application key exists and is enabled", e.Body)
}

// IsUnauthorized reports a 401: bad application key, private key or token,
// or a missing permission.
func IsUnauthorized(err error) bool { return hasStatus(err, 401) }

// IsBadRequest reports a 400: a missing or invalid parameter.
func IsBadRequest(err error) bool { return hasStatus(err, 400) }

// IsTransient reports a failure worth trying again later: 429, 5xx, or no
// answer at all. A cancelled context and a refused TLS certificate are not.
func IsTransient(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status == 429 || (ae.Status >= 500 && ae.Status <= 599)
	}
	// No answer is transient, unless the certificate is refused: that
	// needs a person, not a later try.
	var ce *ConnectionError
	return errors.As(err, &ce) && !permanent(ce.Err)
}

func hasStatus(err error, status int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == status
}

// scrub replaces every secret (and its percent-encoded and JSON-escaped
// spellings, as a server may echo the form or the JSON it received) with
// "***".
func scrub(s string, secrets []string) string {
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		quoted, _ := json.Marshal(sec)
		for _, form := range [...]string{sec, url.QueryEscape(sec), url.PathEscape(sec), string(quoted[1 : len(quoted)-1])} {
			s = strings.ReplaceAll(s, form, "***")
		}
	}
	return s
}

type secretsKey struct{}

// WithSecrets returns a context whose calls keep these values out of their
// errors and log lines, the way every call keeps out the private key and
// its token: for values only the caller knows to be secret, such as a
// write-only message. A message given here is kept out part by part too
// (each part's chunk), since a server may echo the part it refused.
func WithSecrets(ctx context.Context, secrets ...string) context.Context {
	all := secretsFrom(ctx)
	for _, s := range secrets {
		if s != "" {
			all = append(all, s)
		}
	}
	return context.WithValue(ctx, secretsKey{}, all)
}

// secretsFrom returns a copy of the secrets WithSecrets put in ctx.
func secretsFrom(ctx context.Context) []string {
	s, _ := ctx.Value(secretsKey{}).([]string)
	return append([]string(nil), s...)
}

// cut shortens s to at most n bytes without splitting a UTF-8 sequence, and
// says so with "…".
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
