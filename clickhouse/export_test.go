package clickhouse

import (
	"context"
	"database/sql"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"payband/bands"
	"payband/ingest"
	"payband/report"
	"payband/warehouse"
)

// realFiles are the survey and H-1B files the equality test loads (two
// surveys of different datasets: a Kaggle copy of one would be superseded
// by it and not exported), and a
// BLS OEWS table for published_bands.
var realFiles = []string{"infosec_jobs_salaries_2025-08-03.csv", "aijobs_salaries_2025-01-19.csv", "h1b_sample_2015_2019.csv", "national_M2024_dl.xlsx"}

// loadWarehouse ingests files (paths) into a new warehouse.
func loadWarehouse(t testing.TB, paths ...string) *warehouse.Warehouse {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"), warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	for _, p := range paths {
		if _, err := ingest.File(ctx, w, p, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// sharedPaths returns the paths of the shared data files, or skips.
func sharedPaths(t testing.TB, names ...string) []string {
	t.Helper()
	var ps []string
	for _, n := range names {
		p := filepath.Join("..", "..", "shared", "data", n)
		if _, err := os.Stat(p); err != nil {
			t.Skipf("shared data not available: %v", err)
		}
		ps = append(ps, p)
	}
	return ps
}

// localCounts is the warehouse's salaries rows by source.
func localCounts(t testing.TB, db *sql.DB) map[string]int64 {
	t.Helper()
	rows, err := db.Query("SELECT source, count(*) FROM salaries GROUP BY source")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var s string
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		m[s] = n
	}
	return m
}

// remoteCounts is the cluster's salaries rows by source, through the
// Distributed table, and the count of sources rows.
func remoteCounts(t testing.TB, tg Target) (map[string]int64, int64) {
	t.Helper()
	ctx := context.Background()
	c := NewClient(tg.Addr, "", "")
	r, err := c.Query(ctx, "SELECT source, count() FROM "+tg.Database+".salaries GROUP BY source")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int64{}
	for _, row := range r.Data {
		s, _, _ := asString(row[0])
		n, err := asInt(row[1])
		if err != nil {
			t.Fatal(err)
		}
		m[s] = n
	}
	r, err = c.Query(ctx, "SELECT count() FROM "+tg.Database+".sources")
	if err != nil {
		t.Fatal(err)
	}
	n, err := asInt(r.Data[0][0])
	if err != nil {
		t.Fatal(err)
	}
	return m, n
}

func sameCounts(t testing.TB, what string, local, remote map[string]int64) {
	t.Helper()
	if len(local) != len(remote) {
		t.Errorf("%s: %d sources in the warehouse, %d there: %v vs %v", what, len(local), len(remote), local, remote)
	}
	for s, n := range local {
		if remote[s] != n {
			t.Errorf("%s: source %s: %d rows in the warehouse, %d there", what, s, n, remote[s])
		}
	}
}

// The bands both engines compute. Order statistics (min, the percentiles,
// max, the median's interval) must be the same bits; mean and standard
// deviation, summed in another order, the same to the dollar.
var equalityQueries = []struct {
	name string
	q    bands.BandQuery
}{
	{"all rows", bands.BandQuery{MinN: 5}},
	{"by family", bands.BandQuery{By: []string{"family"}, MinN: 5}},
	{"by year", bands.BandQuery{By: []string{"year"}, MinN: 5}},
	{"by family, year", bands.BandQuery{By: []string{"family", "year"}, MinN: 5}},
	{"by seniority", bands.BandQuery{By: []string{"seniority"}, MinN: 1}},
	{"by wage_level", bands.BandQuery{By: []string{"wage_level"}, MinN: 5}},
	{"by state", bands.BandQuery{By: []string{"state"}, MinN: 5}},
	{"by source, country", bands.BandQuery{By: []string{"source", "country"}, MinN: 3}},
	{"security-manager by year", bands.BandQuery{By: []string{"family", "year"}, Filters: map[string]string{"family": "security-manager"}, MinN: 1}},
	{"2018 by state, certified", bands.BandQuery{By: []string{"state"}, Filters: map[string]string{"year": "2018", "case_status": "CERTIFIED"}, MinN: 5}},
	{"by family in 2024 dollars", bands.BandQuery{By: []string{"family"}, MinN: 5, Real: 2024}},
	{"quote in a filter", bands.BandQuery{By: []string{"family"}, Filters: map[string]string{"employer": "O'Reilly \\ Sons'; DROP TABLE x"}, MinN: 1}},
}

func compareEngines(t *testing.T, local, remote bands.Engine) {
	t.Helper()
	ctx := context.Background()
	for _, tc := range equalityQueries {
		want, wantSkip, err := local.Bands(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: local: %v", tc.name, err)
		}
		got, gotSkip, err := remote.Bands(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: clickhouse: %v", tc.name, err)
		}
		if len(got) != len(want) || gotSkip != wantSkip {
			t.Errorf("%s: %d bands and %d left out, want %d and %d", tc.name, len(got), gotSkip, len(want), wantSkip)
			continue
		}
		if len(want) == 0 && !strings.Contains(tc.name, "quote") {
			t.Errorf("%s: no bands at all; the query tests nothing", tc.name)
		}
		for i := range want {
			w, g := want[i], got[i]
			if w.Label() != g.Label() || w.N != g.N || w.Basis != g.Basis || w.LowN != g.LowN {
				t.Errorf("%s: band %d is %q n=%d %s, want %q n=%d %s", tc.name, i, g.Label(), g.N, g.Basis, w.Label(), w.N, w.Basis)
				continue
			}
			exact := [][3]any{
				{"min", w.Min, g.Min}, {"p10", w.P10, g.P10}, {"p25", w.P25, g.P25}, {"median", w.Median, g.Median},
				{"p75", w.P75, g.P75}, {"p90", w.P90, g.P90}, {"max", w.Max, g.Max},
				{"median CI low", w.MedianCILow, g.MedianCILow}, {"median CI high", w.MedianCIHigh, g.MedianCIHigh},
			}
			for _, f := range exact {
				if f[1].(float64) != f[2].(float64) {
					t.Errorf("%s: %s: %s = %v, want %v", tc.name, w.Label(), f[0], f[2], f[1])
				}
			}
			for _, f := range [][3]any{{"mean", w.Mean, g.Mean}, {"stddev", w.Stddev, g.Stddev}} {
				a, b := f[1].(float64), f[2].(float64)
				if math.Round(a) != math.Round(b) || math.Abs(a-b) > 1e-9*math.Max(1, math.Abs(a)) {
					t.Errorf("%s: %s: %s = %v, want %v", tc.name, w.Label(), f[0], b, a)
				}
			}
		}
	}
}

// Two shards behind a Distributed table: the export holds every row, a
// second export adds nothing, and the bands equal the local engine's.
func TestTwoShardsEqualLocal(t *testing.T) {
	paths := sharedPaths(t, realFiles...)
	servers := startServers(t, 2)
	w := loadWarehouse(t, paths...)
	ctx := context.Background()
	tg := clusterTarget(servers, "payband")

	sum, err := Export(ctx, w.DB, tg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Exported) != len(paths) || sum.Shards != 2 || sum.Published == 0 {
		t.Fatalf("first export: %+v", sum)
	}
	local := localCounts(t, w.DB)
	remote, marks := remoteCounts(t, tg)
	sameCounts(t, "first export", local, remote)
	if marks != int64(len(paths)) {
		t.Errorf("%d sources rows there, want %d", marks, len(paths))
	}
	// Both shards hold rows: the Distributed table really reads two.
	for _, s := range servers {
		r, err := NewClient(s.HTTP, "", "").Query(ctx, "SELECT count() FROM payband.salaries_local")
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := asInt(r.Data[0][0]); n == 0 {
			t.Errorf("shard %s holds no rows", s.HTTP)
		}
	}

	again, err := Export(ctx, w.DB, tg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Exported) != 0 || len(again.Skipped) != len(paths) || len(again.Removed) != 0 || !again.PublishedKept {
		t.Errorf("second export did something: %+v", again)
	}
	remote2, marks2 := remoteCounts(t, tg)
	sameCounts(t, "second export", local, remote2)
	if marks2 != marks {
		t.Errorf("second export: %d sources rows, want %d", marks2, marks)
	}
	r, err := NewClient(tg.Addr, "", "").Query(ctx, "SELECT count() FROM payband.published_bands")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := asInt(r.Data[0][0]); n != int64(sum.Published) {
		t.Errorf("published_bands: %d rows there after two exports, want %d", n, sum.Published)
	}

	compareEngines(t, bands.LocalEngine{DB: w.DB}, NewEngine(tg, nil))

	// report --engine: the same report, byte for byte, from either engine.
	cfg := report.DefaultReportConfig()
	cfg.Charts = []string{"band"}
	cfg.Real = 2024
	now := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	dirs := [2]string{filepath.Join(t.TempDir(), "local"), filepath.Join(t.TempDir(), "clickhouse")}
	if _, err := report.WriteReport(ctx, w.DB, dirs[0], cfg, nil, now); err != nil {
		t.Fatal(err)
	}
	counted := &countingEngine{e: NewEngine(tg, nil)}
	cfg.Engine = counted
	if _, err := report.WriteReport(ctx, w.DB, dirs[1], cfg, nil, now); err != nil {
		t.Fatal(err)
	}
	if counted.n.Load() == 0 {
		t.Error("the report asked the clickhouse engine for no band")
	}
	for _, name := range []string{"bands.json", "bands.csv", "report.md"} {
		a, err1 := os.ReadFile(filepath.Join(dirs[0], name))
		b, err2 := os.ReadFile(filepath.Join(dirs[1], name))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if len(a) < 100 || string(a) != string(b) {
			t.Errorf("report %s: %d bytes locally, %d with the clickhouse engine, or they differ", name, len(a), len(b))
		}
	}
}

// countingEngine counts the queries it passes on.
type countingEngine struct {
	e bands.Engine
	n atomic.Int64
}

func (c *countingEngine) Bands(ctx context.Context, q bands.BandQuery) ([]bands.Band, int, error) {
	c.n.Add(1)
	return c.e.Bands(ctx, q)
}
