package warehouse

// The statements that write the internal tables, and the reads a load or
// a remap makes inside its transaction. Values are always bound
// parameters; the only identifiers are the fixed table and view names
// here. No other package writes these tables (TestOnlyTheWarehouseWritesItsTables).

// Sources: loading, retiring, superseding, moving.
const (
	// Content already loaded: an active source, or a snapshot a newer one
	// superseded (loading it again would only be superseded again).
	sqlSourceBySHA = `SELECT count(*) FROM source_files WHERE sha256 = ? AND (retired_at IS NULL OR superseded_by IS NOT NULL)`

	sqlNextSourceID = `SELECT nextval('source_id_seq')`

	sqlInsertSource = `INSERT INTO source_files
    (source_id, name, path, sha256, profile, format, rows_read, rows_loaded,
     rows_rejected, rows_duplicate, loaded_at, dataset, synthetic)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?)`

	sqlActiveAtPath = `SELECT source_id FROM source_files WHERE retired_at IS NULL AND path = ? ORDER BY source_id`

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

	sqlMoveSource = `UPDATE source_files SET path = ?, name = ? WHERE retired_at IS NULL AND path = ? AND sha256 = ?`
)

// A load's rows. Each reads the Arrow stream registered as payband_batch.
const (
	sqlInsertObservations = `INSERT INTO observations
    (source_id, row_no, year, title_id, pay_usd, pay_usd_low, pay_usd_high, pay_unit, currency,
     pay_local, country, state, employer, employment_type, experience_level, company_size,
     company_country, remote_ratio, wage_basis, wage_level, case_status, soc_code, case_number,
     case_code, county, city, postal_code)
SELECT ?, row_no, year, title_id, pay_usd, pay_usd_low, pay_usd_high, pay_unit, currency,
     pay_local, country, state, employer, employment_type, experience_level, company_size,
     company_country, remote_ratio, wage_basis, wage_level, case_status, soc_code, case_number,
     case_code, county, city, postal_code
FROM payband_batch`

	sqlInsertRejects = `INSERT INTO reject_rows (source_id, row_no, column_name, value, reason)
SELECT ?, row_no, column_name, value, reason FROM payband_batch`

	sqlInsertPublished = `INSERT INTO published
    (source_id, publisher, code, occupation, family, year, area, employment,
     mean, p10, p25, median, p75, p90, topcoded, topcoded_columns, area_type, area_name)
SELECT ?, ?, code, occupation, '', year, area, employment,
     mean, p10, p25, median, p75, p90, topcoded, topcoded_columns, area_type, area_name
FROM payband_batch`

	sqlInsertSourceTitles = `INSERT INTO source_titles (title_id, source_id, title_raw)
SELECT title_id, ?, title_raw FROM payband_batch`

	// A load maps only titles the map lacks, and a full remap clears the
	// map first: both insert plainly, which DuckDB does far faster than
	// INSERT OR REPLACE's per-row key lookup (1.3–3.4 s of a 2 M-row
	// first load with 115,000 distinct titles). Only a stale remap
	// replaces rows.
	sqlInsertTitles = `INSERT INTO title_map_t
    (title_raw, title, family, seniority, confidence, method, fingerprint)
SELECT title_raw, title, family, seniority, confidence, method, ? FROM payband_batch`

	// batchView is the name a load's Arrow stream is registered under;
	// sqlDropBatchView removes it before commit.
	batchView        = "payband_batch"
	sqlDropBatchView = `DROP VIEW IF EXISTS payband_batch`

	// A load's observations are inserted without DuckDB keeping their
	// order (AppendObservations); the setting is read first and put back.
	sqlInsertionOrder     = `SELECT current_setting('preserve_insertion_order')`
	sqlInsertionOrderOff  = `SET preserve_insertion_order = false`
	sqlInsertionOrderTrue = `SET preserve_insertion_order = true`
)

