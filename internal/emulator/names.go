package emulator

import (
	"strings"
	"unicode/utf8"
)

// Contract limits (shared/spec/ortc-rest-api.md). They are repeated here on
// purpose rather than imported from the client: the emulator must judge the
// client, not agree with it by construction.
const (
	minTTL               = 62        // seconds; the vendor says "greater than 61"
	maxTTL               = 1<<31 - 1 // keeps expiry arithmetic far from overflow
	maxPermissions       = 100       // channel fields per token
	maxChannelBytes      = 99        // iOS caps at 99, which satisfies every SDK
	maxSendBatchChannels = 50
	maxPushChannels      = 100
	maxPartBytes         = 800 // the whole M value, prefix included
	maxParts             = 100000
	maxMetadataEntries   = 100 // presence answers the first 100 metadata strings
)

// MaxBodyBytes bounds every request body; a larger one is answered 413.
const MaxBodyBytes = 1 << 20

// DefaultPageSize is the push API's page size when Options.PageSize is 0.
const DefaultPageSize = 100

// validName reports whether s matches ^[A-Za-z0-9_\-:/.]+$, the pattern of
// application keys, tokens and channels.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !nameByte(s[i]) {
			return false
		}
	}
	return true
}

func nameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '-' || c == ':' || c == '/' || c == '.'
}

// validTopic reports whether s matches ^[A-Za-z0-9_\-:]+$ (push channels
// have no '/' or '.').
func validTopic(s string) bool {
	if s == "" || len(s) > maxChannelBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !nameByte(c) || c == '/' || c == '.' {
			return false
		}
	}
	return true
}

// validChannel reports whether ch is a concrete channel: 1..99 bytes of the
// name pattern. Wildcards are not concrete.
func validChannel(ch string) bool {
	return len(ch) <= maxChannelBytes && validName(ch)
}

// isWildcard reports whether ch is a sub-channel wildcard "main:*". The
// contract puts the wildcard after the first ':' only, so main holds no ':'.
func isWildcard(ch string) bool {
	main, ok := strings.CutSuffix(ch, ":*")
	return ok && len(ch) <= maxChannelBytes && validName(main) && !strings.Contains(main, ":")
}

// validChannelEntry accepts what a permission or a presence switch may name:
// a concrete channel or a wildcard.
func validChannelEntry(ch string) bool {
	return validChannel(ch) || isWildcard(ch)
}

// wildcardOf returns the wildcard entry that covers ch ("main:*" for
// "main:x" and "main:x:y"), or "" when ch has no sub-channel part.
func wildcardOf(ch string) string {
	main, _, ok := strings.Cut(ch, ":")
	if !ok || main == "" {
		return ""
	}
	return main + ":*"
}

// normalizeLetters validates a permission string (a set of r, w, p) and
// returns it in canonical order, e.g. "pw" -> "wp".
func normalizeLetters(l string) (string, bool) {
	if l == "" {
		return "", false
	}
	var r, w, p bool
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case 'r':
			r = true
		case 'w':
			w = true
		case 'p':
			p = true
		default:
			return "", false
		}
	}
	var b strings.Builder
	if r {
		b.WriteByte('r')
	}
	if w {
		b.WriteByte('w')
	}
	if p {
		b.WriteByte('p')
	}
	return b.String(), true
}

// lettersAllow reports whether a canonical permission string grants letter;
// write implies read.
func lettersAllow(letters string, letter byte) bool {
	if strings.IndexByte(letters, letter) >= 0 {
		return true
	}
	return letter == 'r' && strings.IndexByte(letters, 'w') >= 0
}

// parseBool accepts the contract's booleans: 0/1 and true/false.
func parseBool(s string) (bool, bool) {
	switch s {
	case "1", "true":
		return true, true
	case "0", "false":
		return false, true
	}
	return false, false
}

// validCallback accepts a JSONP callback that is a dotted JavaScript
// identifier (jQuery's "jQuery1910_123" and "ns.cb" alike). Anything else
// could inject script into the answer.
func validCallback(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			ident := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$'
			if !ident && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

// cut shortens s to at most n bytes on a rune boundary, for quoting
// client input in error sentences.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
