package pay

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"payband/internal/numfmt"
)

// Sentinel errors of pay normalization. Every error returned by this file,
// units.go, cpi.go and fx.go wraps one of them (or states its own cause) and
// carries the reason in its message, so callers test with errors.Is and write
// the message into the rejects table as is.
var (
	ErrPayEmpty        = errors.New("empty pay amount")
	ErrPayUnparseable  = errors.New("unparseable pay amount")
	ErrPayNotPositive  = errors.New("pay amount is not positive")
	ErrPayImplausible  = errors.New("implausible annual pay")
	ErrUnknownUnit     = errors.New("unknown pay unit")
	ErrUnknownCurrency = errors.New("unknown currency")
)

// Amount is a parsed pay string: one figure, or both ends of a range.
type Amount struct {
	Low, High float64 // equal when not a range
	Currency  string  // ISO 4217 from a symbol or code in the string; "" when the string names none
	Range     bool
}

// PointRule chooses the single figure a range stands for.
type PointRule int

// Point rules. PointMid is the default (SPEC 5.2).
const (
	PointMid PointRule = iota
	PointLow
	PointHigh
)

// ParsePointRule reads "mid" (or "midpoint", "middle"), "low" or "high",
// ignoring case and surrounding space.
func ParsePointRule(s string) (PointRule, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "mid", "midpoint", "middle":
		return PointMid, nil
	case "low":
		return PointLow, nil
	case "high":
		return PointHigh, nil
	}
	return PointMid, fmt.Errorf("unknown point rule %q (expected mid, low or high)", s)
}

// String returns "mid", "low" or "high".
func (r PointRule) String() string {
	switch r {
	case PointMid:
		return "mid"
	case PointLow:
		return "low"
	case PointHigh:
		return "high"
	}
	return "PointRule(" + strconv.Itoa(int(r)) + ")"
}

// Point returns the figure a stands for under rule r: the midpoint of the
// range, its low end or its high end. For a single figure every rule gives
// that figure. An unknown rule is treated as PointMid.
func (a Amount) Point(r PointRule) float64 {
	switch r {
	case PointLow:
		return a.Low
	case PointHigh:
		return a.High
	}
	if a.Low == a.High {
		return a.Low
	}
	return a.Low + (a.High-a.Low)/2
}

// Bounds are the plausible limits of an annual pay figure in US dollars.
// A Max of 0 or less means no upper limit.
type Bounds struct{ Min, Max float64 }

// DefaultBounds are the plausibility bounds of SPEC 5.2.
var DefaultBounds = Bounds{Min: 10000, Max: 2000000}

// Check returns nil when annual lies within b (both ends included), else an
// error wrapping ErrPayImplausible that names the figure and the bound.
func (b Bounds) Check(annual float64) error {
	switch {
	case math.IsNaN(annual) || math.IsInf(annual, 0):
		return fmt.Errorf("%w: annual pay %v is not a finite number", ErrPayImplausible, annual)
	case annual < b.Min:
		return fmt.Errorf("%w: annual pay %s is below the plausible minimum of %s", ErrPayImplausible, formatUSD(annual), formatUSD(b.Min))
	case b.Max > 0 && annual > b.Max:
		return fmt.Errorf("%w: annual pay %s is above the plausible maximum of %s", ErrPayImplausible, formatUSD(annual), formatUSD(b.Max))
	}
	return nil
}

// Validate reports whether b is usable: finite, Min not negative, and Max
// (when set) not below Min.
func (b Bounds) Validate() error {
	if math.IsNaN(b.Min) || math.IsInf(b.Min, 0) || math.IsNaN(b.Max) || math.IsInf(b.Max, 0) {
		return fmt.Errorf("pay bounds must be finite numbers (min %v, max %v)", b.Min, b.Max)
	}
	if b.Min < 0 {
		return fmt.Errorf("pay bounds: minimum %s is negative", formatUSD(b.Min))
	}
	if b.Max > 0 && b.Max < b.Min {
		return fmt.Errorf("pay bounds: maximum %s is below minimum %s", formatUSD(b.Max), formatUSD(b.Min))
	}
	return nil
}

