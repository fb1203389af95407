package ingest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/duckdb/duckdb-go/v2"
	"golang.org/x/sync/errgroup"

	"payband/titles"
	"payband/warehouse"
)

// Options controls one ingest.
type Options struct {
	Profile string           // built-in profile name, "generic" or "auto" (default)
	Map     map[Field]string // generic: field -> column name
	Target  string           // generic: "salaries", "published" or "" (by the mapped fields)
	Format  string           // "" detects from the name and content
	Reader  ReaderOptions
	Convert ConvertOptions
	Matcher *titles.Matcher
	// Dataset names the publisher's series the file belongs to; "" takes
	// it from the file's name or profile, or from a loaded source the
	// file is another snapshot of (datasets.go).
	Dataset  string
	Progress func(rows int64, bytes int64) // called after each batch; may be nil
	// Known is the file's sha256 when the caller has just computed it (a
	// run's plan hashes every source). It is used only while the file's
	// size and modification time are still those of Known; otherwise the
	// file is hashed again.
	Known *KnownHash
}

// KnownHash is a file's sha256 and the size and modification time it had
// when hashed.
type KnownHash struct {
	SHA256  string
	Size    int64
	ModTime time.Time
}

// HashFile hashes path and records its size and modification time, taken
// before reading so a write during the hash shows as a change.
func HashFile(ctx context.Context, path string) (KnownHash, error) {
	st, err := os.Stat(path)
	if err != nil {
		return KnownHash{}, err
	}
	sum, n, err := SHA256File(ctx, path)
	if err != nil {
		return KnownHash{}, err
	}
	if n != st.Size() {
		return KnownHash{}, fmt.Errorf("%s changed while it was being hashed", path)
	}
	return KnownHash{SHA256: sum, Size: n, ModTime: st.ModTime()}, nil
}

// Result is what one file's ingest did: the summary line of SPEC §3.
type Result struct {
	Source        string // file name
	Path          string // absolute path
	SHA256        string
	Profile       string
	ProfileReason string
	Format        string
	Read          int64
	Loaded        int64
	Rejected      int64
	Duplicate     int64
	AlreadyLoaded bool
	Replaced      int // earlier versions of the same path retired
	Dataset       string
	// Overlaps are the loaded sources sharing rows with this one (see
	// datasets.go); Supersedes the older snapshots this one retired, and
	// SupersededBy the newer snapshot that retires this one on arrival.
	Overlaps     []Overlap
	Supersedes   []string
	SupersededBy string
	Elapsed      time.Duration
}

// maxHeldRejects bounds the rejected rows held in memory: a chunk, one
// INSERT of clean rows, ends when its rejects reach it, and they are then
// inserted. A usual file (a few percent rejected) is one chunk; each
// INSERT's end costs DuckDB a flush that leaves a core idle, which at ten
// chunks of 64 batches was a tenth of a 5 M-row load (docs/benchmarks.md).
var maxHeldRejects int64 = 100_000 // a variable so tests can make chunks small

// SHA256File hashes a file's content.
func SHA256File(ctx context.Context, path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, ctxReader{ctx, f})
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// File loads one file into the warehouse in one transaction. A file whose
// content is already loaded is skipped (Result.AlreadyLoaded). On any error
// the warehouse is left as it was.
//
// The file is read once: its sha256 is taken from the bytes the parser
// reads, so the hash recorded is the hash of what was loaded. For text
// formats that hash is known only at the end of the read, so an already
// loaded file is found there and its load rolled back; XLSX and Parquet
// (hashed at open) and files whose hash the caller knows (opt.Known) are
// checked before any row is read. At the end the file must still have
// the size and modification time it was opened with, else the load fails
// (ErrChanged) and is rolled back.
func File(ctx context.Context, w *warehouse.Warehouse, path string, opt Options) (Result, error) {
	start := time.Now()
	abs, err := filepath.Abs(path)
	if err != nil {
		return Result{}, err
	}
	res := Result{Source: filepath.Base(path), Path: abs}
	alreadyLoaded := func(sum string) Result {
		return Result{Source: res.Source, Path: abs, SHA256: sum, AlreadyLoaded: true, Elapsed: time.Since(start)}
	}

	src, err := OpenFile(ctx, path, opt.Format, opt.Reader)
	if err != nil {
		return res, err
	}
	defer src.Close()
	// A hash known before the rows are read settles the question first.
	early := src.EarlySHA256()
	if k := opt.Known; early == "" && k != nil && src.st.Mode().IsRegular() && src.st.Size() == k.Size && src.st.ModTime().Equal(k.ModTime) {
		early = k.SHA256
	}
	if early != "" {
		loaded, err := hashLoaded(ctx, w.DB, early)
		if err != nil {
			return res, nameFile(path, err)
		}
		if loaded {
			return alreadyLoaded(early), nil
		}
	}
	res.Format = src.Format
	rd := src.Reader
	b, reason, err := bindProfile(rd.Header(), opt)
	if err != nil {
		return res, &RowError{Source: path, Err: err}
	}
	res.Profile, res.ProfileReason = b.Profile.Name, reason
	if b.Profile.Published {
		res.Dataset = datasetFor(res.Path, res.Profile, opt.Dataset)
		res, err = loadPublished(ctx, w, path, src, b, opt.Convert.Year, res, start)
		if errors.Is(err, errAlreadyLoaded) {
			return alreadyLoaded(res.SHA256), nil
		}
		return res, err
	}
	matcher := opt.Matcher
	if matcher == nil {
		t, err := titles.DefaultTaxonomy()
		if err != nil {
			return res, err
		}
		matcher = titles.NewMatcher(t)
	}
	err = inTx(ctx, w, func(c *sql.Conn, ar *duckdb.Arrow) error {
		return loadObservations(ctx, c, ar, w.DB, src, b, opt, matcher, &res)
	})
	if errors.Is(err, errAlreadyLoaded) {
		return alreadyLoaded(res.SHA256), nil
	}
	res.Elapsed = time.Since(start)
	return res, nameFile(path, err)
}

