package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func analystDB(t *testing.T) string {
	t.Helper()
	lca := sharedData(t, "h1b_sample_2015_2019.csv")
	survey := sharedData(t, "infosec_jobs_salaries_2025-08-03.csv")
	db := filepath.Join(t.TempDir(), "w.duckdb")
	mustRun(t, "--db", db, "-q", "ingest", lca, survey)
	return db
}

func TestBandsUnknownValuesAreUsageErrors(t *testing.T) {
	db := analystDB(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--family", "Security Manager"}, []string{`did you mean "security-manager"`, "ciso", "security-analyst"}},
		{[]string{"--family", "securty-manager"}, []string{`did you mean "security-manager"`}},
		{[]string{"--where", "family=secrity-engineer"}, []string{`did you mean "security-engineer"`}},
		{[]string{"--title", "Security Mangr"}, []string{`did you mean "Security Manager"`}},
		{[]string{"--where", "state=va"}, []string{`no state "va" (VA)`, "OH", "NY"}},
		{[]string{"--where", "state=Virginia"}, []string{`(VA)`, "OH"}},
		{[]string{"--where", "country=US,XX"}, []string{`no country "XX"`}},
		{[]string{"--where", "seniority=seniour"}, []string{`did you mean "senior"`}},
	} {
		args := append([]string{"--db", db, "bands"}, tc.args...)
		out, _, err := run(t, args...)
		if ExitCode(err) != exitUsage {
			t.Errorf("bands %v: exit %d (%v), want %d", tc.args, ExitCode(err), err, exitUsage)
			continue
		}
		if out != "" {
			t.Errorf("bands %v printed before failing:\n%s", tc.args, out)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("bands %v: %q lacks %q", tc.args, err, w)
			}
		}
	}
}

// States are postal codes or names in any case, and mean the same rows.
func TestBandsStateNamesAndCase(t *testing.T) {
	db := analystDB(t)
	want := mustRun(t, "--db", db, "bands", "--format", "csv", "--by", "state", "--where", "state=OH")
	if !strings.Contains(want, "OH,") {
		t.Fatalf("no OH band:\n%s", want)
	}
	for _, v := range []string{"oh", "Ohio", "OHIO"} {
		if got := mustRun(t, "--db", db, "bands", "--format", "csv", "--by", "state", "--where", "state="+v); got != want {
			t.Errorf("state=%s:\n%s\nwant\n%s", v, got, want)
		}
	}
	// Another column matched case-insensitively when that names one value.
	if got := mustRun(t, "--db", db, "bands", "--format", "csv", "--by", "seniority", "--where", "seniority=SENIOR"); !strings.Contains(got, "senior,") {
		t.Errorf("seniority=SENIOR:\n%s", got)
	}
}

func bandsJSON(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	var got []map[string]any
	out := mustRun(t, append(args, "--format", "json")...)
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return got
}

// Ranges and lists select what the equivalent queries count.
func TestBandsWhereRangesAndLists(t *testing.T) {
	db := analystDB(t)
	count := func(sql string) float64 {
		var rows []map[string]any
		if err := json.Unmarshal([]byte(mustRun(t, "--db", db, "query", "--format", "json", sql)), &rows); err != nil {
			t.Fatal(err)
		}
		return rows[0]["n"].(float64)
	}
	n := func(args ...string) float64 {
		got := bandsJSON(t, append([]string{"--db", db, "bands", "--min-n", "0"}, args...)...)
		if len(got) != 1 {
			t.Fatalf("%v: %d bands, want 1", args, len(got))
		}
		return got[0]["n"].(float64)
	}
	for _, tc := range []struct {
		args []string
		sql  string
	}{
		{[]string{"--where", "year>=2024"}, "SELECT count(*) AS n FROM salaries WHERE year >= 2024"},
		{[]string{"--where", "year<2025", "--where", "year>2016"}, "SELECT count(*) AS n FROM salaries WHERE year < 2025 AND year > 2016"},
		{[]string{"--where", "year<=2018"}, "SELECT count(*) AS n FROM salaries WHERE year <= 2018"},
		{[]string{"--where", "country=US,GB"}, "SELECT count(*) AS n FROM salaries WHERE country IN ('US', 'GB')"},
		{[]string{"--where", "state=oh,New York", "--where", "year>=2017"}, "SELECT count(*) AS n FROM salaries WHERE state IN ('OH', 'NY') AND year >= 2017"},
	} {
		// LCA filings count only when certified, in bands as here.
		want := count(tc.sql + " AND (case_status IS NULL OR upper(trim(case_status)) = 'CERTIFIED')")
		if want == 0 {
			t.Fatalf("%s: no rows; the test needs some", tc.sql)
		}
		if got := n(tc.args...); got != want {
			t.Errorf("bands %v: n = %v, want %v (%s)", tc.args, got, want, tc.sql)
		}
	}
	for _, bad := range [][]string{
		{"--where", "year>=2024", "--where", "year>2020"}, // two lower bounds
		{"--where", "year=2024", "--where", "year<2025"},  // a value and a range
		{"--where", "country>US"},                         // ranges are for numbers
		{"--where", "year>=twenty"},
		{"--where", "year>=2024,2025"},
		{"--where", "salary>=1"}, // not allow-listed
	} {
		if _, _, err := run(t, append([]string{"--db", db, "bands"}, bad...)...); ExitCode(err) != exitUsage {
			t.Errorf("bands %v: exit %d (%v), want %d", bad, ExitCode(err), err, exitUsage)
		}
	}
}

