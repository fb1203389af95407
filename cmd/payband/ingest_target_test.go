package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestGenericPublished: --map with band figures loads a re-formatted
// published table; --target is checked as a usage error.
func TestIngestGenericPublished(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.duckdb")
	src := filepath.Join("..", "..", "ingest", "testdata", "published", "wa_esd_oews_2023.csv")
	const m = "occupation=Occupation Title,code=SOC,area=Area,area_name=Area Name,year=Year,mean=Mean Annual Wage,median=Median Annual Wage,p90=90th Percentile"
	out := mustRun(t, "--db", db, "-q", "ingest", "--map", m, src)
	if !strings.Contains(out, "read 5, loaded 4, rejected 1, duplicates 0 (generic") {
		t.Errorf("summary %q", out)
	}
	out = mustRun(t, "--db", db, "query", "--format", "csv", "SELECT area_name, code, p90 FROM published_bands WHERE code = '11-3021'")
	if !strings.Contains(out, "Washington,11-3021,239200") {
		t.Errorf("published row: %q", out)
	}
	for _, args := range [][]string{
		{"ingest", "--target", "bogus", "--map", m, src},
		{"ingest", "--profile", "lca", "--target", "published", src},
	} {
		if _, _, err := run(t, append([]string{"--db", db}, args...)...); ExitCode(err) != exitUsage {
			t.Errorf("payband %v: exit %d (%v), want %d", args, ExitCode(err), err, exitUsage)
		}
	}
}
