package clickhouse

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// literalOK checks the shape quoteString promises: one quoted line, every
// quote and backslash inside escaped.
func literalOK(lit string) bool {
	if len(lit) < 2 || lit[0] != '\'' || lit[len(lit)-1] != '\'' {
		return false
	}
	body := lit[1 : len(lit)-1]
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '\\':
			i++
			if i == len(body) {
				return false
			}
		case c == '\'', c < 0x20, c == 0x7f:
			return false
		}
	}
	return true
}

func FuzzQuoteString(f *testing.F) {
	for _, s := range []string{"", "a", "'", "\\", "\\'", "'; DROP TABLE x; --", "\x00\n\t\r\x7f", "é", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if lit := quoteString(s); !literalOK(lit) {
			t.Fatalf("quoteString(%q) = %s, not one closed literal", s, lit)
		}
	})
}

func TestIsIdent(t *testing.T) {
	for s, want := range map[string]bool{
		"payband": true, "_x1": true, "A_b": true, "": false, "1a": false, "a-b": false,
		"a.b": false, "a b": false, "a`b": false, "é": false, strings.Repeat("a", 201): false,
	} {
		if got := isIdent(s); got != want {
			t.Errorf("isIdent(%q) = %v, want %v", s, got, want)
		}
	}
}

// The server reads back every literal as the value it was written from:
// strings byte for byte, doubles bit for bit.
func TestLiteralsOnServer(t *testing.T) {
	servers := startServers(t, 1)
	c := NewClient(servers[0].HTTP, "", "")
	ctx := context.Background()
	var all strings.Builder
	for b := 0; b < 256; b++ {
		all.WriteByte(byte(b))
	}
	strs := []string{"", "plain", "O'Reilly", `back\slash`, `\'`, "'; DROP TABLE x; --", all.String(), "tab\there\nnew"}
	for _, s := range strs {
		r, err := c.Query(ctx, "SELECT hex("+quoteString(s)+")")
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		got, _, _ := asString(r.Data[0][0])
		if want := strings.ToUpper(hex.EncodeToString([]byte(s))); got != want {
			t.Errorf("%q reads back as %s, want %s", s, got, want)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	floats := []float64{0, 1, -1, 0.1, 1.0 / 3, 1e300, 0x1p-1022, -math.MaxFloat64, math.MaxFloat64, 1.2599210498948732, 123456.78901234567}
	for range 200 {
		floats = append(floats, math.Float64frombits(rng.Uint64()&^(0x7ff<<52)|uint64(rng.IntN(0x7fe)+1)<<52))
		floats = append(floats, rng.Float64()*3)
	}
	for _, f := range floats {
		lit, err := floatLiteral(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := c.Query(ctx, "SELECT hex(reinterpretAsString(toFloat64("+lit+")))")
		if err != nil {
			t.Fatalf("%s: %v", lit, err)
		}
		got, _, _ := asString(r.Data[0][0])
		got += strings.Repeat("0", 16-len(got)) // reinterpretAsString drops trailing zero bytes
		want := strings.ToUpper(hex.EncodeToString(binary.LittleEndian.AppendUint64(nil, math.Float64bits(f))))
		if got != want {
			t.Errorf("%s reads back as %s, want %s", lit, got, want)
		}
	}
	for _, f := range []float64{math.Inf(1), math.NaN(), 5e-324, -1e-310} {
		if _, err := floatLiteral(f); err == nil {
			t.Errorf("floatLiteral(%v) is no error", f)
		}
	}
}
