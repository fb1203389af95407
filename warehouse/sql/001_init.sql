-- Schema version 1: raw observations with lineage, rejects, title map,
-- published bands, runs.
CREATE SEQUENCE source_id_seq START 1;

CREATE TABLE source_files (
    source_id      BIGINT PRIMARY KEY,
    name           VARCHAR NOT NULL,
    path           VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    profile        VARCHAR NOT NULL,
    format         VARCHAR NOT NULL,
    rows_read      BIGINT NOT NULL,
    rows_loaded    BIGINT NOT NULL,
    rows_rejected  BIGINT NOT NULL,
    rows_duplicate BIGINT NOT NULL,
    loaded_at      TIMESTAMPTZ NOT NULL,
    retired_at     TIMESTAMPTZ
);

CREATE TABLE observations (
    source_id        BIGINT NOT NULL,
    row_no           BIGINT NOT NULL,
    year             INTEGER NOT NULL,
    title_raw        VARCHAR NOT NULL,
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
    case_number      VARCHAR
);

CREATE TABLE reject_rows (
    source_id   BIGINT NOT NULL,
    row_no      BIGINT NOT NULL,
    column_name VARCHAR NOT NULL,
    value       VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL
);

CREATE TABLE title_map_t (
    title_raw        VARCHAR PRIMARY KEY,
    title            VARCHAR NOT NULL,
    family           VARCHAR NOT NULL,
    seniority        VARCHAR NOT NULL,
    confidence       DOUBLE NOT NULL,
    method           VARCHAR NOT NULL
);

CREATE TABLE published (
    source_id  BIGINT,
    publisher  VARCHAR NOT NULL,
    code       VARCHAR NOT NULL,
    occupation VARCHAR NOT NULL,
    family     VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    area       VARCHAR NOT NULL,
    employment BIGINT,
    mean       DOUBLE,
    p10        DOUBLE,
    p25        DOUBLE,
    median     DOUBLE,
    p75        DOUBLE,
    p90        DOUBLE,
    topcoded   BOOLEAN NOT NULL,
    topcoded_columns VARCHAR NOT NULL
);

CREATE TABLE run_log (
    run_id     VARCHAR PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    ended_at   TIMESTAMPTZ,
    outcome    VARCHAR NOT NULL,
    config     VARCHAR,
    report_dir VARCHAR,
    manifest   VARCHAR
);

CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
