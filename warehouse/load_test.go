package warehouse_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"payband/warehouse"
)

// obsRow is one accepted row of a test load: its case code (0 for none)
// and its title's id in the file's dictionary.
type obsRow struct {
	caseCode int64
	titleID  int32
	pay      float64
}

// observations is an Arrow stream of rows in warehouse.ObservationSchema.
func observations(t *testing.T, rows ...obsRow) array.RecordReader {
	t.Helper()
	bld := array.NewRecordBuilder(memory.DefaultAllocator, warehouse.ObservationSchema)
	defer bld.Release()
	for i, r := range rows {
		for j, f := range warehouse.ObservationSchema.Fields() {
			fb := bld.Field(j)
			switch f.Name {
			case "row_no":
				fb.(*array.Int64Builder).Append(int64(i + 2))
			case "year":
				fb.(*array.Int32Builder).Append(2024)
			case "title_id":
				fb.(*array.Int32Builder).Append(r.titleID)
			case "pay_usd", "pay_usd_low", "pay_usd_high":
				fb.(*array.Float64Builder).Append(r.pay)
			case "pay_unit":
				fb.(*array.StringBuilder).Append("year")
			case "currency":
				fb.(*array.StringBuilder).Append("USD")
			case "wage_basis":
				fb.(*array.StringBuilder).Append("offered")
			case "case_code":
				if r.caseCode != 0 {
					fb.(*array.Int64Builder).Append(r.caseCode)
				} else {
					fb.AppendNull()
				}
			default:
				if !f.Nullable {
					t.Fatalf("column %s needs a value", f.Name)
				}
				fb.AppendNull()
			}
		}
	}
	rec := bld.NewRecordBatch()
	defer rec.Release()
	rr, err := array.NewRecordReader(warehouse.ObservationSchema, []arrow.RecordBatch{rec})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rr.Release)
	return rr
}

func rejects(t *testing.T, reasons ...string) array.RecordReader {
	t.Helper()
	bld := array.NewRecordBuilder(memory.DefaultAllocator, warehouse.RejectSchema)
	defer bld.Release()
	for i, r := range reasons {
		bld.Field(0).(*array.Int64Builder).Append(int64(100 + i))
		bld.Field(1).(*array.StringBuilder).Append("pay")
		bld.Field(2).(*array.StringBuilder).Append("x")
		bld.Field(3).(*array.StringBuilder).Append(r)
	}
	rec := bld.NewRecordBatch()
	defer rec.Release()
	rr, err := array.NewRecordReader(warehouse.RejectSchema, []arrow.RecordBatch{rec})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rr.Release)
	return rr
}

func openTemp(t *testing.T) *warehouse.Warehouse {
	t.Helper()
	w, err := warehouse.Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"), warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func matchAll(family string) func(string) warehouse.TitleMatch {
	return func(t string) warehouse.TitleMatch {
		return warehouse.TitleMatch{Title: t, Family: family, Seniority: "mid", Confidence: 1, Method: "test"}
	}
}

// load loads one file's rows: case codes (0 for none), one title, and
// nRejects rejects. It returns the new source's id.
func load(t *testing.T, w *warehouse.Warehouse, path string, nRejects int, cases ...int64) (id int64, dups int64) {
	t.Helper()
	err := w.Load(context.Background(), path, func(s *warehouse.LoadSession) error {
		id = s.ID()
		first, err := s.NextTitleID()
		if err != nil {
			return err
		}
		var rows []obsRow
		for _, c := range cases {
			rows = append(rows, obsRow{caseCode: c, titleID: first, pay: 100000})
		}
		if err := s.AppendObservations(observations(t, rows...)); err != nil {
			return err
		}
		var reasons []string
		for i := 0; i < nRejects; i++ {
			reasons = append(reasons, "bad pay")
		}
		if err := s.AppendRejects(rejects(t, reasons...)); err != nil {
			return err
		}
		if dups, err = s.MarkDuplicates(); err != nil {
			return err
		}
		titles := map[string]int32{"Security Engineer": first}
		if err := s.AppendTitles(titles); err != nil {
			return err
		}
		if err := s.MapTitles(titles, "fp1", matchAll("security-engineer")); err != nil {
			return err
		}
		n := int64(len(cases))
		return s.Finish(warehouse.Source{Name: filepath.Base(path), Path: path, SHA256: path, Profile: "lca", Format: "csv",
			Read: n + int64(nRejects), Loaded: n - dups, Rejected: int64(nRejects), Duplicate: dups})
	})
	if err != nil {
		t.Fatal(err)
	}
	return id, dups
}

