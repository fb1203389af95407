-- Public views: the stable interface for ad-hoc queries (docs/warehouse.md).
-- Re-created on every writable open, so a migration may change the tables
-- behind them freely.

-- A load's Arrow view, which earlier versions of payband left committed,
-- pointing at freed memory (docs/warehouse.md, Tables).
DROP VIEW IF EXISTS payband_batch;
CREATE OR REPLACE VIEW sources AS
SELECT name AS source, path, sha256, profile, rows_read, rows_loaded,
       rows_rejected, rows_duplicate, loaded_at, dataset, synthetic
FROM source_files
WHERE retired_at IS NULL;

-- Every source ever loaded, active or not, with what retired it: a newer
-- snapshot of its dataset (superseded_by names it), a changed file at the
-- same path, or run --prune.
CREATE OR REPLACE VIEW source_lineage AS
SELECT f.name AS source, f.path, f.sha256, f.dataset, f.rows_read, f.rows_loaded,
       f.rows_rejected, f.rows_duplicate, f.loaded_at, f.retired_at, f.synthetic,
       s.name AS superseded_by, f.retired_at IS NULL AS active
FROM source_files f
LEFT JOIN source_files s ON s.source_id = f.superseded_by;

-- The title map is joined to each file's titles (thousands of rows) inside
-- the subquery, so the observations (millions) are joined on the integer
-- title_id alone.
-- Levels (docs/methodology.md, "Levels"): one ladder, intern < entry < mid
-- < senior < lead < principal < executive, and unspecified when nothing
-- says. Each input keeps its own column: title_seniority (the title's
-- words, as the matcher read them; the legacy "junior" reads entry),
-- experience_level (the surveys' EN/MI/SE/EX decoded; experience_code
-- keeps the code) and wage_level (the LCA's PW_WAGE_LEVEL as the file
-- spells it, "Level II" or "II"). level takes the first
-- that says something: the row's own experience_level, then the title's
-- words, then the wage level (I entry, II mid, III senior, IV lead), which
-- is last because DOL derives it from the wage itself.
CREATE OR REPLACE VIEW salaries AS
SELECT f.name AS source, o.row_no, o.year, t.title_raw,
       coalesce(t.title, '') AS title,
       coalesce(t.family, '') AS family,
       coalesce(o.x_level, t.title_seniority, o.w_level, 'unspecified') AS level,
       t.title_seniority_named AS title_seniority,
       o.x_level AS experience_level,
       o.wage_level,
       coalesce(t.confidence, 0) AS match_confidence,
       o.pay_usd, o.pay_usd_low, o.pay_usd_high, o.pay_unit, o.currency,
       o.country, o.state, o.employer, o.employment_type,
       o.company_size, o.wage_basis,
       CASE o.wage_basis WHEN 'reported' THEN 'survey' WHEN 'offered' THEN 'lca-offered'
            WHEN 'prevailing' THEN 'lca-prevailing' ELSE o.wage_basis END AS source_kind,
       o.case_status, o.soc_code,
       o.remote_ratio, o.company_country, f.dataset, o.county, o.city, o.postal_code,
       coalesce(o.x_level, t.title_seniority, o.w_level, 'unspecified') AS seniority,
       list_position(['intern', 'entry', 'mid', 'senior', 'lead', 'principal', 'executive', 'unspecified'],
           coalesce(o.x_level, t.title_seniority, o.w_level, 'unspecified')) AS level_rank,
       o.experience_level AS experience_code
FROM (
    -- The level codes are decoded in a projection, not joined to a table
    -- of codes: a join is computed for every row of every query, while an
    -- unused projection is pruned, so a query that reads no level pays
    -- nothing for them (a LEFT JOIN here was 0.4 s of a 0.6 s count over
    -- two million rows).
    SELECT o.*,
           CASE upper(trim(o.experience_level))
                WHEN 'EN' THEN 'entry' WHEN 'ENTRY' THEN 'entry' WHEN 'ENTRY-LEVEL' THEN 'entry' WHEN 'JUNIOR' THEN 'entry'
                WHEN 'MI' THEN 'mid' WHEN 'MID' THEN 'mid' WHEN 'MID-LEVEL' THEN 'mid' WHEN 'INTERMEDIATE' THEN 'mid'
                WHEN 'SE' THEN 'senior' WHEN 'SENIOR' THEN 'senior' WHEN 'SENIOR-LEVEL' THEN 'senior' WHEN 'EXPERT' THEN 'senior'
                WHEN 'EX' THEN 'executive' WHEN 'EXECUTIVE' THEN 'executive' WHEN 'EXECUTIVE-LEVEL' THEN 'executive'
                WHEN 'DIRECTOR' THEN 'executive' END AS x_level,
           CASE upper(trim(o.wage_level))
                WHEN 'I' THEN 'entry' WHEN '1' THEN 'entry' WHEN 'LEVEL I' THEN 'entry' WHEN 'LEVEL 1' THEN 'entry'
                WHEN 'II' THEN 'mid' WHEN '2' THEN 'mid' WHEN 'LEVEL II' THEN 'mid' WHEN 'LEVEL 2' THEN 'mid'
                WHEN 'III' THEN 'senior' WHEN '3' THEN 'senior' WHEN 'LEVEL III' THEN 'senior' WHEN 'LEVEL 3' THEN 'senior'
                WHEN 'IV' THEN 'lead' WHEN '4' THEN 'lead' WHEN 'LEVEL IV' THEN 'lead' WHEN 'LEVEL 4' THEN 'lead' END AS w_level
    FROM observations o
) o
JOIN source_files f ON f.source_id = o.source_id AND f.retired_at IS NULL
    AND o.dup_of IS NULL
JOIN (
    SELECT st.title_id, st.title_raw, m.title, m.family, m.confidence,
           CASE WHEN m.seniority IN ('intern', 'entry', 'mid', 'senior', 'lead', 'principal', 'executive')
                THEN m.seniority WHEN m.seniority = 'junior' THEN 'entry' END AS title_seniority,
           CASE WHEN m.seniority IN ('intern', 'entry', 'mid', 'senior', 'lead', 'principal', 'executive')
                THEN m.seniority WHEN m.seniority = 'junior' THEN 'entry' ELSE 'unspecified' END
               AS title_seniority_named
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
