-- Public views: the stable interface for ad-hoc queries (docs/warehouse.md).
-- Re-created on every writable open, so a migration may change the tables
-- behind them freely.

-- A load's Arrow view, which earlier versions of payband left committed,
-- pointing at freed memory (docs/warehouse.md, Tables).
DROP VIEW IF EXISTS payband_batch;
CREATE OR REPLACE VIEW sources AS
SELECT name AS source, path, sha256, profile, rows_read, rows_loaded,
       rows_rejected, rows_duplicate, loaded_at, dataset
FROM source_files
WHERE retired_at IS NULL;

-- The title map is joined to each file's titles (thousands of rows) inside
-- the subquery, so the observations (millions) are joined on the integer
-- title_id alone.
CREATE OR REPLACE VIEW salaries AS
SELECT f.name AS source, o.row_no, o.year, t.title_raw,
       coalesce(t.title, '') AS title,
       coalesce(t.family, '') AS family,
       coalesce(t.seniority, 'mid') AS seniority,
       coalesce(t.confidence, 0) AS match_confidence,
       o.pay_usd, o.pay_usd_low, o.pay_usd_high, o.pay_unit, o.currency,
       o.country, o.state, o.employer, o.employment_type, o.experience_level,
       o.company_size, o.wage_basis, o.wage_level, o.case_status, o.soc_code,
       o.remote_ratio, o.company_country, f.dataset, o.county, o.city, o.postal_code
FROM observations o
JOIN source_files f ON f.source_id = o.source_id AND f.retired_at IS NULL
    AND o.dup_of IS NULL
JOIN (
    SELECT st.title_id, st.title_raw, m.title, m.family, m.seniority, m.confidence
    FROM source_titles st
    LEFT JOIN title_map_t m ON m.title_raw = st.title_raw
) t ON t.title_id = o.title_id;

CREATE OR REPLACE VIEW rejects AS
SELECT f.name AS source, r.row_no, r.column_name AS "column", r.value, r.reason,
       r.detail
FROM reject_rows r
JOIN source_files f ON f.source_id = r.source_id AND f.retired_at IS NULL;

CREATE OR REPLACE VIEW title_map AS
SELECT m.title_raw, m.title, m.family, m.seniority, m.confidence, m.method,
       coalesce(c.rows, 0) AS rows
FROM title_map_t m
LEFT JOIN (
    SELECT st.title_raw, CAST(sum(n.rows) AS BIGINT) AS rows
    FROM (
        SELECT o.title_id, count(*) AS rows
        FROM observations o
        JOIN source_files f ON f.source_id = o.source_id AND f.retired_at IS NULL
        WHERE o.dup_of IS NULL
        GROUP BY o.title_id
    ) n
    JOIN source_titles st ON st.title_id = n.title_id
    GROUP BY st.title_raw
) c ON c.title_raw = m.title_raw;

CREATE OR REPLACE VIEW published_bands AS
SELECT p.publisher, p.code, p.occupation, p.family, p.year, p.area,
       p.employment, p.mean, p.p10, p.p25, p.median, p.p75, p.p90,
       p.topcoded, p.topcoded_columns, p.area_type, p.area_name
FROM published p
LEFT JOIN source_files f ON f.source_id = p.source_id
WHERE p.source_id IS NULL OR f.retired_at IS NULL;

CREATE OR REPLACE VIEW runs AS
SELECT run_id, started_at, ended_at, outcome, config, report_dir, manifest
FROM run_log;
