package pay

import (
	"errors"
	"math"
	"testing"
)

// TestParsePosted reads the posted-salary strings job boards and
// publishers write, with the answers worked out by hand.
func TestParsePosted(t *testing.T) {
	tests := []struct {
		in        string
		low, high float64
		currency  string
		unit      Unit
		bound     Bound
	}{
		{"$53K-$91K (Glassdoor est.)", 53000, 91000, "USD", "", BoundBoth},
		{"$21-$34 Per Hour(Glassdoor est.)", 21, 34, "USD", UnitHour, BoundBoth},
		{"Employer Provided Salary:$150K-$160K", 150000, 160000, "USD", "", BoundBoth},
		{"£45,000 - £55,000 a year", 45000, 55000, "GBP", UnitYear, BoundBoth},
		{"€60.000,00", 60000, 60000, "EUR", "", BoundBoth},
		{"up to $120,000", 120000, 120000, "USD", "", BoundUpTo},
		{"Up to $120,000 a year", 120000, 120000, "USD", UnitYear, BoundUpTo},
		{"$120k+", 120000, 120000, "USD", "", BoundAtLeast},
		{"From $90,000", 90000, 90000, "USD", "", BoundAtLeast},
		{"$40/hr", 40, 40, "USD", UnitHour, BoundBoth},
		{"$40 / hour", 40, 40, "USD", UnitHour, BoundBoth},
		{"$150k/yr", 150000, 150000, "USD", UnitYear, BoundBoth},
		{"£3,000 monthly", 3000, 3000, "GBP", UnitMonth, BoundBoth},
		{"$2,500 - $3,000 per month", 2500, 3000, "USD", UnitMonth, BoundBoth},
		{"€55k p.a.", 55000, 55000, "EUR", UnitYear, BoundBoth},
		{"$1,500 weekly", 1500, 1500, "USD", UnitWeek, BoundBoth},
		{"$3,000 bi-weekly", 3000, 3000, "USD", UnitBiweekly, BoundBoth},
		{"$25 an hour", 25, 25, "USD", UnitHour, BoundBoth},
		{"$79K-$131K (Employer est.)", 79000, 131000, "USD", "", BoundBoth},
		{"68000 -", 68000, 68000, "", "", BoundBoth},
		{"68000.00 - ", 68000, 68000, "", "", BoundBoth},
		{"68000 - 75000", 68000, 75000, "", "", BoundBoth},
		{"85000", 85000, 85000, "", "", BoundBoth},
		{"85000.00", 85000, 85000, "", "", BoundBoth},
		{"USD 85000", 85000, 85000, "USD", "", BoundBoth},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			p, err := ParsePosted(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if p.Low != tc.low || p.High != tc.high || p.Currency != tc.currency || p.Unit != tc.unit || p.Bound != tc.bound {
				t.Errorf("got %v–%v %q unit %q bound %v; want %v–%v %q unit %q bound %v",
					p.Low, p.High, p.Currency, p.Unit, p.Bound, tc.low, tc.high, tc.currency, tc.unit, tc.bound)
			}
		})
	}
}

func TestParsePostedRefusals(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"-1", ErrPayMissing},
		{"N/A", ErrPayMissing},
		{"n/a", ErrPayMissing},
		{"none", ErrPayMissing},
		{"  -  ", ErrPayMissing},
		{"", ErrPayEmpty},
		{"   ", ErrPayEmpty},
		{"competitive", ErrPayUnparseable},
		{"$50 (est. 2021)", ErrPayUnparseable},  // a note with digits is not dropped
		{"up to $90k-$120k", ErrPayUnparseable}, // open-ended and a range at once
		{"$21-$34 Per Fortnightish", ErrPayUnparseable},
		{"-5", ErrPayNotPositive},
		{"0", ErrPayNotPositive},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := ParsePosted(tc.in)
			if !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}

// TestParsePostedAgreesWithAmount: a string with no decoration reads as
// ParseAmount reads it.
func TestParsePostedAgreesWithAmount(t *testing.T) {
	for _, s := range []string{"85000", "$85,000", "85k", "85K-95K", "85,000 - 95,000", "USD 85000", "€60.000,00", "95000-85000", "1e5", "abc"} {
		a, aerr := ParseAmount(s)
		p, perr := ParsePosted(s)
		if (aerr == nil) != (perr == nil) || a != p.Amount || p.Unit != "" || p.Bound != BoundBoth {
			t.Errorf("%q: ParseAmount %+v %v, ParsePosted %+v %v", s, a, aerr, p, perr)
		}
	}
}

func FuzzParsePosted(f *testing.F) {
	for _, s := range []string{"$53K-$91K (Glassdoor est.)", "$21-$34 Per Hour(Glassdoor est.)",
		"Employer Provided Salary:$150K-$160K", "-1", "N/A", "£45,000 - £55,000 a year", "€60.000,00",
		"up to $120,000", "$120k+", "68000 -", "(", "()", ":", "+", "$/hr", "a year"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePosted(s)
		if err != nil {
			return
		}
		if !(p.Low > 0) || p.Low > p.High || math.IsInf(p.High, 0) {
			t.Fatalf("%q: accepted %+v", s, p)
		}
		if p.Unit != "" && p.Unit.PerYear() == 0 {
			t.Fatalf("%q: unit %q is not canonical", s, p.Unit)
		}
		if p.Bound != BoundBoth && p.Range {
			t.Fatalf("%q: open-ended range %+v", s, p)
		}
	})
}
