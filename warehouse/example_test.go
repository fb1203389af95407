package warehouse_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"payband/warehouse"
)

// Open creates the warehouse file when it is not there, at the newest
// schema version, holding the lock until Close; its public views are
// empty until a load.
func ExampleOpen() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "payband-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	w, err := warehouse.Open(ctx, filepath.Join(dir, "payband.duckdb"), warehouse.Options{})
	if err != nil {
		log.Fatal(err)
	}
	v, err := w.SchemaVersion(ctx)
	if err != nil {
		log.Fatal(err)
	}
	var rows int
	if err := w.DB.QueryRowContext(ctx, `SELECT count(*) FROM salaries`).Scan(&rows); err != nil {
		log.Fatal(err)
	}
	fmt.Println("newest schema:", v == warehouse.SchemaVersion, "salaries:", rows)

	// A second writer is refused while the first holds the file.
	_, err = warehouse.Open(ctx, filepath.Join(dir, "payband.duckdb"), warehouse.Options{})
	fmt.Println("second writer busy:", errors.Is(err, warehouse.ErrBusy))
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// newest schema: true salaries: 0
	// second writer busy: true
}
