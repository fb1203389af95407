package pay

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestPayAnnual walks every string form and every unit with answers worked
// out by hand: the point value (midpoint of a range) times the unit's
// periods per year.
func TestPayAnnual(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		unit      string
		low, high float64
		currency  string
		isRange   bool
		annual    float64 // Point(PointMid) × PerYear
	}{
		{"hourly with cents", "$40.50", "Hour", 40.5, 40.5, "USD", false, 84240},    // 40.50 × 2080
		{"hourly abbrev", "40.5", "Hr", 40.5, 40.5, "", false, 84240},               // 40.5 × 2080
		{"hourly letter", "50", "H", 50, 50, "", false, 104000},                     // 50 × 2080
		{"daily", "400", "Day", 400, 400, "", false, 104000},                        // 400 × 260
		{"weekly", "1,500", "Week", 1500, 1500, "", false, 78000},                   // 1500 × 52
		{"weekly abbrev", "1500.00", "Wk", 1500, 1500, "", false, 78000},            // 1500 × 52
		{"biweekly hyphen", "3,000", "Bi-Weekly", 3000, 3000, "", false, 78000},     // 3000 × 26
		{"biweekly joined", "3000", "BiWeekly", 3000, 3000, "", false, 78000},       // 3000 × 26
		{"biweekly lower w", "3000", "Bi-weekly", 3000, 3000, "", false, 78000},     // 3000 × 26
		{"biweekly 2 weeks", "3000", "2 weeks", 3000, 3000, "", false, 78000},       // 3000 × 26
		{"semimonthly", "3250", "Semi-Monthly", 3250, 3250, "", false, 78000},       // 3250 × 24
		{"monthly", "$6,500", "Month", 6500, 6500, "USD", false, 78000},             // 6500 × 12
		{"monthly abbrev", "6500", "Mth", 6500, 6500, "", false, 78000},             // 6500 × 12
		{"monthly letter", "6500", "M", 6500, 6500, "", false, 78000},               // 6500 × 12
		{"yearly", "$85,000", "Year", 85000, 85000, "USD", false, 85000},            // × 1
		{"yearly abbrev", "85000", "Yr", 85000, 85000, "", false, 85000},            // × 1
		{"yearly letter", "85000.00", "Y", 85000, 85000, "", false, 85000},          // × 1
		{"unit case and space", "85000", "  yEaR ", 85000, 85000, "", false, 85000}, // folded
		{"half dollar", "85000.5", "Year", 85000.5, 85000.5, "", false, 85000.5},
		{"k lower", "85k", "Year", 85000, 85000, "", false, 85000},
		{"k upper", "85K", "Year", 85000, 85000, "", false, 85000},
		{"k decimal", "85.5k", "Year", 85500, 85500, "", false, 85500},
		{"k range", "85K-95K", "Year", 85000, 95000, "", true, 90000},
		{"k range en dash dollars", "$85k – $95k", "Year", 85000, 95000, "USD", true, 90000},
		{"k range em dash", "$85k—$95k", "Year", 85000, 95000, "USD", true, 90000},
		{"k range to", "$85k to $95k", "Year", 85000, 95000, "USD", true, 90000},
		{"k on high end only", "85-95k", "Year", 85000, 95000, "", true, 90000},
		{"comma range", "85,000 - 95,000", "Year", 85000, 95000, "", true, 90000},
		{"hourly range", "40 - 50", "Hour", 40, 50, "", true, 93600}, // 45 × 2080
		{"code before", "USD 85000", "Year", 85000, 85000, "USD", false, 85000},
		{"code after", "85000 USD", "Year", 85000, 85000, "USD", false, 85000},
		{"lower-case code", "usd 85000", "Year", 85000, 85000, "USD", false, 85000},
		{"euro symbol european", "€60.000,00", "Year", 60000, 60000, "EUR", false, 60000},
		{"euro code european", "60.000,00 EUR", "Year", 60000, 60000, "EUR", false, 60000},
		{"euro dot thousands cue", "€60.000", "Year", 60000, 60000, "EUR", false, 60000},
		{"euro monthly", "€5.000", "Month", 5000, 5000, "EUR", false, 60000},
		{"pound", "£45,000", "Year", 45000, 45000, "GBP", false, 45000},
		{"european millions", "1.234.567,89", "Year", 1234567.89, 1234567.89, "", false, 1234567.89},
		{"us millions", "1,234,567.89", "Year", 1234567.89, 1234567.89, "", false, 1234567.89},
		{"space thousands", "60 000", "Year", 60000, 60000, "", false, 60000},
		{"nbsp thousands", "60\u00a0000", "Year", 60000, 60000, "", false, 60000},
		{"narrow nbsp and comma decimal", "60\u202f000,50 EUR", "Year", 60000.5, 60000.5, "EUR", false, 60000.5},
		{"apostrophe thousands", "CHF 120'000", "Year", 120000, 120000, "CHF", false, 120000},
		{"comma decimal", "85000,50", "Year", 85000.5, 85000.5, "", false, 85000.5},
		{"dot three decimals no cue", "60.000", "Hour", 60, 60, "", false, 124800}, // 60 × 2080
		{"indian grouping", "₹12,34,567", "Year", 1234567, 1234567, "INR", false, 1234567},
		{"canadian dollar", "C$90,000", "Year", 90000, 90000, "CAD", false, 90000},
		{"real", "R$ 120.000", "Year", 120000, 120000, "BRL", false, 120000},
		{"zloty word", "15 000 zł", "Month", 15000, 15000, "PLN", false, 180000},
		{"plus sign", "+85000", "Year", 85000, 85000, "", false, 85000},
		{"surrounding space", "  85000  ", "Year", 85000, 85000, "", false, 85000},
		{"leading zeros", "085000", "Year", 85000, 85000, "", false, 85000},
		{"tiny positive", "0.01", "Hour", 0.01, 0.01, "", false, 20.8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseAmount(tc.in)
			if err != nil {
				t.Fatalf("ParseAmount(%q): %v", tc.in, err)
			}
			want := Amount{Low: tc.low, High: tc.high, Currency: tc.currency, Range: tc.isRange}
			if !near(a.Low, want.Low) || !near(a.High, want.High) || a.Currency != want.Currency || a.Range != want.Range {
				t.Fatalf("ParseAmount(%q) = %+v, want %+v", tc.in, a, want)
			}
			u, err := ParseUnit(tc.unit)
			if err != nil {
				t.Fatalf("ParseUnit(%q): %v", tc.unit, err)
			}
			annual, err := u.Annual(a.Point(PointMid))
			if err != nil {
				t.Fatal(err)
			}
			if !near(annual, tc.annual) {
				t.Fatalf("annual %q per %q = %v, want %v", tc.in, tc.unit, annual, tc.annual)
			}
		})
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestPayRefusals(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   error
		reason string // substring of the message
	}{
		{"empty", "", ErrPayEmpty, ""},
		{"blank", " \t\u00a0", ErrPayEmpty, ""},
		{"NaN", "NaN", ErrPayUnparseable, "not a number"},
		{"Inf", "Inf", ErrPayUnparseable, "not a number"},
		{"Infinity", "infinity", ErrPayUnparseable, "not a number"},
		{"negative", "-5", ErrPayNotPositive, "negative"},
		{"negative unicode minus", "\u22125", ErrPayNotPositive, "negative"},
		{"negative dollars", "$-85,000", ErrPayNotPositive, "negative"},
		{"negative high end", "85000 - -5", ErrPayNotPositive, "negative"},
		{"zero", "0", ErrPayNotPositive, "zero"},
		{"zero decimals", "0.00", ErrPayNotPositive, "zero"},
		{"zero range", "0-0", ErrPayNotPositive, "zero"},
		{"scientific", "1e308", ErrPayUnparseable, "scientific"},
		{"scientific small", "8.5E+04", ErrPayUnparseable, "scientific"},
		{"hex", "0x10", ErrPayUnparseable, "hexadecimal"},
		{"arabic-indic", "١٢٣", ErrPayUnparseable, "non-ASCII digits"},
		{"fullwidth", "８５０００", ErrPayUnparseable, "non-ASCII digits"},
		{"letters", "abc", ErrPayUnparseable, "unexpected text"},
		{"placeholder", "TBD", ErrPayUnparseable, "unexpected text"},
		{"not applicable", "N/A", ErrPayUnparseable, "unexpected text"},
		{"unit in amount", "85000 per year", ErrPayUnparseable, "unexpected text"},
		{"two numbers", "85000 95000", ErrPayUnparseable, "multiple numbers"},
		{"two numbers comma", "85000, 95000", ErrPayUnparseable, "multiple numbers"},
		{"two numbers slash", "85000/95000", ErrPayUnparseable, "multiple numbers"},
		{"three numbers", "1-2-3", ErrPayUnparseable, "multiple numbers"},
		{"inverted range", "95000-85000", ErrPayUnparseable, "above its high end"},
		{"inverted k range", "95k-85k", ErrPayUnparseable, "above its high end"},
		{"open range", "85000 -", ErrPayUnparseable, "without a high end"},
		{"range no low", "– 95000", ErrPayUnparseable, "without a low end"},
		{"dash placeholder", "-", ErrPayUnparseable, "no number"},
		{"double dash placeholder", "--", ErrPayUnparseable, "no number"},
		{"only currency", "$", ErrPayUnparseable, "no number"},
		{"k alone", "k", ErrPayUnparseable, "unexpected text"},
		{"million suffix", "1.2M", ErrPayUnparseable, "unexpected text"},
		{"unknown dollar", "Z$5", ErrUnknownCurrency, "dollar prefix"},
		{"bad grouping", "1,234,56", ErrPayUnparseable, "not grouped in thousands"},
		{"bad grouping dots", "1.23.4", ErrPayUnparseable, "not grouped in thousands"},
		{"mixed separators", "1,234.567,89", ErrPayUnparseable, "mixed digit separators"},
		{"conflicting currencies", "USD 85000 EUR", ErrPayUnparseable, "conflicting currencies"},
		{"unknown code", "XYZ 85000", ErrUnknownCurrency, "XYZ"},
		{"ambiguous kr", "85000 kr", ErrUnknownCurrency, "ambiguous"},
		{"huge", strings.Repeat("9", 400), ErrPayUnparseable, "too"},
		{"huge grouped", "1" + strings.Repeat(",000", 110), ErrPayUnparseable, "too"},
		{"trailing dot", "85000.", ErrPayUnparseable, "unexpected"},
		{"stray symbol", "85000#", ErrPayUnparseable, "unexpected character"},
		{"invalid utf8", "85\xff000", ErrPayUnparseable, "UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseAmount(tc.in)
			if err == nil {
				t.Fatalf("ParseAmount(%q) = %+v, want error %v", tc.in, a, tc.want)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("ParseAmount(%q) error %q does not wrap %q", tc.in, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("ParseAmount(%q) error %q lacks reason %q", tc.in, err, tc.reason)
			}
		})
	}
}

