// Package data holds the reference data payband ships inside its binary: the
// default title taxonomy, the CPI-U annual averages, yearly USD exchange
// rates, published reference bands and the BLS OEWS top code of each year.
// It sits at the bottom of the import graph and knows no other payband
// package.
//
// At run time the default warehouse file also lives in this folder
// (data/payband.duckdb); it is git-ignored and never embedded.
package data
