// Package pipeline runs payband's scheduled job: from a YAML config it
// ingests new or changed source files, re-normalizes titles when the
// taxonomy changed, checks quality gates, writes the report into a new
// dated folder atomically, switches the latest link and records a
// manifest in manifest.json and in the warehouse's run_log (the runs view).
//
// It also writes Parquet snapshots of the public views (Export) without
// taking the warehouse's write lock.
package pipeline
