package pipeline_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const lcaConfig = `output: reports
sources:
  - path: raw/*.csv
    profile: lca
    dataset: dol-lca
reports:
  - by: [year]
    min_n: 1
    charts: [band]
`

// writeQuarter writes a DOL-shaped LCA file holding the cases from..to.
func (f *fixture) writeQuarter(t *testing.T, name string, from, to int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("CASE_NUMBER,CASE_STATUS,RECEIVED_DATE,JOB_TITLE,EMPLOYER_NAME,WORKSITE_STATE,WAGE_RATE_OF_PAY_FROM,WAGE_UNIT_OF_PAY,PREVAILING_WAGE,PW_UNIT_OF_PAY\n")
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "I-200-24001-%06d,Certified,01/%02d/2024,Security Manager,ACME,CA,%d,Year,110000,Year\n", i, 1+i%28, 100000+i*1000)
	}
	if err := os.WriteFile(filepath.Join(f.dir, "raw", name), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) salaries(t *testing.T) string {
	t.Helper()
	w := f.open(t)
	defer w.Close()
	rows, err := w.DB.Query(`SELECT source, count(*) FROM salaries GROUP BY 1 ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s=%d", s, n))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if problems, err := w.Check(t.Context()); err != nil || len(problems) > 0 {
		t.Errorf("check: %q, %v", problems, err)
	}
	return strings.Join(out, " ")
}

// TestPruneKeepsYearToDateRows: a year-to-date Q2 file repeats Q1's cases.
// With both loaded, removing Q1 and running --prune keeps every Q2 row.
func TestPruneKeepsYearToDateRows(t *testing.T) {
	f := newFixture(t)
	f.writeQuarter(t, "q1.csv", 1, 40)
	f.writeQuarter(t, "q2.csv", 1, 90) // year to date: Q1's 40 and 50 more
	cfg := f.config(t, lcaConfig)
	f.mustRun(t, cfg)
	if got := f.salaries(t); got != "q1.csv=40 q2.csv=50" {
		t.Fatalf("both loaded: %s", got)
	}
	if err := os.Remove(filepath.Join(f.dir, "raw", "q1.csv")); err != nil {
		t.Fatal(err)
	}
	m, err := f.run(t, cfg, true)
	if err != nil {
		t.Fatalf("run --prune: %v\n%s", err, f.logs.String())
	}
	if len(m.Removed) != 1 || !m.Removed[0].Retired {
		t.Errorf("removed %+v", m.Removed)
	}
	if got := f.salaries(t); got != "q2.csv=90" {
		t.Errorf("after removing Q1 and pruning: %s, want every Q2 row (90)", got)
	}
}

// TestPruneAfterRename: renaming a file and running --prune keeps its rows
// (the source follows the file) instead of publishing a report without
// them.
func TestPruneAfterRename(t *testing.T) {
	f := newFixture(t)
	f.writeQuarter(t, "q1.csv", 1, 40)
	cfg := f.config(t, lcaConfig)
	f.mustRun(t, cfg)
	if err := os.Rename(filepath.Join(f.dir, "raw", "q1.csv"), filepath.Join(f.dir, "raw", "fy2024_q1.csv")); err != nil {
		t.Fatal(err)
	}
	m, err := f.run(t, cfg, true)
	if err != nil {
		t.Fatalf("run --prune: %v\n%s", err, f.logs.String())
	}
	if len(m.Removed) != 1 || m.Removed[0].Retired || !strings.HasSuffix(m.Removed[0].MovedTo, "fy2024_q1.csv") {
		t.Errorf("removed %+v", m.Removed)
	}
	if got := f.salaries(t); got != "fy2024_q1.csv=40" {
		t.Errorf("after the rename: %s", got)
	}
	// The next run finds the file where its source says it is.
	m = f.mustRun(t, cfg)
	if len(m.Removed) != 0 || actions(m)["fy2024_q1.csv"] != "unchanged" {
		t.Errorf("next run: removed %+v, actions %v", m.Removed, actions(m))
	}
}
