package clickhouse

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// sourceKey names a source's partitions: the first 16 bytes of the
// SHA-256 of its name, in hex.
func sourceKey(source string) string {
	h := sha256.Sum256([]byte(source))
	return hex.EncodeToString(h[:16])
}

// isSourceKey reports whether s could be a sourceKey.
func isSourceKey(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// table is one exported view: its columns, as DuckDB's view has them and
// ClickHouse's table holds them.
type table struct {
	name      string // the view, and the table readers query
	cols      []column
	partition string // the MergeTree partition key
	order     string // the MergeTree sorting key
}

var salariesTable = table{
	name: "salaries",
	cols: []column{
		{"source_key", kString, false},
		{"source", kString, false}, {"row_no", kInt64, false}, {"year", kInt32, false},
		{"title_raw", kString, true}, {"title", kString, false}, {"family", kString, false},
		{"seniority", kString, false}, {"match_confidence", kFloat64, false},
		{"pay_usd", kFloat64, false}, {"pay_usd_low", kFloat64, false}, {"pay_usd_high", kFloat64, false},
		{"pay_unit", kString, false}, {"currency", kString, false},
		{"country", kString, true}, {"state", kString, true}, {"employer", kString, true},
		{"employment_type", kString, true}, {"experience_level", kString, true},
		{"company_size", kString, true}, {"wage_basis", kString, false}, {"wage_level", kString, true},
		{"case_status", kString, true}, {"soc_code", kString, true}, {"remote_ratio", kInt32, true},
		{"company_country", kString, true}, {"dataset", kString, true}, {"county", kString, true},
		{"city", kString, true}, {"postal_code", kString, true},
		{"level", kString, true}, {"title_seniority", kString, true}, {"experience_code", kString, true},
		{"source_kind", kString, true},
	},
	// One partition per source: a source is replaced or removed with DROP
	// PARTITION, which is immediate, where ALTER ... DELETE is an
	// asynchronous mutation in 18.16 (docs/scale-out.md). The partition is
	// named by sourceKey, hex, so system.parts shows it the same in every
	// version (18.16 writes a String partition bare, later ones quoted).
	partition: "source_key",
	order:     "(family, year, source, row_no)",
}

// sourcesTable is the sources view plus rows_exported, the rows of the
// source this export wrote. Its row is written last, after every shard
// took the source's rows, so it is the mark that a source is complete.
var sourcesTable = table{
	name: "sources",
	cols: []column{
		{"source_key", kString, false},
		{"source", kString, false}, {"path", kString, false}, {"sha256", kString, false},
		{"profile", kString, false}, {"rows_read", kInt64, false}, {"rows_loaded", kInt64, false},
		{"rows_rejected", kInt64, false}, {"rows_duplicate", kInt64, false},
		{"loaded_at", kString, false}, // DuckDB's text of the TIMESTAMPTZ: 18.16's DateTime has whole seconds only
		{"dataset", kString, true},
		{"rows_exported", kInt64, false},
	},
	partition: "source_key",
	order:     "source",
}

// publishedTable is the published_bands view plus snapshot, a digest of
// the whole view: the figures are replaced as one, a new snapshot written
// before the old one is dropped.
var publishedTable = table{
	name: "published_bands",
	cols: []column{
		{"snapshot", kString, false},
		{"publisher", kString, false}, {"code", kString, false}, {"occupation", kString, false},
		{"family", kString, false}, {"year", kInt32, false}, {"area", kString, false},
		{"employment", kInt64, true}, {"mean", kFloat64, true}, {"p10", kFloat64, true},
		{"p25", kFloat64, true}, {"median", kFloat64, true}, {"p75", kFloat64, true},
		{"p90", kFloat64, true}, {"topcoded", kBool, false}, {"topcoded_columns", kString, false},
		{"area_type", kString, true}, {"area_name", kString, true},
	},
	partition: "snapshot",
	order:     "(family, year, publisher, code, area)",
}

// columnList is "name Type, ..." for CREATE TABLE.
func (t table) columnList() string {
	parts := make([]string, len(t.cols))
	for i, c := range t.cols {
		parts[i] = c.name + " " + c.chType()
	}
	return strings.Join(parts, ", ")
}

// layout names the tables of a target: with a cluster, NAME_local on every
// shard and NAME, Distributed over them, on every node; without one, NAME.
type layout struct {
	db      string
	cluster string
}

func (l layout) local(t table) string {
	if l.cluster == "" {
		return l.db + "." + t.name
	}
	return l.db + "." + t.name + "_local"
}

func (l layout) read(t table) string { return l.db + "." + t.name }

// createLocal is the MergeTree table's DDL.
func (l layout) createLocal(t table) string {
	return "CREATE TABLE IF NOT EXISTS " + l.local(t) + " (" + t.columnList() + ")\nENGINE = MergeTree() PARTITION BY " +
		t.partition + " ORDER BY " + t.order
}

// createDistributed is the Distributed table's DDL. Rows are written to
// the shards' tables directly, so the sharding key only serves INSERTs
// someone else sends to it.
func (l layout) createDistributed(t table) string {
	return "CREATE TABLE IF NOT EXISTS " + l.read(t) + " (" + t.columnList() + ")\nENGINE = Distributed(" +
		l.cluster + ", " + l.db + ", " + t.name + "_local, rand())"
}

// selectSQL is the DuckDB query that reads the view's columns, each cast
// to its kind, from the warehouse; tail (a constant) follows FROM.
func (t table) selectSQL(skip int, tail string) string {
	parts := make([]string, 0, len(t.cols))
	for _, c := range t.cols[skip:] {
		parts = append(parts, "CAST("+c.name+" AS "+c.duckType()+") AS "+c.name)
	}
	return "SELECT " + strings.Join(parts, ", ") + " FROM " + t.name + tail
}