func TestPayPointRule(t *testing.T) {
	a := Amount{Low: 85000, High: 95000, Range: true}
	for _, tc := range []struct {
		in   string
		want float64
	}{{"mid", 90000}, {"Midpoint", 90000}, {" low ", 85000}, {"HIGH", 95000}} {
		r, err := ParsePointRule(tc.in)
		if err != nil {
			t.Fatalf("ParsePointRule(%q): %v", tc.in, err)
		}
		if got := a.Point(r); got != tc.want {
			t.Errorf("Point(%v) = %v, want %v", r, got, tc.want)
		}
		if back, err := ParsePointRule(r.String()); err != nil || back != r {
			t.Errorf("round trip %v: %v, %v", r, back, err)
		}
	}
	if _, err := ParsePointRule("average"); err == nil {
		t.Error("ParsePointRule(average) succeeded")
	}
	single := Amount{Low: 1, High: 1}
	for _, r := range []PointRule{PointMid, PointLow, PointHigh} {
		if single.Point(r) != 1 {
			t.Errorf("single.Point(%v) = %v", r, single.Point(r))
		}
	}
}

func TestPayBounds(t *testing.T) {
	b := DefaultBounds
	for _, ok := range []float64{10000, 84240, 2000000} {
		if err := b.Check(ok); err != nil {
			t.Errorf("Check(%v) = %v", ok, err)
		}
	}
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{9999.5, "annual pay $9,999.50 is below the plausible minimum of $10,000"},
		{2080, "annual pay $2,080 is below"},
		{2000001, "annual pay $2,000,001 is above the plausible maximum of $2,000,000"},
		{math.NaN(), "not a finite number"},
		{math.Inf(1), "not a finite number"},
	} {
		err := b.Check(tc.v)
		if !errors.Is(err, ErrPayImplausible) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Check(%v) = %v, want ErrPayImplausible with %q", tc.v, err, tc.want)
		}
	}
	if err := (Bounds{Min: 1}).Check(1e12); err != nil {
		t.Errorf("Max 0 should mean no upper limit: %v", err)
	}
	if err := (Bounds{Min: 5, Max: 1}).Validate(); err == nil {
		t.Error("Validate accepted max < min")
	}
	if err := DefaultBounds.Validate(); err != nil {
		t.Error(err)
	}
}