// hashLoaded reports whether an active source holds content with this
// sha256. It asks db, not the load's own connection: inside the load's
// transaction the earlier version at the same path is already retired.
func hashLoaded(ctx context.Context, db *sql.DB, sum string) (bool, error) {
	var n int
	if err := db.QueryRowContext(ctx, sqlSourceBySHA, sum).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}

// settleHash ends the read of src once its rows are all read: it checks
// the file did not change, records the sha256 of what was read in res,
// and returns errAlreadyLoaded when an active source already holds that
// content (the caller's transaction then rolls back).
func settleHash(ctx context.Context, db *sql.DB, src *Source, res *Result) error {
	sum, err := src.Finish(ctx)
	if err != nil {
		return err
	}
	res.SHA256 = sum
	loaded, err := hashLoaded(ctx, db, sum)
	if err != nil {
		return err
	}
	if loaded {
		return errAlreadyLoaded
	}
	return nil
}

// maxCaseReserve caps the rows caseRowsEstimate may size the case-number
// set for up front (a table of 256 MiB of codes, or 512 MiB of hashes);
// past it the set grows as it fills.
const maxCaseReserve = 1 << 24

// firstCase is the first case number of a raw batch, or "".
func firstCase(rec arrow.RecordBatch, b *Binding) string {
	if i := b.Index[FCaseNumber]; i >= 0 && i < int(rec.NumCols()) {
		if c, ok := rec.Column(i).(*array.String); ok {
			for r := 0; r < c.Len(); r++ {
				if s := strings.TrimSpace(c.Value(r)); s != "" {
					return s
				}
			}
		}
	}
	return ""
}

// caseRowsEstimate returns, for a delimited-text file with a case-number
// column, a function that guesses the file's rows from its size and the
// first batch's bytes a row (its cells, plus a delimiter each and the line
// end; quotes make the guess high, which is the safe side). Other formats
// (whose bytes a row say little, or where a guess too high would map a
// table far larger than needed) get nil and grow the set as it fills.
func caseRowsEstimate(path string, src *Source, b *Binding) func(arrow.RecordBatch) int {
	if b.Index[FCaseNumber] < 0 || !(strings.HasPrefix(src.Format, "csv") || strings.HasPrefix(src.Format, "tsv")) {
		return nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil
	}
	return func(rec arrow.RecordBatch) int {
		rows := rec.NumRows()
		if rows == 0 {
			return 0
		}
		ncol := len(b.Header)
		bytes := rows * int64(ncol)
		for j := 0; j < ncol; j++ {
			if c, ok := rec.Column(j).(*array.String); ok {
				if offs := c.ValueOffsets(); len(offs) > 1 {
					bytes += int64(offs[len(offs)-1] - offs[0])
				}
			}
		}
		return int(min(st.Size()*rows/max(bytes, 1), maxCaseReserve))
	}
}

// errAlreadyLoaded rolls back a load whose content turned out to be loaded.
var errAlreadyLoaded = errors.New("already loaded")

// nameFile makes sure an error says which file it is about: warehouse
// failures (a full disk, an I/O error) come back from DuckDB without it.
func nameFile(path string, err error) error {
	var re *RowError
	if err == nil || errors.As(err, &re) {
		return err
	}
	return &RowError{Source: path, Err: err}
}