// formatUSD writes v as "$12,345" (or "$12,345.67" when v has cents).
func formatUSD(v float64) string {
	neg := v < 0
	if neg {
		v = -v
	}
	prec := 0
	if v != math.Trunc(v) && v < 1e15 {
		prec = 2
	}
	if neg {
		return "-$" + numfmt.Fixed(v, prec)
	}
	return "$" + numfmt.Fixed(v, prec)
}

// ParseAmount parses a pay string into one figure or a range, with the
// currency it names. The accepted forms and the reasons behind each rule are
// in docs/methodology.md ("Amount strings"). In short:
//
//   - numbers: "85000", "85000.00", "$85,000", "85k", "60 000" (space or
//     no-break space between thousands), "1,234,567.89", "1.234.567,89";
//   - ranges: "85K-95K", "$85k – $95k" (hyphen, en dash, em dash, "to");
//     "85-95k" applies the k to both ends;
//   - currency: ISO codes before or after ("USD 85000", "60.000,00 EUR") and
//     symbols ("$" = USD, "€", "£", "¥" = JPY, "₹", "C$", "A$", "R$", ...);
//   - separators: where both "." and "," appear the last one is the decimal
//     mark; repeated marks group thousands; a single mark followed by
//     exactly three digits (after one to three leading digits) is a
//     thousands mark when it is "," and, when it is ".", only where the
//     string names a currency written with a decimal comma (EUR, BRL, PLN,
//     ...), otherwise it is the decimal point ("60.000" is sixty).
//
// It refuses, with the reason in the error: empty strings (ErrPayEmpty),
// zero and negative figures (ErrPayNotPositive), and (ErrPayUnparseable) NaN
// and Inf, scientific and hexadecimal notation, non-ASCII digits, other text,
// several numbers that are not a range, and a range whose low end is above
// its high end. An unrecognised three-letter upper-case code wraps
// ErrUnknownCurrency. Anything accepted is finite, positive and Low <= High.
// It is safe for concurrent use; plain decimals such as "85000.00" are
// parsed without allocating.
func ParseAmount(s string) (Amount, error) {
	if isPlainDecimal(s) {
		v, err := strconv.ParseFloat(s, 64)
		if err == nil && v > 0 && !math.IsInf(v, 0) {
			return Amount{Low: v, High: v}, nil
		}
		// zero or too large: let the full parser say why
	}
	return parseAmountSlow(s)
}

// isPlainDecimal reports whether s is ASCII digits with at most one '.'
// between digits: the form nearly every machine-written pay column uses,
// parsed without any allocation.
func isPlainDecimal(s string) bool {
	if len(s) == 0 || len(s) > 40 {
		return false
	}
	dot := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			continue
		}
		if c == '.' && !dot && i > 0 && i < len(s)-1 {
			dot = true
			continue
		}
		return false
	}
	return true
}

type tokKind uint8

const (
	tokNum  tokKind = iota + 1 // a number, with an optional k
	tokConn                    // range connector: - – — to
	tokList                    // , ; / | & between numbers
)

type payToken struct {
	kind tokKind
	text string // the digits and separators of a number
	kilo bool   // number followed by k/K
}

// isoCurrencies are the ISO 4217 codes ParseAmount recognises.
var isoCurrencies = map[string]bool{
	"USD": true, "EUR": true, "GBP": true, "CAD": true, "AUD": true, "NZD": true, "CHF": true,
	"JPY": true, "CNY": true, "HKD": true, "TWD": true, "SGD": true, "KRW": true, "INR": true,
	"PKR": true, "BDT": true, "LKR": true, "NPR": true, "PHP": true, "THB": true, "IDR": true,
	"MYR": true, "VND": true, "PLN": true, "CZK": true, "HUF": true, "RON": true, "BGN": true,
	"HRK": true, "RSD": true, "DKK": true, "SEK": true, "NOK": true, "ISK": true, "TRY": true,
	"RUB": true, "UAH": true, "BYN": true, "GEL": true, "KZT": true, "ILS": true, "AED": true,
	"SAR": true, "QAR": true, "KWD": true, "BHD": true, "OMR": true, "JOD": true, "EGP": true,
	"MAD": true, "TND": true, "NGN": true, "GHS": true, "KES": true, "UGX": true, "TZS": true,
	"ZAR": true, "MXN": true, "BRL": true, "ARS": true, "CLP": true, "COP": true, "PEN": true,
	"UYU": true, "BOB": true, "PYG": true, "CRC": true, "DOP": true, "GTQ": true, "JMD": true,
	"TTD": true,
}

