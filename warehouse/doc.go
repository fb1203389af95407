// Package warehouse owns the DuckDB file payband keeps everything in: opening
// and creating it, versioned schema migrations, the single-writer lock, and
// the public views analysts query (salaries, rejects, sources, title_map,
// published_bands, runs). It sits at the bottom of the import graph and knows
// no other payband package.
//
// It also owns every write to its tables: no other package holds SQL that
// changes them. Others write through LoadSession (Warehouse.Load: one
// file's rows, rejects and titles as Arrow streams, finished with its
// counts, in one transaction), EditSources and RetirePath, ReplaceTitleMap,
// StartRun and EndRun, and SetMeta; the statements are in statements.go.
//
// Internal tables may change between schema versions; the views are the
// stable interface.
//
// On Linux with glibc it also sets how malloc keeps freed memory, for
// DuckDB's sake (malloc_linux.go): a bulk load frees and allocates blocks
// all the time, and by default each one came back as fresh pages from the
// kernel.
package warehouse
