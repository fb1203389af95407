// Package report presents pay bands: the charts (gonum/plot), the table
// renderers (table, CSV, JSON, Markdown) and streamed query rows, and the
// full report (index.html, report.md, bands.json, bands.csv and the charts)
// written atomically into a folder (docs/report.md). It computes nothing
// itself: the bands come from package payband/bands.
package report
