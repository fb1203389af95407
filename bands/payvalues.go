package bands

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"payband/warehouse"
)

// PayValuesSQL selects the nominal pay_usd of every row q's filters select,
// for a histogram. Same allow-list and bound values as SQL.
func (q BandQuery) PayValuesSQL() (string, []any, error) {
	if err := q.Validate(); err != nil {
		return "", nil, err
	}
	where, args, err := q.where("")
	if err != nil {
		return "", nil, err
	}
	s := "SELECT pay_usd FROM salaries"
	if len(where) > 0 {
		s += " WHERE " + strings.Join(where, " AND ")
	}
	return s + " ORDER BY pay_usd", args, nil
}

// PayValues returns the nominal pay_usd of every row q's filters select,
// in increasing order, for a histogram. They come over Arrow: a family's
// year can be a hundred thousand rows, and scanning them one by one
// through database/sql was a tenth of a report's time.
func PayValues(ctx context.Context, db *sql.DB, q BandQuery) ([]float64, error) {
	query, args, err := q.PayValuesSQL()
	if err != nil {
		return nil, err
	}
	var out []float64
	err = warehouse.QueryArrow(ctx, db, query, args, func(rec arrow.RecordBatch) error {
		col, ok := rec.Column(0).(*array.Float64)
		if !ok || col.NullN() > 0 {
			return fmt.Errorf("pay values are %s", rec.Column(0).DataType())
		}
		out = append(out, col.Float64Values()...)
		return nil
	})
	return out, err
}

// GroupPay is one group's nominal pay_usd values, in increasing order.
type GroupPay struct {
	Group []KV
	Pay   []float64
}

// PayValuesBySQL selects, per group of q.By, the sorted list of its rows'
// pay_usd, in group order.
func (q BandQuery) PayValuesBySQL() (string, []any, error) {
	if err := q.Validate(); err != nil {
		return "", nil, err
	}
	if len(q.By) == 0 {
		return "", nil, fmt.Errorf("pay values by group need a group column")
	}
	where, args, err := q.where("")
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	for _, c := range q.By {
		b.WriteString("CAST(" + c + " AS VARCHAR), ")
	}
	b.WriteString("list(pay_usd ORDER BY pay_usd) FROM salaries")
	if len(where) > 0 {
		b.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	b.WriteString(" GROUP BY " + strings.Join(q.By, ", ") + " ORDER BY " + q.orderBy())
	return b.String(), args, nil
}

// PayValuesBy is PayValues for every group of q.By in one scan: a report
// draws a histogram for each family, and one query over all of them costs
// about what one family's does. Groups with no rows are left out.
func PayValuesBy(ctx context.Context, db *sql.DB, q BandQuery) ([]GroupPay, error) {
	query, args, err := q.PayValuesBySQL()
	if err != nil {
		return nil, err
	}
	var out []GroupPay
	err = warehouse.QueryArrow(ctx, db, query, args, func(rec arrow.RecordBatch) error {
		nk := len(q.By)
		if int(rec.NumCols()) != nk+1 {
			return fmt.Errorf("%d columns, want %d", rec.NumCols(), nk+1)
		}
		keys, err := keyColumns(rec, q.By)
		if err != nil {
			return err
		}
		lists, pay, err := payLists(rec.Column(nk))
		if err != nil {
			return err
		}
		for r := 0; r < int(rec.NumRows()); r++ {
			start, end := lists.ValueOffsets(r)
			if lists.IsNull(r) || start == end {
				continue
			}
			out = append(out, GroupPay{Group: groupKV(keys, q.By, r), Pay: slices.Clone(pay[start:end])})
		}
		return nil
	})
	return out, err
}
