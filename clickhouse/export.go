package clickhouse

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"golang.org/x/sync/errgroup"

	"payband/warehouse"
)

// cluster is a connected target: the node readers query and the shards
// that hold the rows (the node itself without a cluster).
type cluster struct {
	entry  *Client
	shards []*Client
	layout layout
}

// connect checks the target and finds its shards.
func connect(ctx context.Context, t Target) (*cluster, error) {
	entry := NewClient(t.Addr, t.User, t.Password)
	c := &cluster{entry: entry, layout: layout{db: t.Database, cluster: t.Cluster}}
	if t.Cluster == "" {
		if err := entry.Exec(ctx, "SELECT 1"); err != nil {
			return nil, err
		}
		c.shards = []*Client{entry}
		return c, nil
	}
	r, err := entry.Query(ctx, "SELECT shard_num, replica_num, host_address FROM system.clusters WHERE cluster = "+
		quoteString(t.Cluster)+" ORDER BY shard_num, replica_num")
	if err != nil {
		return nil, err
	}
	if len(r.Data) == 0 {
		return nil, fmt.Errorf("clickhouse %s: no cluster %q in its remote_servers", t.Addr, t.Cluster)
	}
	var hosts []string
	for _, row := range r.Data {
		rep, err := asInt(row[1])
		if err != nil {
			return nil, fmt.Errorf("system.clusters: %w", err)
		}
		if rep != 1 {
			// Replicas of a shard need ReplicatedMergeTree and ZooKeeper,
			// which payband does not set up.
			return nil, fmt.Errorf("cluster %q has more than one replica per shard; payband writes one MergeTree table per shard and supports unreplicated shards only", t.Cluster)
		}
		h, _, err := asString(row[2])
		if err != nil {
			return nil, fmt.Errorf("system.clusters: %w", err)
		}
		hosts = append(hosts, h)
	}
	addrs := t.Shards
	if addrs == nil {
		_, port, _ := net.SplitHostPort(t.Addr) // ParseURL checked it
		for _, h := range hosts {
			addrs = append(addrs, net.JoinHostPort(h, port))
		}
	}
	if len(addrs) != len(hosts) {
		return nil, fmt.Errorf("cluster %q has %d shards, and shards= names %d", t.Cluster, len(hosts), len(addrs))
	}
	seen := map[string]bool{}
	for _, a := range addrs {
		if seen[a] {
			return nil, fmt.Errorf("shard %s named twice: each shard must be its own server", a)
		}
		seen[a] = true
		cl := entry
		if a != t.Addr {
			cl = NewClient(a, t.User, t.Password)
		}
		c.shards = append(c.shards, cl)
	}
	return c, nil
}

// nodes are every server the DDL runs on: the shards, then the entry if it
// is not one of them.
func (c *cluster) nodes() []*Client {
	ns := append([]*Client(nil), c.shards...)
	for _, s := range c.shards {
		if s == c.entry {
			return ns
		}
	}
	return append(ns, c.entry)
}

