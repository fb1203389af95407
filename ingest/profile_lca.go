package ingest

import "strings"

// LCAHourlyBelow is the LCA unit rule: a wage without a unit (the Kaggle
// compilation and the cleaned FY2015–2019 sample publish PREVAILING_WAGE
// alone) is an hourly rate when it is below $1,000, else a yearly salary.
// No one is paid $1,000 or more an hour in these filings, and no yearly
// salary is below $1,000; weekly, bi-weekly and monthly figures cannot be
// told apart by size, so they are read as yearly and land in rejects
// through the plausibility bounds rather than being guessed at.
const LCAHourlyBelow = 1000

// LCAProfile reads US DOL H-1B LCA disclosure files of every vintage: the
// native FY2015–FY2019 names (CASE_SUBMITTED, WAGE_RATE_OF_PAY_FROM/TO,
// SOC_NAME), the FY2020+ names (RECEIVED_DATE, SOC_TITLE), the FY2010–2014
// LCA_CASE_* names, and the Kaggle compilations (h1b_kaggle.csv with YEAR
// and WORKSITE "CITY, STATE"; cleaned samples with WORKSITE_STATE_ABB).
// Pay is the offered wage where a row has one, else the prevailing wage;
// salaries.wage_basis says which.
var LCAProfile = &Profile{
	Name: "lca",
	Columns: map[Field][]string{
		FCaseNumber:     {"CASE_NUMBER", "LCA_CASE_NUMBER", "CASE_NO"},
		FCaseStatus:     {"CASE_STATUS", "STATUS", "APPROVAL_STATUS"},
		FYear:           {"YEAR"},
		FDate:           {"RECEIVED_DATE", "CASE_SUBMITTED", "LCA_CASE_SUBMIT", "SUBMITTED_DATE"},
		FTitle:          {"JOB_TITLE", "LCA_CASE_JOB_TITLE"},
		FSOC:            {"SOC_CODE", "LCA_CASE_SOC_CODE"},
		FEmployer:       {"EMPLOYER_NAME", "LCA_CASE_EMPLOYER_NAME"},
		FState:          {"WORKSITE_STATE", "WORKSITE_STATE_ABB", "WORKSITE_STATE_FULL", "LCA_CASE_WORKLOC1_STATE", "WORKSITE_STATE_1", "WORKSITE"},
		FEmploymentType: {"FULL_TIME_POSITION", "FULL_TIME_POS"},
		FPay:            {"WAGE_RATE_OF_PAY_FROM", "WAGE_RATE_OF_PAY", "LCA_CASE_WAGE_RATE_FROM", "WAGE_RATE_OF_PAY_FROM_1"},
		FPayTo:          {"WAGE_RATE_OF_PAY_TO", "LCA_CASE_WAGE_RATE_TO", "WAGE_RATE_OF_PAY_TO_1"},
		FUnit:           {"WAGE_UNIT_OF_PAY", "LCA_CASE_WAGE_RATE_UNIT", "WAGE_UNIT_OF_PAY_1"},
		FPWPay:          {"PREVAILING_WAGE", "PW_1", "PREVAILING_WAGE_1"},
		FPWUnit:         {"PW_UNIT_OF_PAY", "PW_UNIT_1", "PW_UNIT_OF_PAY_1"},
		FWageLevel:      {"PW_WAGE_LEVEL", "PW_LEVEL", "PW_WAGE_LEVEL_1"},
	},
	Required:        []Field{FTitle, FCaseStatus, FPWPay},
	DefaultUnit:     "year",
	DefaultCurrency: "USD",
	DefaultCountry:  "US",
	HourlyBelow:     LCAHourlyBelow,
	Values: map[Field]map[string]string{
		FEmploymentType: {"Y": "FT", "N": "PT"},
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
