package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLevelsAndLabelsCLI: bands --by level over the survey has one group
// per level the data holds, by rank; chart band --by family labels the
// unmatched rows (unmatched).
func TestLevelsAndLabelsCLI(t *testing.T) {
	src := sharedData(t, "infosec_jobs_salaries_2025-08-03.csv")
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	mustRun(t, "--db", db, "ingest", src)
	var got []map[string]any
	out := mustRun(t, "--db", db, "bands", "--family", "security-manager", "--by", "level", "--format", "json")
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	var levels []string
	for _, b := range got {
		levels = append(levels, b["level"].(string))
		if b["scope_kinds"] != "survey" {
			t.Errorf("scope_kinds %v", b["scope_kinds"])
		}
	}
	if strings.Join(levels, ",") != "entry,mid,senior,executive" {
		t.Errorf("levels %v", levels)
	}
	svg := filepath.Join(dir, "f.svg")
	mustRun(t, "--db", db, "chart", "band", "--by", "family", "--out", svg)
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "(unmatched)") || strings.Contains(string(b), ">all<") {
		t.Error("chart band --by family does not label unmatched rows (unmatched)")
	}
}
