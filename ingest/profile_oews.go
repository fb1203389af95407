package ingest

// OEWSProfile reads BLS Occupational Employment and Wage Statistics tables
// (national, state or metro; XLSX or CSV; the May 2016 layout with
// OCC_GROUP and the 2019+ layout with AREA, AREA_TITLE and O_GROUP). Its
// rows are published bands and go to the published table (see
// published.go), not to salaries.
var OEWSProfile = &Profile{
	Name: "oews",
	Columns: map[Field][]string{
		FSOC:   {"OCC_CODE"},
		FTitle: {"OCC_TITLE"},
		FYear:  {"YEAR"},
	},
	Required:  []Field{FSOC, FTitle},
	Needs:     []string{"A_MEAN", "A_MEDIAN"},
	Published: true,
}

// OEWSPublisher is the publisher recorded for OEWS rows.
const OEWSPublisher = "BLS OEWS"

// oewsTopCodes is the annual top-code of each May estimate year: a `#` in
// an annual column means "at or above" this figure. From the BLS field
// descriptions: $208,000 ($100/hour) for May 2016, $239,200 ($115/hour)
// for May 2023 and May 2024. For a year not listed the value is left NULL
// and only the flag is kept, so no figure is invented.
var oewsTopCodes = map[int]float64{
	2016: 208000,
	2023: 239200,
	2024: 239200,
}

// oewsColumns are the annual wage columns loaded, in published order, with
// the published column each fills.
var oewsColumns = []struct{ src, dst string }{
	{"A_MEAN", "mean"},
	{"A_PCT10", "p10"},
	{"A_PCT25", "p25"},
	{"A_MEDIAN", "median"},
	{"A_PCT75", "p75"},
	{"A_PCT90", "p90"},
}
