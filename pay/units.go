package pay

import (
	"fmt"
	"strings"
)

// Unit is the period a pay figure is quoted per. The canonical values are the
// constants below; ParseUnit maps every spelling the sources use onto them.
type Unit string

// Canonical pay units.
const (
	UnitHour        Unit = "hour"
	UnitDay         Unit = "day"
	UnitWeek        Unit = "week"
	UnitBiweekly    Unit = "biweekly"
	UnitSemimonthly Unit = "semimonthly"
	UnitMonth       Unit = "month"
	UnitYear        Unit = "year"
)

// unitSpellings maps a folded spelling (lower case, with spaces, hyphens,
// underscores, dots and slashes removed) to its canonical unit. The spellings
// are those found in DOL LCA disclosure files from FY2008 on (full words,
// abbreviations and one-letter codes), in the Kaggle H-1B compilations and in
// ordinary English.
var unitSpellings = map[string]Unit{
	"hour": UnitHour, "hours": UnitHour, "hourly": UnitHour, "hr": UnitHour, "hrs": UnitHour, "h": UnitHour,

	"day": UnitDay, "days": UnitDay, "daily": UnitDay, "d": UnitDay,

	"week": UnitWeek, "weeks": UnitWeek, "weekly": UnitWeek, "wk": UnitWeek, "wks": UnitWeek, "w": UnitWeek,

	"biweekly": UnitBiweekly, "2weeks": UnitBiweekly, "2week": UnitBiweekly, "twoweeks": UnitBiweekly,
	"every2weeks": UnitBiweekly, "everytwoweeks": UnitBiweekly, "fortnight": UnitBiweekly,
	"fortnightly": UnitBiweekly, "bw": UnitBiweekly, "biwk": UnitBiweekly,

	"semimonthly": UnitSemimonthly, "semimonth": UnitSemimonthly, "twicemonthly": UnitSemimonthly,
	"twiceamonth": UnitSemimonthly, "sm": UnitSemimonthly,

	"month": UnitMonth, "months": UnitMonth, "monthly": UnitMonth, "mth": UnitMonth, "mths": UnitMonth,
	"mon": UnitMonth, "mo": UnitMonth, "mos": UnitMonth, "m": UnitMonth,

	"year": UnitYear, "years": UnitYear, "yearly": UnitYear, "yr": UnitYear, "yrs": UnitYear, "y": UnitYear,
	"annual": UnitYear, "annually": UnitYear, "annum": UnitYear, "perannum": UnitYear, "pa": UnitYear,
}

// ParseUnit returns the canonical unit for a pay-period spelling such as
// "Hour", "Hr", "H", "Year", "Yr", "Bi-Weekly", "2 weeks", "Mth" or
// "Semi-Monthly". Matching ignores case, surrounding space, a leading "per "
// or "a ", and hyphens, spaces, underscores, dots and slashes inside the
// word. An empty or unknown spelling wraps ErrUnknownUnit.
func ParseUnit(s string) (Unit, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", fmt.Errorf("%w: empty pay unit", ErrUnknownUnit)
	}
	if u, ok := unitSpellings[foldUnit(t)]; ok {
		return u, nil
	}
	return "", fmt.Errorf("%w: %q is not a pay period (expected hour, day, week, bi-weekly, semi-monthly, month or year)", ErrUnknownUnit, s)
}

// foldUnit lower-cases s, drops a leading "per " or "a " and removes the
// punctuation and spaces that vary between spellings.
func foldUnit(s string) string {
	s = strings.ToLower(s)
	for _, p := range []string{"per ", "a "} {
		if strings.HasPrefix(s, p) {
			s = strings.TrimSpace(s[len(p):])
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case ' ', '-', '_', '.', '/', '\u00a0', '\u2010', '\u2011', '\u2013':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// PerYear is the number of periods of u in a year, the factor that turns a
// pay figure quoted per u into an annual one: hour 2080 (40 hours × 52
// weeks), day 260 (5 days × 52 weeks), week 52, biweekly 26, semimonthly 24,
// month 12, year 1. It is 0 for a value that is not a canonical unit.
func (u Unit) PerYear() float64 {
	switch u {
	case UnitHour:
		return 2080
	case UnitDay:
		return 260
	case UnitWeek:
		return 52
	case UnitBiweekly:
		return 26
	case UnitSemimonthly:
		return 24
	case UnitMonth:
		return 12
	case UnitYear:
		return 1
	}
	return 0
}

// Annual converts an amount quoted per u into an annual amount. It returns
// an error wrapping ErrUnknownUnit when u is not a canonical unit.
func (u Unit) Annual(amount float64) (float64, error) {
	f := u.PerYear()
	if f == 0 {
		return 0, fmt.Errorf("%w: %q is not a canonical pay unit", ErrUnknownUnit, string(u))
	}
	return amount * f, nil
}

// String returns the canonical name.
func (u Unit) String() string { return string(u) }
