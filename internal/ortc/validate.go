package ortc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Contract limits, shared with the provider's validators (one source of truth).
const (
	// MinTTL is the shortest token life the server accepts (the vendor says
	// "greater than 61").
	MinTTL = 62
	// MaxTTL is the longest token life, and the longest publish TTL: servers
	// and SDKs read the TTL as a 32-bit integer (the emulator refuses more).
	MaxTTL = 1<<31 - 1
	// MaxPermissions is the most channel permissions one token may hold.
	MaxPermissions = 100
	// MaxChannelBytes is the longest channel name (iOS caps at 99; the other
	// SDKs at 100).
	MaxChannelBytes = 99
	// MaxSendBatchChannels is the most channels of one sendbatch.
	MaxSendBatchChannels = 50
	// MaxPushChannels is the most channels of one push publishbatch.
	MaxPushChannels = 100
	// MaxPartBytes is the longest M value (framing prefix included).
	MaxPartBytes = 800
)

var (
	// NamePattern is the syntax of application keys, tokens and channels.
	NamePattern = regexp.MustCompile(`^[A-Za-z0-9_\-:/.]+$`)
	// TopicPattern is the syntax of push channels (topics): no "/" or ".".
	TopicPattern = regexp.MustCompile(`^[A-Za-z0-9_\-:]+$`)
)

// reservedAuthField reports the form fields of /authenticate that are not
// channels: a channel of that name cannot be expressed in the form.
func reservedAuthField(name string) bool {
	switch name {
	case "AT", "PVT", "AK", "PK", "TTL", "TP":
		return true
	}
	return false
}

// ValidationError reports an input refused before any request was made.
// Value is empty when the value is a secret (token, key): it is never
// quoted.
type ValidationError struct {
	Field string // what was checked, e.g. "channel", "ttl", `permissions["main"]`
	Value string // the refused value, cut to 100 bytes; "" for secrets
	Rule  string // the rule it broke, as a sentence fragment
}

func (e *ValidationError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("ortc: invalid %s: %s", e.Field, e.Rule)
	}
	return fmt.Sprintf("ortc: invalid %s %q: %s", e.Field, e.Value, e.Rule)
}

// quoteValue keeps error messages short: values are cut to 100 bytes.
func quoteValue(s string) string { return cut(s, 100) }

// ValidateChannel checks a channel name: 1 to 99 bytes matching NamePattern,
// or a wildcard "main:*" (every sub-channel of main) where main has no ":".
func ValidateChannel(ch string) error {
	return validateChannel("channel", ch)
}

func validateChannel(field, ch string) error {
	if ch == "" {
		return &ValidationError{Field: field, Rule: "must not be empty"}
	}
	if len(ch) > MaxChannelBytes {
		return &ValidationError{Field: field, Value: quoteValue(ch), Rule: fmt.Sprintf("must be at most %d bytes (got %d)", MaxChannelBytes, len(ch))}
	}
	if main, ok := strings.CutSuffix(ch, ":*"); ok {
		if main == "" || strings.Contains(main, ":") || !NamePattern.MatchString(main) {
			return &ValidationError{Field: field, Value: quoteValue(ch), Rule: `a wildcard must be "<main>:*" with <main> matching ` + NamePattern.String() + ` and holding no ":"`}
		}
		return nil
	}
	if !NamePattern.MatchString(ch) {
		return &ValidationError{Field: field, Value: quoteValue(ch), Rule: "must match " + NamePattern.String() + ` (or be a wildcard "<main>:*")`}
	}
	return nil
}

// validateConcreteChannel refuses wildcards where one channel is meant: a
// message goes to one channel and presence is read per channel; the server
// answers 400 to "*" in either.
func validateConcreteChannel(field, ch string) error {
	if err := validateChannel(field, ch); err != nil {
		return err
	}
	if strings.HasSuffix(ch, ":*") {
		return &ValidationError{Field: field, Value: quoteValue(ch), Rule: `must be one concrete channel, not a wildcard "<main>:*"`}
	}
	return nil
}

// validatePathChannel checks ch with one (validateChannel, or
// validateConcreteChannel where a wildcard is refused) and also refuses
// channels that cannot travel as the rest of a URL path: an empty segment or
// a "." or ".." segment would be rewritten by path cleaning on the way (the
// server would see another channel).
func validatePathChannel(ch string, one func(field, ch string) error) error {
	if err := one("channel", ch); err != nil {
		return err
	}
	for _, seg := range strings.Split(ch, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return &ValidationError{Field: "channel", Value: quoteValue(ch), Rule: `cannot be used in a presence URL: empty, "." or ".." path segment`}
		}
	}
	return nil
}

