// Command payband is a batch pipeline for salary and career analytics: it
// ingests salary and job-title datasets into a DuckDB warehouse, normalizes
// titles and pay, and computes pay bands, charts and reports.
//
// This package owns the command line only: the cobra commands, their flags
// and help, the wiring of the packages below (Run(ctx, args, …) error), the
// exit codes and the one os.Exit. What a command does lives in those
// packages (docs/architecture.md).
package main