// commaDecimalCurrencies are currencies whose home countries write a decimal
// comma and a thousands dot (or space): naming one of them in the string is
// the cue that makes "60.000" sixty thousand.
var commaDecimalCurrencies = map[string]bool{
	"EUR": true, "BRL": true, "PLN": true, "CZK": true, "HUF": true, "RON": true, "BGN": true,
	"HRK": true, "RSD": true, "DKK": true, "SEK": true, "NOK": true, "ISK": true, "TRY": true,
	"RUB": true, "UAH": true, "IDR": true, "VND": true, "ARS": true, "CLP": true, "COP": true,
	"UYU": true, "PYG": true, "BOB": true, "ZAR": true,
}

// currencySymbols maps single-rune currency symbols to ISO codes. A bare "$"
// means US dollars: the sources that write "$" without a prefix are US ones.
var currencySymbols = map[rune]string{
	'$': "USD", '€': "EUR", '£': "GBP", '¥': "JPY", '₹': "INR", '₩': "KRW", '₺': "TRY",
	'₱': "PHP", '₪': "ILS", '₽': "RUB", '₦': "NGN", '฿': "THB", '₫': "VND", '₴': "UAH",
	'₸': "KZT", '₾': "GEL",
}

// dollarPrefixes maps the letters written before "$" to the dollar (or
// real, peso) they name: "C$85,000", "A$", "R$".
var dollarPrefixes = map[string]string{
	"US": "USD", "U": "USD", "C": "CAD", "CA": "CAD", "CAN": "CAD", "A": "AUD", "AU": "AUD",
	"NZ": "NZD", "S": "SGD", "SG": "SGD", "HK": "HKD", "NT": "TWD", "R": "BRL", "MX": "MXN",
	"MEX": "MXN",
}

// currencyWords are local currency abbreviations other than ISO codes.
var currencyWords = map[string]string{
	"ZŁ": "PLN", "RS": "INR", "KČ": "CZK", "FT": "HUF", "LEI": "RON", "DH": "MAD",
}

func payErr(sentinel error, s, reason string) error {
	return fmt.Errorf("%w %q: %s", sentinel, s, reason)
}

func isRangeDash(r rune) bool {
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '~', '\uff5e':
		return true
	}
	return false
}

func isMinus(r rune) bool { return r == '-' || r == '\u2212' }

// isGroupSpace reports whether r may separate groups of thousands: a space,
// a no-break space, a narrow no-break space, a thin space or a figure space.
func isGroupSpace(r rune) bool {
	return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009' || r == '\u2007'
}

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

