// Package warehouse owns the DuckDB file payband keeps everything in: opening
// and creating it, versioned schema migrations, the single-writer lock, and
// the public views analysts query (salaries, rejects, sources, title_map,
// published_bands, runs). It sits at the bottom of the import graph and knows
// no other payband package.
//
// Internal tables may change between schema versions; the views are the
// stable interface.
package warehouse