func count(t *testing.T, w *warehouse.Warehouse, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := w.DB.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func checkOK(t *testing.T, w *warehouse.Warehouse) {
	t.Helper()
	problems, err := w.Check(context.Background())
	if err != nil || len(problems) > 0 {
		t.Fatalf("check: %v %v", problems, err)
	}
}

// orderKept fails the test unless preserve_insertion_order is back on: a
// load turns it off for its observations' insert only, and it is the
// database's setting, shared by every connection.
func orderKept(t *testing.T, w *warehouse.Warehouse) {
	t.Helper()
	var keep bool
	if err := w.DB.QueryRow(`SELECT current_setting('preserve_insertion_order')`).Scan(&keep); err != nil {
		t.Fatal(err)
	}
	if !keep {
		t.Error("preserve_insertion_order is still off after the load")
	}
}

// failAfter yields its reader's first batch, then ends with err: a stream
// DuckDB fails on mid-insert, which aborts the transaction.
type failAfter struct {
	array.RecordReader
	done bool
	err  error
}

func (r *failAfter) Next() bool {
	if r.done {
		return false
	}
	r.done = true
	return r.RecordReader.Next()
}

func (r *failAfter) Err() error {
	if r.done {
		return r.err
	}
	return nil
}

func TestLoadCommitsWhole(t *testing.T) {
	w := openTemp(t)
	load(t, w, "/data/a.csv", 2, 0, 0, 0)
	orderKept(t, w)
	if n := count(t, w, `SELECT count(*) FROM salaries WHERE family = 'security-engineer'`); n != 3 {
		t.Errorf("salaries holds %d mapped rows, want 3", n)
	}
	if n := count(t, w, `SELECT count(*) FROM rejects WHERE reason = 'bad pay'`); n != 2 {
		t.Errorf("rejects holds %d rows, want 2", n)
	}
	if n := count(t, w, `SELECT rows_read FROM sources WHERE source = 'a.csv'`); n != 5 {
		t.Errorf("rows_read %d, want 5", n)
	}
	if n := count(t, w, `SELECT count(*) FROM duckdb_views() WHERE view_name = 'payband_batch'`); n != 0 {
		t.Errorf("payband_batch outlived the load")
	}
	checkOK(t, w)
}

func TestLoadRollsBack(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name string
		fn   func(t *testing.T, s *warehouse.LoadSession) error
		want error
	}{
		{"error after rows", func(t *testing.T, s *warehouse.LoadSession) error {
			if err := s.AppendObservations(observations(t, obsRow{titleID: 1, pay: 1})); err != nil {
				return err
			}
			return boom
		}, boom},
		{"no Finish", func(t *testing.T, s *warehouse.LoadSession) error {
			return s.AppendObservations(observations(t, obsRow{titleID: 1, pay: 1}))
		}, warehouse.ErrNotFinished},
		{"counts that do not add up", func(t *testing.T, s *warehouse.LoadSession) error {
			if err := s.AppendObservations(observations(t, obsRow{titleID: 1, pay: 1})); err != nil {
				return err
			}
			return s.Finish(warehouse.Source{Name: "b.csv", Path: "/data/b.csv", Read: 2, Loaded: 1})
		}, nil},
		{"wrong schema", func(t *testing.T, s *warehouse.LoadSession) error {
			return s.AppendObservations(rejects(t, "x"))
		}, nil},
		{"stream fails mid-insert", func(t *testing.T, s *warehouse.LoadSession) error {
			return s.AppendObservations(&failAfter{RecordReader: observations(t, obsRow{titleID: 1, pay: 1}), err: boom})
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := openTemp(t)
			load(t, w, "/data/b.csv", 0, 0) // the version the failed load would replace
			err := w.Load(context.Background(), "/data/b.csv", func(s *warehouse.LoadSession) error {
				if s.Replaced() != 1 {
					t.Errorf("replaced %d, want 1", s.Replaced())
				}
				return tt.fn(t, s)
			})
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("load returned %v, want %v", err, tt.want)
			}
			if n := count(t, w, `SELECT count(*) FROM observations`); n != 1 {
				t.Errorf("%d observations after a failed load, want the 1 of the earlier version", n)
			}
			if n := count(t, w, `SELECT count(*) FROM sources WHERE path = '/data/b.csv'`); n != 1 {
				t.Errorf("%d active sources at the path, want the earlier one", n)
			}
			orderKept(t, w)
			checkOK(t, w)
		})
	}
}

