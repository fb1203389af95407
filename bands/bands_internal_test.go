package bands

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"payband/ingest"
	"payband/pay"
	"payband/warehouse"
)

// sqlBands runs the statement BandQuery.SQL prints, DuckDB's own
// aggregates, and reads its bands the way ComputeBands once did.
func sqlBands(t *testing.T, db *sql.DB, q BandQuery, factors map[int]float64) []Band {
	t.Helper()
	query, args, err := q.SQL(factors)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []Band
	for rows.Next() {
		keys := make([]sql.NullString, len(q.By))
		var b Band
		var qs []any
		var lo, hi sql.NullFloat64
		dest := []any{}
		for i := range keys {
			dest = append(dest, &keys[i])
		}
		dest = append(dest, &b.N, &b.Min, &qs, &b.Max, &b.Mean, &b.Stddev, &lo, &hi)
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		b.P10, b.P25, b.Median, b.P75, b.P90 = qs[0].(float64), qs[1].(float64), qs[2].(float64), qs[3].(float64), qs[4].(float64)
		if lo.Valid && hi.Valid {
			b.MedianCILow, b.MedianCIHigh = lo.Float64, hi.Float64
		}
		for i, c := range q.By {
			b.Group = append(b.Group, KV{Key: c, Value: keys[i].String,
				Null: !keys[i].Valid || keys[i].String == "" && emptyIsValue(c)})
		}
		if b.N >= q.MinN {
			out = append(out, b)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestComputeBandsAgreesWithSQL holds the Go statistics of ComputeBands to
// the statement a report prints for an analyst to rerun, on real survey and
// H-1B rows, for every kind of query the commands and the report make, by
// both ways of gathering a group's pay.
func TestComputeBandsAgreesWithSQL(t *testing.T) {
	ctx := context.Background()
	w := sharedWarehouse(t, "infosec_jobs_salaries_2025-08-03.csv", "h1b_sample_2015_2019.csv")
	cpiFactors, err := RealFactors(ctx, w.DB, pay.DefaultCPI(), 2024)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		q    BandQuery
	}{
		{"by family", BandQuery{By: []string{"family"}, MinN: DefaultMinN}},
		{"all rows, no group", BandQuery{}},
		{"years of one family", BandQuery{By: []string{"year"}, Filters: map[string]string{"family": "security-manager"}, MinN: DefaultMinN}},
		{"two columns", BandQuery{By: []string{"seniority", "year"}, Filters: map[string]string{"source": "infosec_jobs_salaries_2025-08-03.csv"}}},
		{"many small groups", BandQuery{By: []string{"title"}, MinN: 1}},
		{"numeric column", BandQuery{By: []string{"remote_ratio"}, Filters: map[string]string{"year": "2024"}}},
		{"columns with nulls", BandQuery{By: []string{"wage_level", "case_status"}}},
		{"real dollars", BandQuery{By: []string{"year"}, Filters: map[string]string{"family": "security-engineer"}, Real: 2024}},
		{"nothing matches", BandQuery{By: []string{"year"}, Filters: map[string]string{"family": "no-such-family"}}},
	}
	for _, way := range []struct {
		name string
		way  int
	}{{"hashed", 1}, {"listed", 2}} {
		for _, c := range cases {
			t.Run(way.name+"/"+c.name, func(t *testing.T) {
				agreeWithSQL(t, w.DB, c.name, c.q, cpiFactors, gathering{way: way.way})
			})
		}
	}
}

// agreeWithSQL checks ComputeBands against BandQuery.SQL for one query.
func agreeWithSQL(t *testing.T, db *sql.DB, name string, q BandQuery, cpiFactors map[int]float64, g gathering) {
	t.Helper()
	var factors map[int]float64
	if q.Real != 0 {
		factors = cpiFactors
	}
	want := sqlBands(t, db, q, factors)
	got, _, err := computeBands(context.Background(), db, q, nil, g)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d bands, the SQL gives %d", len(got), len(want))
	}
	if name != "nothing matches" && len(got) == 0 {
		t.Fatal("no bands: the case tests nothing")
	}
	// The scope each band carries from the bands' own query equals the one
	// a query of its own gives.
	ref := slices.Clone(got)
	for i := range ref {
		ref[i].Scope = Scope{}
	}
	if err := fillScopes(context.Background(), db, q, ref); err != nil {
		t.Fatal(err)
	}
	for i, g := range got {
		if !reflect.DeepEqual(g.Scope, ref[i].Scope) {
			t.Errorf("%s: scope %+v, a query of its own gives %+v", g.Label(), g.Scope, ref[i].Scope)
		}
		if len(g.Scope.Kinds) == 0 || g.Scope.YearFrom == 0 {
			t.Errorf("%s: empty scope %+v", g.Label(), g.Scope)
		}
	}
	for i, g := range got {
		wb := want[i]
		if g.Label() != wb.Label() || g.N != wb.N {
			t.Fatalf("band %d: %s n=%d, the SQL gives %s n=%d", i, g.Label(), g.N, wb.Label(), wb.N)
		}
		for _, f := range []struct {
			name      string
			got, want float64
		}{
			{"min", g.Min, wb.Min}, {"p10", g.P10, wb.P10}, {"p25", g.P25, wb.P25},
			{"median", g.Median, wb.Median}, {"p75", g.P75, wb.P75}, {"p90", g.P90, wb.P90},
			{"max", g.Max, wb.Max}, {"mean", g.Mean, wb.Mean}, {"stddev", g.Stddev, wb.Stddev},
			{"median_ci_low", g.MedianCILow, wb.MedianCILow}, {"median_ci_high", g.MedianCIHigh, wb.MedianCIHigh},
		} {
			// Order statistics match exactly; sums may differ in the last
			// bits with the order DuckDB adds them in.
			if math.Abs(f.got-f.want) > 1e-9*math.Max(1, math.Abs(f.want)) {
				t.Errorf("%s: %s = %.10g, the SQL gives %.10g", g.Label(), f.name, f.got, f.want)
			}
		}
	}
}

// TestGroupIndex finds every group by its hash, tells a group left out from
// an unknown hash, and refuses two groups with one hash.
func TestGroupIndex(t *testing.T) {
	cases := []struct {
		name   string
		hashes []uint64
		kept   []int
		ok     bool
	}{
		{"one group", []uint64{0}, []int{0}, true},
		{"groups left out", []uint64{7, 1 << 63, 42}, []int{-1, 0, -1}, true},
		// Equal low and high bits: the probe sequences meet.
		{"same slot", []uint64{1, 1 | 1<<40, 1 | 1<<50, 2}, []int{0, 1, 2, 3}, true},
		{"collision", []uint64{5, 9, 5}, []int{0, 1, 2}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var x groupIndex
			if got := x.build(c.hashes, c.kept); got != c.ok {
				t.Fatalf("build = %v, want %v", got, c.ok)
			}
			if !c.ok {
				return
			}
			for i, h := range c.hashes {
				g, found := x.find(h)
				if !found || g != c.kept[i] {
					t.Errorf("find(%#x) = %d, %v; want %d, true", h, g, found, c.kept[i])
				}
			}
			if _, found := x.find(0xdeadbeef); found {
				t.Error("an unknown hash was found")
			}
		})
	}
	// Many random groups: the table grows and still finds each.
	r := rand.New(rand.NewPCG(1, 2))
	hashes := make([]uint64, 10000)
	kept := make([]int, len(hashes))
	for i := range hashes {
		hashes[i] = r.Uint64()
		kept[i] = i
	}
	var x groupIndex
	if !x.build(hashes, kept) {
		t.Fatal("random hashes collided")
	}
	for i, h := range hashes {
		if g, found := x.find(h); !found || g != i {
			t.Fatalf("find(%#x) = %d, %v; want %d", h, g, found, i)
		}
	}
}

