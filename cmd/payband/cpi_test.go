package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"payband/pay"
)

// TestRealPastTheCPITable: rows of a year BLS has no annual average for yet
// do not make --real fail: they carry the latest average, the output says
// so, and the report states it too.
func TestRealPastTheCPITable(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	_, last := pay.DefaultCPI().Years()
	next := last + 1
	var b strings.Builder
	b.WriteString(surveyHeader + "\n")
	for i := 0; i < 40; i++ {
		b.WriteString(strings.Replace(surveyRow("Security Manager", "150000"), "2024,", itoa(last)+",", 1))
		b.WriteString(strings.Replace(surveyRow("Security Manager", "160000"), "2024,", itoa(next)+",", 1))
	}
	src := filepath.Join(dir, "s.csv")
	if err := os.WriteFile(src, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "--db", db, "-q", "ingest", src)
	out, errs, err := run(t, "--db", db, "bands", "--by", "year", "--real", "2016", "--format", "json")
	if err != nil {
		t.Fatalf("bands --real with a %d row: %v", next, err)
	}
	if !strings.Contains(errs, "annual average for "+itoa(next)) || !strings.Contains(errs, itoa(last)+"'s, the latest") {
		t.Errorf("no note of the carried year: %q", errs)
	}
	var bands []map[string]any
	if err := json.Unmarshal([]byte(out), &bands); err != nil {
		t.Fatal(err)
	}
	cpi16, _ := pay.DefaultCPI().Index(2016)
	cpiLast, _ := pay.DefaultCPI().Index(last)
	want := map[string]float64{itoa(last): 150000 * cpi16 / cpiLast, itoa(next): 160000 * cpi16 / cpiLast}
	if len(bands) != 2 {
		t.Fatalf("bands: %s", out)
	}
	for _, bd := range bands {
		y := strconv.Itoa(int(bd["year"].(float64)))
		if bd["median"].(float64) != math.Round(want[y]) {
			t.Errorf("%s real median %v, want %v", y, bd["median"], math.Round(want[y]))
		}
	}
	// A target year past the table is refused with the year named.
	if _, _, err := run(t, "--db", db, "bands", "--real", itoa(next)); ExitCode(err) != exitUsage || !strings.Contains(err.Error(), itoa(next)) {
		t.Errorf("--real %d: %v", next, err)
	}
	// The report with real: says it too.
	cfg := filepath.Join(dir, "r.yaml")
	if err := os.WriteFile(cfg, []byte("families: [security-manager]\nby: [year]\nmin_n: 5\nreal: 2016\ncharts: [band]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := filepath.Join(dir, "rep")
	mustRun(t, "--db", db, "-q", "report", "--config", cfg, "--out", rep)
	md, err := os.ReadFile(filepath.Join(rep, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "annual average for "+itoa(next)) {
		t.Errorf("report.md does not say %d carries the latest CPI-U", next)
	}
}
