package data

import _ "embed"

// CPIU is the CPI-U annual average table (BLS series CUUR0000SA0, U.S. city
// average, all items, not seasonally adjusted, 1982-84=100), one row per year,
// header "year,cpi_u". See docs/methodology.md for the provenance of each row.
//
//go:embed cpi_u.csv
var CPIU []byte

// FXUSD is the yearly average exchange-rate table, header
// "year,currency,usd_per_unit,source": how many US dollars one unit of the
// currency bought on average in that year, and where the figure comes from.
//
//go:embed fx_usd.csv
var FXUSD []byte

// ReferenceBands holds published pay bands shipped with the binary, header
// "publisher,code,occupation,family,year,area,mean,low,high,note". They are
// shown beside computed bands and never mixed into them.
//
//go:embed reference_bands.csv
var ReferenceBands []byte

// OEWSTopCodes is the BLS OEWS top code of each May estimate year, header
// "year,hourly,annual,verified" after '#' comment lines that give the
// source of each figure and its uncertainty.
//
//go:embed oews_topcodes.csv
var OEWSTopCodes []byte
