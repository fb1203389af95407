package ingest

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Field is a canonical record field a profile maps source columns onto.
type Field int

// The canonical fields. Pay comes from PayUSD when the source has its own
// USD figure, else from Pay/PayTo/Unit/Currency (offered wage), else from
// PWPay/PWUnit (prevailing wage).
const (
	FTitle Field = iota
	FYear
	FDate
	FPay
	FPayTo
	FUnit
	FCurrency
	FPayUSD
	FPWPay
	FPWUnit
	FCountry
	FState
	FEmployer
	FEmploymentType
	FExperience
	FCompanySize
	FCompanyCountry
	FRemote
	FWageLevel
	FCaseStatus
	FSOC
	FCaseNumber
	FCity
	FCounty
	FPostalCode
	// Published-band fields (profile oews, and generic with band figures).
	FArea
	FAreaName
	FAreaType
	FEmployment
	FMean
	FP10
	FP25
	FMedian
	FP75
	FP90
	numFields
)

var fieldNames = [numFields]string{
	"title", "year", "date", "pay", "pay_to", "unit", "currency", "pay_usd",
	"pw_pay", "pw_unit", "country", "state", "employer", "employment_type",
	"experience_level", "company_size", "company_country", "remote_ratio",
	"wage_level", "case_status", "soc_code", "case_number", "city", "county",
	"postal_code", "area", "area_name", "area_type", "employment", "mean",
	"p10", "p25", "median", "p75", "p90",
}

// fieldAliases are other --map keys for a field: the published-band names
// of SPEC §4 ("occupation", "code") and common short forms.
var fieldAliases = map[string]Field{
	"occupation": FTitle, "code": FSOC, "soc": FSOC, "zip": FPostalCode,
	"area_code": FArea, "p50": FMedian, "status": FCaseStatus,
}

// bandFields are the fields that make a generic mapping a published band.
var bandFields = []Field{FMean, FP10, FP25, FMedian, FP75, FP90}

func (f Field) String() string { return fieldNames[f] }

// ParseField maps a --map key to a Field.
func ParseField(s string) (Field, error) {
	for i, n := range fieldNames {
		if strings.EqualFold(s, n) {
			return Field(i), nil
		}
	}
	if f, ok := fieldAliases[strings.ToLower(s)]; ok {
		return f, nil
	}
	return 0, fmt.Errorf("unknown field %q (known: %s)", s, strings.Join(fieldNames[:], ", "))
}

// Profile maps one kind of source onto the canonical record.
type Profile struct {
	Name string
	// Columns lists, per field, the header names that may carry it, in order
	// of preference; matching ignores case and surrounding space.
	Columns map[Field][]string
	// Required fields must all be present in a header for the profile to fit.
	Required []Field
	// DefaultUnit applies when the source has no unit column.
	DefaultUnit string
	// DefaultCurrency applies when the source has no currency column.
	DefaultCurrency string
	// DefaultCountry applies when the source has no country column (LCA
	// disclosures are all US worksites).
	DefaultCountry string
	// HourlyBelow, when set, decides the unit of a wage that has no unit
	// column or an empty unit cell: an amount below it is an hourly rate,
	// anything else is DefaultUnit. See the LCA unit rule in docs/ingest.md.
	HourlyBelow float64
	// Values rewrites the values of a field, matched ignoring case (for
	// example FULL_TIME_POSITION Y/N to the survey codes FT/PT).
	Values map[Field]map[string]string
	// ColumnValues rewrites the values of one source column (upper case
	// name) before Values; it wins where a column means the opposite of
	// the field's usual one (the efile PART_TIME_1: Y is part time).
	ColumnValues map[string]map[string]string
	// Needs lists header names, besides the Required fields, that must all
	// be present for the profile to fit (the published-band columns).
	Needs []string
	// Published marks profiles whose rows are published bands (oews), not
	// individual salaries.
	Published bool
}

// Binding is a profile resolved against one header: the column index of
// each field, -1 when absent.
type Binding struct {
	Profile *Profile
	Index   [numFields]int
	Header  []string
}

// Bind resolves p against header. It fails naming the first required field
// that no column carries.
func (p *Profile) Bind(header []string) (*Binding, error) {
	b := &Binding{Profile: p, Header: header}
	pos := make(map[string]int, len(header))
	for i, h := range header {
		k := strings.ToUpper(strings.TrimSpace(h))
		if _, dup := pos[k]; !dup {
			pos[k] = i
		}
	}
	for f := range b.Index {
		b.Index[f] = -1
		for _, name := range p.Columns[Field(f)] {
			if i, ok := pos[strings.ToUpper(name)]; ok {
				b.Index[f] = i
				break
			}
		}
	}
	for _, f := range p.Required {
		if b.Index[f] < 0 {
			return nil, fmt.Errorf("profile %s needs a %s column (one of %s)", p.Name, f, strings.Join(p.Columns[f], ", "))
		}
	}
	for _, name := range p.Needs {
		if _, ok := pos[strings.ToUpper(name)]; !ok {
			return nil, fmt.Errorf("profile %s needs a %s column", p.Name, name)
		}
	}
	return b, nil
}

// Column names the header column bound to f, or the field name.
func (b *Binding) Column(f Field) string {
	if i := b.Index[f]; i >= 0 {
		return b.Header[i]
	}
	return f.String()
}

// SurveyProfile reads the isecjobs.com / aijobs.net salary surveys and their
// Kaggle copies.
var SurveyProfile = &Profile{
	Name: "survey",
	Columns: map[Field][]string{
		FYear:           {"work_year"},
		FExperience:     {"experience_level"},
		FEmploymentType: {"employment_type"},
		FTitle:          {"job_title"},
		FPay:            {"salary"},
		FCurrency:       {"salary_currency"},
		FPayUSD:         {"salary_in_usd"},
		FCountry:        {"employee_residence"},
		FRemote:         {"remote_ratio"},
		FCompanyCountry: {"company_location"},
		FCompanySize:    {"company_size"},
	},
	Required:    []Field{FYear, FTitle},
	DefaultUnit: "year",
}

