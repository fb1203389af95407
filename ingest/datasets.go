package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// Datasets (docs/methodology.md, "Datasets"). Every source belongs to a
// dataset, a publisher's series: the name given with --dataset (or
// dataset: in a pipeline's source entry); else the publisher the file's
// name or profile says (isecjobs, aijobs, dol-lca, bls-oews); else the
// dataset of a loaded source the file is another snapshot of; else the
// file's name without its extension and a trailing date.
const (
	DatasetISecJobs = "isecjobs"
	DatasetAIJobs   = "aijobs"
	DatasetDOLLCA   = "dol-lca"
	DatasetBLSOEWS  = "bls-oews"
)

// SnapshotOverlap is the share of rows two sources must have in common,
// counted against the smaller of the two, for one to be taken as another
// snapshot of the other. The Kaggle copies of the surveys overlap them by
// 88% and 91%, an older isecjobs snapshot its successor by 98–100%, while
// the two Foorilla surveys (different datasets of the same shape) share
// 2.6%: a half sits far from both.
const SnapshotOverlap = 0.5

// datasetByName is the dataset a file's name or profile says, or "".
func datasetByName(path, profile string) string {
	switch profile {
	case "lca":
		return DatasetDOLLCA
	case "oews":
		return DatasetBLSOEWS
	}
	base := strings.ToLower(filepath.Base(path))
	switch {
	case strings.Contains(base, "infosec") || strings.Contains(base, "isecjobs") || strings.Contains(base, "isec_jobs"):
		return DatasetISecJobs
	case strings.Contains(base, "aijobs") || strings.Contains(base, "ai_jobs") || strings.Contains(base, "ai-jobs"):
		return DatasetAIJobs
	case strings.Contains(base, "h1b") || strings.Contains(base, "lca_disclosure") || strings.HasPrefix(base, "lca_"):
		return DatasetDOLLCA
	}
	return ""
}

var trailingDate = regexp.MustCompile(`[-_ .]*(\d{4}[-_]?\d{2}[-_]?\d{2}|\d{4}[-_]q[1-4]|fy\d{4}(_q[1-4])?)$`)

// datasetStem is a file's name without extensions and a trailing date:
// "salaries_2025-08-03.csv.gz" → "salaries".
func datasetStem(path string) string {
	base := strings.ToLower(filepath.Base(path))
	for {
		ext := filepath.Ext(base)
		if ext == "" || len(ext) > 8 {
			break
		}
		base = strings.TrimSuffix(base, ext)
	}
	if s := trailingDate.ReplaceAllString(base, ""); s != "" {
		base = s
	}
	return base
}

// Overlap is how much of a file is another loaded source's rows.
type Overlap struct {
	Source   string  // the other source's file name
	Dataset  string  // its dataset
	Shared   int64   // rows in common (as a multiset: equal rows count as often as both hold them)
	Fraction float64 // Shared over the smaller source's rows
}

// The fingerprint of a row (docs/methodology.md): every canonical column
// of the stored row, the raw title's text in place of its per-file id.
// Rows are compared as multisets, so two equal survey answers in one file
// are two rows, and count as shared only as often as the other file holds
// them too. Sources with case numbers are deduplicated case by case
// instead (sqlMarkDuplicates), and published tables not at all here.
const sqlSnapshotOverlap = `WITH fp AS (
    SELECT o.source_id, hash(o.year, st.title_raw, o.pay_usd, o.pay_usd_low, o.pay_usd_high, o.pay_unit,
        o.currency, o.pay_local, o.country, o.state, o.employer, o.employment_type, o.experience_level,
        o.company_size, o.company_country, o.remote_ratio, o.wage_basis, o.wage_level, o.case_status,
        o.soc_code) AS h
    FROM observations o
    JOIN source_titles st ON st.title_id = o.title_id
    WHERE o.dup_of IS NULL AND o.case_code IS NULL AND o.case_number IS NULL
      AND (o.source_id = $1 OR o.source_id IN (
          SELECT source_id FROM source_files WHERE retired_at IS NULL AND profile <> 'oews'))
),
c AS (SELECT source_id, h, count(*) AS n FROM fp GROUP BY source_id, h),
mine AS (SELECT h, n FROM c WHERE source_id = $1)
SELECT c.source_id, f.name, coalesce(f.dataset, ''), f.rows_loaded,
       (SELECT max(year) FROM observations x WHERE x.source_id = c.source_id),
       CAST(sum(least(c.n, mine.n)) AS BIGINT)
FROM c JOIN mine ON mine.h = c.h
JOIN source_files f ON f.source_id = c.source_id
WHERE c.source_id <> $1
GROUP BY c.source_id, f.name, f.dataset, f.rows_loaded
ORDER BY c.source_id`

// Whether any other active source could share rows with the new one.
const sqlOtherUncased = `SELECT count(*) FROM (SELECT 1 FROM source_files
WHERE retired_at IS NULL AND profile <> 'oews' AND source_id <> ? AND rows_loaded > 0 LIMIT 1)`

