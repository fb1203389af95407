package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"payband/warehouse"
)

// TestMain lets the test binary stand in for the payband binary when a test
// needs a second process (locking, exit codes).
func TestMain(m *testing.M) {
	if os.Getenv("PAYBAND_TEST_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func sharedData(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data not available: %v", err)
	}
	return p
}

// run calls Run in-process and returns stdout, stderr and the error.
func run(t testing.TB, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func mustRun(t testing.TB, args ...string) string {
	t.Helper()
	out, errs, err := run(t, args...)
	if err != nil {
		t.Fatalf("payband %s: %v\nstderr: %s", strings.Join(args, " "), err, errs)
	}
	return out
}

// quantile interpolates linearly between closest ranks of sorted values,
// as numpy's default (and DuckDB's quantile_cont) does.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := math.Floor(pos)
	frac := pos - lo
	i := int(lo)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + frac*(sorted[i+1]-sorted[i])
}

func TestBandsAgreeWithIndependentPercentiles(t *testing.T) {
	src := sharedData(t, "infosec_jobs_salaries_2025-08-03.csv")
	db := filepath.Join(t.TempDir(), "w.duckdb")
	out := mustRun(t, "--db", db, "ingest", src)
	if !strings.Contains(out, "read 65951,") {
		t.Errorf("ingest summary does not report 65951 rows read: %q", out)
	}
	out = mustRun(t, "--db", db, "ingest", src)
	if !strings.Contains(out, "already loaded") {
		t.Errorf("second ingest: %q, want already loaded", out)
	}

	// Independent computation: every pay_usd per family and year, sorted in
	// Go and interpolated.
	w, err := warehouse.Open(context.Background(), db, warehouse.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := w.DB.Query(`SELECT family, year, pay_usd FROM salaries`)
	if err != nil {
		t.Fatal(err)
	}
	byGroup := map[string][]float64{}
	for rows.Next() {
		var f, y string
		var p float64
		if err := rows.Scan(&f, &y, &p); err != nil {
			t.Fatal(err)
		}
		byGroup[f+"/"+y] = append(byGroup[f+"/"+y], p)
	}
	rows.Close()
	w.Close()
	cpi := map[string]float64{"2020": 258.811, "2021": 270.970, "2022": 292.655, "2023": 304.702, "2024": 313.689, "2025": 321.943}

	for _, tc := range []struct {
		name string
		args []string
	}{
		{"security-manager by year", []string{"--family", "security-manager", "--by", "year"}},
		{"every family by year", []string{"--by", "family,year", "--min-n", "1"}},
	} {
		for _, real := range []string{"", "2016"} {
			args := append([]string{"--db", db, "bands", "--format", "json"}, tc.args...)
			if real != "" {
				args = append(args, "--real", real)
			}
			var got []map[string]any
			if err := json.Unmarshal([]byte(mustRun(t, args...)), &got); err != nil {
				t.Fatal(err)
			}
			if len(got) < 3 {
				t.Fatalf("%s: only %d bands", tc.name, len(got))
			}
			for _, b := range got {
				fam, _ := b["family"].(string)                 // null for unmatched rows
				year := strconv.Itoa(int(b["year"].(float64))) // JSON years are numbers
				vals := append([]float64(nil), byGroup[fam+"/"+year]...)
				if real != "" {
					for i := range vals {
						vals[i] *= 240.007 / cpi[year]
					}
				}
				sort.Float64s(vals)
				if int(b["n"].(float64)) != len(vals) {
					t.Errorf("%s: %s/%s: n = %v, want %d", tc.name, fam, year, b["n"], len(vals))
					continue
				}
				want := map[string]float64{
					"min": vals[0], "max": vals[len(vals)-1],
					"p10": quantile(vals, 0.1), "p25": quantile(vals, 0.25), "median": quantile(vals, 0.5),
					"p75": quantile(vals, 0.75), "p90": quantile(vals, 0.9),
				}
				var sum float64
				for _, v := range vals {
					sum += v
				}
				want["mean"] = sum / float64(len(vals))
				// The median's interval: order statistics of ranks
				// n/2 ∓ 1.96·√n/2 (1-based), zero when a rank falls outside.
				n := float64(len(vals))
				lo := int(math.Floor(n/2 - 1.959964*math.Sqrt(n)/2))
				hi := int(math.Ceil(1 + n/2 + 1.959964*math.Sqrt(n)/2))
				want["median_ci_low"], want["median_ci_high"] = 0, 0
				if lo >= 1 && hi <= len(vals) {
					want["median_ci_low"], want["median_ci_high"] = vals[lo-1], vals[hi-1]
				}
				for k, v := range want {
					// A band without an interval leaves its fields out.
					if g, _ := b[k].(float64); g != math.Round(v) {
						t.Errorf("%s real=%q %s/%s %s = %v, independent %v", tc.name, real, fam, year, k, g, math.Round(v))
					}
				}
				wantBasis := "nominal"
				if real != "" {
					wantBasis = "real:" + real
				}
				if b["basis"] != wantBasis {
					t.Errorf("%s: basis %v, want %s", tc.name, b["basis"], wantBasis)
				}
			}
		}
	}

	out = mustRun(t, "--db", db, "query", "--format", "csv", "select family, count(*) from salaries group by 1 order by 1")
	if !strings.HasPrefix(out, "family,count_star()") || !strings.Contains(out, "security-manager,") {
		t.Errorf("query csv output: %q", out)
	}
	before := mustRun(t, "--db", db, "query", "--format", "csv", "select count(*) from salaries")
	for _, q := range []string{"delete from salaries", "drop view salaries", "copy salaries to 'x.csv'", "attach 'y.duckdb' as y", "create table t(a int)", "update observations set pay_usd = 0"} {
		_, _, err := run(t, "--db", db, "query", q)
		if err == nil {
			t.Errorf("query %q was not refused", q)
		}
	}
	if after := mustRun(t, "--db", db, "query", "--format", "csv", "select count(*) from salaries"); after != before {
		t.Errorf("refused writes changed the warehouse: %q -> %q", before, after)
	}
}

func TestSQLInjectionRefusedOrHarmless(t *testing.T) {
	src := sharedData(t, "salaries_cyber.csv")
	db := filepath.Join(t.TempDir(), "w.duckdb")
	mustRun(t, "--db", db, "ingest", src)
	_, _, err := run(t, "--db", db, "bands", "--by", "year; drop table salaries")
	if ExitCode(err) != exitUsage {
		t.Errorf("--by with SQL: err %v (exit %d), want a usage error", err, ExitCode(err))
	}
	// An unknown family is a usage error naming the taxonomy's ids; the
	// SQL in it is never run.
	out, _, err := run(t, "--db", db, "bands", "--family", "x' or '1'='1", "--format", "json")
	if ExitCode(err) != exitUsage || strings.TrimSpace(out) != "" {
		t.Errorf("--family with SQL: exit %d, output %q; want a usage error and nothing printed", ExitCode(err), out)
	}
	out, _, err = run(t, "--db", db, "bands", "--where", "employer=x' or '1'='1", "--format", "json")
	if ExitCode(err) != exitUsage || strings.TrimSpace(out) != "" {
		t.Errorf("--where with SQL: exit %d, output %q; want a usage error and nothing printed", ExitCode(err), out)
	}
	if n := mustRun(t, "--db", db, "query", "--format", "csv", "select count(*) > 0 from salaries"); !strings.Contains(n, "true") {
		t.Errorf("salaries damaged: %q", n)
	}
}

func TestSecondWriterExitsBusy(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(context.Background(), db, warehouse.Options{Command: "payband ingest big.csv"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cmd := exec.Command(os.Args[0], "--db", db, "ingest", "nonexistent.csv")
	cmd.Env = append(os.Environ(), "PAYBAND_TEST_AS_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitBusy {
		t.Fatalf("second writer: %v, want exit %d; stderr %s", err, exitBusy, stderr.String())
	}
	msg := stderr.String()
	if !strings.Contains(msg, "busy") || !strings.Contains(msg, "payband ingest big.csv") || !strings.Contains(msg, "pid") {
		t.Errorf("busy message does not say who holds it: %q", msg)
	}
	if strings.Count(strings.TrimSpace(msg), "\n") != 0 {
		t.Errorf("busy message is not one line: %q", msg)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"bands", "--format", "xml"},
		{"nosuchcommand"},
		{"bands", "--nosuchflag"},
		{"gen", "--rows", "0", "--out", "x.csv"},
		{"chart", "pie", "--out", "x.png"},
	} {
		_, _, err := run(t, append([]string{"--db", filepath.Join(t.TempDir(), "w.duckdb")}, args...)...)
		if ExitCode(err) != exitUsage {
			t.Errorf("payband %v: exit %d (%v), want %d", args, ExitCode(err), err, exitUsage)
		}
	}
}

func TestBandsWithPublishedOEWS(t *testing.T) {
	src := sharedData(t, "infosec_jobs_salaries_2025-08-03.csv")
	oews := sharedData(t, "national_M2024_dl.xlsx")
	db := filepath.Join(t.TempDir(), "w.duckdb")
	mustRun(t, "--db", db, "-q", "ingest", src, oews)
	out := mustRun(t, "--db", db, "bands", "--family", "security-manager", "--year", "2024", "--with-published")
	for _, want := range []string{
		"security-manager", // the computed band
		"Published figures for security-manager",
		"11-3021", "187990", "171200", "≥ 239,200", // OEWS 2024: mean, median, p90 top-coded
	} {
		if !strings.Contains(out, want) {
			t.Errorf("bands --with-published output lacks %q:\n%s", want, out)
		}
	}
	// 2016 asks for the seed band too, and it keeps its own figures.
	out = mustRun(t, "--db", db, "bands", "--family", "security-manager", "--year", "2016", "--with-published", "--format", "csv")
	if !strings.Contains(out, "60985") || !strings.Contains(out, "33037") || !strings.Contains(out, "109370") {
		t.Errorf("2016 reference band missing:\n%s", out)
	}
}

func TestChartCommandEveryKind(t *testing.T) {
	src := sharedData(t, "infosec_jobs_salaries_2025-08-03.csv")
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	mustRun(t, "--db", db, "-q", "ingest", src)
	for _, tc := range []struct {
		kind string
		args []string
	}{
		{"band", []string{"--by", "family"}},
		{"hist", []string{"--family", "security-manager", "--year", "2024"}},
		{"trend", []string{"--family", "security-manager", "--real", "2016"}},
		{"ladder", nil},
		{"box", []string{"--family", "security-manager", "--by", "experience_level"}},
	} {
		for _, ext := range []string{".png", ".svg"} {
			out := filepath.Join(dir, tc.kind+ext)
			args := append([]string{"--db", db, "-q", "chart", tc.kind, "--out", out}, tc.args...)
			mustRun(t, args...)
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			switch ext {
			case ".png":
				cfg, err := png.DecodeConfig(bytes.NewReader(b))
				if err != nil || cfg.Width != 1200 || cfg.Height != 700 {
					t.Errorf("%s: %dx%d, %v; want a 1200x700 PNG", out, cfg.Width, cfg.Height, err)
				}
			case ".svg":
				if !bytes.Contains(b, []byte("<svg")) || !bytes.Contains(b, []byte("$")) {
					t.Errorf("%s: not an SVG with dollar labels", out)
				}
				if tc.kind == "hist" && !bytes.Contains(b, []byte("distribution of pay in 2024<")) {
					t.Errorf("%s: the title does not name the year", out)
				}
				if tc.kind == "trend" && bytes.Contains(b, []byte("OEWS method change")) {
					t.Errorf("%s: survey-only trend has the OEWS method-change mark", out)
				}
			}
		}
	}
}

// chartSVG draws chart kind of the warehouse db as SVG, at --min-n 3 and
// with args, and returns the SVG.
func chartSVG(t *testing.T, db, kind string, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), kind+".svg")
	mustRun(t, append([]string{"--db", db, "-q", "chart", kind, "--min-n", "3", "--out", out}, args...)...)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestChartTrendMethodChange: chart trend marks the OEWS method change on
// LCA prevailing wages, which are set from OEWS-based tables, when its
// years span the change (the real 2015–2019 sample and a FY2023 fixture);
// a selection that ends before it has no mark, nor years past its own.
// Both series take the whole selection: --where ranges and --case-status
// count in the nominal medians too (n in the caption as bands gives it).
func TestChartTrendMethodChange(t *testing.T) {
	src := sharedData(t, "h1b_sample_2015_2019.csv")
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	mustRun(t, "--db", db, "-q", "ingest", src, filepath.Join("testdata", "lca_fy2023.csv"))
	chart := func(args ...string) string {
		t.Helper()
		return chartSVG(t, db, "trend", args...)
	}
	all := chart()
	if !strings.Contains(all, "OEWS method change (May 2021)") || !strings.Contains(all, ">2023<") {
		t.Error("the LCA prevailing-wage trend over 2015–2023 lacks the OEWS method-change mark or its last year")
	}
	early := chart("--where", "year<=2019")
	if strings.Contains(early, "OEWS method change") || strings.Contains(early, ">2021<") || strings.Contains(early, ">2023<") {
		t.Error("the trend of 2015–2019 draws the 2021 method change or years after 2019")
	}
	caption := regexp.MustCompile(`n = ([0-9,]+)`)
	for _, status := range []string{"certified", "all"} {
		m := caption.FindStringSubmatch(chart("--case-status", status))
		if m == nil {
			t.Fatalf("--case-status %s: no n in the caption", status)
		}
		out := mustRun(t, "--db", db, "bands", "--by", "year", "--min-n", "3", "--case-status", status, "--format", "csv")
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Fatalf("bands: %v %q", err, out)
		}
		n := 0
		for _, r := range rows[1:] {
			v, _ := strconv.Atoi(r[1])
			n += v
		}
		if got := strings.ReplaceAll(m[1], ",", ""); got != strconv.Itoa(n) {
			t.Errorf("--case-status %s: the chart counts n = %s, bands %d", status, m[1], n)
		}
	}
}

