package bands

import (
	"context"
	"database/sql"
	"fmt"
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
