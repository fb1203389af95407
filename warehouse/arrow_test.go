package warehouse_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"payband/warehouse"
)

func TestQueryArrow(t *testing.T) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"), warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	t.Run("lists arrive whole, with bound values", func(t *testing.T) {
		var groups []string
		var total float64
		var n int
		err := warehouse.QueryArrow(ctx, w.DB,
			`SELECT CAST(i % 3 AS VARCHAR) AS g, list(i::DOUBLE) FROM range(?) t(i) GROUP BY g ORDER BY g`, []any{300000},
			func(rec arrow.RecordBatch) error {
				keys := rec.Column(0).(*array.String)
				lists := rec.Column(1).(array.ListLike)
				vals := lists.ListValues().(*array.Float64).Float64Values()
				for r := 0; r < int(rec.NumRows()); r++ {
					groups = append(groups, strings.Clone(keys.Value(r))) // the batch is freed after the call
					s, e := lists.ValueOffsets(r)
					for _, v := range vals[s:e] {
						total += v
						n++
					}
				}
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
		if len(groups) != 3 || groups[0] != "0" || groups[2] != "2" || n != 300000 || total != 299999*300000/2 {
			t.Errorf("groups %v, %d values summing to %v", groups, n, total)
		}
	})
	t.Run("bad SQL", func(t *testing.T) {
		err := warehouse.QueryArrow(ctx, w.DB, `SELECT nope FROM nowhere`, nil, func(arrow.RecordBatch) error { return nil })
		if err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("callback error stops the query", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		err := warehouse.QueryArrow(ctx, w.DB, `SELECT i FROM range(100000) t(i)`, nil, func(arrow.RecordBatch) error {
			calls++
			return stop
		})
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("err = %v after %d calls; want stop after 1", err, calls)
		}
	})
}