// A load's dedupe and snapshot reads.
const (
	// Whether any other active source holds case numbers at all.
	sqlOtherCases = `SELECT count(*) FROM (
    SELECT 1 FROM observations o
    JOIN source_files f ON f.source_id = o.source_id AND f.retired_at IS NULL
    WHERE o.source_id <> ? AND (o.case_code IS NOT NULL OR o.case_number IS NOT NULL) LIMIT 1)`

	// A case number an earlier active source already holds makes the row a
	// duplicate: the first filing wins. The row stays stored, with dup_of
	// naming the source whose row it duplicates, so retiring that source
	// can promote it (retireSource). A case number is either packed
	// (case_code) or text (case_number), the same one always the same way;
	// among active sources each is held by one row with dup_of NULL.
	sqlMarkDuplicates = `UPDATE observations SET dup_of = p.source_id
FROM (
    SELECT o.source_id, o.case_code, o.case_number FROM observations o
    JOIN source_files f ON f.source_id = o.source_id AND f.retired_at IS NULL
    WHERE o.source_id <> $1 AND o.dup_of IS NULL
      AND (o.case_code IS NOT NULL OR o.case_number IS NOT NULL)
) p
WHERE observations.source_id = $1 AND observations.dup_of IS NULL
  AND (observations.case_code = p.case_code OR observations.case_number = p.case_number)`

	// A figure already published by an active source for the same
	// publisher, occupation, year and area makes the new row a duplicate:
	// the first file loaded wins, as with LCA case numbers.
	sqlDedupePublished = `DELETE FROM published
WHERE source_id = $1 AND (publisher, code, year, area) IN (
    SELECT p.publisher, p.code, p.year, p.area FROM published p
    JOIN source_files f ON f.source_id = p.source_id AND f.retired_at IS NULL
    WHERE p.source_id <> $1)`

	sqlCountPublished = `SELECT count(*) FROM published WHERE source_id = ?`

	// Title ids are numbered across the warehouse; the load holds its lock.
	sqlNextTitleID = `SELECT CAST(coalesce(max(title_id), 0) + 1 AS INTEGER) FROM source_titles`

	sqlMappedTitles = `SELECT title_raw FROM title_map_t`

	sqlMaxYear = `SELECT coalesce(max(year), 0) FROM observations WHERE source_id = ?`

	// Whether any other active source could share rows with the new one.
	sqlOtherUncased = `SELECT count(*) FROM (SELECT 1 FROM source_files
WHERE retired_at IS NULL AND profile <> 'oews' AND source_id <> ? AND rows_loaded > 0 LIMIT 1)`

	// The fingerprint of a row (docs/methodology.md): every canonical
	// column of the stored row, the raw title's text in place of its
	// per-file id. Rows are compared as multisets, so two equal survey
	// answers in one file are two rows, and count as shared only as often
	// as the other file holds them too. Sources with case numbers are
	// deduplicated case by case instead (sqlMarkDuplicates), and published
	// tables not at all here.
	sqlSnapshotOverlap = `WITH fp AS (
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
)

// The title map and meta.
const (
	sqlAllTitles   = `SELECT DISTINCT title_raw FROM source_titles UNION SELECT title_raw FROM title_map_t`
	sqlStaleTitles = `SELECT DISTINCT st.title_raw FROM source_titles st
LEFT JOIN title_map_t m ON m.title_raw = st.title_raw
WHERE m.title_raw IS NULL OR m.fingerprint IS DISTINCT FROM $1
UNION SELECT title_raw FROM title_map_t WHERE fingerprint IS DISTINCT FROM $1`

	// prev_map is a remap's copy of the title map as it was, a temporary
	// table of the remap's connection, dropped before it commits.
	sqlSavePrevMap   = `CREATE TEMP TABLE prev_map AS SELECT * FROM title_map_t`
	sqlClearTitleMap = `DELETE FROM title_map_t`
	// A stale remap deletes the entries it maps again (sqlStaleTitles
	// selects every title of the map with another fingerprint): the map
	// has no key to replace them by (006_title_map_key.sql).
	sqlClearStaleTitles = `DELETE FROM title_map_t WHERE fingerprint IS DISTINCT FROM ?`
	sqlDuplicateTitles  = `SELECT count(*) - count(DISTINCT title_raw) FROM title_map_t`
	sqlCountRemapped    = `SELECT count(*) FROM title_map_t n
LEFT JOIN prev_map p ON p.title_raw = n.title_raw
WHERE p.title_raw IS NULL OR p.family <> n.family OR p.title <> n.title OR p.seniority <> n.seniority`
	sqlDropPrevMap = `DROP TABLE prev_map`

	sqlSetMeta = `INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`
	sqlGetMeta = `SELECT value FROM meta WHERE key = ?`
)

// Runs.
const (
	sqlRunStart = `INSERT INTO run_log (run_id, started_at, outcome, config) VALUES (?, ?, ?, ?)`
	sqlRunEnd   = `UPDATE run_log SET ended_at = ?, outcome = ?, report_dir = ?, manifest = ? WHERE run_id = ?`
)
