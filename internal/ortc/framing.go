package ortc

import (
	"crypto/rand"
	"regexp"
	"strconv"
	"unicode/utf8"
)

// idPattern is the framing id: 8 characters [a-z0-9].
var idPattern = regexp.MustCompile(`^[a-z0-9]{8}$`)

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// NewMessageID returns a random framing id: 8 characters [a-z0-9] from
// crypto/rand (ids must not collide between concurrent senders).
func NewMessageID() string {
	var out [8]byte
	var buf [16]byte
	n := 0
	for n < len(out) {
		_, _ = rand.Read(buf[:]) // never fails (Go ≥ 1.24 aborts the program instead)
		for _, b := range buf {
			// 252 = 7×36: rejecting the top 4 values keeps every letter equally likely.
			if b >= 252 {
				continue
			}
			out[n] = idAlphabet[b%36]
			n++
			if n == len(out) {
				break
			}
		}
	}
	return string(out[:])
}

// Frame cuts a message into the M values of the ORTC framing:
// "<id>_<part>-<total>_<chunk>", each at most MaxPartBytes bytes of UTF-8
// including the prefix, chunks cut between runes. id "" means a random id.
// The message must be non-empty valid UTF-8.
func Frame(id, message string) ([]string, error) {
	if id == "" {
		id = NewMessageID()
	} else if !idPattern.MatchString(id) {
		return nil, &ValidationError{Field: "id", Value: quoteValue(id), Rule: "must be 8 characters [a-z0-9]"}
	}
	if message == "" {
		return nil, &ValidationError{Field: "message", Rule: "must not be empty"}
	}
	if !utf8.ValidString(message) {
		return nil, &ValidationError{Field: "message", Rule: "must be valid UTF-8"}
	}
	// The room left for a chunk depends on the digits of total, which depends
	// on the cutting: guess 1 part, cut, and repeat with the count found until
	// it is stable. The count never shrinks as the guess grows (more digits,
	// less room), so the guesses climb to the fixed point in a few rounds.
	total := 1
	for {
		chunks := cutChunks(id, message, total)
		if len(chunks) == total {
			parts := make([]string, total)
			for i, ch := range chunks {
				parts[i] = prefix(id, i+1, total) + ch
			}
			return parts, nil
		}
		total = len(chunks)
	}
}

func prefix(id string, part, total int) string {
	return id + "_" + strconv.Itoa(part) + "-" + strconv.Itoa(total) + "_"
}

// cutChunks cuts greedily, each chunk as long as its part allows, backing
// off to a rune start so no multi-byte character is split.
func cutChunks(id, message string, total int) []string {
	var chunks []string
	for part := 1; message != ""; part++ {
		room := MaxPartBytes - len(prefix(id, part, total))
		if room >= len(message) {
			chunks = append(chunks, message)
			break
		}
		n := room
		for n > 0 && !utf8.RuneStart(message[n]) {
			n--
		}
		chunks = append(chunks, message[:n])
		message = message[n:]
	}
	return chunks
}
