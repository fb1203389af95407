package main

import (
	"database/sql"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// TestCompareAgreesWithIndependentPercentile loads the real survey and
// checks compare's percentile, n and median against counts taken straight
// from the warehouse file with plain SQL.
func TestCompareAgreesWithIndependentPercentile(t *testing.T) {
	src := sharedData(t, "infosec_jobs_salaries_2025-08-03.csv")
	db := filepath.Join(t.TempDir(), "w.duckdb")
	mustRun(t, "--db", db, "ingest", src)
	cases := []struct {
		pay   string
		value float64
		args  []string
		where string
	}{
		{"145000", 145000, []string{"--family", "security-manager", "--year", "2025"},
			"family = 'security-manager' AND year = 2025 AND country = 'US'"},
		{"$90,000", 90000, []string{"--family", "security-analyst", "--year", "2024", "--country", "all"},
			"family = 'security-analyst' AND year = 2024"},
		{"250k", 250000, []string{"--family", "security-engineer", "--year", "2025", "--country", "GB"},
			"family = 'security-engineer' AND year = 2025 AND country = 'GB'"},
	}
	for _, c := range cases {
		out := mustRun(t, append([]string{"--db", db, "compare", c.pay, "--format", "json"}, c.args...)...)
		var got struct {
			Percentile, CILow, CIHigh, Median float64
			N                                 int
		}
		var raw map[string]any
		if err := json.Unmarshal([]byte(out), &raw); err != nil {
			t.Fatalf("%s: %v\n%s", c.pay, err, out)
		}
		got.Percentile, got.CILow, got.CIHigh = raw["percentile"].(float64), raw["ci_low"].(float64), raw["ci_high"].(float64)
		got.N, got.Median = int(raw["n"].(float64)), raw["median"].(float64)

		conn, err := sql.Open("duckdb", db+"?access_mode=read_only")
		if err != nil {
			t.Fatal(err)
		}
		var n, below int
		var median float64
		err = conn.QueryRow(`SELECT count(*), count(*) FILTER (WHERE pay_usd <= ?), quantile_cont(pay_usd, 0.5)
			FROM salaries WHERE `+c.where, c.value).Scan(&n, &below, &median)
		conn.Close()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Fatalf("%s: the scope has no rows; the case tests nothing", c.pay)
		}
		want := math.Round(1000*float64(below)/float64(n)) / 10
		if got.N != n || got.Percentile != want || got.Median != math.Round(median) {
			t.Errorf("%s %v: got n=%d pct=%v median=%v; independent n=%d pct=%v median=%v",
				c.pay, c.args, got.N, got.Percentile, got.Median, n, want, math.Round(median))
		}
		if !(got.CILow <= got.Percentile && got.Percentile <= got.CIHigh) || got.CIHigh-got.CILow <= 0 {
			t.Errorf("%s: interval [%v, %v] does not hold %v", c.pay, got.CILow, got.CIHigh, got.Percentile)
		}
	}
	// The sentence names the scope and the interval.
	out := mustRun(t, "--db", db, "compare", "145000", "--family", "security-manager")
	for _, w := range []string{"$145,000 is at the", "95% CI", "country US", "year 2025", "n = "} {
		if !strings.Contains(out, w) {
			t.Errorf("compare sentence lacks %q:\n%s", w, out)
		}
	}
	if _, _, err := run(t, "--db", db, "compare", "145000"); err == nil {
		t.Error("compare without --family succeeded")
	}
	if _, _, err := run(t, "--db", db, "compare", "NaN", "--family", "ciso"); err == nil {
		t.Error("compare NaN succeeded")
	}
}

// TestCompareStatesItsPopulation: compare says whom its n counts, and
// when the scope pools source kinds (the real survey's 2023 answers and the
// FY2023 fixture's offered wages) it says so and how to see them apart.
func TestCompareStatesItsPopulation(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.duckdb")
	mustRun(t, "--db", db, "-q", "ingest", sharedData(t, "infosec_jobs_salaries_2025-08-03.csv"), filepath.Join("testdata", "lca_fy2023.csv"))
	pooled := mustRun(t, "--db", db, "compare", "150000", "--family", "security-manager", "--year", "2023")
	for _, w := range []string{"rows (lca-offered + survey) in the United States", "pool source kinds (lca-offered, survey)", "--where source_kind="} {
		if !strings.Contains(pooled, w) {
			t.Errorf("a pooled comparison lacks %q:\n%s", w, pooled)
		}
	}
	survey := mustRun(t, "--db", db, "compare", "150000", "--family", "security-manager", "--year", "2023", "--where", "source_kind=survey")
	if !strings.Contains(survey, "survey answers in the United States") || strings.Contains(survey, "pool source kinds") {
		t.Errorf("a survey-only comparison:\n%s", survey)
	}
	for status, units := range map[string]string{"certified": "n = 6 certified H-1B filings (offered wage)", "all": "n = 8 H-1B filings (offered wage)"} {
		out := mustRun(t, "--db", db, "compare", "150000", "--family", "security-manager", "--year", "2023", "--where", "source_kind=lca-offered", "--case-status", status)
		if !strings.Contains(out, units) {
			t.Errorf("--case-status %s: the comparison lacks %q:\n%s", status, units, out)
		}
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(mustRun(t, "--db", db, "compare", "150000", "--family", "security-manager", "--year", "2023", "--format", "json")), &raw); err != nil {
		t.Fatal(err)
	}
	if raw["population"] != "rows (lca-offered + survey) in the United States" || len(raw["kinds"].([]any)) != 2 {
		t.Errorf("compare --format json: population %v, kinds %v", raw["population"], raw["kinds"])
	}
}
