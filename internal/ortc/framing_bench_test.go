package ortc_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

// The framer's cost, for `make bench` (which compares runs with benchstat).
// Framing is pure CPU, so these numbers are the steadiest of the lot.

// mixedText is size bytes of UTF-8 cycling through 1- to 4-byte
// characters, so that part borders keep landing inside multi-byte ones.
func mixedText(size int) string {
	const cycle = "Hello, world! é ß Ω ж € 中 日本語 😀 𝄞 🚀 0123456789 "
	var b strings.Builder
	b.Grow(size)
	for b.Len() < size {
		for _, r := range cycle {
			if b.Len()+utf8.RuneLen(r) > size {
				b.WriteString(strings.Repeat("x", size-b.Len())) // the exact size, in ASCII
				break
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

func BenchmarkFrame(b *testing.B) {
	for _, tc := range []struct {
		name string
		text string
	}{
		{"ascii-1KiB", strings.Repeat("a", 1<<10)},
		{"mixed-64KiB", mixedText(64 << 10)},
		{"mixed-1MiB", mixedText(1 << 20)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.text)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ortc.Frame("abcd1234", tc.text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNewMessageID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = ortc.NewMessageID()
	}
}