func TestRetirePathPromotesDuplicates(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	load(t, w, "/data/first.csv", 0, 7, 8)
	id, dups := load(t, w, "/data/second.csv", 0, 8, 9)
	if dups != 1 {
		t.Fatalf("second load marked %d duplicates, want 1", dups)
	}
	checkOK(t, w)
	n, err := w.RetirePath(ctx, "/data/first.csv")
	if err != nil || n != 1 {
		t.Fatalf("RetirePath: %d, %v", n, err)
	}
	var loaded, dup int64
	if err := w.DB.QueryRow(`SELECT rows_loaded, rows_duplicate FROM source_files WHERE source_id = ?`, id).Scan(&loaded, &dup); err != nil {
		t.Fatal(err)
	}
	if loaded != 2 || dup != 0 {
		t.Errorf("after retiring the first, the second has loaded %d duplicate %d; want 2 and 0", loaded, dup)
	}
	if n := count(t, w, `SELECT count(*) FROM salaries`); n != 2 {
		t.Errorf("salaries holds %d rows, want the second's 2", n)
	}
	checkOK(t, w)
}

func TestFinishSupersedes(t *testing.T) {
	w := openTemp(t)
	old, _ := load(t, w, "/data/old.csv", 0, 0)
	err := w.Load(context.Background(), "/data/new.csv", func(s *warehouse.LoadSession) error {
		id, err := s.NextTitleID()
		if err != nil {
			return err
		}
		if err := s.AppendObservations(observations(t, obsRow{titleID: id, pay: 1})); err != nil {
			return err
		}
		if err := s.AppendTitles(map[string]int32{"x": id}); err != nil {
			return err
		}
		return s.Finish(warehouse.Source{Name: "new.csv", Path: "/data/new.csv", Dataset: "ds", Read: 1, Loaded: 1, Supersedes: []int64{old}})
	})
	if err != nil {
		t.Fatal(err)
	}
	var by, dataset string
	if err := w.DB.QueryRow(`SELECT superseded_by, dataset FROM source_lineage WHERE source = 'old.csv'`).Scan(&by, &dataset); err != nil {
		t.Fatal(err)
	}
	if by != "new.csv" || dataset != "ds" {
		t.Errorf("old.csv superseded by %q in dataset %q, want new.csv, ds", by, dataset)
	}
	if n := count(t, w, `SELECT count(*) FROM sources`); n != 1 {
		t.Errorf("%d active sources, want 1", n)
	}
	checkOK(t, w)
}

