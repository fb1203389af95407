package ingest

import (
	"context"
	"database/sql"
	"maps"

	"github.com/duckdb/duckdb-go/v2"

	"payband/transform"
	"payband/warehouse"
)

// Remap re-normalizes every distinct raw title in the warehouse with m, in
// one transaction, and records the taxonomy's fingerprint. It returns how
// many titles changed family, title or seniority.
func Remap(ctx context.Context, w *warehouse.Warehouse, m *transform.Matcher, fingerprint string) (int, error) {
	var changed int
	err := inTx(ctx, w, func(c *sql.Conn, ar *duckdb.Arrow) error {
		if err := exec(ctx, c, `CREATE TEMP TABLE prev_map AS SELECT * FROM title_map_t`); err != nil {
			return err
		}
		titles := map[string]struct{}{}
		rows, err := c.QueryContext(ctx, `SELECT DISTINCT title_raw FROM source_titles UNION SELECT title_raw FROM title_map_t`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return err
			}
			titles[t] = struct{}{}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := exec(ctx, c, `DELETE FROM title_map_t`); err != nil {
			return err
		}
		if len(titles) > 0 {
			if err := InsertTitleMatches(ctx, c, ar, maps.Keys(titles), m); err != nil {
				return err
			}
		}
		if err := c.QueryRowContext(ctx, sqlCountRemapped).Scan(&changed); err != nil {
			return err
		}
		if err := exec(ctx, c, `DROP TABLE prev_map`); err != nil {
			return err
		}
		return exec(ctx, c, sqlSetMeta, "taxonomy_fingerprint", fingerprint)
	})
	return changed, err
}

// TaxonomyFingerprint returns the fingerprint of the taxonomy the title map
// was last built with ("" when never recorded).
func TaxonomyFingerprint(ctx context.Context, db *sql.DB) (string, error) {
	var v string
	err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'taxonomy_fingerprint'`).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, err
}

const sqlCountRemapped = `SELECT count(*) FROM title_map_t n
LEFT JOIN prev_map p ON p.title_raw = n.title_raw
WHERE p.title_raw IS NULL OR p.family <> n.family OR p.title <> n.title OR p.seniority <> n.seniority`

const sqlSetMeta = `INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`
