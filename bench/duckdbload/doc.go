// Command duckdbload is the benchmark's floor: DuckDB's own
// CREATE TABLE t AS SELECT * FROM read_csv(..., all_varchar = true) of one
// file into a fresh DuckDB file, timed. all_varchar because type sniffing
// stops at the first bad cell (real DOL files have them), and payband also
// keeps text until validation.
package main
