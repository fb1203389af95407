package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestTerminalText(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                  "plain",
		"a\x1b[2Jb":              `a\x1b[2Jb`,
		"line\nbreak\r\ttab":     `line\nbreak\r\ttab`,
		"del\x7f c1\u009b":       `del\x7f c1\x9b`,
		"bidi\u202egnp.exe":      `bidi\u202egnp.exe`,
		"ünïcödé €":              "ünïcödé €",
		"sep\u2028x\u2029y":      `sep\u2028x\u2029y`,
		"bom\ufeffisolate\u2066": `bom\ufeffisolate\u2066`,
	} {
		if got := TerminalText(in); got != want {
			t.Errorf("TerminalText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWriteDefaults: the zero RenderOptions neutralize CSV formula cells
// and escape terminal controls; RawCSV turns the first off.
func TestWriteDefaults(t *testing.T) {
	tb := Table{Columns: []string{"=h", "v"}, Rows: [][]any{{"=HYPERLINK(1)", "a\x1bb"}, {"@x", "-1"}}}
	var buf bytes.Buffer
	if err := tb.Write(&buf, "csv", RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "'=h,v\n'=HYPERLINK(1),a\x1bb\n'@x,'-1\n" {
		t.Errorf("csv %q", got)
	}
	buf.Reset()
	if err := tb.Write(&buf, "csv", RenderOptions{RawCSV: true}); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "=h,v\n=HYPERLINK(1),a\x1bb\n@x,-1\n" {
		t.Errorf("raw csv %q", got)
	}
	for _, f := range []string{"table", "md"} {
		buf.Reset()
		if err := tb.Write(&buf, f, RenderOptions{}); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsRune(buf.String(), 0x1b) || !strings.Contains(buf.String(), `a\x1bb`) {
			t.Errorf("%s %q", f, buf.String())
		}
	}
}
