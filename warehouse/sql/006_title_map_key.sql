-- Schema version 6: title_map_t without its PRIMARY KEY. DuckDB checked the
-- key in an index on every insert: a first load of a file of real titles
-- (243,829 new ones in 5 M rows) spent 1.1 s of its 20 s on it. The
-- warehouse keeps title_raw unique itself: a load inserts only the titles
-- the map lacks, a remap deletes the entries it inserts again, and Check
-- reports a title mapped twice (the salaries view would count its rows
-- twice).
CREATE TABLE title_map_v6 (
    title_raw   VARCHAR NOT NULL,
    title       VARCHAR NOT NULL,
    family      VARCHAR NOT NULL,
    seniority   VARCHAR NOT NULL,
    confidence  DOUBLE NOT NULL,
    method      VARCHAR NOT NULL,
    fingerprint VARCHAR DEFAULT ''
);
INSERT INTO title_map_v6
SELECT title_raw, title, family, seniority, confidence, method, fingerprint FROM title_map_t;
DROP TABLE title_map_t;
ALTER TABLE title_map_v6 RENAME TO title_map_t;
