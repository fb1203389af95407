package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
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
	Dataset string
	// Synthetic records the file as made-up data (payband gen, demo): its
	// source says so and every report drawn from it carries a banner.
	Synthetic bool
	Progress  func(rows int64, bytes int64) // called after each batch; may be nil
	// Known is the file's sha256 when the caller has just computed it (a
	// run's plan hashes every source). It is used only while the file's
	// size and modification time are still those of Known; otherwise the
	// file is hashed again.
	Known *KnownHash

	maxHeldRejects int64 // ends chunks sooner than maxHeldRejects; 0 is maxHeldRejects (tests)
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
	Synthetic     bool
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
const maxHeldRejects = 100_000

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
		loaded, err := w.HasContent(ctx, early)
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
	res.Synthetic = opt.Synthetic
	if b.Profile.Published {
		res.Dataset = datasetFor(res.Path, res.Profile, opt.Dataset)
		res, err = loadPublished(ctx, w, path, src, b, opt.Convert.Year, res, start)
		if errors.Is(err, errAlreadyLoaded) {
			return alreadyLoaded(res.SHA256), nil
		}
		return res, err
	}
	// The conversion reads only the bound columns: a reader that can
	// leave the others' text unread (XLSX) is told so.
	if p, ok := rd.(interface{ Project([]int) }); ok {
		var cols []int
		for _, i := range b.Index {
			if i >= 0 {
				cols = append(cols, i)
			}
		}
		p.Project(cols)
	}
	matcher := opt.Matcher
	if matcher == nil {
		t, err := titles.DefaultTaxonomy()
		if err != nil {
			return res, err
		}
		matcher = titles.NewMatcher(t)
	}
	err = w.Load(ctx, abs, func(s *warehouse.LoadSession) error {
		return loadObservations(ctx, s, w, src, b, opt, matcher, &res)
	})
	if errors.Is(err, errAlreadyLoaded) {
		return alreadyLoaded(res.SHA256), nil
	}
	res.Elapsed = time.Since(start)
	return res, nameFile(path, err)
}

// settleHash ends the read of src once its rows are all read: it checks
// the file did not change, records the sha256 of what was read in res,
// and returns errAlreadyLoaded when an active source already holds that
// content (the caller's transaction then rolls back).
func settleHash(ctx context.Context, w *warehouse.Warehouse, src *Source, res *Result) error {
	sum, err := src.Finish(ctx)
	if err != nil {
		return err
	}
	res.SHA256 = sum
	loaded, err := w.HasContent(ctx, sum)
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

func loadObservations(ctx context.Context, s *warehouse.LoadSession, w *warehouse.Warehouse, src *Source, b *Binding,
	opt Options, matcher *titles.Matcher, res *Result) error {
	res.Replaced = s.Replaced()

	conv := newConverter(memory.DefaultAllocator, b, opt.Convert)
	defer conv.release()
	var err error
	if conv.nextTitle, err = s.NextTitleID(); err != nil {
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
		cr := &chunkReader{in: pairs, maxRejects: maxHeldRejects}
		if opt.maxHeldRejects > 0 {
			cr.maxRejects = opt.maxHeldRejects
		}
		if err := s.AppendObservations(cr); err != nil {
			cr.releaseRejects()
			return err
		}
		res.Loaded += cr.clean
		rr, err := array.NewRecordReader(rejectSchema, cr.rejects)
		if err != nil {
			cr.releaseRejects()
			return err
		}
		err = s.AppendRejects(rr)
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
	if conv.nextTitle < firstTitle {
		return errors.New("title ids exhausted: the warehouse holds 2^31 file titles")
	}
	// Every row is in, so the file's titles are known: those the title
	// map lacks are matched on their own goroutines while the statements
	// below settle the load (a quarter of a million new real titles in a
	// 5 M-row file are 1.5 s of matching).
	titleMap, err := s.StartMapTitles(conv.titles, matcher.Fingerprint(), titleMatcher(matcher))
	if err != nil {
		return fmt.Errorf("title map: %w", err)
	}
	stored := false
	defer func() {
		if !stored {
			titleMap.Discard()
		}
	}()
	// The hash of what was read is final.
	if err := settleHash(ctx, w, src, res); err != nil {
		return err
	}

	// Repeats within the file were dropped while streaming; a case number
	// an earlier active source already holds marks the row a duplicate of
	// that source's here (LoadSession.MarkDuplicates).
	res.Duplicate = conv.dups
	n, err := s.MarkDuplicates()
	if err != nil {
		return err
	}
	res.Duplicate += n
	res.Loaded -= n
	if err := s.AppendTitles(conv.titles); err != nil {
		return fmt.Errorf("titles: %w", err)
	}
	stored = true
	if err := titleMap.Store(); err != nil {
		return fmt.Errorf("title map: %w", err)
	}
	// The file's titles are stored by now: the fingerprints read them.
	res.Dataset = datasetFor(res.Path, res.Profile, opt.Dataset)
	var snap supersession
	if conv.cases.len() == 0 && res.Loaded > 0 {
		me := warehouse.Snapshot{ID: s.ID(), Name: res.Source, Rows: res.Loaded}
		if me.MaxYear, err = s.MaxYear(); err != nil {
			return err
		}
		if snap, err = findSnapshots(s, me); err != nil {
			return fmt.Errorf("snapshots: %w", err)
		}
		res.Overlaps = snap.overlaps
		if opt.Dataset == "" && datasetByName(res.Path, res.Profile) == "" && snap.dataset != "" {
			res.Dataset = snap.dataset
		}
	}
	rec := sourceRecord(res)
	if snap.supersededBy != nil {
		rec.SupersededBy = snap.supersededBy.ID
	}
	for _, o := range snap.supersedes {
		rec.Supersedes = append(rec.Supersedes, o.ID)
	}
	if err := s.Finish(rec); err != nil {
		return err
	}
	// A superseded source is a snapshot of its successor's dataset.
	if o := snap.supersededBy; o != nil {
		res.SupersededBy = o.Name
		if o.Dataset != "" {
			res.Dataset = o.Dataset
		}
	} else {
		for _, o := range snap.supersedes {
			res.Supersedes = append(res.Supersedes, o.Name)
		}
	}
	return nil
}

// sourceRecord is what the warehouse records of a load's result.
func sourceRecord(res *Result) warehouse.Source {
	return warehouse.Source{Name: res.Source, Path: res.Path, SHA256: res.SHA256, Profile: res.Profile, Format: res.Format,
		Dataset: res.Dataset, Synthetic: res.Synthetic, Read: res.Read, Loaded: res.Loaded, Rejected: res.Rejected, Duplicate: res.Duplicate}
}

// titleMatcher is m as the warehouse's title map takes it.
func titleMatcher(m *titles.Matcher) func(string) warehouse.TitleMatch {
	return func(t string) warehouse.TitleMatch {
		r := m.Match(t)
		return warehouse.TitleMatch{Title: r.Title, Family: r.Family, Seniority: r.Seniority, Confidence: r.Confidence, Method: r.Method}
	}
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

// chunkReader is an array.RecordReader over the clean batches from the
// channel, up to maxRejects rejected rows; it keeps the reject batches
// aside.
type chunkReader struct {
	in         <-chan batchPair
	maxRejects int64
	cur        arrow.RecordBatch
	eof        bool
	clean      int64
	rejected   int64
	rejects    []arrow.RecordBatch
	refs       atomic.Int64
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
	if r.eof || r.rejected >= r.maxRejects {
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
