package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ObservationSchema is the Arrow shape of a load's accepted rows, in
// observations column order after source_id.
var ObservationSchema = arrow.NewSchema([]arrow.Field{
	{Name: "row_no", Type: arrow.PrimitiveTypes.Int64},
	{Name: "year", Type: arrow.PrimitiveTypes.Int32},
	{Name: "title_id", Type: arrow.PrimitiveTypes.Int32},
	{Name: "pay_usd", Type: arrow.PrimitiveTypes.Float64},
	{Name: "pay_usd_low", Type: arrow.PrimitiveTypes.Float64},
	{Name: "pay_usd_high", Type: arrow.PrimitiveTypes.Float64},
	{Name: "pay_unit", Type: arrow.BinaryTypes.String},
	{Name: "currency", Type: arrow.BinaryTypes.String},
	{Name: "pay_local", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "country", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "state", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "employer", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "employment_type", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "experience_level", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "company_size", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "company_country", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "remote_ratio", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "wage_basis", Type: arrow.BinaryTypes.String},
	{Name: "wage_level", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "case_status", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "soc_code", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "case_number", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "case_code", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "county", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "city", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "postal_code", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// RejectSchema is the Arrow shape of a load's rejected rows.
var RejectSchema = arrow.NewSchema([]arrow.Field{
	{Name: "row_no", Type: arrow.PrimitiveTypes.Int64},
	{Name: "column_name", Type: arrow.BinaryTypes.String},
	{Name: "value", Type: arrow.BinaryTypes.String},
	{Name: "reason", Type: arrow.BinaryTypes.String},
}, nil)

// PublishedSchema is the Arrow shape of published rows, in published
// column order after source_id and publisher (family is left empty).
var PublishedSchema = arrow.NewSchema([]arrow.Field{
	{Name: "code", Type: arrow.BinaryTypes.String},
	{Name: "occupation", Type: arrow.BinaryTypes.String},
	{Name: "year", Type: arrow.PrimitiveTypes.Int32},
	{Name: "area", Type: arrow.BinaryTypes.String},
	{Name: "employment", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "mean", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "p10", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "p25", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "median", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "p75", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "p90", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "topcoded", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "topcoded_columns", Type: arrow.BinaryTypes.String},
	{Name: "area_type", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "area_name", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

var sourceTitleSchema = arrow.NewSchema([]arrow.Field{
	{Name: "title_id", Type: arrow.PrimitiveTypes.Int32},
	{Name: "title_raw", Type: arrow.BinaryTypes.String},
}, nil)

// ErrNotFinished reports a load whose function returned nil without
// calling Finish; it is rolled back.
var ErrNotFinished = errors.New("load ended without Finish")

// LoadSession is one file's load: one transaction on one connection,
// begun by Warehouse.Load. Its methods must be called from the goroutine
// that runs the load's function, and only during it.
type LoadSession struct {
	ctx      context.Context
	rc       *rawConn
	id       int64
	replaced int
	finished bool
	// orderOff: the observations' insert turned preserve_insertion_order
	// off and could not yet turn it back on (AppendObservations).
	orderOff bool
}

// Load runs fn on a new load session for the file at path (absolute): one
// transaction, in which the active sources loaded earlier from the same
// path are retired (a changed file replaces its old version) and a new
// source id allocated. fn appends the file's rows and ends with Finish;
// the load commits when fn returns nil after Finish and rolls back
// otherwise, so a file loads whole or not at all (a kill leaves no part of
// it: docs/reliability.md).
//
// The session lives inside database/sql's Raw callback on its connection,
// which is why it is a callback and not a value the caller keeps: the
// driver connection the Arrow interface needs is valid only there.
func (w *Warehouse) Load(ctx context.Context, path string, fn func(s *LoadSession) error) error {
	s := &LoadSession{ctx: ctx}
	err := w.inTx(ctx, func(rc *rawConn) error {
		s.rc = rc
		if err := rc.queryRow(ctx, sqlNextSourceID, nil, &s.id); err != nil {
			return err
		}
		n, err := retirePath(ctx, rc, path)
		if err != nil {
			return err
		}
		s.replaced = n
		if err := fn(s); err != nil {
			return err
		}
		if !s.finished {
			return ErrNotFinished
		}
		return nil
	})
	if s.orderOff {
		// An insert that failed aborted the transaction, which refuses
		// every statement, SET too, until its rollback.
		if _, rerr := w.DB.ExecContext(context.WithoutCancel(ctx), sqlInsertionOrderTrue); err == nil && rerr != nil {
			err = fmt.Errorf("restoring preserve_insertion_order: %w", rerr)
		}
	}
	return err
}

// ID is the new source's id.
func (s *LoadSession) ID() int64 { return s.id }

// Replaced is how many active sources loaded from the same path the load
// retired.
func (s *LoadSession) Replaced() int { return s.replaced }

// insertArrow registers rd as the view payband_batch and runs q, which
// reads from it, so DuckDB reads the batches straight from their Arrow
// buffers. DuckDB creates the view in the catalog of the file, not as a
// temporary one, so it is dropped in the same transaction before the
// stream behind it is released: a committed view would point at freed
// memory and crash every reader that touches it.
func (s *LoadSession) insertArrow(rd array.RecordReader, want *arrow.Schema, q string, args ...any) (int64, error) {
	return insertArrow(s.ctx, s.rc, rd, want, q, args...)
}

func insertArrow(ctx context.Context, rc *rawConn, rd array.RecordReader, want *arrow.Schema, q string, args ...any) (int64, error) {
	if !rd.Schema().Equal(want) {
		return 0, fmt.Errorf("arrow schema %v, want %v", rd.Schema(), want)
	}
	release, err := rc.ar.RegisterView(rd, batchView)
	if err != nil {
		return 0, err
	}
	defer release()
	n, err := rc.exec(ctx, q, args...)
	if _, derr := rc.exec(context.WithoutCancel(ctx), sqlDropBatchView); err == nil {
		err = derr
	}
	return n, err
}

// AppendObservations inserts the accepted rows rd yields, in
// ObservationSchema's shape, through to its end.
//
// DuckDB inserts them without keeping their order in the table: keeping
// it means writing each scanned batch to its own collection and then
// re-appending, row by row, every collection smaller than a row group,
// which was a sixth of a 2 M-row ingest's CPU (docs/benchmarks.md). Nothing
// reads observations in their physical order: every row carries its
// row_no, and every query that lists rows orders them.
func (s *LoadSession) AppendObservations(rd array.RecordReader) (err error) {
	var keep bool
	if err := s.rc.queryRow(s.ctx, sqlInsertionOrder, nil, &keep); err != nil {
		return err
	}
	if keep {
		if _, err := s.rc.exec(s.ctx, sqlInsertionOrderOff); err != nil {
			return err
		}
		// The setting is the database's, not the transaction's: it is
		// put back here, or by Load after the rollback of a failed insert.
		s.orderOff = true
		defer func() {
			if _, rerr := s.rc.exec(context.WithoutCancel(s.ctx), sqlInsertionOrderTrue); rerr == nil {
				s.orderOff = false
			} else if err == nil {
				err = rerr
			}
		}()
	}
	_, err = s.insertArrow(rd, ObservationSchema, sqlInsertObservations, s.id)
	return err
}

// AppendRejects inserts the rejected rows rd yields, in RejectSchema's
// shape.
func (s *LoadSession) AppendRejects(rd array.RecordReader) error {
	_, err := s.insertArrow(rd, RejectSchema, sqlInsertRejects, s.id)
	return err
}

// AppendPublished inserts published figures of publisher, in
// PublishedSchema's shape.
func (s *LoadSession) AppendPublished(rd array.RecordReader, publisher string) error {
	_, err := s.insertArrow(rd, PublishedSchema, sqlInsertPublished, s.id, publisher)
	return err
}

// NextTitleID is the first title id free for this file's titles (ids are
// numbered across the warehouse; the load holds the writer's lock).
func (s *LoadSession) NextTitleID() (int32, error) {
	var id int32
	err := s.rc.queryRow(s.ctx, sqlNextTitleID, nil, &id)
	return id, err
}

// AppendTitles records the file's dictionary of raw titles: the title_id
// each of its observations holds.
func (s *LoadSession) AppendTitles(titles map[string]int32) error {
	if len(titles) == 0 {
		return nil
	}
	bld := array.NewRecordBuilder(memory.DefaultAllocator, sourceTitleSchema)
	defer bld.Release()
	ids := bld.Field(0).(*array.Int32Builder)
	raws := bld.Field(1).(*array.StringBuilder)
	for t, id := range titles {
		ids.Append(id)
		raws.Append(t)
	}
	_, err := insertBuilt(s.ctx, s.rc, bld, sqlInsertSourceTitles, s.id)
	return err
}

// insertBuilt runs q over the one batch bld holds.
func insertBuilt(ctx context.Context, rc *rawConn, bld *array.RecordBuilder, q string, args ...any) (int64, error) {
	rec := bld.NewRecordBatch()
	defer rec.Release()
	rr, err := array.NewRecordReader(rec.Schema(), []arrow.RecordBatch{rec})
	if err != nil {
		return 0, err
	}
	defer rr.Release()
	return insertArrow(ctx, rc, rr, rec.Schema(), q, args...)
}

// MapTitles matches, with match, the titles of titles the title map does
// not hold yet, and stores each match with the matcher's fingerprint.
// match must be safe to call from several goroutines at once.
func (s *LoadSession) MapTitles(titles map[string]int32, fingerprint string, match func(string) TitleMatch) error {
	p, err := s.StartMapTitles(titles, fingerprint, match)
	if err != nil {
		return err
	}
	return p.Store()
}

// PendingTitles are titles being matched for the title map
// (StartMapTitles).
type PendingTitles struct {
	s           *LoadSession
	names       []string
	matches     []TitleMatch
	fingerprint string
	cancel      context.CancelFunc
	done        chan struct{}
}

// StartMapTitles is MapTitles in two steps: it finds the titles of titles
// the title map lacks and starts matching them on their own goroutines,
// so that the session can run its other statements meanwhile; Store then
// adds them to the map. A load calls it once its rows are in, and the
// matching runs beside the statements that settle the rest of the load.
// titles is read here only. Every StartMapTitles needs a Store or a
// Discard.
func (s *LoadSession) StartMapTitles(titles map[string]int32, fingerprint string, match func(string) TitleMatch) (*PendingTitles, error) {
	mapped := map[string]struct{}{}
	err := s.rc.query(s.ctx, sqlMappedTitles, nil, func(scan func(...any) error) error {
		var t string
		if err := scan(&t); err != nil {
			return err
		}
		if _, ok := titles[t]; ok {
			mapped[t] = struct{}{}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(titles)-len(mapped))
	for t := range titles {
		if _, ok := mapped[t]; !ok {
			names = append(names, t)
		}
	}
	ctx, cancel := context.WithCancel(s.ctx)
	p := &PendingTitles{s: s, names: names, fingerprint: fingerprint, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.matches = matchTitles(ctx, names, match)
	}()
	return p, nil
}

// Store waits for the matches and adds them to the title map.
func (p *PendingTitles) Store() error {
	<-p.done
	defer p.cancel()
	if err := p.s.ctx.Err(); err != nil {
		return err
	}
	if err := storeTitles(p.s.ctx, p.s.rc, p.names, p.matches, p.fingerprint); err != nil {
		return err
	}
	return checkMappedOnce(p.s.ctx, p.s.rc)
}

// Discard stops the matching and waits for it to end, storing nothing.
// After Store it does nothing.
func (p *PendingTitles) Discard() {
	p.cancel()
	<-p.done
}

// MarkDuplicates marks the rows whose case number an earlier active source
// already holds as duplicates of that source's (dup_of) and returns how
// many it marked. The UPDATE runs only when another active source holds
// case numbers at all: in the same transaction as a bulk insert it stops
// DuckDB writing the new rows straight to the file, which makes the commit
// several times slower.
func (s *LoadSession) MarkDuplicates() (int64, error) {
	var others int64
	if err := s.rc.queryRow(s.ctx, sqlOtherCases, []any{s.id}, &others); err != nil {
		return 0, err
	}
	if others == 0 {
		return 0, nil
	}
	n, err := s.rc.exec(s.ctx, sqlMarkDuplicates, s.id)
	if err != nil {
		return 0, fmt.Errorf("dedupe: %w", err)
	}
	return n, nil
}

// DedupePublished deletes the load's published figures an active source
// already publishes (same publisher, occupation, year and area: the first
// file loaded wins) and returns how many of the load's figures remain.
func (s *LoadSession) DedupePublished() (int64, error) {
	if _, err := s.rc.exec(s.ctx, sqlDedupePublished, s.id); err != nil {
		return 0, fmt.Errorf("dedupe: %w", err)
	}
	var n int64
	err := s.rc.queryRow(s.ctx, sqlCountPublished, []any{s.id}, &n)
	return n, err
}

// MaxYear is the latest year among the load's observations (0 if none).
func (s *LoadSession) MaxYear() (int, error) {
	var y int
	err := s.rc.queryRow(s.ctx, sqlMaxYear, []any{s.id}, &y)
	return y, err
}

// SharedRows is an active source sharing rows with the load.
type SharedRows struct {
	Snapshot       // the other source
	Shared   int64 // rows in common, as multisets
}

// SharedRows compares the fingerprints of the load's rows (its titles
// appended) with every other active source's without case numbers and
// returns those sharing at least one row, by source id.
func (s *LoadSession) SharedRows() ([]SharedRows, error) {
	var others int
	if err := s.rc.queryRow(s.ctx, sqlOtherUncased, []any{s.id}, &others); err != nil || others == 0 {
		return nil, err
	}
	var out []SharedRows
	err := s.rc.query(s.ctx, sqlSnapshotOverlap, []any{s.id}, func(scan func(...any) error) error {
		var o SharedRows
		var maxYear sql.NullInt64
		if err := scan(&o.ID, &o.Name, &o.Dataset, &o.Rows, &maxYear, &o.Shared); err != nil {
			return err
		}
		o.MaxYear = int(maxYear.Int64)
		out = append(out, o)
		return nil
	})
	return out, err
}

// Source is what Finish records of a loaded file: its identity, its
// counts, and which snapshots of its dataset it retires or is retired by.
type Source struct {
	Name, Path, SHA256, Profile, Format, Dataset string
	Synthetic                                    bool // made-up data (payband gen, demo)

	Read, Loaded, Rejected, Duplicate int64

	// SupersededBy is the id of the newer snapshot that retires this
	// source on arrival (0 for none); Supersedes the ids of the older
	// snapshots the winner (this source, or SupersededBy) retires.
	SupersededBy int64
	Supersedes   []int64
}

// Finish records the source with its counts, which must obey
// Read = Loaded + Rejected + Duplicate, and applies its supersessions:
// a superseded source keeps its rows and counts (its lineage), and its
// rows leave the views with it. The load commits when its function
// returns.
func (s *LoadSession) Finish(src Source) error {
	if s.finished {
		return errors.New("load finished twice")
	}
	if src.Read != src.Loaded+src.Rejected+src.Duplicate {
		return fmt.Errorf("internal accounting error: read %d != loaded %d + rejected %d + duplicate %d",
			src.Read, src.Loaded, src.Rejected, src.Duplicate)
	}
	ctx, rc := s.ctx, s.rc
	if _, err := rc.exec(ctx, sqlInsertSource, s.id, src.Name, src.Path, src.SHA256, src.Profile, src.Format,
		src.Read, src.Loaded, src.Rejected, src.Duplicate, src.Dataset, src.Synthetic); err != nil {
		return err
	}
	winner := s.id
	if src.SupersededBy != 0 {
		winner = src.SupersededBy
		if _, err := rc.exec(ctx, sqlSupersedeSource, winner, s.id); err != nil {
			return err
		}
	}
	for _, o := range src.Supersedes {
		if _, err := rc.exec(ctx, sqlHandOnSuperseded, winner, o); err != nil {
			return err
		}
		if _, err := rc.exec(ctx, sqlSupersedeSource, winner, o); err != nil {
			return err
		}
	}
	s.finished = true
	return nil
}
