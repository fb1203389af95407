package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTitlesReviewLoop: unmatched and review lists written with --out,
// edited, become the overrides that remap applies and explain names.
func TestTitlesReviewLoop(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	src := filepath.Join(dir, "survey.csv")
	body := "work_year,experience_level,employment_type,job_title,salary,salary_currency,salary_in_usd,employee_residence,remote_ratio,company_location,company_size\n"
	for _, title := range []string{"Security Engineer", "Security Engineer", "Cyber Security", "Cyber Security", "Cyber Security",
		"Security Specialist", "Security Specialist", "Widget Wrangler", "Widget Wrangler", "Widget Wrangler", "Widget Wrangler", "=Security Guy"} {
		body += "2024,MI,FT,\"" + title + "\",100000,USD,100000,US,0,US,M\n"
	}
	if err := os.WriteFile(src, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "--db", db, "ingest", src)

	unmatched := filepath.Join(dir, "unmatched.csv")
	mustRun(t, "--db", db, "titles", "unmatched", "--out", unmatched)
	recs := readCSV(t, unmatched)
	if len(recs) != 3 || strings.Join(recs[0], ",") != "title_raw,rows,family,title,level,confidence,method" ||
		recs[1][0] != "Widget Wrangler" || recs[1][1] != "4" || recs[2][0] != "=Security Guy" {
		t.Fatalf("unmatched CSV = %q", recs)
	}
	review := filepath.Join(dir, "review.csv")
	mustRun(t, "--db", db, "titles", "review", "--out", review)
	recs = readCSV(t, review)
	if len(recs) != 3 || recs[1][0] != "Cyber Security" || recs[1][2] != "security-analyst" || recs[2][0] != "Security Specialist" {
		t.Fatalf("review CSV = %q", recs)
	}

	// The analyst decides: Widget Wrangler is a security engineer at senior
	// level, "=Security Guy" stays unmatched on purpose, Cyber Security is
	// right (kept), Security Specialist left to the matcher (row deleted).
	over := filepath.Join(dir, "overrides.csv")
	edited := "title_raw,rows,family,title,level,confidence,method\n" +
		"Widget Wrangler,4,security-engineer,,senior,,\n" +
		"=Security Guy,1,none,,,,\n" +
		"Cyber Security,3,security-analyst,Security Analyst,,0.66,rule\n"
	if err := os.WriteFile(over, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "--db", db, "titles", "remap", "--overrides", over)
	if !strings.Contains(out, "1 changed") {
		t.Errorf("remap: %s", out)
	}
	got := mustRun(t, "--db", db, "query", "--format", "csv", "select title_raw, family, seniority, method from title_map order by 1")
	for _, want := range []string{"Widget Wrangler,security-engineer,senior,exact", "Cyber Security,security-analyst,unspecified,exact", "Security Specialist,security-analyst,unspecified,rule"} {
		if !strings.Contains(got, want) {
			t.Errorf("title map lacks %q:\n%s", want, got)
		}
	}
	ex := mustRun(t, "titles", "explain", "--overrides", over, "Widget Wrangler")
	if !strings.Contains(ex, "overrides.csv:2") || !strings.Contains(ex, "family security-engineer") {
		t.Errorf("explain does not name the override:\n%s", ex)
	}

	// A family the taxonomy does not have is one clear error with the line.
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("title_raw,family\nA,security-manager\nB,security-wizard\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := run(t, "--db", db, "titles", "remap", "--overrides", bad)
	if err == nil || !strings.Contains(err.Error(), "bad.csv:3") || !strings.Contains(err.Error(), `"security-wizard"`) {
		t.Errorf("bad overrides: %v", err)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