// TestChartLadderTakesTheSelection: the ladder's steps are bands of the
// whole selection: --where narrows them (the FY2023 fixture's Washington
// filings, not the sample's other states) and --case-status decides which
// filings count (6 certified of its 8).
func TestChartLadderTakesTheSelection(t *testing.T) {
	src := sharedData(t, "h1b_sample_2015_2019.csv")
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	mustRun(t, "--db", db, "-q", "ingest", src, filepath.Join("testdata", "lca_fy2023.csv"))
	step := regexp.MustCompile(`(?s)>([A-Za-z ]+ \(\d{4}\))</text>.*?>n = (\d[\d,]*?)(?:, low n)?<`)
	ladder := func(args ...string) map[string]string {
		t.Helper()
		steps := map[string]string{}
		for _, m := range step.FindAllStringSubmatch(chartSVG(t, db, "ladder", args...), -1) {
			steps[m[1]] = m[2]
		}
		return steps
	}
	if all := ladder(); len(all) < 2 {
		t.Fatalf("the unfiltered ladder has steps %v; the fixture means at least two", all)
	}
	for status, want := range map[string]string{"certified": "6", "all": "8"} {
		got := ladder("--where", "state=WA", "--case-status", status)
		if len(got) != 1 || got["Security Manager (2023)"] != want {
			t.Errorf("--where state=WA --case-status %s: steps %v, want only Security Manager (2023) with n = %s", status, got, want)
		}
	}
}

