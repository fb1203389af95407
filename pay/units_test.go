package pay

import (
	"errors"
	"strings"
	"testing"
)

func TestParseUnit(t *testing.T) {
	tests := []struct {
		in   string
		want Unit
	}{
		{"Hour", UnitHour}, {"Hr", UnitHour}, {"H", UnitHour}, {"hourly", UnitHour}, {"per hour", UnitHour},
		{"Year", UnitYear}, {"Yr", UnitYear}, {"Y", UnitYear}, {"annual", UnitYear}, {"per annum", UnitYear},
		{"Week", UnitWeek}, {"Wk", UnitWeek}, {"weekly", UnitWeek},
		{"Bi-Weekly", UnitBiweekly}, {"BiWeekly", UnitBiweekly}, {"Bi-weekly", UnitBiweekly},
		{"2 weeks", UnitBiweekly}, {"bi weekly", UnitBiweekly}, {"fortnightly", UnitBiweekly},
		{"Month", UnitMonth}, {"Mth", UnitMonth}, {"M", UnitMonth}, {"monthly", UnitMonth},
		{"Day", UnitDay}, {"daily", UnitDay},
		{"Semi-Monthly", UnitSemimonthly}, {"semimonthly", UnitSemimonthly}, {"Semi Monthly", UnitSemimonthly},
		{"  HOUR  ", UnitHour}, {"yEaR", UnitYear}, {"\tbi_weekly\n", UnitBiweekly},
	}
	for _, tc := range tests {
		got, err := ParseUnit(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseUnit(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "   ", "fortnights ago", "quarter", "decade", "x"} {
		_, err := ParseUnit(bad)
		if !errors.Is(err, ErrUnknownUnit) {
			t.Errorf("ParseUnit(%q) error = %v, want ErrUnknownUnit", bad, err)
		}
	}
	if _, err := ParseUnit("quarter"); err == nil || !strings.Contains(err.Error(), `"quarter"`) {
		t.Errorf("error should quote the input: %v", err)
	}
}

func TestUnitPerYear(t *testing.T) {
	want := map[Unit]float64{
		UnitHour: 2080, UnitDay: 260, UnitWeek: 52, UnitBiweekly: 26,
		UnitSemimonthly: 24, UnitMonth: 12, UnitYear: 1, "fortnight": 0, "": 0,
	}
	for u, f := range want {
		if got := u.PerYear(); got != f {
			t.Errorf("%q.PerYear() = %v, want %v", u, got, f)
		}
	}
	// every spelling maps to a unit with a factor
	for s, u := range unitSpellings {
		if u.PerYear() == 0 {
			t.Errorf("spelling %q maps to %q with no factor", s, u)
		}
	}
	if _, err := Unit("quarter").Annual(1); !errors.Is(err, ErrUnknownUnit) {
		t.Errorf("Annual on a non-canonical unit: %v", err)
	}
	if v, _ := UnitHour.Annual(40.50); v != 84240 {
		t.Errorf("40.50/hour = %v a year, want 84240", v)
	}
}
