package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TitleMatch is what the title map holds for one raw title.
type TitleMatch struct {
	Title, Family, Seniority string
	Confidence               float64
	Method                   string
}

var titleMapSchema = arrow.NewSchema([]arrow.Field{
	{Name: "title_raw", Type: arrow.BinaryTypes.String},
	{Name: "title", Type: arrow.BinaryTypes.String},
	{Name: "family", Type: arrow.BinaryTypes.String},
	{Name: "seniority", Type: arrow.BinaryTypes.String},
	{Name: "confidence", Type: arrow.PrimitiveTypes.Float64},
	{Name: "method", Type: arrow.BinaryTypes.String},
}, nil)

// insertTitles matches each title and adds the results to the title map,
// which must not hold them (it has no key to replace an entry by), each
// with the matcher's fingerprint, so that a later run re-maps only titles
// mapped otherwise.
func insertTitles(ctx context.Context, rc *rawConn, titles iter.Seq[string], fingerprint string, match func(string) TitleMatch) error {
	names := slices.Collect(titles)
	matches := matchTitles(ctx, names, match)
	if err := ctx.Err(); err != nil {
		return err
	}
	return storeTitles(ctx, rc, names, matches, fingerprint)
}

// matchTitles matches names on every core: a file of real titles brings
// a hundred thousand new ones, and matching them one core at a time was a
// second of a 2 M-row load with the other core idle. match is called from
// several goroutines at once. It stops early, leaving matches unfilled,
// when ctx is done.
func matchTitles(ctx context.Context, names []string, match func(string) TitleMatch) []TitleMatch {
	matches := make([]TitleMatch, len(names))
	var next atomic.Int64
	var wg sync.WaitGroup
	const chunk = 256
	for range min(runtime.GOMAXPROCS(0), (len(names)+chunk-1)/chunk) {
		wg.Go(func() {
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(names) || ctx.Err() != nil {
					return
				}
				for i := lo; i < min(lo+chunk, len(names)); i++ {
					matches[i] = match(names[i])
				}
			}
		})
	}
	wg.Wait()
	return matches
}

// storeTitles adds names[i] with matches[i] to the title map.
func storeTitles(ctx context.Context, rc *rawConn, names []string, matches []TitleMatch, fingerprint string) error {
	if len(names) == 0 {
		return nil
	}
	bld := array.NewRecordBuilder(memory.DefaultAllocator, titleMapSchema)
	defer bld.Release()
	for i, t := range names {
		r := matches[i]
		bld.Field(0).(*array.StringBuilder).Append(t)
		bld.Field(1).(*array.StringBuilder).Append(r.Title)
		bld.Field(2).(*array.StringBuilder).Append(r.Family)
		bld.Field(3).(*array.StringBuilder).Append(r.Seniority)
		bld.Field(4).(*array.Float64Builder).Append(r.Confidence)
		bld.Field(5).(*array.StringBuilder).Append(r.Method)
	}
	_, err := insertBuilt(ctx, rc, bld, sqlInsertTitles, fingerprint)
	return err
}

// ErrTitleMappedTwice is a title map that would hold a raw title more than
// once: salaries joins the map on the raw title, so that title's rows
// would count once per mapping, a wrong number no later step notices. The
// statement that would have left it so is rolled back.
var ErrTitleMappedTwice = errors.New("a raw title is mapped more than once")

// checkMappedOnce fails with ErrTitleMappedTwice unless every raw title of
// the map is there once. The map has no key to enforce it (schema version
// 6: DuckDB's index check cost more than the load's inserts), so every
// write of the map ends with this count: tens of milliseconds for a
// quarter of a million titles.
func checkMappedOnce(ctx context.Context, rc *rawConn) error {
	var twice int64
	if err := rc.queryRow(ctx, sqlDuplicateTitles, nil, &twice); err != nil {
		return err
	}
	if twice > 0 {
		return fmt.Errorf("%w: %d raw titles would be in title_map_t twice, and salaries would count their rows for each; nothing was written (payband titles remap rebuilds the map)", ErrTitleMappedTwice, twice)
	}
	return nil
}

// Remap says which titles ReplaceTitleMap matches again.
type Remap int

const (
	// RemapAll matches every raw title again, the title map rebuilt from
	// nothing (titles remap).
	RemapAll Remap = iota
	// RemapStale matches only the titles never mapped or mapped with
	// another fingerprint (run's normalize stage): after a load, which
	// maps its new titles with the run's matcher, there is nothing to do.
	RemapStale
)

// MetaTaxonomyFingerprint is the meta key of the fingerprint of the
// matcher (taxonomy and overrides) the title map was last built with.
const MetaTaxonomyFingerprint = "taxonomy_fingerprint"

// ReplaceTitleMap matches the titles which says again with match, in one
// transaction, and records fingerprint as MetaTaxonomyFingerprint. It
// returns how many titles changed family, title or seniority (or are new)
// and how many were matched. match must be safe to call from several
// goroutines at once.
func (w *Warehouse) ReplaceTitleMap(ctx context.Context, which Remap, fingerprint string, match func(string) TitleMatch) (changed, matched int, err error) {
	q, args := sqlAllTitles, []any(nil)
	if which == RemapStale {
		q, args = sqlStaleTitles, []any{fingerprint}
	}
	err = w.inTx(ctx, func(rc *rawConn) error {
		if _, err := rc.exec(ctx, sqlSavePrevMap); err != nil {
			return err
		}
		titles := map[string]struct{}{}
		err := rc.query(ctx, q, args, func(scan func(...any) error) error {
			var t string
			if err := scan(&t); err != nil {
				return err
			}
			titles[t] = struct{}{}
			return nil
		})
		if err != nil {
			return err
		}
		clear, clearArgs := sqlClearTitleMap, []any(nil)
		if which == RemapStale {
			clear, clearArgs = sqlClearStaleTitles, []any{fingerprint}
		}
		if _, err := rc.exec(ctx, clear, clearArgs...); err != nil {
			return err
		}
		matched = len(titles)
		if len(titles) > 0 {
			keys := func(yield func(string) bool) {
				for t := range titles {
					if !yield(t) {
						return
					}
				}
			}
			if err := insertTitles(ctx, rc, keys, fingerprint, match); err != nil {
				return err
			}
		}
		if err := checkMappedOnce(ctx, rc); err != nil {
			return err
		}
		if err := rc.queryRow(ctx, sqlCountRemapped, nil, &changed); err != nil {
			return err
		}
		if _, err := rc.exec(ctx, sqlDropPrevMap); err != nil {
			return err
		}
		_, err = rc.exec(ctx, sqlSetMeta, MetaTaxonomyFingerprint, fingerprint)
		return err
	})
	return changed, matched, err
}

// Meta returns the value the meta table holds for key ("" when none).
func (w *Warehouse) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := w.DB.QueryRowContext(ctx, sqlGetMeta, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetMeta records value for key in the meta table.
func (w *Warehouse) SetMeta(ctx context.Context, key, value string) error {
	_, err := w.DB.ExecContext(ctx, sqlSetMeta, key, value)
	return err
}
