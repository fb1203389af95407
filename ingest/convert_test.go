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

func FuzzDateYear(f *testing.F) {
	for _, s := range []string{"03/15/2024", "2024-03-15", "02/29/2024", "02/29/2023", "2000-02-29", "1900-02-29",
		"13/01/2024", "00/10/2024", "04/31/2024", "2024-04-31", "0000-01-01", "1/2/2024", "2024-3-15", "03/15/24",
		"+3/15/2024", "03/1 /2024", "2024/03/15", "12/31/9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		y, ok := dateYear(s)
		if !ok {
			return
		}
		last := 0
		tm, err := parseDate(s, &last)
		if err != nil || tm.Year() != y {
			t.Fatalf("dateYear(%q) = %d; parseDate gives %v, %v", s, y, tm, err)
		}
	})
}

// cleanTitleTwoPass is cleanTitle's earlier form, kept as the reference its
// one-pass check must agree with.
func cleanTitleTwoPass(s string) string {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b == 0x7f || b >= 0x80 {
			return cleanText(s)
		}
	}
	if strings.Contains(s, "  ") {
		return cleanText(s)
	}
	return s
}

func FuzzCleanTitle(f *testing.F) {
	for _, s := range []string{"", " ", "  ", "a b", "a  b", "a ", " a", "a\tb", "a\x00b", "a\x7fb", "Sr. InfoSec Mgr",
		"caf\u00e9", "x\xffy", "a \u00a0b", "a\u2003\u2003b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := cleanTitle(s), cleanTitleTwoPass(s); got != want {
			t.Fatalf("cleanTitle(%q) = %q, want %q", s, got, want)
		}
	})
}
