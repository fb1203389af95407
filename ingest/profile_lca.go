package ingest

import "strings"

// LCAHourlyBelow is the LCA unit rule for a file without any unit column
// (the Kaggle compilation and the cleaned FY2015–2019 sample publish
// PREVAILING_WAGE alone): a wage below $1,000 is an hourly rate, else a
// yearly salary. No one is paid $1,000 or more an hour in these filings,
// and no yearly salary is below $1,000; weekly, bi-weekly and monthly
// figures cannot be told apart by size, so they are read as yearly and
// land in rejects through the plausibility bounds rather than being
// guessed at. A file that has a unit column never gets this guess: its
// unit comes from the column (see converter.unit).
const LCAHourlyBelow = 1000

// LCAProfile reads US DOL H-1B LCA disclosure files of every vintage
// (docs/ingest.md has a table per vintage):
//   - the early efile layout (CASE_NO, NAME, APPROVAL_STATUS, JOB_TITLE,
//     WAGE_RATE_1, RATE_PER_1, MAX_RATE_1, PART_TIME_1, CITY_1, STATE_1,
//     PREVAILING_WAGE_1, …, the same again with _2): NAME, CITY and STATE
//     are the employer's, CITY_1/STATE_1 the first worksite;
//   - FY2008–2014 LCA_CASE_* (LCA_CASE_WAGE_RATE_FROM/TO/UNIT, PW_1,
//     PW_UNIT_1, LCA_CASE_WORKLOC1_CITY/STATE, STATUS);
//   - FY2015 WAGE_RATE_OF_PAY ("X", "X -" or "X - Y") with
//     WAGE_UNIT_OF_PAY, and FY2016–2019 WAGE_RATE_OF_PAY_FROM/TO (FY2019
//     numbers them _1 for the first worksite);
//   - FY2020+ (about 96 columns: RECEIVED_DATE, SOC_TITLE, PW_WAGE_LEVEL,
//     WORKSITE_CITY/COUNTY/STATE/POSTAL_CODE);
//   - the Kaggle compilations (h1b_kaggle.csv with YEAR and WORKSITE
//     "CITY, STATE"; cleaned samples with WORKSITE_STATE_ABB).
//
// Pay is the offered wage where a row has one, else the prevailing wage;
// salaries.wage_basis says which. Each list is in order of preference.
var LCAProfile = &Profile{
	Name: "lca",
	Columns: map[Field][]string{
		FCaseNumber:     {"CASE_NUMBER", "LCA_CASE_NUMBER", "CASE_NO"},
		FCaseStatus:     {"CASE_STATUS", "STATUS", "APPROVAL_STATUS"},
		FYear:           {"YEAR"},
		FDate:           {"RECEIVED_DATE", "CASE_SUBMITTED", "LCA_CASE_SUBMIT", "SUBMITTED_DATE"},
		FTitle:          {"JOB_TITLE", "LCA_CASE_JOB_TITLE"},
		FSOC:            {"SOC_CODE", "LCA_CASE_SOC_CODE"},
		FEmployer:       {"EMPLOYER_NAME", "LCA_CASE_EMPLOYER_NAME", "NAME"},
		FState:          {"WORKSITE_STATE", "WORKSITE_STATE_ABB", "WORKSITE_STATE_FULL", "LCA_CASE_WORKLOC1_STATE", "WORKSITE_STATE_1", "STATE_1", "WORKSITE"},
		FCity:           {"WORKSITE_CITY", "LCA_CASE_WORKLOC1_CITY", "WORKSITE_CITY_1", "CITY_1", "WORKSITE"},
		FCounty:         {"WORKSITE_COUNTY", "WORKSITE_COUNTY_1"},
		FPostalCode:     {"WORKSITE_POSTAL_CODE", "WORKSITE_POSTAL_CODE_1"},
		FEmploymentType: {"FULL_TIME_POSITION", "FULL_TIME_POS", "PART_TIME_1"},
		FPay:            {"WAGE_RATE_OF_PAY_FROM", "WAGE_RATE_OF_PAY", "LCA_CASE_WAGE_RATE_FROM", "WAGE_RATE_OF_PAY_FROM_1", "WAGE_RATE_1"},
		FPayTo:          {"WAGE_RATE_OF_PAY_TO", "LCA_CASE_WAGE_RATE_TO", "WAGE_RATE_OF_PAY_TO_1", "MAX_RATE_1"},
		FUnit:           {"WAGE_UNIT_OF_PAY", "LCA_CASE_WAGE_RATE_UNIT", "WAGE_UNIT_OF_PAY_1", "RATE_PER_1"},
		FPWPay:          {"PREVAILING_WAGE", "PW_1", "PREVAILING_WAGE_1"},
		// The efile layout has one RATE_PER_1 for the offered and the
		// prevailing wage of a worksite.
		FPWUnit:    {"PW_UNIT_OF_PAY", "PW_UNIT_1", "PW_UNIT_OF_PAY_1", "RATE_PER_1"},
		FWageLevel: {"PW_WAGE_LEVEL", "PW_LEVEL", "PW_WAGE_LEVEL_1"},
	},
	Required:        []Field{FTitle, FCaseStatus, FPWPay},
	DefaultUnit:     "year",
	DefaultCurrency: "USD",
	DefaultCountry:  "US",
	HourlyBelow:     LCAHourlyBelow,
	Values: map[Field]map[string]string{
		FEmploymentType: {"Y": "FT", "N": "PT"},
	},
	ColumnValues: map[string]map[string]string{
		"PART_TIME_1": {"Y": "PT", "N": "FT"},
	},
}

