package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCSVOutputNeutralizesFormulas: every command's CSV output prefixes a
// cell a spreadsheet would run (= + - @, tab, CR at the start) with ',
// as the report's bands.csv does.
func TestCSVOutputNeutralizesFormulas(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	src := filepath.Join(dir, "s.csv")
	formulas := []string{`"=HYPERLINK(""http://evil.example"",""x"")"`, "@SUM(A1)", "+1+2", "-3+4"}
	var b strings.Builder
	b.WriteString(surveyHeader + "\n")
	for _, f := range formulas {
		b.WriteString(surveyRow(f, "100000"))
	}
	if err := os.WriteFile(src, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "--db", db, "-q", "ingest", src)
	for _, args := range [][]string{
		{"titles", "unmatched", "--format", "csv"},
		{"query", "--format", "csv", "SELECT title_raw FROM salaries"},
		{"query", "--format", "csv", "SELECT title_raw AS \"=x\", count(*) FROM salaries GROUP BY 1"},
	} {
		out := mustRun(t, append([]string{"--db", db}, args...)...)
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, rec := range recs {
			for _, c := range rec {
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					t.Errorf("%v: live formula cell %q", args, c)
				}
				if strings.HasPrefix(c, "'") {
					n++
				}
			}
		}
		if n < len(formulas) {
			t.Errorf("%v: %d neutralized cells, want at least %d:\n%s", args, n, len(formulas), out)
		}
	}
}

// TestTerminalOutputEscapesControls: ESC and newlines in a file name or a
// cell reach the terminal escaped, never raw.
func TestTerminalOutputEscapesControls(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	src := filepath.Join(dir, "evil\x1b[2J\nname.csv")
	genFile(t, src, "survey", 20, 1)
	out, errs, err := run(t, "--db", db, "ingest", src)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(out+errs, 0x1b) || strings.Count(out, "\n") != 1 || !strings.Contains(out, `evil\x1b[2J\nname.csv`) {
		t.Errorf("ingest printed the file name raw: %q %q", out, errs)
	}
	for _, format := range []string{"table", "md"} {
		out = mustRun(t, "--db", db, "query", "--format", format, "SELECT chr(27) || '[31mred' AS x, 'a' || chr(10) || 'b' AS y, source FROM sources")
		if strings.ContainsRune(out, 0x1b) || !strings.Contains(out, `\x1b[31mred`) || !strings.Contains(out, `a\nb`) {
			t.Errorf("query --format %s: %q", format, out)
		}
		if n := strings.Count(out, "\n"); (format == "table" && n != 2) || (format == "md" && n != 3) {
			t.Errorf("query --format %s: %d lines: %q", format, n, out)
		}
	}
	// An error naming such a file, as main prints it.
	msg, code := childRun(t, 30*time.Second, "--db", db, "ingest", filepath.Join(dir, "gone\x1b]0;title\x07.csv"))
	if code == 0 || strings.ContainsAny(msg, "\x1b\x07") || !strings.Contains(msg, `\x1b]0;title\x07`) {
		t.Errorf("an error naming a file: exit %d, %q", code, msg)
	}
}