// TestPayValues: the histogram's values are the band's rows, in order.
func TestPayValues(t *testing.T) {
	ctx := context.Background()
	w := sharedWarehouse(t, "infosec_jobs_salaries_2025-08-03.csv")
	q := BandQuery{Filters: map[string]string{"family": "security-manager", "year": "2024"}}
	vals, err := PayValues(ctx, w.DB, q)
	if err != nil {
		t.Fatal(err)
	}
	bands, _, err := ComputeBands(ctx, w.DB, q, nil)
	if err != nil || len(bands) != 1 {
		t.Fatalf("bands: %v, %v", bands, err)
	}
	b := bands[0]
	if len(vals) != b.N || len(vals) < 100 {
		t.Fatalf("%d values; the band has n=%d", len(vals), b.N)
	}
	if !slices.IsSorted(vals) || vals[0] != b.Min || vals[len(vals)-1] != b.Max {
		t.Errorf("values (sorted %v) from %v to %v; the band goes from %v to %v",
			slices.IsSorted(vals), vals[0], vals[len(vals)-1], b.Min, b.Max)
	}
}

// TestPayValuesBy: one query for every group gives each group what
// PayValues gives for that group alone, on real survey and H-1B rows.
func TestPayValuesBy(t *testing.T) {
	ctx := context.Background()
	w := sharedWarehouse(t, "infosec_jobs_salaries_2025-08-03.csv", "h1b_sample_2015_2019.csv")
	q := BandQuery{By: []string{"family", "year"}, Filters: map[string]string{"country": "US"},
		Conds: []Cond{{Column: "year", Op: "in", Values: []string{"2019", "2024"}}}}
	groups, err := PayValuesBy(ctx, w.DB, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) < 4 {
		t.Fatalf("%d groups: the test compares too little", len(groups))
	}
	years := map[string]bool{}
	for _, g := range groups {
		one := BandQuery{Filters: map[string]string{"country": "US", "year": g.Group[1].Value}}
		if g.Group[0].Null {
			one.Filters["family"] = ""
		} else {
			one.Filters["family"] = g.Group[0].Value
		}
		want, err := PayValues(ctx, w.DB, one)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(g.Pay, want) {
			t.Errorf("%v: %d values, PayValues gives %d", g.Group, len(g.Pay), len(want))
		}
		years[g.Group[1].Value] = true
	}
	if len(years) != 2 {
		t.Errorf("years %v, want 2019 and 2024", years)
	}
	if _, err := PayValuesBy(ctx, w.DB, BandQuery{}); err == nil {
		t.Error("pay values by no group were accepted")
	}
}

