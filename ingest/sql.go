package ingest

// SQL the loader runs. Values are always bound parameters; the only
// identifiers are the fixed table and view names below.
const (
	// Content already loaded: an active source, or a snapshot a newer one
	// superseded (loading it again would only be superseded again).
	sqlSourceBySHA = `SELECT count(*) FROM source_files WHERE sha256 = ? AND (retired_at IS NULL OR superseded_by IS NOT NULL)`

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

	// Title ids are numbered across the warehouse; the load holds its lock.
	sqlNextTitleID = `SELECT CAST(coalesce(max(title_id), 0) + 1 AS INTEGER) FROM source_titles`

	sqlInsertSourceTitles = `INSERT INTO source_titles (title_id, source_id, title_raw)
SELECT title_id, ?, title_raw FROM payband_batch`

	sqlUpsertTitles = `INSERT OR REPLACE INTO title_map_t
    (title_raw, title, family, seniority, confidence, method, fingerprint)
SELECT title_raw, title, family, seniority, confidence, method, ? FROM payband_batch`

	sqlInsertSource = `INSERT INTO source_files
    (source_id, name, path, sha256, profile, format, rows_read, rows_loaded,
     rows_rejected, rows_duplicate, loaded_at, dataset)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?)`
)

// sqlDropBatchView removes the view insertArrow registers, before commit.
const sqlDropBatchView = `DROP VIEW IF EXISTS payband_batch`
