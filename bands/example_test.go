package bands_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"payband/bands"
	"payband/ingest"
	"payband/warehouse"
)

// Bands by level of one family: the groups come up the level ladder, not
// alphabetically, each with its row count and order statistics, and a
// group of fewer than MinN rows is counted as left out.
func ExampleComputeBands() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "payband-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	var csv strings.Builder
	csv.WriteString("work_year,experience_level,employment_type,job_title,salary,salary_currency,salary_in_usd,employee_residence,remote_ratio,company_location,company_size\n")
	for i, pay := range []int{150000, 160000, 170000, 180000, 190000} {
		fmt.Fprintf(&csv, "2024,SE,FT,Security Engineer,%d,USD,%d,US,0,US,M\n", pay, pay)
		fmt.Fprintf(&csv, "2024,MI,FT,Security Engineer,%d,USD,%d,US,0,US,M\n", pay-40000, pay-40000)
		if i == 0 {
			fmt.Fprintf(&csv, "2024,EN,FT,Security Engineer,%d,USD,%d,US,0,US,M\n", 90000, 90000)
		}
	}
	path := filepath.Join(dir, "survey.csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	w, err := warehouse.Open(ctx, filepath.Join(dir, "w.duckdb"), warehouse.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	if _, err := ingest.File(ctx, w, path, ingest.Options{}); err != nil {
		log.Fatal(err)
	}

	q := bands.BandQuery{By: []string{"level"}, Filters: map[string]string{"family": "security-engineer"}, MinN: 3}
	bs, skipped, err := bands.ComputeBands(ctx, w.DB, q, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range bs {
		fmt.Printf("%s: n %d, p25 %.0f, median %.0f, p75 %.0f\n", b.Label(), b.N, b.P25, b.Median, b.P75)
	}
	fmt.Println("groups under min n:", skipped)
	// Output:
	// mid: n 5, p25 120000, median 130000, p75 140000
	// senior: n 5, p25 160000, median 170000, p75 180000
	// groups under min n: 1
}
