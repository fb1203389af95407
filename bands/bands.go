package bands

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"payband/pay"
	"payband/warehouse"
)

// gathering is how computeBands gathers each group's pay. ComputeBands
// uses the zero value, which chooses by the query; tests set the rest.
type gathering struct {
	way         int    // 0: by the query; 1: always hashed; 2: always listed
	collide     bool   // keep one bit of each group's hash, so groups collide
	afterGroups func() // runs between the two queries of the hashed way
}

// ComputeBands runs q against db. It returns the bands with at least MinN
// rows and how many groups were left out for having fewer.
//
// For a query over all rows, DuckDB counts the groups and then streams
// every row as (hash of its group, pay); Go lays the pay out group by group
// and picks the statistics, groups in parallel (stats.go). For a filtered
// query, usually a small part of the rows, DuckDB builds each group's list
// of pay in one scan instead. Lists of every row cost twice as long from a
// cold start, most of it page faults in DuckDB's copies, while for a few
// rows a second scan costs more than the copies (docs/benchmarks.md).
// Lists are also the way when two groups' 64-bit hashes collide.
func ComputeBands(ctx context.Context, db *sql.DB, q BandQuery, cpi *pay.CPI) ([]Band, int, error) {
	return computeBands(ctx, db, q, cpi, gathering{})
}

func computeBands(ctx context.Context, db *sql.DB, q BandQuery, cpi *pay.CPI, g gathering) ([]Band, int, error) {
	var factors map[int]float64
	basis := "nominal"
	if q.Real != 0 {
		if cpi == nil {
			cpi = pay.DefaultCPI()
		}
		f, err := RealFactors(ctx, db, cpi, q.Real)
		if err != nil {
			return nil, 0, err
		}
		factors = f
		basis = "real:" + strconv.Itoa(q.Real)
	}
	hashed := len(q.Filters) == 0 && len(q.Conds) == 0
	if g.way != 0 {
		hashed = g.way == 1
	}
	var bands []Band
	var skipped int
	var err error
	if hashed {
		var ok bool
		bands, skipped, ok, err = bandsHashed(ctx, db, q, factors, basis, g)
		if err == nil && !ok {
			bands, skipped, err = bandsListed(ctx, db, q, factors, basis)
		}
	} else {
		bands, skipped, err = bandsListed(ctx, db, q, factors, basis)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("bands query: %w", err)
	}
	return bands, skipped, nil
}

// bandsHashed computes the bands from groupsSQL and paySQL. ok is false,
// and nothing is computed, when two groups share a hash.
func bandsHashed(ctx context.Context, db *sql.DB, q BandQuery, factors map[int]float64, basis string, g gathering) (bands []Band, skipped int, ok bool, err error) {
	query, args, err := q.groupsSQL(factors, g.collide)
	if err != nil {
		return nil, 0, false, err
	}
	var sizes []int
	var index groupIndex
	var hashes []uint64
	var kept []int // for each group, its index in bands or -1
	err = warehouse.QueryArrow(ctx, db, query, args, func(rec arrow.RecordBatch) error {
		nk := len(q.By)
		if int(rec.NumCols()) != nk+2+scopeWidth {
			return fmt.Errorf("%d columns, want %d", rec.NumCols(), nk+2+scopeWidth)
		}
		keys, err := keyColumns(rec, q.By)
		if err != nil {
			return err
		}
		scopes, err := newScopeColumns(rec, nk+2, q.caseStatus())
		if err != nil {
			return err
		}
		counts, ok1 := rec.Column(nk).(*array.Int64)
		hs, ok2 := rec.Column(nk + 1).(*array.Uint64)
		if !ok1 || !ok2 || counts.NullN() > 0 || hs.NullN() > 0 {
			return fmt.Errorf("group counts and hashes are %s and %s", rec.Column(nk).DataType(), rec.Column(nk+1).DataType())
		}
		for r := 0; r < int(rec.NumRows()); r++ {
			n := int(counts.Value(r))
			if n == 0 {
				continue // no rows at all, so no group
			}
			hashes = append(hashes, hs.Value(r))
			if n < q.MinN {
				skipped++
				kept = append(kept, -1)
				continue
			}
			kept = append(kept, len(bands))
			bands = append(bands, Band{Basis: basis, Group: groupKV(keys, q.By, r), Scope: scopes.at(r)})
			sizes = append(sizes, n)
		}
		return nil
	})
	if err != nil {
		return nil, 0, false, err
	}
	if g.afterGroups != nil {
		g.afterGroups()
	}
	if !index.build(hashes, kept) {
		return nil, 0, false, nil
	}
	if len(bands) == 0 {
		return nil, skipped, true, nil
	}

	// Each group's pay goes to its own stretch of one array, in the order
	// the rows arrive; the sizes are known, so nothing grows or moves.
	starts := make([]int, len(sizes)+1)
	for i, n := range sizes {
		starts[i+1] = starts[i] + n
	}
	fill := slices.Clone(starts[:len(sizes)])
	pay, free := allocPay(starts[len(sizes)])
	defer free()
	query, args, err = q.paySQL(factors, g.collide)
	if err != nil {
		return nil, 0, false, err
	}
	err = warehouse.QueryArrow(ctx, db, query, args, func(rec arrow.RecordBatch) error {
		hs, ok1 := rec.Column(0).(*array.Uint64)
		ps, ok2 := rec.Column(1).(*array.Float64)
		if !ok1 || !ok2 || hs.NullN() > 0 || ps.NullN() > 0 {
			return fmt.Errorf("group hashes and pay are %s and %s", rec.Column(0).DataType(), rec.Column(1).DataType())
		}
		pv := ps.Float64Values()
		for i, h := range hs.Uint64Values() {
			g, found := index.find(h)
			switch {
			case !found:
				return errChanged
			case g < 0:
				continue // a group under MinN
			case fill[g] == starts[g+1]:
				return errChanged
			}
			pay[fill[g]] = pv[i]
			fill[g]++
		}
		return nil
	})
	if err != nil {
		return nil, 0, false, err
	}
	groups := make([][]float64, len(sizes))
	for g := range groups {
		if fill[g] != starts[g+1] {
			return nil, 0, false, errChanged
		}
		groups[g] = pay[starts[g]:starts[g+1]]
	}
	groupStats(bands, groups)
	return bands, skipped, true, nil
}