// parseAmountSlow is the full parser: tokenize, settle the currency, then
// read each number with the separator rule.
func parseAmountSlow(s string) (Amount, error) {
	t := strings.TrimFunc(s, unicode.IsSpace)
	if t == "" {
		return Amount{}, fmt.Errorf("%w", ErrPayEmpty)
	}
	if !utf8.ValidString(t) {
		return Amount{}, payErr(ErrPayUnparseable, s, "invalid UTF-8")
	}

	var (
		toks        [8]payToken
		ntok        int
		currency    string
		unknownCode string
	)
	push := func(k payToken) error {
		if ntok == len(toks) {
			return payErr(ErrPayUnparseable, s, "too many parts")
		}
		toks[ntok] = k
		ntok++
		return nil
	}
	setCurrency := func(code string) error {
		if currency != "" && currency != code {
			return payErr(ErrPayUnparseable, s, "conflicting currencies "+currency+" and "+code)
		}
		currency = code
		return nil
	}
	numbers := func() int {
		n := 0
		for _, k := range toks[:ntok] {
			if k.kind == tokNum {
				n++
			}
		}
		return n
	}

	for i := 0; i < len(t); {
		r, size := utf8.DecodeRuneInString(t[i:])
		switch {
		case unicode.IsSpace(r):
			i += size

		case isASCIIDigit(r):
			j := scanNumber(t, i)
			num := payToken{kind: tokNum, text: t[i:j]}
			// what directly follows decides between notations
			if j < len(t) {
				c := t[j]
				if (c == 'e' || c == 'E') && j+1 < len(t) && (isASCIIDigit(rune(t[j+1])) || t[j+1] == '+' || t[j+1] == '-') {
					return Amount{}, payErr(ErrPayUnparseable, s, "scientific notation is not accepted")
				}
				if (c == 'x' || c == 'X') && num.text == "0" {
					return Amount{}, payErr(ErrPayUnparseable, s, "hexadecimal notation is not accepted")
				}
			}
			// optional k (thousand), possibly after a space, not the start of a word
			k := j
			for k < len(t) && t[k] == ' ' {
				k++
			}
			if k < len(t) && (t[k] == 'k' || t[k] == 'K') {
				next, _ := utf8.DecodeRuneInString(t[k+1:])
				if k+1 == len(t) || !unicode.IsLetter(next) {
					num.kilo = true
					j = k + 1
				}
			}
			if err := push(num); err != nil {
				return Amount{}, err
			}
			i = j

		case unicode.IsDigit(r):
			return Amount{}, payErr(ErrPayUnparseable, s, "non-ASCII digits")

		case r == '+':
			n, _ := utf8.DecodeRuneInString(t[i+size:])
			if !isASCIIDigit(n) {
				return Amount{}, payErr(ErrPayUnparseable, s, "unexpected '+'")
			}
			i += size

		case isRangeDash(r):
			// a minus sign where a number must start (no number yet, or
			// right after a connector) and a number follows
			numberNext := digitFollows(t, i+size)
			if isMinus(r) && numberNext && (numbers() == 0 || toks[ntok-1].kind == tokConn) {
				return Amount{}, payErr(ErrPayNotPositive, s, "negative amount")
			}
			if numbers() == 0 {
				if numberNext {
					return Amount{}, payErr(ErrPayUnparseable, s, "range without a low end")
				}
				return Amount{}, payErr(ErrPayUnparseable, s, "no number")
			}
			if err := push(payToken{kind: tokConn}); err != nil {
				return Amount{}, err
			}
			i += size

		case r == ',' || r == ';' || r == '/' || r == '|' || r == '&':
			if err := push(payToken{kind: tokList}); err != nil {
				return Amount{}, err
			}
			i += size

		case currencySymbols[r] != "":
			if err := setCurrency(currencySymbols[r]); err != nil {
				return Amount{}, err
			}
			i += size

		case unicode.IsLetter(r):
			j := i
			for j < len(t) {
				c, n := utf8.DecodeRuneInString(t[j:])
				if !unicode.IsLetter(c) {
					break
				}
				j += n
			}
			word := t[i:j]
			up := strings.ToUpper(word)
			if j < len(t) && t[j] == '$' { // C$, US$, R$ ...
				code, ok := dollarPrefixes[up]
				if !ok {
					return Amount{}, payErr(ErrUnknownCurrency, s, "unknown dollar prefix "+strconv.Quote(word+"$"))
				}
				if err := setCurrency(code); err != nil {
					return Amount{}, err
				}
				i = j + 1
				continue
			}
			switch {
			case up == "TO":
				if numbers() == 0 {
					return Amount{}, payErr(ErrPayUnparseable, s, "range without a low end")
				}
				if err := push(payToken{kind: tokConn}); err != nil {
					return Amount{}, err
				}
			case up == "NAN" || up == "INF" || up == "INFINITY":
				return Amount{}, payErr(ErrPayUnparseable, s, "not a number")
			case isoCurrencies[up]:
				if err := setCurrency(up); err != nil {
					return Amount{}, err
				}
			case currencyWords[up] != "":
				if err := setCurrency(currencyWords[up]); err != nil {
					return Amount{}, err
				}
			case up == "KR":
				return Amount{}, payErr(ErrUnknownCurrency, s, `ambiguous currency "kr" (SEK, NOK, DKK or ISK): write the ISO code`)
			case len(word) == 3 && word == up && isASCIIUpper(word) && unknownCode == "":
				// decided after the loop: "TBD" alone is text, "XYZ 85000" a currency
				unknownCode = word
			default:
				return Amount{}, payErr(ErrPayUnparseable, s, "unexpected text "+strconv.Quote(word))
			}
			i = j

		default:
			return Amount{}, payErr(ErrPayUnparseable, s, "unexpected character "+strconv.QuoteRune(r))
		}
	}

	if unknownCode != "" {
		if numbers() == 0 {
			return Amount{}, payErr(ErrPayUnparseable, s, "unexpected text "+strconv.Quote(unknownCode))
		}
		return Amount{}, payErr(ErrUnknownCurrency, s, "unknown currency code "+unknownCode)
	}

	// Shape: N, or N conn N.
	var lowTok, highTok *payToken
	switch {
	case ntok == 0:
		return Amount{}, payErr(ErrPayUnparseable, s, "no number")
	case ntok == 1 && toks[0].kind == tokNum:
		lowTok = &toks[0]
	case ntok == 3 && toks[0].kind == tokNum && toks[1].kind == tokConn && toks[2].kind == tokNum:
		lowTok, highTok = &toks[0], &toks[2]
	default:
		n, conn := 0, 0
		for _, k := range toks[:ntok] {
			switch k.kind {
			case tokNum:
				n++
			case tokConn:
				conn++
			}
		}
		switch {
		case n == 0:
			return Amount{}, payErr(ErrPayUnparseable, s, "no number")
		case n >= 2:
			return Amount{}, payErr(ErrPayUnparseable, s, "multiple numbers that are not a range")
		case conn > 0:
			return Amount{}, payErr(ErrPayUnparseable, s, "range without a high end")
		default:
			return Amount{}, payErr(ErrPayUnparseable, s, "unexpected punctuation")
		}
	}

	cue := commaDecimalCurrencies[currency]
	low, err := readNumber(s, lowTok.text, cue)
	if err != nil {
		return Amount{}, err
	}
	if highTok == nil {
		if lowTok.kilo {
			low *= 1000
		}
		if err := checkValue(s, low); err != nil {
			return Amount{}, err
		}
		return Amount{Low: low, High: low, Currency: currency}, nil
	}
	high, err := readNumber(s, highTok.text, cue)
	if err != nil {
		return Amount{}, err
	}
	// "85-95k": a k written only on the high end applies to both ends when
	// the bare low end is not above the bare high end.
	if highTok.kilo && !lowTok.kilo && low <= high {
		low *= 1000
	} else if lowTok.kilo {
		low *= 1000
	}
	if highTok.kilo {
		high *= 1000
	}
	if err := checkValue(s, low); err != nil {
		return Amount{}, err
	}
	if err := checkValue(s, high); err != nil {
		return Amount{}, err
	}
	if low > high {
		return Amount{}, payErr(ErrPayUnparseable, s, fmt.Sprintf("range low end %s is above its high end %s",
			strconv.FormatFloat(low, 'f', -1, 64), strconv.FormatFloat(high, 'f', -1, 64)))
	}
	return Amount{Low: low, High: high, Currency: currency, Range: true}, nil
}