// sharedWarehouse is a new warehouse holding the named files of
// ../shared/data; the test is skipped without them.
func sharedWarehouse(t *testing.T, names ...string) *warehouse.Warehouse {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"), warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	for _, name := range names {
		p := filepath.Join("..", "..", "shared", "data", name)
		if _, err := os.Stat(p); err != nil {
			t.Skipf("shared data not available: %v", err)
		}
		if _, err := ingest.File(ctx, w, p, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// Two groups with one hash: the hashed way gives up, and ComputeBands falls
// back to lists with the same figures.
func TestComputeBandsHashCollision(t *testing.T) {
	ctx := context.Background()
	w := sharedWarehouse(t, "infosec_jobs_salaries_2025-08-03.csv")
	g := gathering{way: 1, collide: true}
	q := BandQuery{By: []string{"family"}, MinN: DefaultMinN}
	if _, _, ok, err := bandsHashed(ctx, w.DB, q, nil, "nominal", g); err != nil || ok {
		t.Fatalf("bandsHashed with colliding hashes: ok %v, err %v; want it to give up", ok, err)
	}
	agreeWithSQL(t, w.DB, "by family", q, nil, g)
}

// Rows added between the count and the stream are an error, not bands
// with the wrong figures.
func TestComputeBandsRowsChanged(t *testing.T) {
	ctx := context.Background()
	w := sharedWarehouse(t, "infosec_jobs_salaries_2025-08-03.csv")
	g := gathering{way: 1, afterGroups: func() {
		if _, err := w.DB.ExecContext(ctx, `INSERT INTO observations SELECT * FROM observations LIMIT 1`); err != nil {
			t.Error(err)
		}
	}}
	_, _, err := computeBands(ctx, w.DB, BandQuery{By: []string{"family"}}, nil, g)
	if !errors.Is(err, errChanged) {
		t.Fatalf("err = %v, want %v", err, errChanged)
	}
}