// A flag combination that cannot work fails before any table is printed.
func TestBandsFlagCombinationsCheckedFirst(t *testing.T) {
	db := analystDB(t)
	for _, args := range [][]string{
		{"--by", "family", "--with-published"},
		{"--family", "ciso", "--with-published", "--format", "json"},
	} {
		out, _, err := run(t, append([]string{"--db", db, "bands"}, args...)...)
		if ExitCode(err) != exitUsage {
			t.Errorf("bands %v: exit %d (%v), want %d", args, ExitCode(err), err, exitUsage)
		}
		if out != "" {
			t.Errorf("bands %v printed before failing:\n%s", args, out)
		}
	}
}

func TestBandsOutputForAnalysts(t *testing.T) {
	db := analystDB(t)
	// md: dollars with $ and separators, numeric columns right-aligned,
	// years plain.
	md := mustRun(t, "--db", db, "bands", "--family", "security-manager", "--by", "year", "--format", "md")
	// The columns every row shares (the family, the scope) are one line
	// above the table, which keeps it narrow.
	if !strings.HasPrefix(md, "scope: family security-manager; ") {
		t.Errorf("md does not open with the shared scope line:\n%s", md)
	}
	var lines []string
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "|") {
			lines = append(lines, l)
		}
		if n := len([]rune(l)); n > 160 {
			t.Errorf("md line of %d characters: %q", n, l)
		}
	}
	if len(lines) < 3 || !strings.HasPrefix(lines[1], "|---:|---:|---:|---:|") || !strings.HasSuffix(lines[1], "|---|---|") {
		t.Fatalf("md alignment row missing or %q, want numeric columns ---: (the year too) and text ---", lines)
	}
	if !strings.Contains(lines[2], "| 2020 |") || !strings.Contains(md, "$") {
		t.Errorf("md rows lack plain years or dollar signs:\n%s", md)
	}
	head := strings.Split(lines[0], " | ")
	mcol := slices.Index(head, "median")
	if mcol < 0 {
		t.Fatalf("md header %q has no median", lines[0])
	}
	for _, l := range lines[2:] {
		cells := strings.Split(l, " | ")
		if median := cells[mcol]; !strings.HasPrefix(median, "$") || !strings.Contains(median, ",") {
			t.Errorf("md median %q, want $ and a thousands separator", median)
		}
	}
	// json: the year is a number.
	for _, b := range bandsJSON(t, "--db", db, "bands", "--family", "ciso", "--by", "year", "--min-n", "1") {
		if _, ok := b["year"].(float64); !ok {
			t.Errorf("json year %#v is not a number", b["year"])
		}
	}
	// table: at most 190 characters grouped by three columns with
	// the scope columns that vary (it was 206 with every column), and
	// --wide brings back every column.
	for _, l := range strings.Split(mustRun(t, "--db", db, "bands", "--by", "family,year,seniority", "--min-n", "1"), "\n") {
		if n := len([]rune(l)); n > 190 {
			t.Errorf("table line of %d characters: %q", n, l)
			break
		}
	}
	if wide := mustRun(t, "--db", db, "bands", "--family", "ciso", "--wide"); !strings.Contains(wide, "stddev") || !strings.Contains(wide, "median_ci_low") {
		t.Errorf("--wide lacks stddev or median_ci_low:\n%s", wide)
	}
	// Levels run up the ladder, not alphabetically.
	var got []string
	for _, b := range bandsJSON(t, "--db", db, "bands", "--by", "seniority", "--min-n", "1") {
		got = append(got, b["seniority"].(string))
	}
	if want := []string{"intern", "entry", "mid", "senior", "lead", "principal", "executive", "unspecified"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("seniority order %v, want %v", got, want)
	}
}

