package bands

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"payband/pay"
	"payband/titles"
)

// TestLevelsOverSurvey: Security Manager by level over the survey has a
// group per level the data holds, in ladder order, and none defaults to
// mid: the survey's own experience_level decides (MI is mid, and says so).
func TestLevelsOverSurvey(t *testing.T) {
	ctx := context.Background()
	w := sharedWarehouse(t, "infosec_jobs_salaries_2025-08-03.csv")
	bands, _, err := ComputeBands(ctx, w.DB, BandQuery{By: []string{"level"}, Filters: map[string]string{"family": "security-manager"}, MinN: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range bands {
		got = append(got, b.Value("level"))
	}
	if want := []string{"entry", "mid", "senior", "executive"}; !slices.Equal(got, want) {
		t.Errorf("levels %v, want %v in ladder order", got, want)
	}
	// Every mid row is a survey row whose experience_level is mid.
	var bad int64
	if err := w.DB.QueryRow(`SELECT count(*) FROM salaries WHERE family = 'security-manager' AND level = 'mid'
AND coalesce(experience_code, '') <> 'MI'`).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d mid rows without MI", bad)
	}
}

// TestCaseStatusScope: on real H-1B rows, Denied and Withdrawn (and
// Certified-Withdrawn) filings are outside the default bands and inside
// with --case-status all.
func TestCaseStatusScope(t *testing.T) {
	ctx := context.Background()
	w := sharedWarehouse(t, "h1b_sample_2015_2019.csv", "h1b_kaggle_first3248.csv")
	var certified, all int
	if err := w.DB.QueryRow(`SELECT count(*) FILTER (WHERE upper(case_status) = 'CERTIFIED'), count(*) FROM salaries`).Scan(&certified, &all); err != nil {
		t.Fatal(err)
	}
	if certified == all || certified == 0 {
		t.Fatalf("fixture: %d certified of %d", certified, all)
	}
	sum := func(q BandQuery) (n int, statuses []string) {
		bands, _, err := ComputeBands(ctx, w.DB, q, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bands {
			n += b.N
			statuses = append(statuses, b.Value("case_status"))
		}
		return n, statuses
	}
	n, st := sum(BandQuery{By: []string{"case_status"}})
	if n != certified || !slices.Equal(st, []string{"CERTIFIED"}) {
		t.Errorf("default: n %d statuses %v, want %d CERTIFIED only", n, st, certified)
	}
	n, st = sum(BandQuery{By: []string{"case_status"}, CaseStatus: CaseStatusAll})
	if n != all || !slices.Contains(st, "DENIED") || !slices.Contains(st, "WITHDRAWN") {
		t.Errorf("--case-status all: n %d statuses %v, want %d with DENIED and WITHDRAWN", n, st, all)
	}
	bands, _, err := ComputeBands(ctx, w.DB, BandQuery{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(bands) != 1 || bands[0].Scope.CaseStatus != CaseStatusCertified || bands[0].Scope.KindsText() != "lca-prevailing" ||
		bands[0].Scope.CountriesText() != "US" {
		t.Errorf("scope %+v", bands[0].Scope)
	}
}

// TestPublishedCrosswalk: the 2016 workbook's 15-1122 (SOC 2010) stands
// beside Security Analyst as its own occupation; beside Security Engineer
// the same figures say they are a broader occupation's.
func TestPublishedCrosswalk(t *testing.T) {
	ctx := context.Background()
	w := sharedWarehouse(t, "national_M2016_dl.xlsx", "national_M2024_dl.xlsx")
	tax, err := titles.DefaultTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	ps, err := PublishedFor(ctx, w.DB, "security-analyst", 0, tax)
	if err != nil {
		t.Fatal(err)
	}
	var y2016 *Published
	for i := range ps {
		if ps[i].Year == 2016 && ps[i].Code == "15-1122" {
			y2016 = &ps[i]
		}
	}
	if y2016 == nil || int64(math.Round(y2016.Mean)) != 96040 || y2016.Comparison != "" {
		t.Fatalf("2016 figure beside security-analyst: %+v (all: %+v)", y2016, ps)
	}
	if err := y2016.Convert(pay.DefaultCPI(), 2024); err != nil {
		t.Fatal(err)
	}
	if want := 96040 * 313.689 / 240.007; math.Round(y2016.Mean) != math.Round(want) || y2016.Basis != "real:2024" {
		t.Errorf("converted mean %v basis %s, want %v real:2024", y2016.Mean, y2016.Basis, want)
	}
	eng, err := PublishedFor(ctx, w.DB, "security-engineer", 2024, tax)
	if err != nil {
		t.Fatal(err)
	}
	if len(eng) == 0 || !strings.Contains(eng[0].Comparison, "broader occupation 15-1212") {
		t.Errorf("security-engineer published: %+v", eng)
	}
	mgr, err := PublishedFor(ctx, w.DB, "security-manager", 2024, tax)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range mgr {
		if p.Code != "" && !strings.Contains(p.Comparison, "broader occupation") {
			t.Errorf("security-manager beside %s %s unlabelled", p.Code, p.Occupation)
		}
	}
}

func TestPopulationOf(t *testing.T) {
	us := func(kind, status string) Band {
		return Band{N: 10, Scope: Scope{Kinds: []string{kind}, Countries: []string{"US"}, NCountries: 1, CaseStatus: status}}
	}
	survey := func(countries ...string) Band {
		return Band{N: 10, Scope: Scope{Kinds: []string{KindSurvey}, Countries: countries, NCountries: len(countries)}}
	}
	cases := []struct {
		name string
		bs   []Band
		want string
	}{
		{"none", nil, ""},
		{"certified prevailing wages", []Band{us(KindLCAPrevailing, CaseStatusCertified), us(KindLCAPrevailing, CaseStatusCertified)},
			"certified H-1B filings (prevailing wage) in the United States"},
		{"every filing", []Band{us(KindLCAOffered, CaseStatusAll)}, "H-1B filings (offered wage) in the United States"},
		{"survey in places that differ", []Band{survey("US"), survey("DE", "GB")}, "survey answers in several countries"},
		{"kinds pooled across bands", []Band{us(KindLCAOffered, CaseStatusCertified), survey("US")},
			"rows (lca-offered + survey) in the United States"},
	}
	for _, tc := range cases {
		if got := PopulationOf(tc.bs); got != tc.want {
			t.Errorf("%s: PopulationOf = %q, want %q", tc.name, got, tc.want)
		}
	}
}