func bindProfile(header []string, opt Options) (*Binding, string, error) {
	switch opt.Profile {
	case "", "auto":
		return AutoProfile(header)
	case "generic":
		p, err := GenericProfileFor(opt.Map, opt.Target)
		if err != nil {
			return nil, "", err
		}
		b, err := p.Bind(header)
		return b, "profile generic: columns from --map", err
	}
	p, err := ProfileByName(opt.Profile)
	if err != nil {
		return nil, "", err
	}
	b, err := p.Bind(header)
	return b, "profile " + p.Name + ": chosen with --profile", err
}

// GenericProfile builds a profile from --map field=COLUMN pairs, its
// target decided by the mapped fields (GenericProfileFor, profile.go).
func GenericProfile(m map[Field]string) (*Profile, error) {
	return GenericProfileFor(m, "")
}

type batchPair struct {
	clean, rej arrow.RecordBatch
}

func (p batchPair) release() {
	p.clean.Release()
	p.rej.Release()
}

func loadObservations(ctx context.Context, c *sql.Conn, ar *duckdb.Arrow, db *sql.DB, src *Source, b *Binding,
	opt Options, matcher *titles.Matcher, res *Result) error {
	sourceID, replaced, err := newSource(ctx, c, res.Path)
	if err != nil {
		return err
	}
	res.Replaced = replaced

	conv := newConverter(memory.DefaultAllocator, b, opt.Convert)
	defer conv.release()
	if err := c.QueryRowContext(ctx, sqlNextTitleID).Scan(&conv.nextTitle); err != nil {
		return err
	}
	firstTitle := conv.nextTitle
	pairs := make(chan batchPair, 4)
	var read atomic.Int64
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Reading and converting run in two goroutines, and DuckDB inserts on
	// this one: on two cores the parse of batch k+1 overlaps the conversion
	// of batch k and the insert of earlier ones. A failed read cancels the
	// conversion; a failed insert (cancel) stops both.
	g, gctx := errgroup.WithContext(pctx)
	raws := make(chan arrow.RecordBatch, 2)
	g.Go(func() error {
		defer close(raws)
		rd := src.Reader
		for rd.Next() {
			rec := rd.Record()
			rec.Retain()
			read.Add(rec.NumRows())
			select {
			case raws <- rec:
			case <-gctx.Done():
				rec.Release()
				return gctx.Err()
			}
			if opt.Progress != nil {
				opt.Progress(read.Load(), src.BytesRead())
			}
		}
		return rd.Err()
	})
	sizeCases := caseRowsEstimate(res.Path, src, b)
	g.Go(func() error {
		defer close(pairs)
		for rec := range raws {
			if sizeCases != nil {
				conv.cases.reserve(sizeCases(rec), firstCase(rec, b))
				sizeCases = nil
			}
			cl, rj := conv.convert(rec)
			rec.Release()
			select {
			case pairs <- batchPair{cl, rj}:
			case <-gctx.Done():
				cl.Release()
				rj.Release()
				for r := range raws {
					r.Release()
				}
				return gctx.Err()
			}
		}
		return nil
	})
	defer func() {
		cancel()
		for p := range pairs {
			p.release()
		}
		_ = g.Wait() // both have returned: pairs is closed after raws
	}()

	for {
		cr := &chunkReader{in: pairs}
		if err := insertArrow(ctx, c, ar, cr, obsSchema, sqlInsertObservations, sourceID); err != nil {
			cr.releaseRejects()
			return err
		}
		res.Loaded += cr.clean
		rr, err := array.NewRecordReader(rejectSchema, cr.rejects)
		if err != nil {
			cr.releaseRejects()
			return err
		}
		err = insertArrow(ctx, c, ar, rr, rejectSchema, sqlInsertRejects, sourceID)
		res.Rejected += cr.rejected
		cr.releaseRejects()
		rr.Release()
		if err != nil {
			return err
		}
		if cr.eof {
			break
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	res.Read = read.Load()
	// Every row is in: the hash of what was read is final.
	if err := settleHash(ctx, db, src, res); err != nil {
		return err
	}

	// Repeats within the file were dropped while streaming; a case number
	// an earlier active source already holds marks the row a duplicate of
	// that source's here. The UPDATE runs only when needed: in the same
	// transaction as a bulk insert it stops DuckDB writing the new rows
	// straight to the file, which makes the commit several times slower.
	res.Duplicate = conv.dups
	var others int64
	if err := c.QueryRowContext(ctx, sqlOtherCases, sourceID).Scan(&others); err != nil {
		return err
	}
	if others > 0 {
		r, err := c.ExecContext(ctx, sqlMarkDuplicates, sourceID)
		if err != nil {
			return fmt.Errorf("dedupe: %w", err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return err
		}
		res.Duplicate += n
		res.Loaded -= n
	}
	if conv.nextTitle < firstTitle {
		return errors.New("title ids exhausted: the warehouse holds 2^31 file titles")
	}
	if err := insertSourceTitles(ctx, c, ar, sourceID, conv.titles); err != nil {
		return fmt.Errorf("titles: %w", err)
	}
	if err := mapTitles(ctx, c, ar, conv.titles, matcher); err != nil {
		return fmt.Errorf("title map: %w", err)
	}
	// The file's titles are stored by now: the fingerprints read them.
	res.Dataset = datasetFor(res.Path, res.Profile, opt.Dataset)
	var snap supersession
	if conv.cases.len() == 0 && res.Loaded > 0 {
		me := snapshot{id: sourceID, name: res.Source, rows: res.Loaded}
		if err := c.QueryRowContext(ctx, sqlMaxYear, sourceID).Scan(&me.maxYear); err != nil {
			return err
		}
		if snap, err = findSnapshots(ctx, c, me); err != nil {
			return fmt.Errorf("snapshots: %w", err)
		}
		res.Overlaps = snap.overlaps
		if opt.Dataset == "" && datasetByName(res.Path, res.Profile) == "" && snap.dataset != "" {
			res.Dataset = snap.dataset
		}
	}
	if res.Read != res.Loaded+res.Rejected+res.Duplicate {
		return fmt.Errorf("internal accounting error: read %d != loaded %d + rejected %d + duplicate %d",
			res.Read, res.Loaded, res.Rejected, res.Duplicate)
	}
	if err := exec(ctx, c, sqlInsertSource, sourceID, res.Source, res.Path, res.SHA256, res.Profile, res.Format,
		res.Read, res.Loaded, res.Rejected, res.Duplicate, res.Dataset); err != nil {
		return err
	}
	return applySupersession(ctx, c, sourceID, snap, res)
}

// applySupersession retires the older of each pair of snapshots: the
// sources the new one supersedes, or the new one itself when a loaded
// source is newer. A superseded source keeps its rows and counts (its
// lineage); its rows leave the views with it.
func applySupersession(ctx context.Context, c *sql.Conn, id int64, s supersession, res *Result) error {
	winner := id
	if s.supersededBy != nil {
		winner = s.supersededBy.id
		res.SupersededBy = s.supersededBy.name
		if err := exec(ctx, c, sqlSupersedeSource, winner, id); err != nil {
			return err
		}
		if s.supersededBy.dataset != "" {
			res.Dataset = s.supersededBy.dataset
		}
	}
	for _, o := range s.supersedes {
		if err := exec(ctx, c, sqlHandOnSuperseded, winner, o.id); err != nil {
			return err
		}
		if err := exec(ctx, c, sqlSupersedeSource, winner, o.id); err != nil {
			return err
		}
		if winner == id {
			res.Supersedes = append(res.Supersedes, o.name)
		}
	}
	return nil
}

// datasetFor is the dataset of a file: the one given, else the one its
// name or profile says, else its name's stem (a fingerprint match may
// still name it after the source it is a snapshot of).
func datasetFor(path, profile, given string) string {
	if g := strings.TrimSpace(given); g != "" {
		return g
	}
	if d := datasetByName(path, profile); d != "" {
		return d
	}
	return datasetStem(path)
}

// insertArrow registers rd as a view and runs q, which reads from it.
// DuckDB creates the view in the catalog of the file, not as a temporary
// one, so it is dropped in the same transaction before the stream behind
// it is released: a committed view would point at freed memory and crash
// every reader that touches it.
func insertArrow(ctx context.Context, c *sql.Conn, ar *duckdb.Arrow, rd array.RecordReader, _ *arrow.Schema, q string, args ...any) error {
	release, err := ar.RegisterView(rd, "payband_batch")
	if err != nil {
		return err
	}
	defer release()
	_, err = c.ExecContext(ctx, q, args...)
	if _, derr := c.ExecContext(context.WithoutCancel(ctx), sqlDropBatchView); err == nil {
		err = derr
	}
	return err
}

// chunkReader is an array.RecordReader over the clean batches from the
// channel, up to maxHeldRejects rejected rows; it keeps the reject batches
// aside.
type chunkReader struct {
	in       <-chan batchPair
	cur      arrow.RecordBatch
	eof      bool
	clean    int64
	rejected int64
	rejects  []arrow.RecordBatch
	refs     atomic.Int64
}

func (r *chunkReader) Retain()               { r.refs.Add(1) }
func (r *chunkReader) Release()              { r.refs.Add(-1) }
func (r *chunkReader) Schema() *arrow.Schema { return obsSchema }
func (r *chunkReader) Err() error            { return nil }

func (r *chunkReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.eof || r.rejected >= maxHeldRejects {
		return false
	}
	p, ok := <-r.in
	if !ok {
		r.eof = true
		return false
	}
	r.clean += p.clean.NumRows()
	r.rejected += p.rej.NumRows()
	if p.rej.NumRows() > 0 {
		r.rejects = append(r.rejects, p.rej)
	} else {
		p.rej.Release()
	}
	r.cur = p.clean
	return true
}

func (r *chunkReader) Record() arrow.RecordBatch      { return r.cur }
func (r *chunkReader) RecordBatch() arrow.RecordBatch { return r.cur }

func (r *chunkReader) releaseRejects() {
	for _, b := range r.rejects {
		b.Release()
	}
	r.rejects = nil
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
}

var titleSchema = arrow.NewSchema([]arrow.Field{
	{Name: "title_raw", Type: arrow.BinaryTypes.String},
	{Name: "title", Type: arrow.BinaryTypes.String},
	{Name: "family", Type: arrow.BinaryTypes.String},
	{Name: "seniority", Type: arrow.BinaryTypes.String},
	{Name: "confidence", Type: arrow.PrimitiveTypes.Float64},
	{Name: "method", Type: arrow.BinaryTypes.String},
}, nil)

var sourceTitleSchema = arrow.NewSchema([]arrow.Field{
	{Name: "title_id", Type: arrow.PrimitiveTypes.Int32},
	{Name: "title_raw", Type: arrow.BinaryTypes.String},
}, nil)

// insertSourceTitles records the file's dictionary of raw titles, the
// title_id each of its observations holds.
func insertSourceTitles(ctx context.Context, c *sql.Conn, ar *duckdb.Arrow, sourceID int64, names map[string]int32) error {
	if len(names) == 0 {
		return nil
	}
	bld := array.NewRecordBuilder(memory.DefaultAllocator, sourceTitleSchema)
	defer bld.Release()
	ids := bld.Field(0).(*array.Int32Builder)
	raws := bld.Field(1).(*array.StringBuilder)
	for t, id := range names {
		ids.Append(id)
		raws.Append(t)
	}
	return insertBuilt(ctx, c, ar, bld, sqlInsertSourceTitles, sourceID)
}

// insertBuilt runs q over the one batch bld holds.
func insertBuilt(ctx context.Context, c *sql.Conn, ar *duckdb.Arrow, bld *array.RecordBuilder, q string, args ...any) error {
	rec := bld.NewRecordBatch()
	defer rec.Release()
	rr, err := array.NewRecordReader(rec.Schema(), []arrow.RecordBatch{rec})
	if err != nil {
		return err
	}
	defer rr.Release()
	return insertArrow(ctx, c, ar, rr, rec.Schema(), q, args...)
}

// mapTitles normalizes the titles not yet in the title map, once each,
// deleting the others from titles.
func mapTitles(ctx context.Context, c *sql.Conn, ar *duckdb.Arrow, names map[string]int32, m *titles.Matcher) error {
	rows, err := c.QueryContext(ctx, "SELECT title_raw FROM title_map_t")
	if err != nil {
		return err
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		delete(names, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(names) == 0 {
		return nil
	}
	return InsertTitleMatches(ctx, c, ar, maps.Keys(names), m)
}

// InsertTitleMatches matches each title and inserts the results into the
// title map (an existing entry is replaced), each with the matcher's
// fingerprint, so that a later run re-maps only titles mapped otherwise.
func InsertTitleMatches(ctx context.Context, c *sql.Conn, ar *duckdb.Arrow, names iter.Seq[string], m *titles.Matcher) error {
	bld := array.NewRecordBuilder(memory.DefaultAllocator, titleSchema)
	defer bld.Release()
	for t := range names {
		r := m.Match(t)
		bld.Field(0).(*array.StringBuilder).Append(t)
		bld.Field(1).(*array.StringBuilder).Append(r.Title)
		bld.Field(2).(*array.StringBuilder).Append(r.Family)
		bld.Field(3).(*array.StringBuilder).Append(r.Seniority)
		bld.Field(4).(*array.Float64Builder).Append(r.Confidence)
		bld.Field(5).(*array.StringBuilder).Append(r.Method)
	}
	return insertBuilt(ctx, c, ar, bld, sqlUpsertTitles, m.Fingerprint())
}
