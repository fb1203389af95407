package warehouse

import (
	"context"
	"fmt"
)

// Check verifies the warehouse is consistent: the schema version is
// current, every public view answers, every source's counts equal the rows
// stored behind it, and every row's title is in its file's dictionary. It returns one line per problem found.
func (w *Warehouse) Check(ctx context.Context) ([]string, error) {
	var problems []string
	v, err := w.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if v != SchemaVersion {
		problems = append(problems, fmt.Sprintf("schema version is %d, want %d", v, SchemaVersion))
	}
	for _, view := range PublicViews {
		var n int64
		// view comes from the fixed PublicViews list, never from input.
		if err := w.DB.QueryRowContext(ctx, "SELECT count(*) FROM "+view).Scan(&n); err != nil {
			problems = append(problems, fmt.Sprintf("view %s: %v", view, err))
		}
	}
	rows, err := w.DB.QueryContext(ctx, sqlCheckCounts)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var read, loaded, rejected, dup, obs, obsDup, rej int64
		if err := rows.Scan(&name, &read, &loaded, &rejected, &dup, &obs, &obsDup, &rej); err != nil {
			return nil, err
		}
		if read != loaded+rejected+dup {
			problems = append(problems, fmt.Sprintf("source %s: rows_read %d != loaded %d + rejected %d + duplicate %d", name, read, loaded, rejected, dup))
		}
		if obs != loaded {
			problems = append(problems, fmt.Sprintf("source %s: rows_loaded %d but %d rows stored", name, loaded, obs))
		}
		// Duplicates of another source's rows are stored (dup_of), repeats
		// within the file are not: the stored ones are at most rows_duplicate.
		if obsDup > dup {
			problems = append(problems, fmt.Sprintf("source %s: rows_duplicate %d but %d duplicates stored", name, dup, obsDup))
		}
		if rej != rejected {
			problems = append(problems, fmt.Sprintf("source %s: rows_rejected %d but %d rejects stored", name, rejected, rej))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var orphans int64
	if err := w.DB.QueryRowContext(ctx, sqlCheckOrphans).Scan(&orphans); err != nil {
		return nil, err
	}
	if orphans > 0 {
		problems = append(problems, fmt.Sprintf("%d stored rows belong to no source", orphans))
	}
	var untitled int64
	if err := w.DB.QueryRowContext(ctx, sqlCheckTitles).Scan(&untitled); err != nil {
		return nil, err
	}
	if untitled > 0 {
		problems = append(problems, fmt.Sprintf("%d stored rows have no title in their file's source_titles (salaries leaves them out)", untitled))
	}
	var twice int64
	if err := w.DB.QueryRowContext(ctx, sqlDuplicateTitles).Scan(&twice); err != nil {
		return nil, err
	}
	if twice > 0 {
		problems = append(problems, fmt.Sprintf("%d raw titles are mapped more than once in title_map_t (salaries counts their rows for each)", twice))
	}
	return problems, nil
}

const sqlCheckCounts = `SELECT f.name, f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_duplicate,
       (SELECT count(*) FROM observations o WHERE o.source_id = f.source_id AND o.dup_of IS NULL),
       (SELECT count(*) FROM observations o WHERE o.source_id = f.source_id AND o.dup_of IS NOT NULL),
       (SELECT count(*) FROM reject_rows r WHERE r.source_id = f.source_id)
FROM source_files f
WHERE f.profile <> 'oews'
ORDER BY f.source_id`

const sqlCheckOrphans = `SELECT count(*) FROM observations o
WHERE NOT EXISTS (SELECT 1 FROM source_files f WHERE f.source_id = o.source_id)`

const sqlCheckTitles = `SELECT count(*) FROM observations o
WHERE NOT EXISTS (SELECT 1 FROM source_titles t WHERE t.title_id = o.title_id AND t.source_id = o.source_id)`