const sqlMaxYear = `SELECT coalesce(max(year), 0) FROM observations WHERE source_id = ?`

// snapshot is one side of a supersession: a source and what decides which
// of two snapshots is the newer.
type snapshot struct {
	id      int64
	name    string
	dataset string
	rows    int64
	maxYear int
}

// newer reports whether a is a newer snapshot than b: a cumulative
// dataset's later snapshot reaches a later year, or holds more rows of the
// same years; when both agree, the later loaded (higher source id) wins.
// The order files are loaded in therefore never decides.
func (a snapshot) newer(b snapshot) bool {
	if a.maxYear != b.maxYear {
		return a.maxYear > b.maxYear
	}
	if a.rows != b.rows {
		return a.rows > b.rows
	}
	return a.id > b.id
}

// supersession is what the fingerprints said about a new source.
type supersession struct {
	overlaps     []Overlap
	dataset      string     // the dataset of the source it is a snapshot of, or ""
	supersedes   []snapshot // sources the new one supersedes
	supersededBy *snapshot  // the newer source that supersedes the new one
}

// findSnapshots compares the new source's rows with every other active
// source's. A source sharing at least SnapshotOverlap of the smaller's
// rows is another snapshot of the same dataset, and of the two the newer
// supersedes the older as a whole.
func findSnapshots(ctx context.Context, c *sql.Conn, me snapshot) (supersession, error) {
	var s supersession
	var others int
	if err := c.QueryRowContext(ctx, sqlOtherUncased, me.id).Scan(&others); err != nil || others == 0 {
		return s, err
	}
	rows, err := c.QueryContext(ctx, sqlSnapshotOverlap, me.id)
	if err != nil {
		return s, err
	}
	var matches []snapshot
	for rows.Next() {
		var o snapshot
		var maxYear sql.NullInt64
		var shared int64
		if err := rows.Scan(&o.id, &o.name, &o.dataset, &o.rows, &maxYear, &shared); err != nil {
			rows.Close()
			return s, err
		}
		o.maxYear = int(maxYear.Int64)
		frac := float64(shared) / float64(max(min(o.rows, me.rows), 1))
		s.overlaps = append(s.overlaps, Overlap{Source: o.name, Dataset: o.dataset, Shared: shared, Fraction: frac})
		if frac >= SnapshotOverlap {
			matches = append(matches, o)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s, err
	}
	if len(matches) == 0 {
		return s, nil
	}
	newest := me
	for _, o := range matches {
		if o.newer(newest) {
			newest = o
		}
	}
	s.dataset = matches[0].dataset
	if newest.id == me.id {
		s.supersedes = matches
		return s, nil
	}
	s.supersededBy = &newest
	for _, o := range matches {
		if o.id != newest.id {
			s.supersedes = append(s.supersedes, o)
		}
	}
	return s, nil
}

const (
	sqlRetireSource = `UPDATE source_files SET retired_at = now() WHERE source_id = ? AND retired_at IS NULL`
	// A superseded source is a snapshot of its successor's dataset.
	sqlSupersedeSource = `UPDATE source_files SET retired_at = coalesce(retired_at, now()), superseded_by = $1,
    dataset = coalesce((SELECT dataset FROM source_files WHERE source_id = $1), dataset)
WHERE source_id = $2`
	// A source that superseded others and is itself superseded hands them on.
	sqlHandOnSuperseded = `UPDATE source_files SET superseded_by = ? WHERE superseded_by = ?`

	// The rows that duplicated a retired source's: for each case number,
	// the earliest remaining source's copy becomes the row, and the later
	// copies duplicates of it.
	sqlPromotions = `SELECT o.rowid, o.source_id,
       min(o.source_id) OVER (PARTITION BY o.case_code, o.case_number) AS winner
FROM observations o
JOIN source_files f ON f.source_id = o.source_id AND f.retired_at IS NULL
WHERE o.dup_of = ?`
	sqlPromote = `UPDATE observations
SET dup_of = CASE WHEN p.winner = observations.source_id THEN NULL ELSE p.winner END
FROM (` + sqlPromotions + `) p
WHERE observations.rowid = p.rowid`
	sqlPromotedCounts = `SELECT source_id, count(*) FROM (` + sqlPromotions + `) WHERE winner = source_id GROUP BY source_id`
	sqlCountPromoted  = `UPDATE source_files SET rows_loaded = rows_loaded + ?, rows_duplicate = rows_duplicate - ? WHERE source_id = ?`

	sqlSupersededBy  = `SELECT source_id, name, rows_loaded, (SELECT coalesce(max(year), 0) FROM observations o WHERE o.source_id = f.source_id) FROM source_files f WHERE superseded_by = ? ORDER BY source_id`
	sqlRestoreSource = `UPDATE source_files SET retired_at = NULL, superseded_by = NULL WHERE source_id = ?`

	sqlActiveAtPath = `SELECT source_id FROM source_files WHERE retired_at IS NULL AND path = ? ORDER BY source_id`
)

// querier is what retireSource needs of a connection or transaction.
type querier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// retireSource takes a source out of the views so that what remains is
// exactly what the remaining sources hold: the rows other sources held as
// duplicates of its rows are promoted (the earliest remaining source's
// copy wins, and each promotion moves a row from that source's
// rows_duplicate to its rows_loaded), and the snapshots it had superseded
// come back, the newest of them superseding the rest again.
func retireSource(ctx context.Context, c querier, id int64) error {
	if _, err := c.ExecContext(ctx, sqlRetireSource, id); err != nil {
		return err
	}
	type count struct{ id, n int64 }
	var counts []count
	rows, err := c.QueryContext(ctx, sqlPromotedCounts, id)
	if err != nil {
		return err
	}
	for rows.Next() {
		var k count
		if err := rows.Scan(&k.id, &k.n); err != nil {
			rows.Close()
			return err
		}
		counts = append(counts, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(counts) > 0 {
		if _, err := c.ExecContext(ctx, sqlPromote, id); err != nil {
			return fmt.Errorf("promote the duplicates of source %d: %w", id, err)
		}
		for _, k := range counts {
			if _, err := c.ExecContext(ctx, sqlCountPromoted, k.n, k.n, k.id); err != nil {
				return err
			}
		}
	}
	return restoreSuperseded(ctx, c, id)
}

// restoreSuperseded brings back the sources id had superseded; the newest
// of them supersedes the others, which were snapshots of the same dataset.
func restoreSuperseded(ctx context.Context, c querier, id int64) error {
	rows, err := c.QueryContext(ctx, sqlSupersededBy, id)
	if err != nil {
		return err
	}
	var back []snapshot
	for rows.Next() {
		var s snapshot
		if err := rows.Scan(&s.id, &s.name, &s.rows, &s.maxYear); err != nil {
			rows.Close()
			return err
		}
		back = append(back, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(back) == 0 {
		return err
	}
	newest := back[0]
	for _, s := range back[1:] {
		if s.newer(newest) {
			newest = s
		}
	}
	if _, err := c.ExecContext(ctx, sqlRestoreSource, newest.id); err != nil {
		return err
	}
	for _, s := range back {
		if s.id != newest.id {
			if _, err := c.ExecContext(ctx, sqlSupersedeSource, newest.id, s.id); err != nil {
				return err
			}
		}
	}
	return nil
}

// retirePath retires every active source loaded from path.
func retirePath(ctx context.Context, c querier, path string) (int, error) {
	rows, err := c.QueryContext(ctx, sqlActiveAtPath, path)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := retireSource(ctx, c, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// RetirePathTx is RetirePath inside the caller's transaction.
func RetirePathTx(ctx context.Context, tx *sql.Tx, path string) (int, error) {
	return retirePath(ctx, tx, path)
}

// RetirePath retires, in one transaction, the active sources loaded from
// path (run --prune, for a file no source entry matches any more). Rows
// other sources held as duplicates of theirs are promoted, so the views
// then show exactly the rows the remaining sources hold.
func RetirePath(ctx context.Context, db *sql.DB, path string) (int, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	n, err := retirePath(ctx, tx, path)
	if err != nil {
		tx.Rollback() //nolint:errcheck // the error that matters is err
		return 0, err
	}
	return n, tx.Commit()
}

const sqlMoveSource = `UPDATE source_files SET path = ?, name = ? WHERE retired_at IS NULL AND path = ? AND sha256 = ?`

// MoveSource records that the content loaded from oldPath (sha256 sum) now
// lives at newPath: a rename keeps its rows. It reports whether a source
// was moved.
func MoveSource(ctx context.Context, tx *sql.Tx, oldPath, newPath, sum string) (bool, error) {
	r, err := tx.ExecContext(ctx, sqlMoveSource, newPath, filepath.Base(newPath), oldPath, sum)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n > 0, err
}

// SnapshotLine says in one line what a load's fingerprints found: the
// overlap with the other source and which snapshot superseded which; ""
// when the file shares no rows with another.
func SnapshotLine(r Result) string {
	var best *Overlap
	for i := range r.Overlaps {
		if best == nil || r.Overlaps[i].Fraction > best.Fraction {
			best = &r.Overlaps[i]
		}
	}
	if best == nil {
		return ""
	}
	share := fmt.Sprintf("%s shares %d rows (%.1f%% of the smaller) with %s", r.Source, best.Shared, 100*best.Fraction, best.Source)
	switch {
	case r.SupersededBy != "":
		return fmt.Sprintf("%s: an older snapshot of dataset %s; superseded by %s, its rows retired (lineage kept)", share, r.Dataset, r.SupersededBy)
	case len(r.Supersedes) > 0:
		return fmt.Sprintf("%s: a newer snapshot of dataset %s; supersedes %s, whose rows are retired (lineage kept)", share, r.Dataset, strings.Join(r.Supersedes, ", "))
	}
	return share + fmt.Sprintf(": under %.0f%%, so not another snapshot", 100*SnapshotOverlap)
}
