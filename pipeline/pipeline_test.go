package pipeline_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"payband/bands"
	"payband/pipeline"
	"payband/synth"
	"payband/titles"
	"payband/warehouse"
)

var t0 = time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)

// fixture is a config directory with raw/ inputs and a warehouse.
type fixture struct {
	dir, db string
	runs    int
	logs    bytes.Buffer
	matcher *titles.Matcher // the last run's
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "raw"), 0o755); err != nil {
		t.Fatal(err)
	}
	return &fixture{dir: dir, db: filepath.Join(dir, "w.duckdb")}
}

func (f *fixture) gen(t *testing.T, name string, rows int, seed int64, profile string) {
	t.Helper()
	var b bytes.Buffer
	if err := synth.Generate(context.Background(), &b, synth.Options{Rows: rows, Seed: seed, Profile: profile}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.dir, "raw", name), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) config(t *testing.T, body string) *pipeline.Config {
	t.Helper()
	p := filepath.Join(f.dir, "pipeline.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := pipeline.LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// run runs the pipeline with a clock one hour after the previous run.
func (f *fixture) run(t *testing.T, cfg *pipeline.Config, prune bool) (pipeline.Manifest, error) {
	t.Helper()
	now := t0.Add(time.Duration(f.runs) * time.Hour)
	f.runs++
	opts := pipeline.Options{
		DB: f.db, Prune: prune, Version: "test",
		Logger: slog.New(slog.NewJSONHandler(&f.logs, nil)),
		Now:    func() time.Time { return now },
	}
	pipeline.ObserveMatcher(&opts, func(m *titles.Matcher) { f.matcher = m })
	return pipeline.Run(context.Background(), cfg, opts)
}

func (f *fixture) mustRun(t *testing.T, cfg *pipeline.Config) pipeline.Manifest {
	t.Helper()
	m, err := f.run(t, cfg, false)
	if err != nil {
		t.Fatalf("run: %v\nlog:\n%s", err, f.logs.String())
	}
	if m.Outcome != pipeline.OutcomeOK {
		t.Fatalf("outcome %q", m.Outcome)
	}
	return m
}

func (f *fixture) latest(t *testing.T) string {
	t.Helper()
	l, err := os.Readlink(filepath.Join(f.dir, "reports", "latest"))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (f *fixture) open(t *testing.T) *warehouse.Warehouse {
	t.Helper()
	w, err := warehouse.Open(context.Background(), f.db, warehouse.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// checkMedians recomputes the bands by family and year and checks that the
// manifest holds each family's latest band: its year, n and median.
func checkMedians(t *testing.T, f *fixture, m pipeline.Manifest) {
	t.Helper()
	w := f.open(t)
	bs, _, err := bands.ComputeBands(context.Background(), w.DB,
		bands.BandQuery{By: []string{"family", "year"}, MinN: bands.DefaultMinN}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]pipeline.Median{}
	for _, b := range bs {
		fam := b.Value("family")
		y, err := strconv.Atoi(b.Value("year"))
		if fam == "" || err != nil {
			continue
		}
		if cur, ok := want[fam]; !ok || y > cur.Year {
			want[fam] = pipeline.Median{Family: fam, Year: y, N: b.N, Median: b.Median}
		}
	}
	got := map[string]pipeline.Median{}
	for _, md := range m.Medians {
		got[md.Family] = md
	}
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("manifest medians\n%v\nbands by family, year\n%v", got, want)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func actions(m pipeline.Manifest) map[string]string {
	out := map[string]string{}
	for _, in := range m.Inputs {
		out[filepath.Base(in.Path)] = in.Action
	}
	return out
}

const baseConfig = `output: reports
sources:
  - path: raw/*.csv
    profile: survey
reports:
  - by: [year]
    min_n: 5
    charts: [band]
`

func TestIncremental(t *testing.T) {
	f := newFixture(t)
	f.gen(t, "a.csv", 3000, 1, "survey")
	f.gen(t, "b.csv", 2000, 2, "survey")
	cfg := f.config(t, baseConfig)

	m1 := f.mustRun(t, cfg)
	if got := actions(m1); !reflect.DeepEqual(got, map[string]string{"a.csv": "ingested", "b.csv": "ingested"}) {
		t.Fatalf("first run actions %v", got)
	}
	if m1.Rows.Salaries == 0 || len(m1.Medians) == 0 {
		t.Fatalf("first run measured nothing: %+v", m1.Rows)
	}
	checkMedians(t, f, m1)
	// New files are hashed by the load, not the plan; the manifest still
	// records each one's sha256.
	for _, in := range m1.Inputs {
		b, err := os.ReadFile(in.Path)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%x", sha256.Sum256(b)); in.SHA256 != want {
			t.Errorf("%s: manifest sha256 %q, want %s", filepath.Base(in.Path), in.SHA256, want)
		}
	}
	if f.latest(t) != m1.RunID || m1.RunID != "2026-03-01T060000Z" {
		t.Fatalf("latest -> %s, run %s", f.latest(t), m1.RunID)
	}
	var stages []string
	for _, s := range m1.Stages {
		stages = append(stages, s.Stage)
	}
	if want := []string{"plan", "ingest", "normalize", "bands", "report", "publish"}; !reflect.DeepEqual(stages, want) {
		t.Errorf("stages %v, want %v", stages, want)
	}
	for _, s := range []string{"plan", "ingest", "normalize", "bands", "report", "publish"} {
		if !strings.Contains(f.logs.String(), `"stage":"`+s+`"`) {
			t.Errorf("no log event for stage %s", s)
		}
	}

	m2 := f.mustRun(t, cfg)
	if got := actions(m2); !reflect.DeepEqual(got, map[string]string{"a.csv": "unchanged", "b.csv": "unchanged"}) {
		t.Fatalf("second run actions %v", got)
	}
	if m2.Taxonomy.Remapped {
		t.Error("second run re-mapped titles with an unchanged taxonomy")
	}
	b1, err := os.ReadFile(filepath.Join(f.dir, "reports", m1.RunID, "bands.json"))
	if err != nil {
		t.Fatal(err)
	}
	b2, err := os.ReadFile(filepath.Join(f.dir, "reports", "latest", "bands.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1, b2) {
		t.Error("bands.json differs between two runs with nothing changed")
	}
	if !reflect.DeepEqual(m1.Medians, m2.Medians) || m1.Rows != m2.Rows {
		t.Error("measured figures differ between two runs with nothing changed")
	}

	// manifest.json in the folder and the run_log row agree.
	mj, err := os.ReadFile(filepath.Join(f.dir, "reports", m2.RunID, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(mj, []byte(`"outcome": "ok"`)) || !bytes.Contains(mj, []byte(m2.Inputs[0].SHA256)) {
		t.Errorf("manifest.json lacks outcome or sha256:\n%s", mj)
	}

	// One file changed: only it is re-ingested.
	f.gen(t, "b.csv", 2000, 3, "survey")
	m3 := f.mustRun(t, cfg)
	if got := actions(m3); !reflect.DeepEqual(got, map[string]string{"a.csv": "unchanged", "b.csv": "replaced"}) {
		t.Fatalf("third run actions %v", got)
	}
	for _, in := range m3.Inputs {
		if filepath.Base(in.Path) == "b.csv" && (in.Read != 2000 || in.Loaded == 0) {
			t.Errorf("b.csv: read %d loaded %d", in.Read, in.Loaded)
		}
	}

	w := f.open(t)
	var nSources, nOK int
	if err := w.DB.QueryRow(`SELECT count(*) FROM sources`).Scan(&nSources); err != nil {
		t.Fatal(err)
	}
	if nSources != 2 {
		t.Errorf("sources: %d active, want 2", nSources)
	}
	var manifest string
	if err := w.DB.QueryRow(`SELECT count(*), max(manifest) FILTER (WHERE run_id = ?) FROM runs WHERE outcome = 'ok'`, m2.RunID).Scan(&nOK, &manifest); err != nil {
		t.Fatal(err)
	}
	if nOK != 3 || manifest != string(mj) {
		t.Errorf("runs: %d ok rows (want 3); manifest column equals manifest.json: %v", nOK, manifest == string(mj))
	}
	dirs, err := pipeline.ReportDirs(filepath.Join(f.dir, "reports"))
	if err != nil || len(dirs) != 3 {
		t.Errorf("report folders %v, %v", dirs, err)
	}
}

func TestRetentionAndSameSecond(t *testing.T) {
	f := newFixture(t)
	f.gen(t, "a.csv", 1000, 1, "survey")
	cfg := f.config(t, baseConfig+"retention:\n  keep: 2\n")
	var last pipeline.Manifest
	for i := 0; i < 4; i++ {
		// Same clock for every run: ids get a -N suffix.
		m, err := pipeline.Run(context.Background(), cfg, pipeline.Options{DB: f.db, Now: func() time.Time { return t0 }})
		if err != nil {
			t.Fatal(err)
		}
		last = m
	}
	if last.RunID != "2026-03-01T060000Z-4" {
		t.Errorf("run id %s", last.RunID)
	}
	dirs, err := pipeline.ReportDirs(filepath.Join(f.dir, "reports"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"2026-03-01T060000Z-3", "2026-03-01T060000Z-4"}; !reflect.DeepEqual(dirs, want) {
		t.Errorf("kept %v, want %v", dirs, want)
	}
	if f.latest(t) != last.RunID {
		t.Errorf("latest -> %s", f.latest(t))
	}
}

func TestTaxonomyChangeRemaps(t *testing.T) {
	f := newFixture(t)
	f.gen(t, "a.csv", 3000, 1, "survey")
	src, err := os.ReadFile(filepath.Join("..", "data", "taxonomy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	taxPath := filepath.Join(f.dir, "taxonomy.yaml")
	if err := os.WriteFile(taxPath, src, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := f.config(t, baseConfig+"taxonomy: taxonomy.yaml\n")
	m1 := f.mustRun(t, cfg)

	// Pick a raw title no family matched and make it an alias of ciso.
	w := f.open(t)
	var title string
	err = w.DB.QueryRow(`SELECT title_raw FROM title_map WHERE family = '' AND rows > 0
		AND regexp_matches(title_raw, '^[A-Za-z ]+$') ORDER BY rows DESC, title_raw LIMIT 1`).Scan(&title)
	w.Close()
	if err != nil {
		t.Fatalf("no unmatched title to alias: %v", err)
	}
	mod := strings.Replace(string(src), "aliases: [CISO,", "aliases: [CISO, "+title+",", 1)
	if mod == string(src) {
		t.Fatal("taxonomy.yaml: ciso aliases not found")
	}
	if err := os.WriteFile(taxPath, []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	m2 := f.mustRun(t, cfg)
	if m2.Taxonomy.Fingerprint == m1.Taxonomy.Fingerprint {
		t.Fatal("fingerprint did not change")
	}
	if !m2.Taxonomy.Remapped || m2.Taxonomy.Changed == 0 {
		t.Fatalf("taxonomy change: remapped %v, %d titles changed", m2.Taxonomy.Remapped, m2.Taxonomy.Changed)
	}
	if got := actions(m2); got["a.csv"] != "unchanged" {
		t.Errorf("taxonomy change re-ingested: %v", got)
	}
	w = f.open(t)
	var fam, fp string
	if err := w.DB.QueryRow(`SELECT family FROM title_map WHERE title_raw = ?`, title).Scan(&fam); err != nil {
		t.Fatal(err)
	}
	if err := w.DB.QueryRow(`SELECT value FROM meta WHERE key = 'taxonomy_fingerprint'`).Scan(&fp); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if fam != "ciso" {
		t.Errorf("%q maps to %q after becoming a ciso alias", title, fam)
	}
	if fp != m2.Taxonomy.Fingerprint {
		t.Errorf("recorded fingerprint %s, want %s", fp, m2.Taxonomy.Fingerprint)
	}
	m3 := f.mustRun(t, cfg)
	if m3.Taxonomy.Remapped {
		t.Error("third run re-mapped with the taxonomy unchanged")
	}
}

func TestGateRowDropKeepsLatest(t *testing.T) {
	f := newFixture(t)
	f.gen(t, "a.csv", 2000, 1, "survey")
	f.gen(t, "b.csv", 2000, 2, "survey")
	cfg := f.config(t, baseConfig+"gates:\n  max_row_drop_pct: 10\n  max_median_move_pct: 50\n")
	m1 := f.mustRun(t, cfg)

	if err := os.Remove(filepath.Join(f.dir, "raw", "b.csv")); err != nil {
		t.Fatal(err)
	}
	// Without --prune a removed file is only reported: its rows stay.
	m1b := f.mustRun(t, cfg)
	if len(m1b.Removed) != 1 || m1b.Removed[0].Retired || m1b.Rows != m1.Rows {
		t.Fatalf("without prune: removed %+v, rows %+v -> %+v", m1b.Removed, m1.Rows, m1b.Rows)
	}
	first := m1.RunID
	m1 = m1b
	m2, err := f.run(t, cfg, true)
	var ge *pipeline.GateError
	if !errors.As(err, &ge) || ge.Gate != pipeline.GateRowDrop {
		t.Fatalf("want gate %s, got %v", pipeline.GateRowDrop, err)
	}
	if !strings.HasPrefix(err.Error(), "gate max_row_drop_pct: salaries rows dropped ") || !strings.Contains(err.Error(), "limit 10%") {
		t.Errorf("message: %v", err)
	}
	if m2.Outcome != pipeline.OutcomeGate || len(m2.Removed) != 1 || !m2.Removed[0].Retired {
		t.Errorf("manifest: outcome %s, removed %+v", m2.Outcome, m2.Removed)
	}
	if f.latest(t) != m1.RunID {
		t.Errorf("latest moved to %s", f.latest(t))
	}
	ents, _ := os.ReadDir(filepath.Join(f.dir, "reports"))
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want := []string{first, m1.RunID, "latest"}; !reflect.DeepEqual(names, want) {
		t.Errorf("reports/ holds %v, want %v", names, want)
	}
	w := f.open(t)
	var outcome, manifest string
	if err := w.DB.QueryRow(`SELECT outcome, manifest FROM runs WHERE run_id = ?`, m2.RunID).Scan(&outcome, &manifest); err != nil {
		t.Fatal(err)
	}
	if outcome != "gate" || !strings.Contains(manifest, "max_row_drop_pct") {
		t.Errorf("run_log: %s %s", outcome, manifest)
	}
}

func TestGateRejectRatio(t *testing.T) {
	f := newFixture(t)
	f.gen(t, "a.csv", 2000, 1, "survey")
	cfg := f.config(t, baseConfig+"gates:\n  max_reject_ratio: 0.001\n")
	for i := 0; i < 2; i++ { // the gate keeps failing while the file is unchanged
		_, err := f.run(t, cfg, false)
		var ge *pipeline.GateError
		if !errors.As(err, &ge) || ge.Gate != pipeline.GateRejectRatio {
			t.Fatalf("run %d: want gate %s, got %v", i+1, pipeline.GateRejectRatio, err)
		}
		if !strings.Contains(err.Error(), "of rows rejected in raw/a.csv, limit 0.1%") {
			t.Errorf("message: %v", err)
		}
	}
	if _, err := os.Lstat(filepath.Join(f.dir, "reports", "latest")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("latest exists after gated runs: %v", err)
	}
}

func TestBusy(t *testing.T) {
	f := newFixture(t)
	f.gen(t, "a.csv", 200, 1, "survey")
	cfg := f.config(t, baseConfig)
	w, err := warehouse.Open(context.Background(), f.db, warehouse.Options{Command: "holder"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	_, err = f.run(t, cfg, false)
	if !errors.Is(err, warehouse.ErrBusy) {
		t.Fatalf("want ErrBusy, got %v", err)
	}
	if !strings.Contains(err.Error(), "holder") {
		t.Errorf("message does not name the holder: %v", err)
	}
}

func TestExportParquet(t *testing.T) {
	f := newFixture(t)
	f.gen(t, "a.csv", 3000, 1, "survey")
	f.gen(t, "l.csv", 2000, 5, "lca")
	cfg := f.config(t, strings.Replace(baseConfig, "    profile: survey\n", "", 1))
	f.mustRun(t, cfg)

	w := f.open(t)
	out := filepath.Join(f.dir, "export")
	sum, err := pipeline.Export(context.Background(), w.DB, out, pipeline.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Views) != len(warehouse.PublicViews) {
		t.Errorf("exported %d views", len(sum.Views))
	}
	if _, err := os.Stat(filepath.Join(out, "salaries", "year=2024")); err != nil {
		ents, _ := os.ReadDir(filepath.Join(out, "salaries"))
		t.Errorf("not partitioned by year: %v (%d entries)", err, len(ents))
	}
	q := bands.BandQuery{By: []string{"family", "year", "seniority"}, MinN: 5}
	want, _, err := bands.ComputeBands(context.Background(), w.DB, q, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatal("no bands")
	}

	mem, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	glob := filepath.Join(out, "salaries", "**", "*.parquet")
	// Unmatched rows are exported to family=__unmatched__, never an empty
	// family= directory; mapped back, the bands must be the warehouse's.
	if empties, _ := filepath.Glob(filepath.Join(out, "salaries", "*", "family=")); len(empties) > 0 {
		t.Errorf("empty family partitions: %v", empties)
	}
	if _, err := mem.Exec(`CREATE VIEW salaries AS SELECT * REPLACE (CASE WHEN family = '` + pipeline.UnmatchedPartition + `' THEN '' ELSE family END AS family) FROM read_parquet('` + strings.ReplaceAll(glob, "'", "''") + `', hive_partitioning = true)`); err != nil {
		t.Fatal(err)
	}
	got, _, err := bands.ComputeBands(context.Background(), mem, q, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("bands from Parquet differ: %d vs %d bands", len(got), len(want))
		for i := range min(len(got), len(want)) {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("first difference:\n got %+v\nwant %+v", got[i], want[i])
				break
			}
		}
	}

	// A second export replaces the first; a foreign directory is refused.
	if _, err := pipeline.Export(context.Background(), w.DB, out, pipeline.ExportOptions{Partition: []string{}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "salaries.parquet")); err != nil {
		t.Errorf("unpartitioned export: %v", err)
	}
	foreign := filepath.Join(f.dir, "raw")
	if _, err := pipeline.Export(context.Background(), w.DB, foreign, pipeline.ExportOptions{}); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("export over a foreign directory: %v", err)
	}
	if _, err := pipeline.Export(context.Background(), w.DB, out, pipeline.ExportOptions{Partition: []string{"pay_usd"}}); err == nil {
		t.Error("partition by pay_usd accepted")
	}
}

func TestExportQuotesPath(t *testing.T) {
	f := newFixture(t)
	f.gen(t, "a.csv", 300, 1, "survey")
	f.mustRun(t, f.config(t, baseConfig))
	w := f.open(t)
	out := filepath.Join(f.dir, "it's here")
	if _, err := pipeline.Export(context.Background(), w.DB, out, pipeline.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "runs.parquet")); err != nil {
		t.Error(err)
	}
}

func TestGateMedianMove(t *testing.T) {
	f := newFixture(t)
	f.gen(t, "a.csv", 3000, 1, "survey")
	cfg := f.config(t, baseConfig+"gates:\n  max_median_move_pct: 0.0001\n")
	f.mustRun(t, cfg)
	m1 := f.mustRun(t, cfg) // nothing changed: no median moved
	f.gen(t, "a.csv", 3000, 2, "survey")
	_, err := f.run(t, cfg, false)
	var ge *pipeline.GateError
	if !errors.As(err, &ge) || ge.Gate != pipeline.GateMedianMove {
		t.Fatalf("want gate %s, got %v", pipeline.GateMedianMove, err)
	}
	if !strings.Contains(err.Error(), "gate max_median_move_pct: median of ") || !strings.Contains(err.Error(), "over all its rows (every country, source kind and case status; n = ") || !strings.Contains(err.Error(), "limit 0%") {
		t.Errorf("message: %v", err)
	}
	if f.latest(t) != m1.RunID {
		t.Errorf("latest moved to %s", f.latest(t))
	}
}

func TestFailedRunRecorded(t *testing.T) {
	f := newFixture(t)
	f.gen(t, "a.csv", 500, 1, "survey")
	cfg := f.config(t, baseConfig)
	m1 := f.mustRun(t, cfg)
	if err := os.WriteFile(filepath.Join(f.dir, "raw", "b.csv"), []byte("name,colour\nx,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m2, err := f.run(t, cfg, false)
	if err == nil || !strings.Contains(err.Error(), "ingest raw/b.csv") {
		t.Fatalf("want an ingest error naming raw/b.csv, got %v", err)
	}
	if m2.Outcome != pipeline.OutcomeFailed || m2.RunID == "" {
		t.Errorf("manifest %s %s", m2.RunID, m2.Outcome)
	}
	if f.latest(t) != m1.RunID {
		t.Errorf("latest moved to %s", f.latest(t))
	}
	w := f.open(t)
	var outcome string
	var ended sql.NullTime
	if err := w.DB.QueryRow(`SELECT outcome, ended_at FROM runs WHERE run_id = ?`, m2.RunID).Scan(&outcome, &ended); err != nil {
		t.Fatal(err)
	}
	if outcome != "failed" || !ended.Valid {
		t.Errorf("run_log: %s, ended %v", outcome, ended)
	}
	ents, _ := os.ReadDir(filepath.Join(f.dir, "reports"))
	if len(ents) != 2 {
		t.Errorf("reports/ holds %d entries, want the first run and latest", len(ents))
	}
}

// TestReportSinceLastRun: the manifest records the headline medians the
// report stated, and the next run's summary table shows how far each
// moved since, computed here from the two manifests.
func TestReportSinceLastRun(t *testing.T) {
	f := newFixture(t)
	f.gen(t, "a.csv", 3000, 1, "survey")
	cfg := f.config(t, baseConfig)
	m1 := f.mustRun(t, cfg)
	if len(m1.ReportMedians) == 0 {
		t.Fatal("the first run's manifest has no report_medians")
	}
	md1 := readReportMD(t, f)
	if !strings.Contains(md1, "## Summary") {
		t.Fatal("report.md has no summary table")
	}
	f.gen(t, "b.csv", 2000, 7, "survey")
	m2 := f.mustRun(t, cfg)
	md2 := readReportMD(t, f)
	checked := 0
	for _, cur := range m2.ReportMedians {
		for _, old := range m1.ReportMedians {
			if old.Family != cur.Family || old.Year != cur.Year || old.Kinds != cur.Kinds {
				continue
			}
			d := (cur.Median - old.Median) / old.Median * 100
			want := fmt.Sprintf("+%.1f%%", d)
			if d < 0 {
				want = fmt.Sprintf("−%.1f%%", -d)
			}
			if math.Abs(d) < 0.05 {
				want = "0.0%"
			}
			line := ""
			for _, l := range strings.Split(md2, "\n") {
				if strings.HasPrefix(l, "| [") && strings.Contains(l, "(#") && strings.Contains(l, " | "+strconv.Itoa(cur.Year)+" | ") &&
					strings.Contains(l, "| "+wholeDollars(cur.Median)+" |") {
					line = l
				}
			}
			cells := strings.Split(line, " | ")
			if len(cells) < 9 || cells[7] != want {
				t.Errorf("%s: summary line %q, want since last run %s (from %v to %v)", cur.Family, line, want, old.Median, cur.Median)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatalf("no family kept its year and kinds between runs: %v / %v", m1.ReportMedians, m2.ReportMedians)
	}
	if !strings.Contains(md2, m1.RunID) {
		t.Errorf("the summary does not name the run it compares with (%s)", m1.RunID)
	}
}

func readReportMD(t *testing.T, f *fixture) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.dir, "reports", "latest", "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// wholeDollars is "$123,457".
func wholeDollars(v float64) string {
	d := strconv.FormatInt(int64(math.Round(v)), 10)
	for i := len(d) - 3; i > 0; i -= 3 {
		d = d[:i] + "," + d[i:]
	}
	return "$" + d
}

// TestSyntheticSource: a source with synthetic: true is recorded as
// synthetic and the run's report carries the banner.
func TestSyntheticSource(t *testing.T) {
	f := newFixture(t)
	f.gen(t, "a.csv", 1500, 3, "survey")
	cfg := f.config(t, strings.Replace(baseConfig, "    profile: survey\n", "    profile: survey\n    synthetic: true\n", 1))
	f.mustRun(t, cfg)
	if md := readReportMD(t, f); !strings.Contains(md, "Synthetic data: every source of this report is made up") {
		t.Error("the run's report has no synthetic-data banner")
	}
	w := f.open(t)
	var synth bool
	if err := w.DB.QueryRow(`SELECT bool_and(synthetic) FROM sources`).Scan(&synth); err != nil || !synth {
		t.Errorf("sources.synthetic = %v, %v; want true", synth, err)
	}
}
