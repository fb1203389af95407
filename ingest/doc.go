// Package ingest owns getting files into the warehouse: one streaming reader
// per format (csv.go, ...), source profiles that map a source's columns onto
// the canonical record, row validation with a reason for every reject, and
// loading each file in one transaction with the sources/rejects accounting
// of SPEC §4 (rows_read = rows_loaded + rows_rejected + rows_duplicate).
// The rows reach the warehouse through a warehouse.LoadSession; ingest
// holds no SQL that writes a table.
package ingest