// digitFollows reports whether an ASCII digit comes next in t from i,
// after any spaces and currency symbols.
func digitFollows(t string, i int) bool {
	for i < len(t) {
		r, size := utf8.DecodeRuneInString(t[i:])
		switch {
		case isASCIIDigit(r):
			return true
		case unicode.IsSpace(r) || currencySymbols[r] != "":
			i += size
		default:
			return false
		}
	}
	return false
}

func isASCIIUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func checkValue(s string, v float64) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return payErr(ErrPayUnparseable, s, "number too large")
	case v <= 0:
		return payErr(ErrPayNotPositive, s, "amount is zero")
	}
	return nil
}

// scanNumber returns the end of the number starting at t[i]: ASCII digits,
// with '.', ',', apostrophes and spaces allowed only between two digits.
func scanNumber(t string, i int) int {
	j := i
	for j < len(t) {
		c := t[j]
		if c >= '0' && c <= '9' {
			j++
			continue
		}
		r, size := utf8.DecodeRuneInString(t[j:])
		if r == '.' || r == ',' || r == '\'' || r == '\u2019' || isGroupSpace(r) {
			if j+size < len(t) && isASCIIDigit(rune(t[j+size])) {
				j += size
				continue
			}
		}
		break
	}
	return j
}

// Separator classes inside a number.
const (
	sepDot   = '.'
	sepComma = ','
	sepSpace = ' '
	sepApos  = '\''
)

