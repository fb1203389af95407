// Package pay turns pay as sources write it into annual US dollars:
// amounts and ranges (ParseAmount, ParsePosted), pay units (Unit), the
// plausible bounds, currencies (FX, data/fx_usd.csv) and CPI-U deflation
// (CPI, data/cpi_u.csv). It also reads the published reference bands
// shipped in data/reference_bands.csv, which share the small CSV table
// reader of the CPI and FX tables (table.go).
//
// pay knows only payband/data among payband packages; it does not touch
// the warehouse.
package pay
