package ingest

import (
	"context"
	"database/sql"
	"maps"

	"github.com/duckdb/duckdb-go/v2"

	"payband/titles"
	"payband/warehouse"
)

// Remap re-normalizes every distinct raw title in the warehouse with m, in
// one transaction, and records m's fingerprint. It returns how many titles
// changed family, title or seniority.
func Remap(ctx context.Context, w *warehouse.Warehouse, m *titles.Matcher) (int, error) {
	changed, _, err := remap(ctx, w, m, sqlAllTitles)
	return changed, err
}

// RemapStale re-normalizes only the titles that were never mapped or were
// mapped with another fingerprint than m's (another taxonomy or other
// overrides): after a load, which maps its new titles with the run's
// matcher, there is nothing to do. It returns how many titles changed and
// how many were matched.
func RemapStale(ctx context.Context, w *warehouse.Warehouse, m *titles.Matcher) (changed, matched int, err error) {
	return remap(ctx, w, m, sqlStaleTitles)
}

const (
	sqlAllTitles   = `SELECT DISTINCT title_raw FROM source_titles UNION SELECT title_raw FROM title_map_t`
	sqlStaleTitles = `SELECT DISTINCT st.title_raw FROM source_titles st
LEFT JOIN title_map_t m ON m.title_raw = st.title_raw
WHERE m.title_raw IS NULL OR m.fingerprint IS DISTINCT FROM $1
UNION SELECT title_raw FROM title_map_t WHERE fingerprint IS DISTINCT FROM $1`
)

func remap(ctx context.Context, w *warehouse.Warehouse, m *titles.Matcher, q string) (changed, matched int, err error) {
	fingerprint := m.Fingerprint()
	var args []any
	if q == sqlStaleTitles {
		args = append(args, fingerprint)
	}
	err = inTx(ctx, w, func(c *sql.Conn, ar *duckdb.Arrow) error {
		if err := exec(ctx, c, `CREATE TEMP TABLE prev_map AS SELECT * FROM title_map_t`); err != nil {
			return err
		}
		titles := map[string]struct{}{}
		rows, err := c.QueryContext(ctx, q, args...)
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
		if q == sqlAllTitles {
			if err := exec(ctx, c, `DELETE FROM title_map_t`); err != nil {
				return err
			}
		}
		matched = len(titles)
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
	return changed, matched, err
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
