package numfmt

import (
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// A Printer is not safe for concurrent use, and report families are drawn
// concurrently: each call makes its own (a few hundred nanoseconds).
func printer() *message.Printer { return message.NewPrinter(language.English) }

// Int writes n with thousands separators: 239200 -> "239,200", -1234 ->
// "-1,234".
func Int(n int64) string { return printer().Sprintf("%d", n) }

// Fixed writes v with prec decimals and thousands separators:
// Fixed(12345.678, 2) -> "12,345.68".
func Fixed(v float64, prec int) string { return printer().Sprintf("%.*f", prec, v) }
