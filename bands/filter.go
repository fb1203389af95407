package bands

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Cond is a filter beyond one equal value: a range (year>=2024) or a list
// (country=US,GB). Column comes from GroupColumns; values are bound.
type Cond struct {
	Column string
	Op     string   // one of CondOps
	Values []string // one for a comparison, one or more for "in"
}

// CondOps are the operators a Cond may use. "in" is the list form of =.
var CondOps = []string{"in", ">=", "<=", ">", "<"}

func (c Cond) validate() error {
	if !IsGroupColumn(c.Column) {
		return fmt.Errorf("cannot filter by %q: allowed columns are %s", c.Column, strings.Join(GroupColumns, ", "))
	}
	switch c.Op {
	case "in":
		if len(c.Values) == 0 {
			return fmt.Errorf("%s: an empty list of values", c.Column)
		}
	case ">=", "<=", ">", "<":
		if len(c.Values) != 1 {
			return fmt.Errorf("%s %s takes one value", c.Column, c.Op)
		}
	default:
		return fmt.Errorf("%s: unknown operator %q", c.Column, c.Op)
	}
	if intColumns[c.Column] {
		for _, v := range c.Values {
			if _, err := strconv.Atoi(strings.TrimSpace(v)); err != nil {
				return fmt.Errorf("%s must be a whole number, not %q", c.Column, v)
			}
		}
	}
	return nil
}

// predicate is c as SQL over prefix+column (an allow-listed name) with its
// bound values. Whole-number columns bind numbers, so year<2025 compares
// as numbers, not text.
func (c Cond) predicate(prefix string) (string, []any, error) {
	if err := c.validate(); err != nil {
		return "", nil, err
	}
	args := make([]any, len(c.Values))
	for i, v := range c.Values {
		if intColumns[c.Column] {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return "", nil, fmt.Errorf("%s must be a whole number, not %q", c.Column, v)
			}
			args[i] = n
		} else {
			args[i] = v
		}
	}
	if c.Op == "in" {
		return prefix + c.Column + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ") + ")", args, nil
	}
	return prefix + c.Column + " " + c.Op + " ?", args, nil
}

// IsIntColumn reports whether c is compared as a whole number.
func IsIntColumn(c string) bool { return intColumns[c] }

// Value lookups for checking a filter before the bands are computed. The
// column is checked against GroupColumns; the value is bound.
const (
	valueExistsSQL    = "SELECT EXISTS (SELECT 1 FROM salaries WHERE %s = ?)"
	distinctValuesSQL = "SELECT DISTINCT CAST(%s AS VARCHAR) FROM salaries WHERE %s IS NOT NULL ORDER BY 1"
)

// ValueExists reports whether some row of the salaries view has column =
// value.
func ValueExists(ctx context.Context, db *sql.DB, column, value string) (bool, error) {
	if !IsGroupColumn(column) {
		return false, fmt.Errorf("cannot filter by %q", column)
	}
	var arg any = value
	if intColumns[column] {
		n, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil {
			return false, fmt.Errorf("%s must be a whole number, not %q", column, value)
		}
		arg = n
	}
	var ok bool
	err := db.QueryRowContext(ctx, fmt.Sprintf(valueExistsSQL, column), arg).Scan(&ok)
	return ok, err
}

// DistinctValues returns the values column takes in the salaries view, as
// text, sorted.
func DistinctValues(ctx context.Context, db *sql.DB, column string) ([]string, error) {
	if !IsGroupColumn(column) {
		return nil, fmt.Errorf("cannot filter by %q", column)
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf(distinctValuesSQL, column, column))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
