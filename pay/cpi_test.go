package pay

import (
	"bufio"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sharedData is the folder of source files next to the repository root.
func sharedData(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "data", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not available: %v", p, err)
	}
	return p
}

func TestCPIDefault(t *testing.T) {
	c := DefaultCPI()
	first, last := c.Years()
	if first != 2000 || last != 2025 {
		t.Fatalf("Years() = %d, %d; want 2000, 2025", first, last)
	}
	for year, want := range map[int]float64{2000: 172.2, 2016: 240.007, 2020: 258.811, 2024: 313.689, 2025: 321.943} {
		if v, ok := c.Index(year); !ok || v != want {
			t.Errorf("Index(%d) = %v, %v; want %v", year, v, ok, want)
		}
	}
	f, err := c.Factor(2016, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if want := 313.689 / 240.007; f != want {
		t.Errorf("Factor(2016, 2024) = %v, want %v", f, want)
	}
	// the seed band's 2016 average in 2024 dollars
	if got := 60985 * f; got < 79706 || got > 79708 {
		t.Errorf("$60,985 of 2016 in 2024 dollars = %.2f, want about 79,707", got)
	}
	if f, _ := c.Factor(2020, 2020); f != 1 {
		t.Errorf("Factor(2020, 2020) = %v", f)
	}
	if DefaultCPI() != c {
		t.Error("DefaultCPI should return the same table")
	}
}

func TestCPIFactorOutOfRange(t *testing.T) {
	c := DefaultCPI()
	for _, tc := range []struct {
		from, to int
		want     string
	}{
		{1999, 2024, "no CPI-U annual average for 1999: the CPI-U table covers 2000-2025"},
		{2016, 2026, "no CPI-U annual average for 2026: the CPI-U table covers 2000-2025"},
	} {
		_, err := c.Factor(tc.from, tc.to)
		if !errors.Is(err, ErrNoCPIYear) || err.Error() != tc.want {
			t.Errorf("Factor(%d, %d) error = %v, want %q", tc.from, tc.to, err, tc.want)
		}
	}
	gappy, err := ParseCPI(strings.NewReader("year,cpi_u\n2000,1\n2002,2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gappy.Factor(2001, 2002); err == nil || !strings.Contains(err.Error(), "has no row for 2001") {
		t.Errorf("gap year error = %v", err)
	}
}

func TestParseCPIErrors(t *testing.T) {
	ok := "\ufeffyear,cpi_u\r\n2000,172.2\r\n\r\n2001,177.067\r\n"
	c, err := ParseCPI(strings.NewReader(ok))
	if err != nil {
		t.Fatalf("BOM and CRLF: %v", err)
	}
	if f, l := c.Years(); f != 2000 || l != 2001 {
		t.Errorf("Years = %d, %d", f, l)
	}
	for name, in := range map[string]string{
		"empty":      "",
		"header":     "yr,index\n2000,1\n",
		"no rows":    "year,cpi_u\n",
		"bad year":   "year,cpi_u\ntwo,1\n",
		"bad index":  "year,cpi_u\n2000,abc\n",
		"zero index": "year,cpi_u\n2000,0\n",
		"duplicate":  "year,cpi_u\n2000,1\n2000,2\n",
		"extra":      "year,cpi_u\n2000,1,2\n",
	} {
		if _, err := ParseCPI(strings.NewReader(in)); err == nil {
			t.Errorf("%s: ParseCPI accepted %q", name, in)
		}
	}
}

// TestCPIMatchesMonthly recomputes each annual average from the BLS monthly
// series (mean of the months published, rounded to 3 decimals) and checks
// the shipped table against it; 2025 has 11 months (October 2025 was not
// published).
func TestCPIMatchesMonthly(t *testing.T) {
	path := sharedData(t, "cpiai.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sum := map[int]int64{} // thousandths of an index point
	months := map[int]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(strings.TrimSpace(sc.Text()), ",")
		if len(fields) < 2 || len(fields[0]) < 4 {
			continue
		}
		year, err := strconv.Atoi(fields[0][:4])
		if err != nil {
			continue // header
		}
		v, err := strconv.ParseFloat(fields[1], 64)
		if err != nil {
			t.Fatalf("%s: index %q", path, fields[1])
		}
		sum[year] += int64(v*1000 + 0.5)
		months[year]++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	c := DefaultCPI()
	first, last := c.Years()
	for year := first; year <= last; year++ {
		n := int64(months[year])
		wantMonths := int64(12)
		if year == 2025 {
			wantMonths = 11
		}
		if n != wantMonths {
			t.Errorf("%d: %d months in %s, want %d", year, n, path, wantMonths)
			continue
		}
		mean := (2*sum[year] + n) / (2 * n) // round half up, in thousandths
		got, _ := c.Index(year)
		if int64(got*1000+0.5) != mean {
			t.Errorf("%d: table %.3f, monthly mean %.3f", year, got, float64(mean)/1000)
		}
	}
}

func TestFactorCarried(t *testing.T) {
	c, err := ParseCPI(strings.NewReader("year,cpi_u\n2020,100\n2021,110\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		from, to int
		want     float64
		carried  bool
		err      bool
	}{
		{2020, 2021, 1.1, false, false},
		{2021, 2020, 100.0 / 110, false, false},
		{2022, 2020, 100.0 / 110, true, false}, // past the table: 2021's index
		{2030, 2021, 1, true, false},
		{2019, 2021, 0, false, true}, // before the table
		{2022, 2023, 0, false, true}, // target past the table
	} {
		f, carried, err := c.FactorCarried(tc.from, tc.to)
		if (err != nil) != tc.err || carried != tc.carried || math.Abs(f-tc.want) > 1e-12 {
			t.Errorf("FactorCarried(%d, %d) = %v, %v, %v; want %v, %v, error %v", tc.from, tc.to, f, carried, err, tc.want, tc.carried, tc.err)
		}
		if tc.err && !errors.Is(err, ErrNoCPIYear) {
			t.Errorf("FactorCarried(%d, %d): %v does not wrap ErrNoCPIYear", tc.from, tc.to, err)
		}
	}
	if got := c.CarriedYears([]int{2019, 2021, 2022, 2025}); len(got) != 2 || got[0] != 2022 || got[1] != 2025 {
		t.Errorf("CarriedYears = %v", got)
	}
}
