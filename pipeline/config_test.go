package pipeline_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"payband/pipeline"
)

func loadErr(t *testing.T, body string, files ...string) error {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, "p.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := pipeline.LoadConfig(p)
	if err == nil {
		if _, err = cfg.ReportConfig(); err == nil {
			_, err = pipeline.Plan(cfg)
		}
	}
	return err
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"unknown key", "output: r\nsources:\n  - path: a.csv\n    profil: survey\n", "p.yaml:4:"},
		{"unknown top key", "output: r\nsources:\n  - path: a.csv\nretension:\n  keep: 3\n", "p.yaml:4:"},
		{"missing source", "output: r\nsources:\n  - path: a.csv\n  - path: raw/missing.csv\n", "p.yaml:4: source raw/missing.csv does not exist"},
		{"empty glob", "output: r\nsources:\n  - path: a.csv\n  - path: raw/*.tsv\n", "p.yaml:4: source raw/*.tsv matches no files"},
		{"no sources", "output: r\n", "sources: missing"},
		{"no output", "sources:\n  - path: a.csv\n", "output: missing"},
		{"bad ratio", "output: r\nsources:\n  - path: a.csv\ngates:\n  max_reject_ratio: 20\n", "p.yaml:5: gates.max_reject_ratio"},
		{"bad by", "output: r\nsources:\n  - path: a.csv\nreports:\n  - by: [salary]\n", "p.yaml:5: reports[0]: by: cannot group by \"salary\""},
		{"later entry setting", "output: r\nsources:\n  - path: a.csv\nreports:\n  - families: [ciso]\n  - families: [security-manager]\n    min_n: 3\n", "p.yaml:7: reports[1]: min_n is read from the first entry only"},
		{"bad point", "output: r\nsources:\n  - path: a.csv\n    point: top\n", "p.yaml:3: sources[0]:"},
		{"missing taxonomy", "output: r\nsources:\n  - path: a.csv\ntaxonomy: t.yaml\n", "p.yaml:4: taxonomy:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := loadErr(t, tc.body, "a.csv")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestConfigPathsAndReports(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "raw"), 0o755)
	for _, f := range []string{"raw/a.csv", "raw/b.csv", "c.tsv"} {
		os.WriteFile(filepath.Join(dir, f), []byte("x\n"), 0o644)
	}
	p := filepath.Join(dir, "p.yaml")
	os.WriteFile(p, []byte(`output: out
sources:
  - path: raw/*.csv
    profile: survey
  - path: raw/a.csv
    profile: lca
  - path: c.tsv
    format: tsv
    map: {title: Job, pay: Salary}
    year: 2024
reports:
  - families: [ciso, security-manager]
    by: [year, seniority]
  - families: [security-manager, security-engineer]
gates:
  max_reject_ratio: 0.2
retention:
  keep: 5
`), 0o644)
	cfg, err := pipeline.LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Output != filepath.Join(dir, "out") {
		t.Errorf("output %s", cfg.Output)
	}
	rc, err := cfg.ReportConfig()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ciso", "security-manager", "security-engineer"}; !reflect.DeepEqual(rc.Families, want) {
		t.Errorf("families %v", rc.Families)
	}
	if !reflect.DeepEqual(rc.By, []string{"year", "seniority"}) {
		t.Errorf("by %v", rc.By)
	}
	files, err := pipeline.Plan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, filepath.Base(f))
	}
	if want := []string{"c.tsv", "a.csv", "b.csv"}; len(got) != 3 {
		t.Errorf("files %v, want %v", got, want)
	}
}
