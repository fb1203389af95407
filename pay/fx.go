package pay

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"payband/data"
)

// FX is a table of yearly average exchange rates, in US dollars per unit of
// each currency. It is immutable once built and safe for concurrent use.
type FX struct {
	rates map[fxKey]fxRate
	years map[string][]int // sorted years present per currency
}

type fxKey struct {
	year     int
	currency string
}

type fxRate struct {
	usd    float64
	source string
}

var defaultFX = sync.OnceValue(func() *FX {
	f, err := ParseFX(bytes.NewReader(data.FXUSD))
	if err != nil {
		panic("transform: embedded data/fx_usd.csv: " + err.Error())
	}
	return f
})

// DefaultFX returns the table shipped in data/fx_usd.csv. The same value is
// returned on every call.
func DefaultFX() *FX { return defaultFX() }

// ParseFX reads a "year,currency,usd_per_unit,source" CSV (header required;
// the source column may be absent). Currency codes are upper-cased; a
// (year, currency) pair may appear once; rates must be finite and positive.
func ParseFX(r io.Reader) (*FX, error) {
	f := &FX{rates: make(map[fxKey]fxRate), years: make(map[string][]int)}
	err := readTable(r, "FX table", []string{"year", "currency", "usd_per_unit"}, func(line int, rec []string) error {
		if len(rec) < 3 {
			return fmt.Errorf("FX table line %d: %d fields, want at least 3", line, len(rec))
		}
		year, err := strconv.Atoi(strings.TrimSpace(rec[0]))
		if err != nil {
			return fmt.Errorf("FX table line %d: year %q is not an integer", line, rec[0])
		}
		cur := strings.ToUpper(strings.TrimSpace(rec[1]))
		if len(cur) != 3 || !isASCIIUpper(cur) {
			return fmt.Errorf("FX table line %d: currency %q is not an ISO 4217 code", line, rec[1])
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[2]), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			return fmt.Errorf("FX table line %d: rate %q is not a positive number", line, rec[2])
		}
		k := fxKey{year, cur}
		if _, dup := f.rates[k]; dup {
			return fmt.Errorf("FX table line %d: %s %d listed twice", line, cur, year)
		}
		src := ""
		if len(rec) > 3 {
			src = strings.TrimSpace(rec[3])
		}
		f.rates[k] = fxRate{usd: v, source: src}
		f.years[cur] = append(f.years[cur], year)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(f.rates) == 0 {
		return nil, errors.New("FX table: no rows")
	}
	for _, ys := range f.years {
		slices.Sort(ys)
	}
	return f, nil
}

// Rate returns the US dollars per unit of currency in year, and the table's
// source note for it. USD is always 1.
func (f *FX) Rate(currency string, year int) (usdPerUnit float64, source string, ok bool) {
	cur := strings.ToUpper(strings.TrimSpace(currency))
	if cur == "USD" {
		return 1, "identity", true
	}
	r, ok := f.rates[fxKey{year, cur}]
	return r.usd, r.source, ok
}

// Currencies returns the codes in the table, sorted.
func (f *FX) Currencies() []string {
	out := make([]string, 0, len(f.years))
	for c := range f.years {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// ToUSD converts amount in currency, paid in year, to US dollars with that
// year's average rate. USD passes through unchanged for any year. An empty
// or unknown code, or a year the table has no rate for, gives an error
// wrapping ErrUnknownCurrency; the nearest year is never substituted.
func (f *FX) ToUSD(amount float64, currency string, year int) (float64, error) {
	cur := strings.ToUpper(strings.TrimSpace(currency))
	if cur == "USD" {
		return amount, nil
	}
	if cur == "" {
		return 0, fmt.Errorf("%w: no currency given", ErrUnknownCurrency)
	}
	if r, ok := f.rates[fxKey{year, cur}]; ok {
		return amount * r.usd, nil
	}
	ys, known := f.years[cur]
	if !known {
		return 0, fmt.Errorf("%w: %q has no rates in the FX table", ErrUnknownCurrency, currency)
	}
	return 0, fmt.Errorf("%w: no %s rate for %d in the FX table (it has %s for %s)", ErrUnknownCurrency, cur, year, cur, yearList(ys))
}

// yearList writes sorted years compactly: "2020-2022, 2024".
func yearList(ys []int) string {
	var b strings.Builder
	for i := 0; i < len(ys); {
		j := i
		for j+1 < len(ys) && ys[j+1] == ys[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(ys[i]))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(ys[j]))
		}
		i = j + 1
	}
	return b.String()
}
