package bands

import (
	"context"
	"reflect"
	"testing"
)

// The memo answers a one-family query from the all-families one;
// each answer must equal the one-family query's own
func TestMemoFamilyBandsEqualOwnQuery(t *testing.T) {
	ctx := context.Background()
	w := sharedWarehouse(t, "infosec_jobs_salaries_2025-08-03.csv", "h1b_sample_2015_2019.csv")
	memo := NewMemo(w.DB, nil)
	queries := []BandQuery{
		{By: []string{"year"}, MinN: DefaultMinN},
		{By: []string{"year", "source_kind"}, MinN: 3},
		{By: []string{"year"}, Filters: map[string]string{"country": "US"}, MinN: DefaultMinN, Real: 2024},
		{By: []string{"seniority"}, Filters: map[string]string{"year": "2024"}, MinN: 1},
		{By: []string{"level"}, CaseStatus: CaseStatusAll, MinN: 1},
	}
	compared := 0
	for _, fam := range []string{"security-manager", "security-engineer", "security-analyst", "no-such-family"} {
		for _, base := range queries {
			q := base
			q.Filters = map[string]string{"family": fam}
			for k, v := range base.Filters {
				q.Filters[k] = v
			}
			want, _, err := ComputeBands(ctx, w.DB, q, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := memo.Bands(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s by %v: the memo gives %d bands, the query %d:\n got %+v\nwant %+v", fam, q.By, len(got), len(want), got, want)
			}
			compared += len(want)
		}
	}
	if compared < 20 {
		t.Fatalf("only %d bands compared: the test tests little", compared)
	}
	if len(memo.m) != len(queries) {
		t.Errorf("the memo ran %d queries, want one per query shape (%d)", len(memo.m), len(queries))
	}
}
