package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestFlagValidation: numeric and repeated flags that used to be ignored,
// silently disable a check or turn every row away are usage errors (exit
// 2, one sentence) before anything is opened.
func TestFlagValidation(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	src := filepath.Join(dir, "s.csv")
	genFile(t, src, "survey", 20, 1)
	for _, args := range [][]string{
		{"ingest", "--min-pay", "NaN", src},
		{"ingest", "--min-pay", "-1", src},
		{"ingest", "--min-pay", "+Inf", src},
		{"ingest", "--max-pay", "0", src},
		{"ingest", "--max-pay", "NaN", src},
		{"ingest", "--min-pay", "500000", "--max-pay", "400000", src},
		{"ingest", "--year", "99999", src},
		{"ingest", "--year", "-5", src},
		{"ingest", "--profile", "generic", "--map", "title=job_title,title=salary", src},
		{"bands", "--year", "99999"},
		{"bands", "--min-n", "-1"},
		{"bands", "--where", "family=security-manager", "--where", "family=ciso"},
		{"bands", "--family", "ciso", "--where", "family=security-manager"},
		{"bands", "--real", "1800"},
		{"chart", "hist", "--year", "99999", "--out", filepath.Join(dir, "x.png")},
		{"titles", "unmatched", "--top", "0"},
		{"query", "--limit", "-3", "select 1"},
		{"demo", "--rows", "-1", "--out", filepath.Join(dir, "demo")},
		{"--threads", "-2", "bands"},
		{"--wait", "-1s", "bands"},
		{"export", "--out", filepath.Join(dir, "e"), "--partition", "year,year"},
	} {
		_, _, err := run(t, append([]string{"--db", db}, args...)...)
		if ExitCode(err) != exitUsage || strings.Contains(err.Error(), "\n") {
			t.Errorf("payband %v: %v (exit %d), want a one-line usage error", args, err, ExitCode(err))
		}
	}
	// Nothing was loaded or made by any of them.
	if _, _, err := run(t, "--db", db, "check"); err == nil {
		t.Error("a refused command created the warehouse")
	}
	// Different columns in --where are ANDed.
	genFile(t, src, "survey", 300, 1)
	mustRun(t, "--db", db, "-q", "ingest", src)
	recs := queryCSV(t, db, "select year, seniority, count(*) from salaries group by 1, 2 order by 3 desc limit 1")
	year, sen, want := recs[0][0], recs[0][1], recs[0][2]
	var bands []map[string]any
	out := mustRun(t, "--db", db, "bands", "--format", "json", "--min-n", "1", "--where", "seniority="+sen, "--where", "year="+year)
	if err := json.Unmarshal([]byte(out), &bands); err != nil {
		t.Fatal(err)
	}
	if len(bands) != 1 || fmt.Sprint(bands[0]["n"]) != want {
		t.Errorf("--where seniority=%s --where year=%s: %s, want one band of n=%s", sen, year, out, want)
	}
}
