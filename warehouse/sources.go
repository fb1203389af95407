package warehouse

import (
	"context"
	"fmt"
	"path/filepath"
)

// Snapshot is one source seen as a snapshot of its dataset: what decides
// which of two snapshots is the newer (docs/methodology.md, "Datasets").
type Snapshot struct {
	ID      int64
	Name    string
	Dataset string
	Rows    int64 // rows_loaded
	MaxYear int
}

// Newer reports whether a is a newer snapshot than b: a cumulative
// dataset's later snapshot reaches a later year, or holds more rows of the
// same years; when both agree, the later loaded (higher source id) wins.
// The order files are loaded in therefore never decides.
func (a Snapshot) Newer(b Snapshot) bool {
	if a.MaxYear != b.MaxYear {
		return a.MaxYear > b.MaxYear
	}
	if a.Rows != b.Rows {
		return a.Rows > b.Rows
	}
	return a.ID > b.ID
}

// HasContent reports whether a source holds content with this sha256: an
// active one, or a snapshot a newer one superseded (loading it again would
// only be superseded again). It asks the pool, not a load's connection:
// inside a load's transaction the earlier version at the same path is
// already retired.
func (w *Warehouse) HasContent(ctx context.Context, sha256 string) (bool, error) {
	var n int
	if err := w.DB.QueryRowContext(ctx, sqlSourceBySHA, sha256).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}

// SourceEdit changes which sources are active, inside one transaction
// (Warehouse.EditSources).
type SourceEdit struct {
	ctx context.Context
	r   runner
}

// EditSources runs fn in one transaction, committed when fn returns nil:
// run --prune moves and retires its removed paths together.
func (w *Warehouse) EditSources(ctx context.Context, fn func(e *SourceEdit) error) error {
	tx, err := w.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(&SourceEdit{ctx: ctx, r: sourceTx{tx}}); err != nil {
		tx.Rollback() //nolint:errcheck // the error that matters is err
		return err
	}
	return tx.Commit()
}

// RetirePath retires the active sources loaded from path (see
// Warehouse.RetirePath) and returns how many there were.
func (e *SourceEdit) RetirePath(path string) (int, error) {
	return retirePath(e.ctx, e.r, path)
}

// Move records that the content loaded from oldPath (sha256 sum) now
// lives at newPath: a rename keeps its rows. It reports whether a source
// was moved.
func (e *SourceEdit) Move(oldPath, newPath, sum string) (bool, error) {
	n, err := e.r.exec(e.ctx, sqlMoveSource, newPath, filepath.Base(newPath), oldPath, sum)
	return n > 0, err
}

// RetirePath retires, in one transaction, the active sources loaded from
// path (run --prune, for a file no source entry matches any more). Rows
// other sources held as duplicates of theirs are promoted, so the views
// then show exactly the rows the remaining sources hold.
func (w *Warehouse) RetirePath(ctx context.Context, path string) (int, error) {
	var n int
	err := w.EditSources(ctx, func(e *SourceEdit) error {
		var err error
		n, err = e.RetirePath(path)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// retirePath retires every active source loaded from path.
func retirePath(ctx context.Context, r runner, path string) (int, error) {
	var ids []int64
	err := r.query(ctx, sqlActiveAtPath, []any{path}, func(scan func(...any) error) error {
		var id int64
		if err := scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := retireSource(ctx, r, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// retireSource takes a source out of the views so that what remains is
// exactly what the remaining sources hold: the rows other sources held as
// duplicates of its rows are promoted (the earliest remaining source's
// copy wins, and each promotion moves a row from that source's
// rows_duplicate to its rows_loaded), and the snapshots it had superseded
// come back, the newest of them superseding the rest again.
func retireSource(ctx context.Context, r runner, id int64) error {
	if _, err := r.exec(ctx, sqlRetireSource, id); err != nil {
		return err
	}
	type count struct{ id, n int64 }
	var counts []count
	err := r.query(ctx, sqlPromotedCounts, []any{id}, func(scan func(...any) error) error {
		var k count
		if err := scan(&k.id, &k.n); err != nil {
			return err
		}
		counts = append(counts, k)
		return nil
	})
	if err != nil {
		return err
	}
	if len(counts) > 0 {
		if _, err := r.exec(ctx, sqlPromote, id); err != nil {
			return fmt.Errorf("promote the duplicates of source %d: %w", id, err)
		}
		for _, k := range counts {
			if _, err := r.exec(ctx, sqlCountPromoted, k.n, k.n, k.id); err != nil {
				return err
			}
		}
	}
	return restoreSuperseded(ctx, r, id)
}

// restoreSuperseded brings back the sources id had superseded; the newest
// of them supersedes the others, which were snapshots of the same dataset.
func restoreSuperseded(ctx context.Context, r runner, id int64) error {
	var back []Snapshot
	err := r.query(ctx, sqlSupersededBy, []any{id}, func(scan func(...any) error) error {
		var s Snapshot
		if err := scan(&s.ID, &s.Name, &s.Rows, &s.MaxYear); err != nil {
			return err
		}
		back = append(back, s)
		return nil
	})
	if err != nil || len(back) == 0 {
		return err
	}
	newest := back[0]
	for _, s := range back[1:] {
		if s.Newer(newest) {
			newest = s
		}
	}
	if _, err := r.exec(ctx, sqlRestoreSource, newest.ID); err != nil {
		return err
	}
	for _, s := range back {
		if s.ID != newest.ID {
			if _, err := r.exec(ctx, sqlSupersedeSource, newest.ID, s.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
