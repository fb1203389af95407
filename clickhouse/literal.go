package clickhouse

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ClickHouse 18.16 has no bound parameters ({name:Type} came in 19.15), so
// the few values a statement carries are written here, strictly: strings
// quoted with every byte that could end or bend the literal escaped,
// numbers in Go's own shortest round-trip form, and nothing else.
// Identifiers are never written from input: table and column names are
// constants or come from bands.GroupColumns, and database and cluster
// names must pass isIdent.

// isIdent reports whether s is a plain identifier: [A-Za-z_][A-Za-z0-9_]*.
func isIdent(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// quoteString returns s as a ClickHouse string literal. Backslash and
// quote are escaped, and so is every control byte, so the literal is one
// line whatever s holds; other bytes (UTF-8 or not) pass as they are, since
// ClickHouse strings are bytes.
func quoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\0`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(&b, `\x%02X`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// intLiteral writes an integer.
func intLiteral(n int64) string { return strconv.FormatInt(n, 10) }

// floatLiteral writes a finite double in the shortest form that parses
// back to the same bits (a test holds the server to that). Inf and NaN
// have no place in a band query, and 18.16's parser fails on subnormal
// numbers, so those are refused.
func floatLiteral(f float64) (string, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "", fmt.Errorf("%v is not a finite number", f)
	}
	if f != 0 && math.Abs(f) < 0x1p-1022 {
		return "", fmt.Errorf("%v is too close to zero to write", f)
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0" // a double, not an integer literal
	}
	return s, nil
}
