package ortc

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

var framePattern = regexp.MustCompile(`^([a-z0-9]{8})_([1-9][0-9]*)-([1-9][0-9]*)_`)

// checkFrame verifies every property of Frame's output for message and
// returns the parts' chunks in order.
func checkFrame(t *testing.T, id, message string, parts []string) {
	t.Helper()
	if len(parts) == 0 {
		t.Fatal("no parts")
	}
	var b strings.Builder
	for i, p := range parts {
		if len(p) > MaxPartBytes {
			t.Fatalf("part %d is %d bytes > %d", i+1, len(p), MaxPartBytes)
		}
		if !utf8.ValidString(p) {
			t.Fatalf("part %d is not valid UTF-8", i+1)
		}
		m := framePattern.FindStringSubmatch(p)
		if m == nil {
			t.Fatalf("part %d %q has no framing prefix", i+1, cut(p, 40))
		}
		if id != "" && m[1] != id {
			t.Fatalf("part %d id %q, want %q", i+1, m[1], id)
		}
		if m[1] != framePattern.FindStringSubmatch(parts[0])[1] {
			t.Fatalf("part %d has another id", i+1)
		}
		if m[2] != strconv.Itoa(i+1) || m[3] != strconv.Itoa(len(parts)) {
			t.Fatalf("part %d prefix %q, want %d-%d", i+1, m[0], i+1, len(parts))
		}
		chunk := p[len(m[0]):]
		if chunk == "" {
			t.Fatalf("part %d is empty", i+1)
		}
		b.WriteString(chunk)
	}
	if b.String() != message {
		t.Fatal("reassembled parts differ from the message")
	}
}

func TestFrame(t *testing.T) {
	t.Parallel()
	const id = "abc12345"
	onePartRoom := MaxPartBytes - len("abc12345_1-1_") // 787
	tests := []struct {
		name    string
		message string
		parts   int
	}{
		{"a short message is one part", "This is the message", 1},
		{"a message filling one part exactly is one part", strings.Repeat("x", onePartRoom), 1},
		{"one byte more makes two parts", strings.Repeat("x", onePartRoom+1), 2},
		{"nine full parts stay single-digit", strings.Repeat("x", 9*onePartRoom), 9},
		// 9 parts of 787 bytes plus one: the tenth part makes total two digits,
		// which shrinks every part's room by one byte.
		{"a tenth part widens every prefix", strings.Repeat("x", 9*onePartRoom+1), 10},
		{"multibyte runes are never split", strings.Repeat("é", 1000), 3},
		{"four-byte runes are never split", strings.Repeat("😀", 500), 3},
		{"mixed widths", strings.Repeat("aé€😀", 400), 6}, // 4000 bytes
		{"a hundred parts", strings.Repeat("y", 100*780), 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			parts, err := Frame(id, tt.message)
			if err != nil {
				t.Fatal(err)
			}
			checkFrame(t, id, tt.message, parts)
			if len(parts) != tt.parts {
				t.Errorf("got %d parts, want %d", len(parts), tt.parts)
			}
		})
	}
}

func TestFrame_example(t *testing.T) {
	t.Parallel()
	parts, err := Frame("81e070f0", "This is the message")
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 1 || parts[0] != "81e070f0_1-1_This is the message" {
		t.Errorf("got %q", parts)
	}
}

func TestFrame_refusesBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, id, message, field string
	}{
		{"an empty message", "abc12345", "", "message"},
		{"invalid UTF-8", "abc12345", "ok\xffnot", "message"},
		{"an id too short", "abc", "m", "id"},
		{"an id with capitals", "ABC12345", "m", "id"},
		{"an id with a dash", "abc-2345", "m", "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Frame(tt.id, tt.message)
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Fatalf("got %v, want a ValidationError on %s", err, tt.field)
			}
		})
	}
}

func TestFrame_randomID(t *testing.T) {
	t.Parallel()
	parts, err := Frame("", strings.Repeat("z", 2000))
	if err != nil {
		t.Fatal(err)
	}
	checkFrame(t, "", strings.Repeat("z", 2000), parts)
}

func TestNewMessageID(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 1000 {
		id := NewMessageID()
		if !idPattern.MatchString(id) {
			t.Fatalf("id %q is not 8 [a-z0-9]", id)
		}
		if seen[id] {
			t.Fatalf("id %q repeated", id)
		}
		seen[id] = true
	}
}

func FuzzFrame(f *testing.F) {
	f.Add("abc12345", "This is the message")
	f.Add("", strings.Repeat("é", 1000))
	f.Add("0123abcd", strings.Repeat("x", 9*787+1))
	f.Add("zzzzzzzz", "a\xffb")
	f.Fuzz(func(t *testing.T, id, message string) {
		parts, err := Frame(id, message)
		valid := (id == "" || idPattern.MatchString(id)) && message != "" && utf8.ValidString(message)
		if !valid {
			if err == nil {
				t.Fatalf("Frame(%q, %q) accepted bad input", id, message)
			}
			return
		}
		if err != nil {
			t.Fatalf("Frame(%q, …) = %v", id, err)
		}
		checkFrame(t, id, message, parts)
	})
}
