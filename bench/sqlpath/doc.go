// Command sqlpath measures the alternative ingest design SPEC §4 names:
// DuckDB parses the CSV itself and the LCA rules run in SQL. It loads one
// LCA-shaped file three ways into fresh DuckDB files and prints the times:
// without row numbers or de-duplication (the floor), with row numbers
// (row_number() OVER (), which rejects and lineage need), and with row
// numbers and the in-file CASE_NUMBER de-duplication (what payband does).
// The conversion covers only the common case (plain numbers, two date
// layouts), so the figures are a lower bound for the SQL design.
package main