// Generic targets: individual salaries (observations) or published bands.
const (
	TargetSalaries  = "salaries"
	TargetPublished = "published"
)

// GenericProfileFor builds the generic profile from --map field=COLUMN
// pairs. target is TargetSalaries, TargetPublished, or "" to decide by the
// fields: a mapping with band figures (mean, p10 … p90) is a published
// table. A salary mapping needs title and pay (or pay_usd); a published one
// needs occupation (title), code, an area (area or area_name) and at least
// one band figure, and takes its year from a year column or --year.
func GenericProfileFor(m map[Field]string, target string) (*Profile, error) {
	bands := 0
	for _, f := range bandFields {
		if _, ok := m[f]; ok {
			bands++
		}
	}
	switch target {
	case "":
		target = TargetSalaries
		if bands > 0 {
			target = TargetPublished
		}
	case TargetSalaries, TargetPublished:
	default:
		return nil, fmt.Errorf("unknown target %q (known: %s, %s)", target, TargetSalaries, TargetPublished)
	}
	p := &Profile{Name: "generic", Columns: map[Field][]string{}, DefaultUnit: "year"}
	for f, col := range m {
		p.Columns[f] = []string{col}
		p.Required = append(p.Required, f)
	}
	if target == TargetPublished {
		_, hasArea := m[FArea]
		_, hasName := m[FAreaName]
		switch {
		case m[FTitle] == "":
			return nil, errors.New("profile generic (published) needs --map occupation=COLUMN")
		case m[FSOC] == "":
			return nil, errors.New("profile generic (published) needs --map code=COLUMN (the occupation code)")
		case !hasArea && !hasName:
			return nil, errors.New("profile generic (published) needs --map area=COLUMN or area_name=COLUMN")
		case bands == 0:
			return nil, errors.New("profile generic (published) needs at least one band figure: --map mean=, p10=, p25=, median=, p75= or p90=COLUMN")
		}
		for _, f := range []Field{FPay, FPayTo, FPayUSD, FPWPay} {
			if _, ok := m[f]; ok {
				return nil, fmt.Errorf("profile generic (published) takes band figures, not %s", f)
			}
		}
		p.Published = true
		return p, nil
	}
	if _, ok := m[FTitle]; !ok {
		return nil, errors.New("profile generic needs --map title=COLUMN")
	}
	if _, ok := m[FPay]; !ok {
		if _, ok := m[FPayUSD]; !ok {
			return nil, errors.New("profile generic needs --map pay=COLUMN (or pay_usd=COLUMN)")
		}
	}
	if bands > 0 {
		return nil, errors.New("profile generic (salaries) takes pay, not band figures (use --target published)")
	}
	return p, nil
}

// Profiles lists the built-in profiles by name; auto tries them in order.
var Profiles = []*Profile{SurveyProfile, LCAProfile, OEWSProfile}

// ProfileByName returns a built-in profile.
func ProfileByName(name string) (*Profile, error) {
	for _, p := range Profiles {
		if p.Name == name {
			return p, nil
		}
	}
	names := make([]string, 0, len(Profiles))
	for _, p := range Profiles {
		names = append(names, p.Name)
	}
	return nil, fmt.Errorf("unknown profile %q (known: %s, generic, auto)", name, strings.Join(names, ", "))
}

// AutoProfile picks the first built-in profile whose required columns the
// header has, and says why. When none fits, the error is one sentence that
// names the header and what each profile looks for.
func AutoProfile(header []string) (*Binding, string, error) {
	var wants []string
	for _, p := range Profiles {
		b, err := p.Bind(header)
		if err == nil {
			var cols []string
			for _, f := range p.Required {
				cols = append(cols, b.Column(f))
			}
			cols = append(cols, p.Needs...)
			return b, fmt.Sprintf("profile %s: header has %s", p.Name, strings.Join(cols, ", ")), nil
		}
		wants = append(wants, p.Name+" needs "+p.signature())
	}
	shown := header
	more := ""
	if len(shown) > 8 {
		shown, more = shown[:8], fmt.Sprintf(", … (%d columns)", len(header))
	}
	cells := make([]string, len(shown))
	for i, h := range shown {
		cells[i] = shortCell(h)
	}
	return nil, "", fmt.Errorf("%w: the header (%s%s) is not a known salary or published-band source (%s); use --profile generic with --map title=COLUMN,pay=COLUMN",
		ErrNoProfile, strings.Join(cells, ", "), more, strings.Join(wants, "; "))
}

// maxShownCell bounds a header cell quoted in an error message.
const maxShownCell = 40

// shortCell makes a header cell fit in a one-line message: control
// characters (a quoted newline, NUL) become spaces and long cells are cut.
func shortCell(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > maxShownCell {
		s = string(r[:maxShownCell]) + fmt.Sprintf("… (%d characters)", len(r))
	}
	return s
}

// signature names the columns a profile needs, first choices only.
func (p *Profile) signature() string {
	var cols []string
	for _, f := range p.Required {
		if c := p.Columns[f]; len(c) > 0 {
			cols = append(cols, c[0])
		}
	}
	cols = append(cols, p.Needs...)
	switch len(cols) {
	case 0:
		return "nothing"
	case 1:
		return cols[0]
	}
	return strings.Join(cols[:len(cols)-1], ", ") + " and " + cols[len(cols)-1]
}
