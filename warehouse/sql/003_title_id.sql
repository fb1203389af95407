-- Schema version 3: an observation keeps its raw title as an INTEGER
-- title_id into source_titles, each file's own dictionary of its distinct
-- raw titles, instead of the text. Every band query joins the observations
-- to the title map; joining millions of rows on an integer against a few
-- thousand titles costs about half the join on the text, and storing an
-- integer costs less than storing a string. A title seen in two files has
-- an id in each; the title map stays keyed by the text.
CREATE TABLE source_titles (
    title_id  INTEGER PRIMARY KEY,
    source_id BIGINT NOT NULL,
    title_raw VARCHAR NOT NULL
);

INSERT INTO source_titles
SELECT CAST(row_number() OVER (ORDER BY source_id, title_raw) AS INTEGER), source_id, title_raw
FROM (SELECT DISTINCT source_id, title_raw FROM observations);

-- The table is rebuilt rather than altered: DuckDB cannot drop a column
-- the same transaction has just updated.
CREATE TABLE observations_v3 (
    source_id        BIGINT NOT NULL,
    row_no           BIGINT NOT NULL,
    year             INTEGER NOT NULL,
    title_id         INTEGER NOT NULL,
    pay_usd          DOUBLE NOT NULL,
    pay_usd_low      DOUBLE NOT NULL,
    pay_usd_high     DOUBLE NOT NULL,
    pay_unit         VARCHAR NOT NULL,
    currency         VARCHAR NOT NULL,
    pay_local        DOUBLE,
    country          VARCHAR,
    state            VARCHAR,
    employer         VARCHAR,
    employment_type  VARCHAR,
    experience_level VARCHAR,
    company_size     VARCHAR,
    company_country  VARCHAR,
    remote_ratio     INTEGER,
    wage_basis       VARCHAR NOT NULL,
    wage_level       VARCHAR,
    case_status      VARCHAR,
    soc_code         VARCHAR,
    case_number      VARCHAR,
    case_code        BIGINT
);

INSERT INTO observations_v3
SELECT o.source_id, o.row_no, o.year, t.title_id, o.pay_usd, o.pay_usd_low, o.pay_usd_high,
       o.pay_unit, o.currency, o.pay_local, o.country, o.state, o.employer, o.employment_type,
       o.experience_level, o.company_size, o.company_country, o.remote_ratio, o.wage_basis,
       o.wage_level, o.case_status, o.soc_code, o.case_number, o.case_code
FROM observations o
JOIN source_titles t ON t.source_id = o.source_id AND t.title_raw = o.title_raw;

DROP VIEW IF EXISTS salaries;
DROP VIEW IF EXISTS title_map;
DROP TABLE observations;
ALTER TABLE observations_v3 RENAME TO observations;
