package pay

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// ErrPayMissing marks a cell that says, in the publisher's own way, that
// there is no figure: "-1" (the Glassdoor scrapes), "N/A", "none". A caller
// treats it as an empty cell, not as a bad figure.
var ErrPayMissing = errors.New("pay marked as missing")

// Bound says how a posted figure is bounded when only one end is stated.
type Bound uint8

// Bounds of a posted figure.
const (
	// BoundBoth: a single figure or a range with both ends.
	BoundBoth Bound = iota
	// BoundUpTo: "up to $120,000" states the maximum only.
	BoundUpTo
	// BoundAtLeast: "$120k+", "from $90,000" state the minimum only.
	BoundAtLeast
)

func (b Bound) String() string {
	switch b {
	case BoundUpTo:
		return "up to"
	case BoundAtLeast:
		return "at least"
	}
	return "both"
}

// Posted is a posted-salary string read whole: the amount, the pay period
// the string itself names ("" when it names none) and which ends it states.
type Posted struct {
	Amount
	Unit  Unit
	Bound Bound
}

// missingWords are the cells publishers write for "no figure".
var missingWords = map[string]bool{
	"-1": true, "-1.0": true, "n/a": true, "na": true, "none": true, "null": true, "nan": true,
	"-": true, "--": true, "—": true, "unknown": true, "not specified": true, "not disclosed": true,
}

// postedUnit matches a pay period written at the end of a posted string:
// "Per Hour", "an hour", "a year", "/hr", "/ yr", "per annum", "p.a.",
// "hourly", "annually", "monthly", "bi-weekly", ...
var postedUnit = regexp.MustCompile(`(?i)(?:\s*(?:/|\bper\b|\ban?\b)\s*(hours?|hrs?|h|years?|yrs?|y|annum|months?|mos?|mths?|weeks?|wks?|days?|d)|\s*\b(hourly|yearly|annually|annual|monthly|weekly|bi-?weekly|fortnightly|semi-?monthly|daily|p\.?\s?a\.?))\.?\s*$`)

// postedFrom and postedUpTo match the words that state one end only.
var (
	postedUpTo = regexp.MustCompile(`(?i)^\s*(?:up\s+to|max(?:imum)?\.?:?|as\s+much\s+as)\s+`)
	postedFrom = regexp.MustCompile(`(?i)^\s*(?:from|starting\s+(?:at|from)|at\s+least|min(?:imum)?\.?:?)\s+`)
)

// maxPostedLen bounds the strings ParsePosted reads: a cell longer than
// this is prose, not a salary.
const maxPostedLen = 200

// ParsePosted reads a salary as job boards post it, the decorations
// removed and the rest read by ParseAmount:
//
//   - "-1", "N/A", "none", "-" wrap ErrPayMissing: the cell has no figure;
//   - a parenthesised note without digits is dropped ("$53K-$91K
//     (Glassdoor est.)"), and so is a label ending in a colon
//     ("Employer Provided Salary:$150K-$160K");
//   - a period at the end names the unit ("$21-$34 Per Hour", "£45,000 -
//     £55,000 a year", "$40/hr", "3,000 monthly"); Posted.Unit is "" when
//     the string names none;
//   - "up to $120,000" is the single figure 120,000 with BoundUpTo, and
//     "$120k+" / "from $120k" the single figure 120,000 with BoundAtLeast:
//     the stated end is the only figure there is (docs/ingest.md);
//   - a range dash with nothing after it ("68000 -", the DOL FY2015–2019
//     way of writing a single offered wage) leaves the single figure.
//
// The currency comes from the symbol or code as in ParseAmount (£ GBP,
// € EUR). Errors wrap the ParseAmount sentinels.
func ParsePosted(s string) (Posted, error) {
	if isPlainDecimal(s) {
		a, err := ParseAmount(s)
		return Posted{Amount: a}, err
	}
	t := strings.TrimFunc(s, unicode.IsSpace)
	if t == "" {
		return Posted{}, fmt.Errorf("%w", ErrPayEmpty)
	}
	if len(t) > maxPostedLen {
		return Posted{}, payErr(ErrPayUnparseable, s[:maxPostedLen]+"…", fmt.Sprintf("longer than %d bytes", maxPostedLen))
	}
	if missingWords[strings.ToLower(t)] {
		return Posted{}, fmt.Errorf("%w: %q", ErrPayMissing, t)
	}
	var p Posted
	// Most cells ("$85,000", "85K-95K") have no words: ParseAmount alone
	// reads them, without the regular expressions below.
	if !strings.ContainsFunc(t, func(r rune) bool { return unicode.IsLetter(r) || r == '/' || r == '(' || r == ':' || r == '+' }) {
		if r := []rune(t); len(r) > 1 && isRangeDash(r[len(r)-1]) {
			t = strings.TrimFunc(string(r[:len(r)-1]), unicode.IsSpace)
		}
		a, err := ParseAmount(t)
		return Posted{Amount: a}, err
	}
	t = dropNotes(t)
	if i := strings.LastIndexByte(t, ':'); i >= 0 && !strings.ContainsAny(t[:i], "0123456789") {
		t = strings.TrimSpace(t[i+1:])
	}
	if m := postedUnit.FindStringSubmatchIndex(t); m != nil {
		word := ""
		for g := 2; g+1 < len(m); g += 2 {
			if m[g] >= 0 {
				word = t[m[g]:m[g+1]]
			}
		}
		u, err := ParseUnit(strings.ReplaceAll(word, " ", ""))
		if err == nil {
			p.Unit = u
			t = strings.TrimSpace(t[:m[0]])
		}
	}
	switch {
	case postedUpTo.MatchString(t):
		p.Bound = BoundUpTo
		t = postedUpTo.ReplaceAllString(t, "")
	case postedFrom.MatchString(t):
		p.Bound = BoundAtLeast
		t = postedFrom.ReplaceAllString(t, "")
	case strings.HasSuffix(t, "+"):
		p.Bound = BoundAtLeast
		t = strings.TrimSpace(strings.TrimSuffix(t, "+"))
	}
	// "68000 -": a range dash with no high end is the single figure.
	if r := []rune(t); len(r) > 1 && isRangeDash(r[len(r)-1]) {
		t = strings.TrimFunc(string(r[:len(r)-1]), unicode.IsSpace)
	}
	a, err := ParseAmount(t)
	if err != nil {
		return Posted{}, err
	}
	if p.Bound != BoundBoth && a.Range {
		return Posted{}, payErr(ErrPayUnparseable, s, "a range cannot also be open-ended ("+p.Bound.String()+")")
	}
	p.Amount = a
	return p, nil
}

// dropNotes removes parenthesised notes that hold no digit: the
// publisher's decorations such as "(Glassdoor est.)" or "(Employer
// est.)". A note with a digit is kept, so ParseAmount refuses it rather
// than a figure being lost.
func dropNotes(t string) string {
	for {
		i := strings.IndexByte(t, '(')
		if i < 0 {
			return t
		}
		j := strings.IndexByte(t[i:], ')')
		if j < 0 {
			return t
		}
		note := t[i : i+j+1]
		if strings.ContainsAny(note, "0123456789") {
			return t
		}
		t = strings.TrimSpace(t[:i] + " " + t[i+j+1:])
	}
}
