// Package clickhouse takes the warehouse's public views to a ClickHouse
// server or cluster and computes the same pay bands there (SPEC §11).
//
// It speaks ClickHouse's HTTP interface over net/http: rows go in as
// RowBinary (exact doubles, no text round trip), results come back as
// JSONCompact. ClickHouse 18.16, the version Debian ships and the tests
// run, has no query parameters, so every value in a statement is written
// by the strict literal encoder in literal.go and every identifier comes
// from a fixed list or is checked against [A-Za-z_][A-Za-z0-9_]*
// (docs/scale-out.md says why clickhouse-go is not used).
package clickhouse