func TestEditSourcesMoves(t *testing.T) {
	w := openTemp(t)
	load(t, w, "/data/a.csv", 0, 0)
	err := w.EditSources(context.Background(), func(e *warehouse.SourceEdit) error {
		ok, err := e.Move("/data/a.csv", "/data/moved/a2.csv", "/data/a.csv")
		if err == nil && !ok {
			t.Error("Move moved nothing")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, w, `SELECT count(*) FROM sources WHERE path = '/data/moved/a2.csv' AND source = 'a2.csv'`); n != 1 {
		t.Errorf("the source did not follow its file")
	}
	// An edit that fails changes nothing.
	err = w.EditSources(context.Background(), func(e *warehouse.SourceEdit) error {
		if _, err := e.RetirePath("/data/moved/a2.csv"); err != nil {
			return err
		}
		return errors.New("stop")
	})
	if err == nil {
		t.Fatal("the failed edit returned nil")
	}
	if n := count(t, w, `SELECT count(*) FROM sources`); n != 1 {
		t.Errorf("a rolled-back edit retired the source")
	}
}

// mappedOnce checks that each raw title has one entry in the title map
// (it has no key: the warehouse keeps them unique) and that the salaries
// view counts every stored row once.
func mappedOnce(t *testing.T, w *warehouse.Warehouse, step string) {
	t.Helper()
	if n := count(t, w, `SELECT count(*) - count(DISTINCT title_raw) FROM title_map_t`); n != 0 {
		t.Fatalf("%s: %d titles mapped twice", step, n)
	}
	if s, o := count(t, w, `SELECT count(*) FROM salaries`), count(t, w, `SELECT count(*) FROM observations WHERE dup_of IS NULL`); s != o {
		t.Fatalf("%s: salaries has %d rows, observations %d", step, s, o)
	}
	checkOK(t, w)
}

func TestReplaceTitleMap(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	load(t, w, "/data/a.csv", 0, 0)
	load(t, w, "/data/b.csv", 0, 0) // the same title again: not mapped twice
	mappedOnce(t, w, "two loads")
	changed, matched, err := w.ReplaceTitleMap(ctx, warehouse.RemapStale, "fp1", matchAll("security-engineer"))
	if err != nil || changed != 0 || matched != 0 {
		t.Fatalf("stale remap with the load's fingerprint: changed %d matched %d %v; want 0 0", changed, matched, err)
	}
	changed, matched, err = w.ReplaceTitleMap(ctx, warehouse.RemapStale, "fp2", matchAll("security-manager"))
	if err != nil || changed != 1 || matched != 1 {
		t.Fatalf("stale remap with another fingerprint: changed %d matched %d %v; want 1 1", changed, matched, err)
	}
	mappedOnce(t, w, "stale remap")
	// A title the map holds under the current fingerprint stays as it is
	// beside one that is remapped.
	if _, err := w.DB.Exec(`INSERT INTO title_map_t VALUES ('Chef', 'Chef', '', 'mid', 0, 'test', 'fp1')`); err != nil {
		t.Fatal(err)
	}
	changed, matched, err = w.ReplaceTitleMap(ctx, warehouse.RemapStale, "fp2", matchAll("security-manager"))
	if err != nil || changed != 1 || matched != 1 {
		t.Fatalf("stale remap of one title: changed %d matched %d %v; want 1 1", changed, matched, err)
	}
	mappedOnce(t, w, "stale remap of one title")
	changed, matched, err = w.ReplaceTitleMap(ctx, warehouse.RemapAll, "fp2", matchAll("security-manager"))
	if err != nil || changed != 0 || matched != 2 {
		t.Fatalf("full remap, same matches: changed %d matched %d %v; want 0 2", changed, matched, err)
	}
	mappedOnce(t, w, "full remap")
	// Check sees a title mapped twice.
	if _, err := w.DB.Exec(`INSERT INTO title_map_t SELECT * FROM title_map_t WHERE title_raw = 'Security Engineer'`); err != nil {
		t.Fatal(err)
	}
	if problems, err := w.Check(ctx); err != nil || len(problems) != 1 || !strings.Contains(problems[0], "mapped more than once") {
		t.Errorf("check of a title mapped twice: %q %v", problems, err)
	}
	// A load or a stale remap that would leave the map so fails, and
	// writes nothing.
	sources := count(t, w, `SELECT count(*) FROM sources`)
	err = w.Load(ctx, "/data/c.csv", func(s *warehouse.LoadSession) error {
		first, err := s.NextTitleID()
		if err != nil {
			return err
		}
		titles := map[string]int32{"CISO": first}
		if err := s.AppendObservations(observations(t, obsRow{titleID: first, pay: 1})); err != nil {
			return err
		}
		if err := s.AppendTitles(titles); err != nil {
			return err
		}
		if err := s.MapTitles(titles, "fp2", matchAll("security-manager")); err != nil {
			return err
		}
		return s.Finish(warehouse.Source{Name: "c.csv", Path: "/data/c.csv", SHA256: "c", Profile: "lca", Format: "csv", Read: 1, Loaded: 1})
	})
	if !errors.Is(err, warehouse.ErrTitleMappedTwice) {
		t.Fatalf("a load onto a map holding a title twice: %v, want ErrTitleMappedTwice", err)
	}
	if n := count(t, w, `SELECT count(*) FROM sources`); n != sources {
		t.Fatalf("the failed load left %d sources, %d before", n, sources)
	}
	if n := count(t, w, `SELECT count(*) FROM title_map_t WHERE title_raw = 'CISO'`); n != 0 {
		t.Fatalf("the failed load left its title in the map")
	}
	// (Both rows carry the current fingerprint, so a stale remap leaves
	// them; one with another fingerprint would clear them first.)
	if _, _, err := w.ReplaceTitleMap(ctx, warehouse.RemapStale, "fp2", matchAll("security-manager")); !errors.Is(err, warehouse.ErrTitleMappedTwice) {
		t.Fatalf("a stale remap of a map holding a title twice: %v, want ErrTitleMappedTwice", err)
	}
	// A full remap rebuilds the map from nothing, the duplicate gone.
	if _, _, err := w.ReplaceTitleMap(ctx, warehouse.RemapAll, "fp2", matchAll("security-manager")); err != nil {
		t.Fatal(err)
	}
	mappedOnce(t, w, "full remap after the duplicate")
	if fp, err := w.Meta(ctx, warehouse.MetaTaxonomyFingerprint); err != nil || fp != "fp2" {
		t.Errorf("fingerprint %q %v, want fp2", fp, err)
	}
	if n := count(t, w, `SELECT count(*) FROM title_map WHERE family = 'security-manager' AND rows = 2`); n != 1 {
		t.Errorf("title_map does not show the new family")
	}
	if n := count(t, w, `SELECT count(*) FROM duckdb_tables() WHERE table_name = 'prev_map'`); n != 0 {
		t.Errorf("prev_map outlived the remap")
	}
}

func TestRunsAndMeta(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := w.StartRun(ctx, warehouse.Run{ID: "r1", StartedAt: start, Outcome: "running", Config: "p.yaml"}); err != nil {
		t.Fatal(err)
	}
	if err := w.EndRun(ctx, warehouse.Run{ID: "r1", EndedAt: start.Add(time.Minute), Outcome: "ok", Manifest: `{"run_id":"r1"}`}); err != nil {
		t.Fatal(err)
	}
	var outcome, config, manifest string
	var dirNull bool
	if err := w.DB.QueryRow(`SELECT outcome, config, manifest, report_dir IS NULL FROM runs WHERE run_id = 'r1' AND ended_at > started_at`).
		Scan(&outcome, &config, &manifest, &dirNull); err != nil {
		t.Fatal(err)
	}
	if outcome != "ok" || config != "p.yaml" || !strings.Contains(manifest, "r1") || !dirNull {
		t.Errorf("run row %q %q %q report_dir NULL %v", outcome, config, manifest, dirNull)
	}
	if err := w.StartRun(ctx, warehouse.Run{ID: "r1", StartedAt: start, Outcome: "running"}); err == nil {
		t.Error("a second run with the same id was recorded")
	}
	if v, err := w.Meta(ctx, "nothing"); err != nil || v != "" {
		t.Errorf("Meta of a missing key: %q %v", v, err)
	}
	if err := w.SetMeta(ctx, "k", "v1"); err != nil {
		t.Fatal(err)
	}
	if err := w.SetMeta(ctx, "k", "v2"); err != nil {
		t.Fatal(err)
	}
	if v, err := w.Meta(ctx, "k"); err != nil || v != "v2" {
		t.Errorf("Meta(k) = %q %v, want v2", v, err)
	}
}

// TestStartMapTitles: the titles a load brings are matched while the
// session goes on; Store adds only those the map lacked, once each, and
// leaves the caller's dictionary whole (AppendTitles reads it meanwhile);
// Discard stores nothing.
func TestStartMapTitles(t *testing.T) {
	w := openTemp(t)
	ctx := context.Background()
	load(t, w, "/data/a.csv", 0, 0) // maps "Security Engineer"
	var calls atomic.Int64
	match := func(s string) warehouse.TitleMatch {
		calls.Add(1)
		return matchAll("security-manager")(s)
	}
	err := w.Load(ctx, "/data/b.csv", func(s *warehouse.LoadSession) error {
		first, err := s.NextTitleID()
		if err != nil {
			return err
		}
		titles := map[string]int32{"Security Engineer": first, "Security Manager": first + 1, "ISSM": first + 2}
		p, err := s.StartMapTitles(titles, "fp1", match)
		if err != nil {
			return err
		}
		if err := s.AppendObservations(observations(t, obsRow{titleID: first, pay: 1}, obsRow{titleID: first + 1, pay: 2}, obsRow{titleID: first + 2, pay: 3})); err != nil {
			return err
		}
		if err := s.AppendTitles(titles); err != nil {
			return err
		}
		if err := p.Store(); err != nil {
			return err
		}
		if len(titles) != 3 {
			t.Errorf("the dictionary lost titles: %v", titles)
		}
		return s.Finish(warehouse.Source{Name: "b.csv", Path: "/data/b.csv", SHA256: "b", Profile: "lca", Format: "csv", Read: 3, Loaded: 3})
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("%d titles matched, want the 2 the map lacked", n)
	}
	mappedOnce(t, w, "a load that maps two new titles")
	if n := count(t, w, `SELECT count(*) FROM salaries WHERE family = 'security-manager'`); n != 2 {
		t.Errorf("%d rows of the new titles' family, want 2", n)
	}

	// Discarded: the matching stops and nothing is stored.
	err = w.Load(ctx, "/data/c.csv", func(s *warehouse.LoadSession) error {
		p, err := s.StartMapTitles(map[string]int32{"Chef": 99}, "fp1", match)
		if err != nil {
			return err
		}
		p.Discard()
		return errors.New("given up")
	})
	if err == nil || !strings.Contains(err.Error(), "given up") {
		t.Fatalf("load: %v", err)
	}
	if n := count(t, w, `SELECT count(*) FROM title_map_t WHERE title_raw = 'Chef'`); n != 0 {
		t.Errorf("a discarded title was stored")
	}
	mappedOnce(t, w, "after a discarded load")
}