// readNumber turns the digits-and-separators text of one number into a
// value, deciding which separator is the decimal mark (see ParseAmount).
// cue is true when the string names a currency written with a decimal comma.
func readNumber(s, text string, cue bool) (float64, error) {
	var (
		groups [24]string // digit runs
		seps   [23]byte   // separator class between groups[i] and groups[i+1]
		ng     int
	)
	start := 0
	for j := 0; j < len(text); {
		c := text[j]
		if c >= '0' && c <= '9' {
			j++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[j:])
		if ng == len(seps) {
			return 0, payErr(ErrPayUnparseable, s, "too many digit groups")
		}
		groups[ng] = text[start:j]
		switch {
		case r == '.':
			seps[ng] = sepDot
		case r == ',':
			seps[ng] = sepComma
		case r == '\'' || r == '\u2019':
			seps[ng] = sepApos
		default:
			seps[ng] = sepSpace
		}
		ng++
		j += size
		start = j
	}
	groups[ng] = text[start:]
	ng++
	nsep := ng - 1

	var nDot, nComma, nSpace int
	for _, c := range seps[:nsep] {
		switch c {
		case sepDot:
			nDot++
		case sepComma:
			nComma++
		default:
			nSpace++
		}
	}

	dec := -1 // index in seps of the decimal mark
	switch {
	case nDot > 0 && nComma > 0:
		last := seps[nsep-1]
		if last != sepDot && last != sepComma {
			return 0, payErr(ErrPayUnparseable, s, "mixed digit separators in "+strconv.Quote(text))
		}
		if (last == sepDot && nDot != 1) || (last == sepComma && nComma != 1) {
			return 0, payErr(ErrPayUnparseable, s, "mixed digit separators in "+strconv.Quote(text))
		}
		dec = nsep - 1
	case nDot+nComma == 1:
		i := 0
		for seps[i] != sepDot && seps[i] != sepComma {
			i++
		}
		switch {
		case nSpace > 0:
			// "60 000,50": spaces group, the mark is decimal
			dec = i
		case len(groups[1]) == 3 && len(groups[0]) <= 3 && groups[0][0] != '0':
			// ambiguous: "60,000" / "60.000"
			if seps[i] == sepDot && !cue {
				dec = i
			}
		default:
			dec = i
		}
	}
	if dec >= 0 && dec != nsep-1 {
		return 0, payErr(ErrPayUnparseable, s, "digits grouped after the decimal mark in "+strconv.Quote(text))
	}

	// Thousands grouping: one separator class, first group 1-3 digits,
	// then groups of exactly 3; or the Indian lakh/crore grouping with
	// commas ("12,34,567": 1-2 digits, groups of 2, a final group of 3).
	intGroups := ng
	if dec >= 0 {
		intGroups = ng - 1
	}
	if intGroups > 1 {
		class := seps[0]
		same := true
		for g := 1; g < intGroups; g++ {
			same = same && seps[g-1] == class
		}
		thousands := same && len(groups[0]) <= 3
		for g := 1; g < intGroups && thousands; g++ {
			thousands = len(groups[g]) == 3
		}
		lakh := same && class == sepComma && intGroups >= 3 && len(groups[0]) <= 2 && len(groups[intGroups-1]) == 3
		for g := 1; g < intGroups-1 && lakh; g++ {
			lakh = len(groups[g]) == 2
		}
		if !thousands && !lakh {
			if nSpace > 0 {
				return 0, payErr(ErrPayUnparseable, s, "multiple numbers that are not a range")
			}
			return 0, payErr(ErrPayUnparseable, s, "digits are not grouped in thousands in "+strconv.Quote(text))
		}
	}

	// Assemble "digits.fraction" and convert (correctly rounded).
	var buf [64]byte
	n := 0
	for g := 0; g < intGroups; g++ {
		if n+len(groups[g]) > len(buf)-1 {
			return 0, payErr(ErrPayUnparseable, s, "number too long")
		}
		n += copy(buf[n:], groups[g])
	}
	if dec >= 0 {
		frac := groups[ng-1]
		if n+1+len(frac) > len(buf) {
			return 0, payErr(ErrPayUnparseable, s, "number too long")
		}
		buf[n] = '.'
		n++
		n += copy(buf[n:], frac)
	}
	v, err := strconv.ParseFloat(string(buf[:n]), 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, payErr(ErrPayUnparseable, s, "number too large")
	}
	return v, nil
}
