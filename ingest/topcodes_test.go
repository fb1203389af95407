package ingest

import (
	"strings"
	"testing"
)

// TestShippedTopCodes: the shipped table covers every May estimate year
// 2012–2025, and each annual figure is its hourly one × 2080.
func TestShippedTopCodes(t *testing.T) {
	m, err := shippedTopCodes()
	if err != nil {
		t.Fatal(err)
	}
	for y := 2012; y <= 2025; y++ {
		if m[y] <= 0 {
			t.Errorf("no top code for %d", y)
		}
	}
	for _, tc := range []struct {
		year int
		want float64
	}{{2016, 208000}, {2019, 208000}, {2021, 208000}, {2023, 239200}, {2024, 239200}} {
		if m[tc.year] != tc.want {
			t.Errorf("%d: %v, want %v (checked against BLS field descriptions)", tc.year, m[tc.year], tc.want)
		}
	}
	if _, err := parseTopCodes(strings.NewReader("year,hourly,annual,verified\n2030,100.00,200000,no\n")); err == nil {
		t.Error("an annual figure that is not hourly × 2080 was accepted")
	}
}

func TestCapStatement(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
	}{
		{"#  = indicates a wage equal to or greater than $115.00 per hour or $239,200 per year ", 239200},
		{"# = indicates a wage that is equal to or greater than $100.00 per hour or $208,000 per year", 208000},
		{"*  = indicates that a wage estimate is not available", 0},
		{"# = indicates a wage equal to or greater than $90.00 per hour", 0},
	} {
		got, ok := parseCapStatement(tc.in)
		if got != tc.want || ok != (tc.want > 0) {
			t.Errorf("%q: %v %v, want %v", tc.in, got, ok, tc.want)
		}
	}
	for _, n := range []string{"Field Descriptions", "Field_descriptions", "field descriptions", "oesm16nat_field_descriptions"} {
		if !isFieldDescriptions(n) {
			t.Errorf("%q not taken for a field-description sheet", n)
		}
	}
	if isFieldDescriptions("national_M2023_dl") || isFieldDescriptions("UpdateTime") {
		t.Error("a data sheet taken for field descriptions")
	}
}

func FuzzCapStatement(f *testing.F) {
	f.Add("#  = indicates a wage equal to or greater than $115.00 per hour or $239,200 per year ")
	f.Add("# = indicates a wage equal to or greater than $1,0,0 per hour or $,,, per year")
	f.Fuzz(func(t *testing.T, s string) {
		if v, ok := parseCapStatement(s); ok && !(v > 0) {
			t.Fatalf("%q: accepted %v", s, v)
		}
	})
}