// TestOlderWarehouseMigrates: a file of schema version 1 is refused by the
// reading commands with a message naming the command that migrates it, and
// that command works.
func TestOlderWarehouseMigrates(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.duckdb")
	mustRun(t, "--db", db, "-q", "ingest", sharedData(t, "h1b_sample_2015_2019.csv"))
	want := mustRun(t, "--db", db, "bands", "--by", "year", "--format", "csv")
	// Turn it back into a version 1 file: case numbers and titles as text.
	w, err := warehouse.Open(context.Background(), db, warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.Exec(`UPDATE observations SET case_number = printf('%s-%03d-%05d-%06d', chr(CAST(65 + case_code // 100000000000000 AS INTEGER)),
    (case_code // 100000000000) % 1000, (case_code // 1000000) % 100000, case_code % 1000000) WHERE case_code IS NOT NULL;
ALTER TABLE observations DROP COLUMN case_code;
ALTER TABLE observations ADD COLUMN title_raw VARCHAR;
UPDATE observations o SET title_raw = st.title_raw FROM source_titles st WHERE st.title_id = o.title_id;
ALTER TABLE observations DROP COLUMN title_id;
DROP VIEW salaries; DROP VIEW title_map; DROP TABLE source_titles;
DELETE FROM schema_version WHERE version >= 2`); err != nil {
		t.Fatal(err)
	}
	var odd int
	if err := w.DB.QueryRow(`SELECT count(*) FROM observations WHERE NOT regexp_full_match(case_number, '[A-Z]-[0-9]{3}-[0-9]{5}-[0-9]{6}')`).Scan(&odd); err != nil || odd != 0 {
		t.Fatalf("unpacked case numbers: %d not in the DOL shape (%v)", odd, err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	_, _, err = run(t, "--db", db, "bands", "--by", "year")
	if err == nil || !strings.Contains(err.Error(), "payband check --migrate") {
		t.Fatalf("bands on a version 1 file: %v, want a message naming 'payband check --migrate'", err)
	}
	if out := mustRun(t, "--db", db, "check", "--migrate"); !strings.Contains(out, "ok") {
		t.Errorf("check --migrate: %s", out)
	}
	if got := mustRun(t, "--db", db, "bands", "--by", "year", "--format", "csv"); got != want {
		t.Errorf("bands after the migration differ:\n%s\nwant\n%s", got, want)
	}
	// Loading the same filings again under another name finds every case
	// number among the migrated rows.
	dup := filepath.Join(t.TempDir(), "again.csv")
	b, err := os.ReadFile(sharedData(t, "h1b_sample_2015_2019.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dup, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, err := run(t, "--db", db, "ingest", dup)
	if err != nil || !strings.Contains(out+errs, "loaded 0,") {
		t.Errorf("the same filings again: %v\n%s%s", err, out, errs)
	}
}