// usStates maps US state, district and territory names to their postal
// codes.
var usStates = map[string]string{
	"ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
	"COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC",
	"FLORIDA": "FL", "GEORGIA": "GA", "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL",
	"INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS", "KENTUCKY": "KY", "LOUISIANA": "LA",
	"MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA", "MICHIGAN": "MI", "MINNESOTA": "MN",
	"MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT", "NEBRASKA": "NE", "NEVADA": "NV",
	"NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM", "NEW YORK": "NY",
	"NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK", "OREGON": "OR",
	"PENNSYLVANIA": "PA", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD",
	"TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA",
	"WASHINGTON": "WA", "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY",
	"PUERTO RICO": "PR", "GUAM": "GU", "VIRGIN ISLANDS": "VI", "U.S. VIRGIN ISLANDS": "VI",
	"AMERICAN SAMOA": "AS", "NORTHERN MARIANA ISLANDS": "MP", "FEDERATED STATES OF MICRONESIA": "FM",
	"MARSHALL ISLANDS": "MH", "PALAU": "PW", "WASHINGTON DC": "DC", "WASHINGTON, DC": "DC",
}

var usCodes = func() map[string]bool {
	m := make(map[string]bool, len(usStates))
	for _, c := range usStates {
		m[c] = true
	}
	return m
}()

// usStateKeys indexes usStates by the letters of the name only, so that
// "NEW YORK", "NEWYORK" and "New-York" all match.
var usStateKeys = func() map[string]string {
	m := make(map[string]string, len(usStates))
	for n, c := range usStates {
		m[stateKey(n)] = c
	}
	return m
}()

func stateKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// normState turns a US state name (OHIO, Ohio, NEWYORK) or a worksite
// "CITY, STATE" into the two-letter postal code. "NA" (the Kaggle
// compilation's "not available", used for worksites in the territories)
// becomes empty, that is NULL. Anything else it does not recognise is kept
// as it is.
func normState(s string) string {
	u := strings.ToUpper(strings.TrimSpace(s))
	switch {
	case u == "":
		return s
	case u == "NA" || u == "N/A":
		return ""
	case usCodes[u]:
		return u
	}
	if c, ok := usStateKeys[stateKey(u)]; ok {
		return c
	}
	if i := strings.LastIndexByte(u, ','); i >= 0 {
		tail := strings.TrimSpace(u[i+1:])
		if usCodes[tail] {
			return tail
		}
		if tail == "NA" || tail == "N/A" {
			return ""
		}
		if c, ok := usStateKeys[stateKey(tail)]; ok {
			return c
		}
	}
	return s
}