// errChanged is returned when the rows of the second query do not match
// the groups counted by the first: the warehouse changed in between, which
// its lock is there to prevent.
var errChanged = errors.New("the rows changed while the bands were computed")

// bandsListed computes the bands from listSQL: DuckDB builds each group's
// list of pay.
func bandsListed(ctx context.Context, db *sql.DB, q BandQuery, factors map[int]float64, basis string) ([]Band, int, error) {
	query, args, err := q.listSQL(factors)
	if err != nil {
		return nil, 0, err
	}
	var out []Band
	skipped := 0
	err = warehouse.QueryArrow(ctx, db, query, args, func(rec arrow.RecordBatch) error {
		nk := len(q.By)
		if int(rec.NumCols()) != nk+1+scopeWidth {
			return fmt.Errorf("%d columns, want %d", rec.NumCols(), nk+1+scopeWidth)
		}
		keys, err := keyColumns(rec, q.By)
		if err != nil {
			return err
		}
		scopes, err := newScopeColumns(rec, nk+1, q.caseStatus())
		if err != nil {
			return err
		}
		lists, pay, err := payLists(rec.Column(nk))
		if err != nil {
			return err
		}
		var bands []Band
		var groups [][]float64
		for r := 0; r < int(rec.NumRows()); r++ {
			start, end := lists.ValueOffsets(r)
			if lists.IsNull(r) || start == end {
				continue // no rows at all, so no group
			}
			if int(end-start) < q.MinN {
				skipped++
				continue
			}
			bands = append(bands, Band{Basis: basis, Group: groupKV(keys, q.By, r), Scope: scopes.at(r)})
			groups = append(groups, pay[start:end])
		}
		// The batch is this query's own until it is released, so the
		// values are reordered where they lie rather than copied.
		groupStats(bands, groups)
		out = append(out, bands...)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, skipped, nil
}

// payLists reads a column of lists of pay: the lists, and the values they
// index into.
func payLists(col arrow.Array) (array.ListLike, []float64, error) {
	lists, ok := col.(array.ListLike)
	if !ok {
		return nil, nil, fmt.Errorf("pay lists are %s", col.DataType())
	}
	vals, ok := lists.ListValues().(*array.Float64)
	if !ok {
		return nil, nil, fmt.Errorf("pay values are %s", lists.ListValues().DataType())
	}
	return lists, vals.Float64Values(), nil
}

// keyColumns returns the first len(by) columns of rec as strings.
func keyColumns(rec arrow.RecordBatch, by []string) ([]stringColumn, error) {
	keys := make([]stringColumn, len(by))
	for i := range keys {
		k, ok := rec.Column(i).(stringColumn)
		if !ok {
			return nil, fmt.Errorf("group column %s is %s", by[i], rec.Column(i).DataType())
		}
		keys[i] = k
	}
	return keys, nil
}

// groupKV copies row r's group keys out of the batch.
func groupKV(keys []stringColumn, by []string, r int) []KV {
	kv := make([]KV, len(by))
	for i, c := range by {
		v, null := "", true
		if !keys[i].IsNull(r) {
			v = strings.Clone(keys[i].Value(r))
			null = v == "" && emptyIsValue(c) // an unmatched title
		}
		kv[i] = KV{Key: c, Value: v, Null: null}
	}
	return kv
}

// groupStats fills bands[i] from groups[i], groups in parallel: each is
// independent and the big ones dominate, so they are handed out one at a
// time to as many workers as there are cores.
func groupStats(bands []Band, groups [][]float64) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(groups)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(groups) {
					return
				}
				statsOf(&bands[i], groups[i])
				bands[i].LowN = bands[i].N < LowN
			}
		})
	}
	wg.Wait()
}

// stringColumn is what a VARCHAR column arrives as over Arrow: String,
// LargeString or StringView. Value's string points into the batch.
type stringColumn interface {
	IsNull(i int) bool
	Value(i int) string
}