// TestAmountFastPathAgrees checks that plain decimals give the same answer
// through the fast path and the full parser.
func TestAmountFastPathAgrees(t *testing.T) {
	for _, s := range []string{"85000", "85000.00", "85000.5", "60.000", "0.5", "007", "1.234", "123456789012345678"} {
		if !isPlainDecimal(s) {
			t.Fatalf("%q not plain", s)
		}
		fast, err1 := ParseAmount(s)
		slow, err2 := parseAmountSlow(s)
		if (err1 == nil) != (err2 == nil) || fast != slow {
			t.Errorf("%q: fast %+v %v, slow %+v %v", s, fast, err1, slow, err2)
		}
	}
}

func TestAmountAllocs(t *testing.T) {
	n := testing.AllocsPerRun(1000, func() {
		if _, err := ParseAmount("85000.00"); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Errorf("ParseAmount(\"85000.00\") allocates %v times, want 0", n)
	}
}

func BenchmarkParseAmount(b *testing.B) {
	for _, s := range []string{"85000.00", "$85,000", "€60.000,00", "$85k – $95k"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseAmount(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{
		"$85,000", "85000.00", "85000", "85k", "85K-95K", "$85k – $95k", "85,000 - 95,000",
		"USD 85000", "85000 USD", "€60.000,00", "60.000,00 EUR", "£45,000", "1.234.567,89",
		"1,234,567.89", "60 000", "60\u00a0000", "85000.5", "", "NaN", "Inf", "-5", "1e308",
		"0x10", "١٢٣", "abc", "85000 95000", "95000-85000", "₹12,34,567", "C$1", "0,5k",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmount(s)
		if err != nil {
			if !errors.Is(err, ErrPayEmpty) && !errors.Is(err, ErrPayUnparseable) &&
				!errors.Is(err, ErrPayNotPositive) && !errors.Is(err, ErrUnknownCurrency) {
				t.Fatalf("ParseAmount(%q): error %v wraps no pay sentinel", s, err)
			}
			return
		}
		for _, v := range []float64{a.Low, a.High} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
				t.Fatalf("ParseAmount(%q) = %+v: not finite and positive", s, a)
			}
		}
		if a.Low > a.High {
			t.Fatalf("ParseAmount(%q) = %+v: Low > High", s, a)
		}
		if !a.Range && a.Low != a.High {
			t.Fatalf("ParseAmount(%q) = %+v: single figure with two ends", s, a)
		}
		if p := a.Point(PointMid); p < a.Low || p > a.High {
			t.Fatalf("ParseAmount(%q): midpoint %v outside range", s, p)
		}
	})
}

func ExampleParseAmount() {
	for _, s := range []string{"$85,000", "$85k – $95k", "€60.000,00", "60.000", "1e308"} {
		a, err := ParseAmount(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%q: low %.2f high %.2f currency %q range %v mid %.2f\n", s, a.Low, a.High, a.Currency, a.Range, a.Point(PointMid))
	}
	// Output:
	// "$85,000": low 85000.00 high 85000.00 currency "USD" range false mid 85000.00
	// "$85k – $95k": low 85000.00 high 95000.00 currency "USD" range true mid 90000.00
	// "€60.000,00": low 60000.00 high 60000.00 currency "EUR" range false mid 60000.00
	// "60.000": low 60.00 high 60.00 currency "" range false mid 60.00
	// unparseable pay amount "1e308": scientific notation is not accepted
}