// ensureTables creates the database and tables where they are missing.
func (c *cluster) ensureTables(ctx context.Context) error {
	l := c.layout
	for _, n := range c.nodes() {
		if err := n.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+l.db); err != nil {
			return err
		}
	}
	for _, t := range []table{salariesTable, sourcesTable, publishedTable} {
		for _, s := range c.shards {
			if err := s.Exec(ctx, l.createLocal(t)); err != nil {
				return err
			}
		}
		if l.cluster != "" {
			for _, n := range c.nodes() {
				if err := n.Exec(ctx, l.createDistributed(t)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// ExportSummary says what an export did.
type ExportSummary struct {
	Exported      []SourceCount // sources written, with their rows
	Skipped       []SourceCount // sources already there, unchanged
	Removed       []string      // sources retired or replaced in the warehouse, dropped there
	Published     int           // published_bands rows written (0 when unchanged)
	PublishedKept bool          // published_bands were already there, unchanged
	Shards        int
}

// SourceCount is a source and its rows in salaries.
type SourceCount struct {
	Source string
	Rows   int64
}

// localSource is a row of the warehouse's sources view.
type localSource struct {
	source, path, sha256, profile string
	read, loaded, rejected, dup   int64
	loadedAt                      string
	dataset                       *string
}

// Progress, when set, is told each source as its export begins, so a
// person sees a long export move; the kill test uses it too.
type Progress func(source string)

// Export copies the warehouse's salaries, sources and published_bands to
// the target, incrementally by source: a source whose sha256 is there
// already is skipped, one there but no longer in the warehouse's sources
// view (retired, or replaced by a file of another sha256) is dropped, and a
// source cut short by an earlier, killed export (rows without its sources
// row) is dropped and written again. db is read only.
func Export(ctx context.Context, db *sql.DB, t Target, progress Progress) (ExportSummary, error) {
	c, err := connect(ctx, t)
	if err != nil {
		return ExportSummary{}, err
	}
	if err := c.ensureTables(ctx); err != nil {
		return ExportSummary{}, err
	}
	sum := ExportSummary{Shards: len(c.shards)}
	local, err := localSources(ctx, db)
	if err != nil {
		return sum, err
	}
	marks, err := c.marks(ctx)
	if err != nil {
		return sum, err
	}
	parts, err := c.sourcePartitions(ctx)
	if err != nil {
		return sum, err
	}

	// Drop what the warehouse no longer has. The mark goes first: a kill
	// between the two steps leaves rows without a mark, which the next
	// export finds in the partitions and drops.
	want := map[string]string{} // key → sha256
	for _, s := range local {
		want[sourceKey(s.source)] = s.sha256
	}
	gone := map[string]bool{}
	for k, m := range marks {
		if want[k] != m.sha256 {
			gone[k] = true
		}
	}
	for k := range parts {
		if _, ok := marks[k]; !ok {
			gone[k] = true // rows of an export cut short, or of a removed source
		}
	}
	for _, k := range sortedKeys(gone) {
		if err := c.dropSource(ctx, k); err != nil {
			return sum, err
		}
		if _, ok := want[k]; !ok {
			name := "(rows without a sources row, partition " + k + ")"
			if m, ok := marks[k]; ok {
				name = m.source
			}
			sum.Removed = append(sum.Removed, name)
		}
		delete(marks, k)
	}

	for _, s := range local {
		if m, ok := marks[sourceKey(s.source)]; ok {
			sum.Skipped = append(sum.Skipped, SourceCount{s.source, m.rows})
			continue
		}
		if progress != nil {
			progress(s.source)
		}
		n, err := c.exportSource(ctx, db, s)
		if err != nil {
			return sum, fmt.Errorf("export of source %s: %w", s.source, err)
		}
		sum.Exported = append(sum.Exported, SourceCount{s.source, n})
	}

	n, kept, err := c.exportPublished(ctx, db)
	if err != nil {
		return sum, fmt.Errorf("export of published_bands: %w", err)
	}
	sum.Published, sum.PublishedKept = n, kept
	return sum, nil
}

// The warehouse's queries. Values are bound; the column lists come from
// the table definitions.
const (
	localSourcesSQL = `SELECT source, path, sha256, profile, rows_read, rows_loaded, rows_rejected,
  rows_duplicate, CAST(loaded_at AS VARCHAR), dataset
FROM sources ORDER BY source`
	// Rows of one source in row order; shards take them by row_no.
	salariesTail = " WHERE source = ? ORDER BY row_no"
	// Every figure in a fixed order, so the digest is the content's.
	publishedTail = " ORDER BY ALL"
)

func localSources(ctx context.Context, db *sql.DB) ([]localSource, error) {
	rows, err := db.QueryContext(ctx, localSourcesSQL)
	if err != nil {
		return nil, fmt.Errorf("warehouse sources: %w", err)
	}
	defer rows.Close()
	var out []localSource
	for rows.Next() {
		var s localSource
		var ds sql.NullString
		if err := rows.Scan(&s.source, &s.path, &s.sha256, &s.profile, &s.read, &s.loaded, &s.rejected, &s.dup, &s.loadedAt, &ds); err != nil {
			return nil, fmt.Errorf("warehouse sources: %w", err)
		}
		if ds.Valid {
			s.dataset = &ds.String
		}
		if n := len(out); n > 0 && out[n-1].source == s.source {
			return nil, fmt.Errorf("two loaded sources are named %q; each source is exported under its name", s.source)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse sources: %w", err)
	}
	return out, nil
}

// mark is a sources row there: the source, its file's sha256 and the rows
// exported.
type mark struct {
	source, sha256 string
	rows           int64
}

// marks returns the sources rows there by source key.
func (c *cluster) marks(ctx context.Context) (map[string]mark, error) {
	r, err := c.shards[0].Query(ctx, "SELECT source_key, source, sha256, rows_exported FROM "+c.layout.local(sourcesTable))
	if err != nil {
		return nil, err
	}
	m := map[string]mark{}
	for _, row := range r.Data {
		k, _, err1 := asString(row[0])
		s, _, err2 := asString(row[1])
		sha, _, err3 := asString(row[2])
		n, err4 := asInt(row[3])
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return nil, fmt.Errorf("%s: %w", c.layout.local(sourcesTable), err)
		}
		if _, dup := m[k]; dup {
			// Two rows for one source: the second insert of a mark whose
			// first answer was lost. Dropping the source re-exports it.
			m[k] = mark{source: s, sha256: ""}
			continue
		}
		m[k] = mark{source: s, sha256: sha, rows: n}
	}
	return m, nil
}

// sourcePartitions returns the keys of the sources with rows in salaries
// on any shard, read from system.parts (the partitions, not the rows).
func (c *cluster) sourcePartitions(ctx context.Context) (map[string]bool, error) {
	tbl := salariesTable.name
	if c.layout.cluster != "" {
		tbl += "_local"
	}
	q := "SELECT DISTINCT partition FROM system.parts WHERE active AND database = " + quoteString(c.layout.db) +
		" AND table = " + quoteString(tbl)
	m := map[string]bool{}
	for _, s := range c.shards {
		r, err := s.Query(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, row := range r.Data {
			p, _, err := asString(row[0])
			if err != nil {
				return nil, fmt.Errorf("system.parts: %w", err)
			}
			k := strings.Trim(p, "'") // quoted by versions after 18.16
			if !isSourceKey(k) {
				return nil, fmt.Errorf("clickhouse %s: partition %q of %s.%s is not one payband wrote", s.Addr(), p, c.layout.db, tbl)
			}
			m[k] = true
		}
	}
	return m, nil
}

// dropSource removes a source's mark, then its rows on every shard.
func (c *cluster) dropSource(ctx context.Context, key string) error {
	part := " DROP PARTITION " + quoteString(key)
	if err := c.shards[0].Exec(ctx, "ALTER TABLE "+c.layout.local(sourcesTable)+part); err != nil {
		return err
	}
	for _, s := range c.shards {
		if err := s.Exec(ctx, "ALTER TABLE "+c.layout.local(salariesTable)+part); err != nil {
			return err
		}
	}
	return nil
}

// exportSource writes one source: its rows to the shards, by row_no, then
// its mark. Any rows of an earlier attempt were dropped before.
func (c *cluster) exportSource(ctx context.Context, db *sql.DB, s localSource) (int64, error) {
	n := len(c.shards)
	g, gctx := errgroup.WithContext(ctx)
	pws := make([]*io.PipeWriter, n)
	bufs := make([]*bufio.Writer, n)
	insert := "INSERT INTO " + c.layout.local(salariesTable) + " FORMAT RowBinary"
	for i, sh := range c.shards {
		pr, pw := io.Pipe()
		pws[i], bufs[i] = pw, bufio.NewWriterSize(pw, 1<<20)
		g.Go(func() error {
			err := sh.Insert(gctx, insert, pr)
			pr.CloseWithError(errOr(err, io.ErrClosedPipe))
			return err
		})
	}
	var rows int64
	key := sourceKey(s.source)
	enc := rowEncoder{cols: salariesTable.cols[1:]} // source_key is written here
	rowNo := 1                                      // row_no's column in the query
	scanErr := warehouse.QueryArrow(gctx, db, salariesTable.selectSQL(1, salariesTail), []any{s.source}, func(rec arrow.RecordBatch) error {
		if err := enc.bind(rec); err != nil {
			return err
		}
		nos := rec.Column(rowNo).(*array.Int64) // bind checked the type
		for r := 0; r < int(rec.NumRows()); r++ {
			w := bufs[uint64(nos.Value(r))%uint64(n)]
			rbString(w, key)
			enc.write(w, r)
		}
		rows += rec.NumRows()
		return gctx.Err()
	})
	for i, w := range bufs {
		err := scanErr
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			pws[i].CloseWithError(err)
		} else {
			pws[i].Close()
		}
		if scanErr == nil && err != nil {
			scanErr = err
		}
	}
	insErr := g.Wait()
	if scanErr != nil {
		// An insert's own error explains a failed write better.
		if insErr != nil && errors.Is(scanErr, io.ErrClosedPipe) {
			return 0, insErr
		}
		return 0, scanErr
	}
	if insErr != nil {
		return 0, insErr
	}

	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	rbString(w, key)
	rbString(w, s.source)
	rbString(w, s.path)
	rbString(w, s.sha256)
	rbString(w, s.profile)
	for _, v := range []int64{s.read, s.loaded, s.rejected, s.dup} {
		rbInt64(w, v)
	}
	rbString(w, s.loadedAt)
	rbNullString(w, s.dataset)
	rbInt64(w, rows)
	if err := w.Flush(); err != nil {
		return 0, err
	}
	if err := c.shards[0].Insert(ctx, "INSERT INTO "+c.layout.local(sourcesTable)+" FORMAT RowBinary", &b); err != nil {
		return 0, err
	}
	return rows, nil
}

func errOr(err, def error) error {
	if err != nil {
		return err
	}
	return def
}

// exportPublished writes published_bands as one snapshot named by the
// digest of its rows, unless that snapshot is there whole already; then
// drops every other snapshot. It returns the rows written and whether the
// snapshot was kept as it was.
func (c *cluster) exportPublished(ctx context.Context, db *sql.DB) (int, bool, error) {
	query := publishedTable.selectSQL(1, publishedTail)
	enc := rowEncoder{cols: publishedTable.cols[1:]}
	// First pass: the digest and the count.
	h := sha256.New()
	hw := bufio.NewWriter(h)
	rows := 0
	err := warehouse.QueryArrow(ctx, db, query, nil, func(rec arrow.RecordBatch) error {
		if err := enc.bind(rec); err != nil {
			return err
		}
		for r := 0; r < int(rec.NumRows()); r++ {
			enc.write(hw, r)
		}
		rows += int(rec.NumRows())
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	if err := hw.Flush(); err != nil {
		return 0, false, err
	}
	snap := hex.EncodeToString(h.Sum(nil))[:32]
	tbl := c.layout.local(publishedTable)
	home := c.shards[0]
	r, err := home.Query(ctx, "SELECT snapshot, count() FROM "+tbl+" GROUP BY snapshot")
	if err != nil {
		return 0, false, err
	}
	have := map[string]int64{}
	for _, row := range r.Data {
		s, _, err1 := asString(row[0])
		n, err2 := asInt(row[1])
		if err := errors.Join(err1, err2); err != nil {
			return 0, false, fmt.Errorf("%s: %w", tbl, err)
		}
		have[s] = n
	}
	kept := have[snap] == int64(rows) // no rows and no snapshot: nothing to do
	if !kept {
		if _, ok := have[snap]; ok { // a snapshot cut short
			if err := home.Exec(ctx, "ALTER TABLE "+tbl+" DROP PARTITION "+quoteString(snap)); err != nil {
				return 0, false, err
			}
		}
		if rows > 0 {
			pr, pw := io.Pipe()
			done := make(chan error, 1)
			go func() {
				err := home.Insert(ctx, "INSERT INTO "+tbl+" FORMAT RowBinary", pr)
				pr.CloseWithError(errOr(err, io.ErrClosedPipe))
				done <- err
			}()
			bw := bufio.NewWriterSize(pw, 1<<20)
			err := warehouse.QueryArrow(ctx, db, query, nil, func(rec arrow.RecordBatch) error {
				if err := enc.bind(rec); err != nil {
					return err
				}
				for r := 0; r < int(rec.NumRows()); r++ {
					rbString(bw, snap)
					enc.write(bw, r)
				}
				return nil
			})
			if err == nil {
				err = bw.Flush()
			}
			if err != nil {
				pw.CloseWithError(err)
			} else {
				pw.Close()
			}
			insErr := <-done
			if err != nil && !(insErr != nil && errors.Is(err, io.ErrClosedPipe)) {
				return 0, false, err
			}
			if insErr != nil {
				return 0, false, insErr
			}
		}
	}
	for s := range have {
		if s != snap {
			if err := home.Exec(ctx, "ALTER TABLE "+tbl+" DROP PARTITION "+quoteString(s)); err != nil {
				return 0, false, err
			}
		}
	}
	if kept {
		return 0, true, nil
	}
	return rows, false, nil
}

func sortedKeys(m map[string]bool) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func sortStrings(s []string) { sort.Strings(s) }
func sortInts(s []int)       { sort.Ints(s) }
