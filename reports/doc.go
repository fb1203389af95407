// Package reports computes pay bands and presents them: the band query
// (allow-listed group columns, bound filter values), its gathering
// strategies and order statistics over the warehouse's salaries, the
// charts (gonum/plot), the table renderers (table, CSV, JSON, Markdown) and
// the full report written atomically into a folder (docs/report.md).
package reports
