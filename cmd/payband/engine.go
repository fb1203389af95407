package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"payband/bands"
	"payband/clickhouse"
)

// engineFlag registers --engine on a command that computes bands.
func engineFlag(c *cobra.Command, p *string) {
	c.Flags().StringVar(p, "engine", "local", "where bands are computed: local (the DuckDB warehouse) or clickhouse://HOST:PORT/DB[?cluster=NAME] (docs/scale-out.md)")
}

// isLocalEngine reports whether --engine names the local warehouse.
func isLocalEngine(url string) bool { return url == "" || url == "local" }

// bandsEngine returns the engine --engine names; db serves the local one.
func bandsEngine(url string, db *sql.DB) (bands.Engine, error) {
	if isLocalEngine(url) {
		return bands.LocalEngine{DB: db}, nil
	}
	if !clickhouse.IsURL(url) {
		return nil, usagef("--engine must be local or clickhouse://HOST:PORT/DB, not %q", url)
	}
	t, err := clickhouse.ParseURL(url)
	if err != nil {
		return nil, usageError{err}
	}
	return clickhouse.NewEngine(t, nil), nil
}

// exportClickHouse is export --to clickhouse://...: the warehouse, opened
// read-only, into ClickHouse, incrementally by source.
func exportClickHouse(ctx context.Context, g *globals, to string) error {
	if !clickhouse.IsURL(to) {
		return usagef("--to must be clickhouse://HOST:PORT/DB[?cluster=NAME], not %q", to)
	}
	t, err := clickhouse.ParseURL(to)
	if err != nil {
		return usageError{err}
	}
	w, err := g.open(ctx, true, "payband export")
	if err != nil {
		return err
	}
	defer w.Close()
	sum, err := clickhouse.Export(ctx, w.DB, t, func(s string) { g.note("exporting %s", s) })
	if err != nil {
		return err
	}
	var rows int64
	for _, s := range sum.Exported {
		rows += s.Rows
	}
	for _, s := range sum.Removed {
		g.note("removed %s (retired or replaced in the warehouse)", s)
	}
	pub := fmt.Sprintf("%d published_bands rows", sum.Published)
	if sum.PublishedKept {
		pub = "published_bands unchanged"
	}
	fmt.Fprintf(g.stdout, "%s: %d source(s) exported (%d rows), %d already there, %d removed; %s; %d shard(s)\n",
		strings.SplitN(to, "?", 2)[0], len(sum.Exported), rows, len(sum.Skipped), len(sum.Removed), pub, sum.Shards)
	return nil
}