func TestTitlesNormalizeJSONArrayAndLines(t *testing.T) {
	in := "Sr Security Engineer\nCISO\n"
	runIn := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if err := Run(context.Background(), args, strings.NewReader(in), &out, &errb); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errb.String())
		}
		return out.String()
	}
	var arr []map[string]any
	if err := json.Unmarshal([]byte(runIn("titles", "normalize", "--format", "json")), &arr); err != nil || len(arr) != 2 {
		t.Fatalf("--format json is not an array of 2: %v %v", err, arr)
	}
	if arr[1]["family"] != "ciso" {
		t.Errorf("second result %v", arr[1])
	}
	lines := strings.Split(strings.TrimSpace(runIn("titles", "normalize", "--format", "jsonl")), "\n")
	if len(lines) != 2 {
		t.Fatalf("--format jsonl: %d lines, want 2", len(lines))
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Errorf("jsonl line %q: %v", l, err)
		}
	}
}

// TestSyntheticDataIsMarked: demo data and files loaded with --synthetic
// are recorded as synthetic in their source, and every report drawn from
// them says so in a banner; a report of real files has none.
func TestSyntheticDataIsMarked(t *testing.T) {
	dir := t.TempDir()
	demo := filepath.Join(dir, "demo")
	mustRun(t, "demo", "--rows", "3000", "--out", demo)
	html, err := os.ReadFile(filepath.Join(demo, "report", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), `data-synthetic`) || !strings.Contains(string(html), "every source of this report is made up") {
		t.Error("the demo report has no synthetic-data banner")
	}
	db := filepath.Join(demo, "demo.duckdb")
	if out := mustRun(t, "--db", db, "query", "--format", "csv", "select synthetic from sources"); !strings.Contains(out, "true") {
		t.Errorf("the demo's source is not recorded as synthetic: %q", out)
	}

	gen := filepath.Join(dir, "gen.csv")
	mustRun(t, "gen", "--rows", "2000", "--profile", "survey", "--out", gen)
	real := filepath.Join(dir, "real.csv")
	if err := os.WriteFile(real, []byte("work_year,experience_level,employment_type,job_title,salary,salary_currency,salary_in_usd,employee_residence,remote_ratio,company_location,company_size\n"+
		"2024,SE,FT,Security Manager,150000,USD,150000,US,0,US,M\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := filepath.Join(dir, "w.duckdb")
	mustRun(t, "--db", w, "ingest", real)
	rep := filepath.Join(dir, "r1")
	mustRun(t, "--db", w, "report", "--out", rep)
	if b, _ := os.ReadFile(filepath.Join(rep, "report.md")); strings.Contains(string(b), "Synthetic data") {
		t.Error("a report of real files has a synthetic-data banner")
	}
	mustRun(t, "--db", w, "ingest", "--synthetic", gen)
	rep2 := filepath.Join(dir, "r2")
	mustRun(t, "--db", w, "report", "--out", rep2)
	md, err := os.ReadFile(filepath.Join(rep2, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "Synthetic data: 1 of 2 sources of this report are made up") {
		t.Errorf("report.md lacks the mixed synthetic banner:\n%.400s", md)
	}
	out := mustRun(t, "--db", w, "query", "--format", "csv", "select source, synthetic from sources order by source")
	if !strings.Contains(out, "gen.csv,true") || !strings.Contains(out, "real.csv,false") {
		t.Errorf("sources: %q", out)
	}
}
