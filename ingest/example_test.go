package ingest_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"payband/ingest"
	"payband/warehouse"
)

// A survey file of four answers, one with pay that is not a number, loaded
// into a new warehouse: the profile is detected from the header, three
// rows are loaded and the fourth is rejected with its reason, its row
// numbered as the file's line.
func ExampleFile() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "payband-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "survey.csv")
	csv := `work_year,experience_level,employment_type,job_title,salary,salary_currency,salary_in_usd,employee_residence,remote_ratio,company_location,company_size
2024,SE,FT,Security Engineer,150000,USD,150000,US,0,US,M
2024,MI,FT,Security Analyst,98000,USD,98000,US,100,US,L
2024,EX,FT,CISO,240000,USD,240000,US,0,US,L
2024,SE,FT,Security Engineer,lots,USD,lots,US,0,US,M
`
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		log.Fatal(err)
	}
	w, err := warehouse.Open(ctx, filepath.Join(dir, "w.duckdb"), warehouse.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()

	res, err := ingest.File(ctx, w, path, ingest.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("profile %s: read %d, loaded %d, rejected %d\n", res.Profile, res.Read, res.Loaded, res.Rejected)
	var row int64
	var column, reason string
	if err := w.DB.QueryRowContext(ctx, `SELECT row_no, "column", reason FROM rejects`).Scan(&row, &column, &reason); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("row %d, %s: %s\n", row, column, reason)
	// Output:
	// profile survey: read 4, loaded 3, rejected 1
	// row 5, salary_in_usd: unparseable pay amount "lots": unexpected text "lots"
}
