package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// runner is what the statements of source bookkeeping need: a database/sql
// transaction (sourceTx) or a driver connection inside its Raw callback
// (rawConn), so one retire runs the same in a load and in a prune.
type runner interface {
	exec(ctx context.Context, q string, args ...any) (int64, error)
	query(ctx context.Context, q string, args []any, row func(scan func(dest ...any) error) error) error
	queryRow(ctx context.Context, q string, args []any, dest ...any) error
}

// withConn runs fn on one dedicated connection, inside database/sql's Raw
// callback: the driver connection (which the Arrow interface needs) is
// valid only there, and while fn runs the *sql.Conn must not be used (it
// would wait on the lock Raw holds), so every statement goes through rc.
func (w *Warehouse) withConn(ctx context.Context, fn func(rc *rawConn) error) error {
	c, err := w.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Raw(func(dc any) error {
		rc, err := newRawConn(dc)
		if err != nil {
			return err
		}
		return fn(rc)
	})
}

// newRawConn wraps the driver connection Raw hands its callback.
func newRawConn(dc any) (*rawConn, error) {
	dconn, ok := dc.(driver.Conn)
	if !ok {
		return nil, fmt.Errorf("unexpected driver connection %T", dc)
	}
	ex, ok1 := dc.(driver.ExecerContext)
	qu, ok2 := dc.(driver.QueryerContext)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("driver connection %T cannot run statements", dc)
	}
	ar, err := duckdb.NewArrowFromConn(dconn)
	if err != nil {
		return nil, err
	}
	chk, _ := dc.(driver.NamedValueChecker)
	return &rawConn{ex: ex, qu: qu, chk: chk, ar: ar}, nil
}

// inTx runs fn in one transaction on one connection: it commits when fn
// returns nil and rolls back otherwise.
func (w *Warehouse) inTx(ctx context.Context, fn func(rc *rawConn) error) error {
	return w.withConn(ctx, func(rc *rawConn) error {
		if _, err := rc.exec(ctx, "BEGIN TRANSACTION"); err != nil {
			return err
		}
		if err := fn(rc); err != nil {
			// The rollback must run even when ctx is what failed.
			_, _ = rc.exec(context.WithoutCancel(ctx), "ROLLBACK")
			return err
		}
		_, err := rc.exec(ctx, "COMMIT")
		return err
	})
}

// rawConn runs statements on a driver connection, as database/sql would:
// arguments are converted the same way and results scanned into the same
// few Go types this package uses.
type rawConn struct {
	ex  driver.ExecerContext
	qu  driver.QueryerContext
	chk driver.NamedValueChecker
	ar  *duckdb.Arrow
}

func (rc *rawConn) args(args []any) ([]driver.NamedValue, error) {
	if len(args) == 0 {
		return nil, nil
	}
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		if rc.chk != nil {
			err := rc.chk.CheckNamedValue(&nv[i])
			if err == nil {
				continue
			}
			if !errors.Is(err, driver.ErrSkip) {
				return nil, fmt.Errorf("argument %d: %w", i+1, err)
			}
		}
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		nv[i].Value = v
	}
	return nv, nil
}

// exec runs q and returns the rows it affected.
func (rc *rawConn) exec(ctx context.Context, q string, args ...any) (int64, error) {
	nv, err := rc.args(args)
	if err != nil {
		return 0, err
	}
	r, err := rc.ex.ExecContext(ctx, q, nv)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

func (rc *rawConn) query(ctx context.Context, q string, args []any, row func(scan func(dest ...any) error) error) (err error) {
	nv, err := rc.args(args)
	if err != nil {
		return err
	}
	rows, err := rc.qu.QueryContext(ctx, q, nv)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := rows.Close(); err == nil {
			err = cerr
		}
	}()
	vals := make([]driver.Value, len(rows.Columns()))
	scan := func(dest ...any) error {
		if len(dest) != len(vals) {
			return fmt.Errorf("scan: %d destinations for %d columns", len(dest), len(vals))
		}
		for i, d := range dest {
			if err := assign(d, vals[i]); err != nil {
				return fmt.Errorf("scan column %d: %w", i, err)
			}
		}
		return nil
	}
	for {
		if err := rows.Next(vals); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if err := row(scan); err != nil {
			return err
		}
	}
}

func (rc *rawConn) queryRow(ctx context.Context, q string, args []any, dest ...any) error {
	found := false
	err := rc.query(ctx, q, args, func(scan func(dest ...any) error) error {
		if found {
			return nil
		}
		found = true
		return scan(dest...)
	})
	if err == nil && !found {
		return sql.ErrNoRows
	}
	return err
}

// assign stores a driver value in one of the destinations this package
// scans into.
func assign(dest any, v driver.Value) error {
	if n, ok := dest.(*sql.NullInt64); ok {
		if v == nil {
			*n = sql.NullInt64{}
			return nil
		}
		n.Valid = true
		return assign(&n.Int64, v)
	}
	if v == nil {
		return fmt.Errorf("NULL into %T", dest)
	}
	var i int64
	isInt := true
	switch x := v.(type) {
	case int64:
		i = x
	case int32:
		i = int64(x)
	case int16:
		i = int64(x)
	case int8:
		i = int64(x)
	case uint32:
		i = int64(x)
	case uint16:
		i = int64(x)
	case uint8:
		i = int64(x)
	case uint64:
		if x > math.MaxInt64 {
			return fmt.Errorf("%d overflows int64", x)
		}
		i = int64(x)
	default:
		isInt = false
	}
	switch d := dest.(type) {
	case *int64:
		if isInt {
			*d = i
			return nil
		}
	case *int:
		if isInt {
			*d = int(i)
			return nil
		}
	case *int32:
		if isInt && i >= math.MinInt32 && i <= math.MaxInt32 {
			*d = int32(i)
			return nil
		}
	case *string:
		switch x := v.(type) {
		case string:
			*d = x
			return nil
		case []byte:
			*d = string(x)
			return nil
		}
	case *float64:
		switch x := v.(type) {
		case float64:
			*d = x
			return nil
		case float32:
			*d = float64(x)
			return nil
		}
	case *bool:
		if x, ok := v.(bool); ok {
			*d = x
			return nil
		}
	case *time.Time:
		if x, ok := v.(time.Time); ok {
			*d = x
			return nil
		}
	}
	return fmt.Errorf("cannot store %T in %T", v, dest)
}

// sourceTx runs the statements of source bookkeeping in a database/sql
// transaction.
type sourceTx struct{ tx *sql.Tx }

func (t sourceTx) exec(ctx context.Context, q string, args ...any) (int64, error) {
	r, err := t.tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

func (t sourceTx) query(ctx context.Context, q string, args []any, row func(scan func(dest ...any) error) error) error {
	rows, err := t.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

func (t sourceTx) queryRow(ctx context.Context, q string, args []any, dest ...any) error {
	return t.tx.QueryRowContext(ctx, q, args...).Scan(dest...)
}
