// Package numfmt writes numbers for people, the one way payband's reports,
// charts and messages do: English digit grouping ("1,234,567"), through
// golang.org/x/text/message rather than by hand.
package numfmt
