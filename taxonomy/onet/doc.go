// Package onet builds a title taxonomy for every occupation from O*NET's
// Alternate Titles workbook, on top of a base taxonomy (payband's
// security families). It is kept apart from the matcher so that the
// matcher does not depend on a spreadsheet reader.
package onet
