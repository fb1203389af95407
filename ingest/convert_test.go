package ingest

import (
	"strings"
	"testing"
)

func FuzzTrimSpace(f *testing.F) {
	for _, s := range []string{"", "x", " x ", "\u00a0x", "x\u00a0", "\u2003", "a\tb", "\x85x", "x\xc2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := trimSpace(s), strings.TrimSpace(s); got != want {
			t.Fatalf("trimSpace(%q) = %q, strings.TrimSpace gives %q", s, got, want)
		}
	})
}
