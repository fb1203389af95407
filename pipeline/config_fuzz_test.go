package pipeline_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"payband/pipeline"
)

// FuzzLoadConfig: LoadConfig never panics on any config file, and every
// error names the file. An accepted config also plans and yields a report
// config without panicking.
func FuzzLoadConfig(f *testing.F) {
	for _, s := range []string{
		"output: r\nsources:\n  - path: a.csv\n",
		"output: r\nsources:\n  - path: raw/*.csv\n    profile: lca\n    map: {title: JOB, pay: WAGE}\n    delimiter: tab\ntaxonomy: t.yaml\nreports:\n  - families: [security-manager]\n    by: [year, state]\n    min_n: 5\n    real: 2016\ngates:\n  max_reject_ratio: 0.2\n",
		"output: r\nsources:\n  - path: '[a.csv'\n",
		"output: r\nsources: [{path: a.csv, min_pay: 5e6, max_pay: 1}]\n",
		"output: r\nsources:\n  - path: a.csv\nreports:\n  - by: [\"x;drop\"]\n",
		"sources: &s [*s]\n",
		"output: ../../../../etc\nsources:\n  - path: /dev/null\n",
		"\x00\xff",
		"output: r\nsources:\n  - path: a.csv\n  - path: a.csv\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.csv"), []byte("x\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "raw"), 0o755); err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "raw", "b.csv"), []byte("x\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(dir, "fuzz-config.yaml")
	f.Fuzz(func(t *testing.T, src []byte) {
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := pipeline.LoadConfig(path)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz-config.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if _, err := cfg.ReportConfig(); err != nil && !strings.Contains(err.Error(), "fuzz-config.yaml") {
			t.Logf("report config: %v", err)
		}
		_, _ = pipeline.Plan(cfg)
	})
}
