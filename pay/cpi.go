package pay

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"

	"payband/data"
)

// ErrNoCPIYear is wrapped by CPI.Factor when a year is not in the table.
var ErrNoCPIYear = errors.New("no CPI-U annual average")

// CPI is a table of CPI-U annual averages by year. It is immutable once
// built and safe for concurrent use.
type CPI struct {
	first, last int
	index       map[int]float64
}

var defaultCPI = sync.OnceValue(func() *CPI {
	c, err := ParseCPI(bytes.NewReader(data.CPIU))
	if err != nil {
		panic("transform: embedded data/cpi_u.csv: " + err.Error())
	}
	return c
})

// DefaultCPI returns the table shipped in data/cpi_u.csv (BLS CPI-U, U.S.
// city average, all items, 1982-84=100, annual averages). The same value is
// returned on every call.
func DefaultCPI() *CPI { return defaultCPI() }

// ParseCPI reads a "year,cpi_u" CSV (header required, UTF-8 with or without
// BOM, LF or CRLF, blank lines ignored). Years must be unique and indexes
// finite and positive; years need not be contiguous.
func ParseCPI(r io.Reader) (*CPI, error) {
	c := &CPI{index: make(map[int]float64)}
	err := readTable(r, "CPI table", []string{"year", "cpi_u"}, func(line int, rec []string) error {
		if len(rec) != 2 {
			return fmt.Errorf("CPI table line %d: %d fields, want 2", line, len(rec))
		}
		year, err := strconv.Atoi(strings.TrimSpace(rec[0]))
		if err != nil {
			return fmt.Errorf("CPI table line %d: year %q is not an integer", line, rec[0])
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			return fmt.Errorf("CPI table line %d: index %q is not a positive number", line, rec[1])
		}
		if _, dup := c.index[year]; dup {
			return fmt.Errorf("CPI table line %d: year %d listed twice", line, year)
		}
		c.index[year] = v
		if len(c.index) == 1 || year < c.first {
			c.first = year
		}
		if len(c.index) == 1 || year > c.last {
			c.last = year
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(c.index) == 0 {
		return nil, errors.New("CPI table: no rows")
	}
	return c, nil
}

// Index returns the annual average for year.
func (c *CPI) Index(year int) (float64, bool) {
	v, ok := c.index[year]
	return v, ok
}

// Years returns the first and last year in the table.
func (c *CPI) Years() (first, last int) { return c.first, c.last }

// Factor returns CPI[to]/CPI[from], the multiplier that expresses dollars of
// year from in dollars of year to. A year missing from the table gives an
// error wrapping ErrNoCPIYear that names the year and the table's range.
func (c *CPI) Factor(from, to int) (float64, error) {
	a, ok := c.index[from]
	if !ok {
		return 0, c.missing(from)
	}
	b, ok := c.index[to]
	if !ok {
		return 0, c.missing(to)
	}
	return b / a, nil
}

// FactorCarried is Factor under payband's rule for years past the table
// (docs/methodology.md): a from-year after the last annual average BLS has
// published takes that latest average (its prices are not yet known, and
// the last year's are the nearest), and carried says so. The target year
// and years before the table still need a row.
func (c *CPI) FactorCarried(from, to int) (factor float64, carried bool, err error) {
	if from > c.last {
		if _, ok := c.index[to]; !ok {
			return 0, false, c.missing(to)
		}
		return c.index[to] / c.index[c.last], true, nil
	}
	f, err := c.Factor(from, to)
	return f, false, err
}

// CarriedYears returns the years of years that FactorCarried would carry,
// in order.
func (c *CPI) CarriedYears(years []int) []int {
	var out []int
	for _, y := range years {
		if y > c.last {
			out = append(out, y)
		}
	}
	return out
}

func (c *CPI) missing(year int) error {
	if year >= c.first && year <= c.last {
		return fmt.Errorf("%w for %d: the CPI-U table covers %d-%d but has no row for %d", ErrNoCPIYear, year, c.first, c.last, year)
	}
	return fmt.Errorf("%w for %d: the CPI-U table covers %d-%d", ErrNoCPIYear, year, c.first, c.last)
}
