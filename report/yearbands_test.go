package report

import (
	"context"
	"reflect"
	"testing"

	"payband/bands"
	"payband/titles"
	"payband/warehouse"
)

// TestYearBandsAsTheQueryGives: a family's bands by year, derived from its
// bands by year and source kind when each year has one kind, are the ones
// the by-year query gives, figure for figure and scope for scope: on real
// LCA filings and survey answers (one kind a family-year), and on survey
// answers and LCA filings of the same year (testdata/report: a Security
// Manager year has two kinds, the other families one), where both ways are
// taken.
func TestYearBandsAsTheQueryGives(t *testing.T) {
	ctx := context.Background()
	tax, err := titles.DefaultTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		files []string // ../shared/data, or testdata when local
		local bool
		minNs []int
		mixed bool // some family has two kinds in a year
	}{
		{"real filings and answers", []string{"h1b_sample_2015_2019.csv", "infosec_jobs_salaries_2025-08-03.csv", "ds_salaries_2023.csv"}, false, []int{bands.DefaultMinN, 200}, false},
		{"two kinds in a year", []string{"testdata/report/small.csv", "testdata/report/lca_2024.csv"}, true, []int{1, 3, 7}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var w *warehouse.Warehouse
			if c.local {
				w = loadFiles(t, c.files...)
			} else {
				w = sharedWarehouse(t, c.files...)
			}
			for _, minN := range c.minNs {
				cfg := DefaultReportConfig().withDefaults()
				cfg.MinN = minN
				var derived, queried int
				for _, f := range tax.Families {
					fast := bands.NewMemo(w.DB, nil)
					byYear, byKind, d, err := yearBands(ctx, fast, cfg, f.ID)
					if err != nil {
						t.Fatal(err)
					}
					slow := bands.NewMemo(w.DB, nil)
					wantYear, err := slow.Bands(ctx, yearQuery(cfg, f.ID))
					if err != nil {
						t.Fatal(err)
					}
					wantKind, err := slow.Bands(ctx, kindQuery(cfg, f.ID))
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(byYear, wantYear) {
						t.Errorf("%s, min_n %d (derived %v): by year\n got %+v\nwant %+v", f.ID, minN, d, byYear, wantYear)
					}
					if !reflect.DeepEqual(byKind, wantKind) {
						t.Errorf("%s, min_n %d: by year and kind\n got %+v\nwant %+v", f.ID, minN, byKind, wantKind)
					}
					if len(wantYear) == 0 {
						continue
					}
					if d {
						derived++
					} else {
						queried++
					}
				}
				t.Logf("min_n %d: %d families derived, %d queried", minN, derived, queried)
				if derived == 0 {
					t.Error("no family's bands by year were derived: the test compares nothing")
				}
				if c.mixed && queried == 0 {
					t.Error("no family had two kinds in a year: the fallback is untested")
				}
			}
		})
	}
}