// ValidateTopic checks a push channel (topic) against TopicPattern.
func ValidateTopic(t string) error {
	return validateTopic("topic", t)
}

func validateTopic(field, t string) error {
	if t == "" {
		return &ValidationError{Field: field, Rule: "must not be empty"}
	}
	if len(t) > MaxChannelBytes {
		return &ValidationError{Field: field, Value: quoteValue(t), Rule: fmt.Sprintf("must be at most %d bytes", MaxChannelBytes)}
	}
	if !TopicPattern.MatchString(t) {
		return &ValidationError{Field: field, Value: quoteValue(t), Rule: "must match " + TopicPattern.String()}
	}
	return nil
}

// ValidateToken checks an authentication token's syntax. The token is a
// secret: the error never quotes it.
func ValidateToken(t string) error {
	if t == "" {
		return &ValidationError{Field: "token", Rule: "must not be empty"}
	}
	if !NamePattern.MatchString(t) {
		return &ValidationError{Field: "token", Rule: "must match " + NamePattern.String() + " (value hidden)"}
	}
	return nil
}

// validatePathToken also refuses "." and ".." which path cleaning would eat.
func validatePathToken(t string) error {
	if err := ValidateToken(t); err != nil {
		return err
	}
	if t == "." || t == ".." {
		return &ValidationError{Field: "token", Rule: `cannot be "." or ".." in a presence URL (value hidden)`}
	}
	return nil
}

// ValidateLetters checks a permission: a non-empty set of r (read), w (write,
// implies read) and p (presence). Order and repeats do not matter.
func ValidateLetters(l string) error {
	return validateLetters("letters", l)
}

func validateLetters(field, l string) error {
	if l == "" {
		return &ValidationError{Field: field, Rule: "must not be empty: use r, w and/or p"}
	}
	for _, r := range l {
		if r != 'r' && r != 'w' && r != 'p' {
			return &ValidationError{Field: field, Value: quoteValue(l), Rule: "may only hold r (read), w (write) and p (presence), lower case"}
		}
	}
	return nil
}

// NormalizeLetters returns the set of letters in the canonical order r, w, p
// ("pw" → "wp", "rrw" → "rw"). Letters other than r, w, p are dropped;
// check with ValidateLetters first.
func NormalizeLetters(l string) string {
	var b strings.Builder
	for _, want := range "rwp" {
		if strings.ContainsRune(l, want) {
			b.WriteRune(want)
		}
	}
	return b.String()
}

// validateChannelList checks a batch: min..max channels, each valid, no
// repeats (a repeat would deliver twice to one channel).
func validateChannelList(field string, chs []string, limit int, one func(field, ch string) error) error {
	if len(chs) == 0 {
		return &ValidationError{Field: field, Rule: fmt.Sprintf("must hold 1 to %d channels", limit)}
	}
	if len(chs) > limit {
		return &ValidationError{Field: field, Value: strconv.Itoa(len(chs)) + " channels", Rule: fmt.Sprintf("must hold at most %d channels", limit)}
	}
	seen := make(map[string]bool, len(chs))
	for i, ch := range chs {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := one(f, ch); err != nil {
			return err
		}
		if seen[ch] {
			return &ValidationError{Field: f, Value: quoteValue(ch), Rule: "is repeated: each channel may appear once"}
		}
		seen[ch] = true
	}
	return nil
}

// validateJSONObject accepts nil (not set) or a JSON object.
func validateJSONObject(field string, raw json.RawMessage) error {
	if len(raw) == 0 {
		return nil
	}
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	var obj map[string]json.RawMessage
	if len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(raw, &obj) != nil {
		return &ValidationError{Field: field, Value: quoteValue(string(raw)), Rule: "must be a JSON object"}
	}
	return nil
}

// validateMessage refuses an empty message before framing does, so the
// field is named the way the caller knows it.
func validateMessage(m string) error {
	if m == "" {
		return &ValidationError{Field: "message", Rule: "must not be empty"}
	}
	return nil
}

// requirePrivateKey is the check for every call made with the private key.
func (c *Client) requirePrivateKey(op string) error {
	if c.privateKey == "" {
		return &ValidationError{Field: "private_key", Rule: "is required for " + op}
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }
