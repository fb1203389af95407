// Package bands computes pay bands over the warehouse's salaries view: the
// band query (allow-listed group columns, bound filter values, the
// certified-only default and the level ladder), the SQL it runs, the
// gathering strategies (hashed groups in one pass, per-group lists as the
// fallback) and the order statistics picked in Go from each group's pay,
// read over Arrow. It also owns what a band is (Band, KV, Scope), the pay
// values behind a histogram, where one pay stands in its scope (Compare),
// the published figures shown beside bands, the Engine interface a second
// engine (package payband/clickhouse) implements, a Memo that runs each
// distinct query once, and QueryCommand, the `payband query` command that
// reproduces a band statement.
//
// bands reads the warehouse and knows nothing of how bands are presented;
// package payband/report draws and writes them.
package bands
