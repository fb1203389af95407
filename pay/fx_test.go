package pay

import (
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestFXToUSD(t *testing.T) {
	fx := DefaultFX()
	if v, err := fx.ToUSD(85000, "USD", 1999); err != nil || v != 85000 {
		t.Errorf("USD passthrough = %v, %v", v, err)
	}
	if v, err := fx.ToUSD(85000, " usd ", 2024); err != nil || v != 85000 {
		t.Errorf("usd passthrough = %v, %v", v, err)
	}
	// 2024 EUR: 0.5% around the survey-implied 1.1111 (65,000 EUR -> 72,222 USD)
	v, err := fx.ToUSD(65000, "EUR", 2024)
	if err != nil {
		t.Fatal(err)
	}
	if want := 65000 * 1.1111; math.Abs(v-want) > 1 {
		t.Errorf("65000 EUR 2024 = %v USD, want about %v", v, want)
	}
	if v, err := fx.ToUSD(100000, "gbp", 2024); err != nil || v != 125000 {
		t.Errorf("100000 GBP 2024 = %v, %v; want 125000", v, err)
	}
	for _, tc := range []struct {
		cur  string
		year int
		want string
	}{
		{"GBP", 2019, "no GBP rate for 2019 in the FX table (it has GBP for 2020-2025)"},
		{"NZD", 2022, "it has NZD for 2020-2021, 2024"},
		{"XYZ", 2024, `"XYZ" has no rates`},
		{"", 2024, "no currency given"},
	} {
		_, err := fx.ToUSD(1, tc.cur, tc.year)
		if !errors.Is(err, ErrUnknownCurrency) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ToUSD(1, %q, %d) error = %v, want ErrUnknownCurrency with %q", tc.cur, tc.year, err, tc.want)
		}
	}
	if r, src, ok := fx.Rate("EUR", 2023); !ok || src != "survey-implied" || r <= 1 || r >= 1.2 {
		t.Errorf("Rate(EUR, 2023) = %v, %q, %v", r, src, ok)
	}
	if DefaultFX() != fx {
		t.Error("DefaultFX should return the same table")
	}
}

func TestFXCovers(t *testing.T) {
	fx := DefaultFX()
	cs := fx.Currencies()
	for _, c := range strings.Fields("USD GBP EUR CAD INR PLN AUD CHF BRL PHP SGD JPY DKK ZAR NZD MXN SEK HUF CZK ILS TRY NOK TWD THB IDR HKD CLP") {
		if !slices.Contains(cs, c) {
			t.Errorf("currency %s missing from data/fx_usd.csv", c)
		}
		if _, _, ok := fx.Rate(c, 2023); !ok && c == "EUR" {
			t.Errorf("no EUR 2023")
		}
	}
	for _, c := range cs {
		if _, ok := isoCurrencies[c]; !ok {
			t.Errorf("FX table currency %s is not recognised by ParseAmount", c)
		}
	}
}

func TestParseFXErrors(t *testing.T) {
	for name, in := range map[string]string{
		"empty":     "",
		"header":    "year,cur,rate\n",
		"no rows":   "year,currency,usd_per_unit,source\n",
		"bad year":  "year,currency,usd_per_unit,source\nx,EUR,1,s\n",
		"bad code":  "year,currency,usd_per_unit,source\n2020,EURO,1,s\n",
		"bad rate":  "year,currency,usd_per_unit,source\n2020,EUR,-1,s\n",
		"duplicate": "year,currency,usd_per_unit,source\n2020,EUR,1,s\n2020,eur,1,s\n",
	} {
		if _, err := ParseFX(strings.NewReader(in)); err == nil {
			t.Errorf("%s: ParseFX accepted %q", name, in)
		}
	}
}

// surveyFiles publish both salary (local currency) and salary_in_usd.
var surveyFiles = []string{
	"infosec_jobs_salaries_2025-08-03.csv",
	"aijobs_salaries_2025-01-19.csv",
	"ds_salaries_2023.csv",
	"salaries_cyber.csv",
}

// TestFXMatchesSurveys recomputes data/fx_usd.csv from the surveys: for each
// (work_year, salary_currency) the median of salary_in_usd/salary over all
// rows of the four files, and checks the table row by row within 0.5%, and
// that every year/currency the surveys carry is in the table.
func TestFXMatchesSurveys(t *testing.T) {
	ratios := map[fxKey][]float64{}
	for _, name := range surveyFiles {
		path := sharedData(t, name)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		cr := csv.NewReader(f)
		cr.FieldsPerRecord = -1
		col := map[string]int{}
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if len(col) == 0 {
				for i, h := range rec {
					col[strings.TrimSpace(h)] = i
				}
				for _, h := range []string{"work_year", "salary", "salary_currency", "salary_in_usd"} {
					if _, ok := col[h]; !ok {
						t.Fatalf("%s: no column %s", path, h)
					}
				}
				continue
			}
			year, err1 := strconv.Atoi(rec[col["work_year"]])
			local, err2 := strconv.ParseFloat(rec[col["salary"]], 64)
			usd, err3 := strconv.ParseFloat(rec[col["salary_in_usd"]], 64)
			if err1 != nil || err2 != nil || err3 != nil || local <= 0 || usd <= 0 {
				continue
			}
			k := fxKey{year, strings.TrimSpace(rec[col["salary_currency"]])}
			ratios[k] = append(ratios[k], usd/local)
		}
		f.Close()
	}
	fx := DefaultFX()
	for k, rs := range ratios {
		want := median(rs)
		got, src, ok := fx.Rate(k.currency, k.year)
		if !ok {
			t.Errorf("%s %d (median %.6g over %d rows) missing from the FX table", k.currency, k.year, want, len(rs))
			continue
		}
		if k.currency != "USD" && src != "survey-implied" {
			t.Errorf("%s %d: source %q", k.currency, k.year, src)
		}
		if math.Abs(got-want) > 0.005*want {
			t.Errorf("%s %d: table %.6g, survey median %.6g over %d rows", k.currency, k.year, got, want, len(rs))
		}
	}
	for k := range fx.rates {
		if _, ok := ratios[k]; !ok {
			t.Errorf("%s %d in the FX table but in no survey", k.currency, k.year)
		}
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
