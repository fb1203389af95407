package ingest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"payband/pay"
	"payband/warehouse"
)

// MaxTitleLen bounds a title in runes; longer ones are rejected rather than
// stored, so one hostile cell cannot bloat the title map.
const MaxTitleLen = 300

// maxRejectValue bounds the value kept in rejects for a person to read.
const maxRejectValue = 200

// Wage bases recorded in salaries.wage_basis.
const (
	BasisReported   = "reported"   // a survey's own figure (salary_in_usd or salary)
	BasisOffered    = "offered"    // an LCA's offered wage (WAGE_RATE_OF_PAY)
	BasisPrevailing = "prevailing" // an LCA's prevailing wage, used when no offered wage is present
)

// ConvertOptions are the row rules a caller may change.
type ConvertOptions struct {
	Bounds    pay.Bounds
	Point     pay.PointRule
	FX        *pay.FX
	MinYear   int // default 2000
	MaxYear   int // default: next calendar year
	Year      int // --year: used when the source has no year column
	Currency  string
	Unit      string
	Published bool
}

func (o *ConvertOptions) defaults() {
	if o.Bounds == (pay.Bounds{}) {
		o.Bounds = pay.DefaultBounds
	}
	if o.FX == nil {
		o.FX = pay.DefaultFX()
	}
	if o.MinYear == 0 {
		o.MinYear = 2000
	}
	if o.MaxYear == 0 {
		o.MaxYear = time.Now().Year() + 1
	}
}

// obsSchema and rejectSchema are the Arrow shapes of clean and rejected
// rows, the warehouse's (warehouse.LoadSession).
var (
	obsSchema    = warehouse.ObservationSchema
	rejectSchema = warehouse.RejectSchema
)

// converter turns raw batches into clean and reject batches.
type converter struct {
	b     *Binding
	opt   ConvertOptions
	clean cleanBuilder
	rej   *array.RecordBuilder
	// titles gives each distinct raw title of the file its title_id in
	// source_titles, numbered from nextTitle.
	titles    map[string]int32
	nextTitle int32
	// cases holds this file's case numbers; a repeat is a duplicate (the
	// first filing wins) and is counted in dups instead of loaded.
	cases *caseSet
	dups  int64
	// dateLayout is the index in dateLayouts that parsed the last date.
	dateLayout int
	// textCols are the optional Utf8 outputs copied as-is: output column
	// index in obsSchema and the field it comes from.
	textCols []textCol
	// Results remembered per cell text: a date's year, a pay unit, and a
	// rewritten text field's value (memoText says which fields).
	years    memo[int]
	units    memo[pay.Unit]
	texts    [numFields]memo[string]
	memoText [numFields]bool
	// colValues rewrites the employment-type column's own values (the
	// profile's ColumnValues for the bound column), before Values.
	colValues map[string]string
	// cityFromWorksite: the city column is the Kaggle "CITY, STATE"
	// WORKSITE, whose part before the last comma is the city.
	cityFromWorksite bool
}

type textCol struct {
	out int
	f   Field
}

func newConverter(mem memory.Allocator, b *Binding, opt ConvertOptions) *converter {
	opt.defaults()
	c := &converter{
		b:      b,
		opt:    opt,
		clean:  newCleanBuilder(),
		rej:    array.NewRecordBuilder(mem, rejectSchema),
		titles: make(map[string]int32),
		cases:  newCaseSet(),
		textCols: []textCol{
			{9, FCountry}, {10, FState}, {11, FEmployer}, {12, FEmploymentType},
			{13, FExperience}, {14, FCompanySize}, {15, FCompanyCountry},
			{18, FWageLevel}, {19, FCaseStatus}, {20, FSOC},
			{23, FCounty}, {24, FCity}, {25, FPostalCode},
		},
	}
	// Only the fields whose values are rewritten are worth a map probe; the
	// rest cost no more than cleanTitle's scan.
	if b.Profile != nil {
		for f := range b.Profile.Values {
			c.memoText[f] = true
		}
	}
	c.memoText[FState] = true
	c.memoText[FCity] = true
	if j := b.Index[FEmploymentType]; j >= 0 && j < len(b.Header) && b.Profile != nil {
		c.colValues = b.Profile.ColumnValues[strings.ToUpper(strings.TrimSpace(b.Header[j]))]
	}
	if j := b.Index[FCity]; j >= 0 && j < len(b.Header) {
		c.cityFromWorksite = strings.EqualFold(strings.TrimSpace(b.Header[j]), "WORKSITE")
	}
	return c
}

func (c *converter) release() {
	c.rej.Release()
	c.cases.release()
}

// rowView reads one raw row's cells by field.
type rowView struct {
	cols []*array.String
	b    *Binding
	i    int
	cn   caseRef // the row's case number, read once by convert
}

// caseRef is a case number as read from its cell, and its packed code when
// it has the DOL shape (caseCode).
type caseRef struct {
	s      string
	code   int64
	isCode bool
}

func caseRefOf(cell string) caseRef {
	s := trimSpace(cell)
	code, ok := caseCode(s)
	return caseRef{s, code, ok}
}

func (v rowView) get(f Field) string {
	j := v.b.Index[f]
	if j < 0 {
		return ""
	}
	return trimSpace(v.cols[j].Value(v.i))
}

// trimSpace is strings.TrimSpace with a fast path for the usual cell, which
// starts and ends with a printable ASCII byte: once per cell, the call was a
// visible share of a load.
func trimSpace(s string) string {
	if n := len(s); n == 0 || (s[0] > ' ' && s[0] < utf8.RuneSelf && s[n-1] > ' ' && s[n-1] < utf8.RuneSelf) {
		return s
	}
	return strings.TrimSpace(s)
}

// caseAhead is how many rows' case numbers convert reads, and whose slots
// in the case set it touches, before it converts the first of them: the
// set is tens of megabytes, so each row's lookup was a cache miss the
// row's other work could not hide; touched together, the misses overlap.
const caseAhead = 32

// convert processes one raw batch, returning the clean and reject batches
// (either may have zero rows). The caller releases both.
func (c *converter) convert(raw arrow.RecordBatch) (clean, rej arrow.RecordBatch) {
	ncol := len(c.b.Header)
	cols := make([]*array.String, ncol)
	for j := 0; j < ncol; j++ {
		cols[j] = raw.Column(j).(*array.String)
	}
	rows := raw.Column(ncol).(*array.Int64)
	problems := raw.Column(ncol + 1).(*array.String)
	var caseCol *array.String
	if j := c.b.Index[FCaseNumber]; j >= 0 {
		caseCol = cols[j]
	}
	n := int(raw.NumRows())
	var refs [caseAhead]caseRef
	for i := 0; i < n; i++ {
		var cur caseRef
		if caseCol != nil {
			if i%caseAhead == 0 {
				m := min(caseAhead, n-i)
				for j := range m {
					refs[j] = caseRefOf(caseCol.Value(i + j))
				}
				c.cases.touch(refs[:m])
			}
			cur = refs[i%caseAhead]
		}
		row := rows.Value(i)
		if p := problems.Value(i); p != "" {
			c.reject(row, "", "", p)
			continue
		}
		c.row(rowView{cols: cols, b: c.b, i: i, cn: cur}, row)
	}
	return c.clean.newRecord(), c.rej.NewRecordBatch()
}

// Positions of obsSchema's columns that cleanBuilder fills by name.
const (
	obsUnit       = 6
	obsCurrency   = 7
	obsBasis      = 17
	obsCaseNumber = 21
	obsColumns    = 26
)

// cleanBuilder builds one clean batch in obsSchema's shape (columns.go).
type cleanBuilder struct {
	n       int
	rowNo   numCol[int64]
	year    numCol[int32]
	title   numCol[int32]
	pay     [3]numCol[float64] // pay_usd, pay_usd_low, pay_usd_high
	local   numCol[float64]
	remote  numCol[int32]
	code    numCol[int64]
	str     [obsColumns]strCol // at the Utf8 positions of obsSchema
	dataLen [obsColumns]int    // their bytes in the last batch
}

func newCleanBuilder() cleanBuilder {
	var b cleanBuilder
	b.local.nullable, b.remote.nullable, b.code.nullable = true, true, true
	for i, f := range obsSchema.Fields() {
		if f.Type.ID() == arrow.STRING {
			b.str[i].nullable = f.Nullable
		}
	}
	b.reset()
	return b
}

// reset starts a batch sized like the last one, strings an eighth larger.
func (b *cleanBuilder) reset() {
	rows := BatchSize / 8
	if b.n > 0 {
		rows = b.n
	}
	b.rowNo.reset(rows)
	b.year.reset(rows)
	b.title.reset(rows)
	for i := range b.pay {
		b.pay[i].reset(rows)
	}
	b.local.reset(rows)
	b.remote.reset(rows)
	b.code.reset(rows)
	for i, f := range obsSchema.Fields() {
		if f.Type.ID() == arrow.STRING {
			b.str[i].reset(rows, b.dataLen[i]+b.dataLen[i]/8)
		}
	}
	b.n = 0
}

// newRecord hands over the batch and starts the next.
func (b *cleanBuilder) newRecord() arrow.RecordBatch {
	fields := obsSchema.Fields()
	arrs := make([]arrow.Array, len(fields))
	for i, f := range fields {
		switch {
		case f.Type.ID() == arrow.STRING:
			b.dataLen[i] = len(b.str[i].data)
			arrs[i] = b.str[i].array()
		case f.Name == "row_no":
			arrs[i] = b.rowNo.array()
		case f.Name == "year":
			arrs[i] = b.year.array()
		case f.Name == "title_id":
			arrs[i] = b.title.array()
		case f.Name == "pay_usd":
			arrs[i] = b.pay[0].array()
		case f.Name == "pay_usd_low":
			arrs[i] = b.pay[1].array()
		case f.Name == "pay_usd_high":
			arrs[i] = b.pay[2].array()
		case f.Name == "pay_local":
			arrs[i] = b.local.array()
		case f.Name == "remote_ratio":
			arrs[i] = b.remote.array()
		case f.Name == "case_code":
			arrs[i] = b.code.array()
		default:
			panic("cleanBuilder: no column for " + f.Name)
		}
	}
	rec := array.NewRecordBatch(obsSchema, arrs, int64(b.n))
	for _, a := range arrs {
		a.Release()
	}
	b.reset()
	return rec
}

func (c *converter) reject(row int64, column, value, reason string) {
	if utf8.RuneCountInString(value) > maxRejectValue {
		value = string([]rune(value)[:maxRejectValue]) + "…"
	}
	c.rej.Field(0).(*array.Int64Builder).Append(row)
	c.rej.Field(1).(*array.StringBuilder).Append(column)
	c.rej.Field(2).(*array.StringBuilder).Append(value)
	c.rej.Field(3).(*array.StringBuilder).Append(reason)
}

// cleanTitle drops control characters (NUL included) and collapses runs of
// white space; what remains is the raw title as stored.
func cleanTitle(s string) string {
	// One pass decides whether s is already clean: printable ASCII with no
	// two spaces in a row, as nearly every cell is.
	for i := 0; i < len(s); i++ {
		if b := s[i]; b > ' ' && b < 0x7f || b == ' ' && (i+1 == len(s) || s[i+1] != ' ') {
			continue
		}
		return cleanText(s)
	}
	return s
}

func cleanText(s string) string {
	var sb strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == utf8.RuneError {
			space = true
			continue
		}
		if space && sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		space = false
		sb.WriteRune(r)
	}
	return sb.String()
}

// rowPay is the pay one row yields, in USD, with how it was read.
type rowPay struct {
	point, low, high float64
	unit, currency   string
	local            float64
	hasLocal         bool
	basis            string
}

func (c *converter) row(v rowView, row int64) {
	b := c.b
	title := cleanTitle(v.get(FTitle))
	if title == "" {
		c.reject(row, b.Column(FTitle), v.get(FTitle), ErrMissingTitle.Error())
		return
	}
	if utf8.RuneCountInString(title) > MaxTitleLen {
		c.reject(row, b.Column(FTitle), title, fmt.Sprintf("%v: %d characters, at most %d", ErrTitleTooLong, utf8.RuneCountInString(title), MaxTitleLen))
		return
	}
	year, col, val, err := c.year(v)
	if err != nil {
		c.reject(row, col, val, err.Error())
		return
	}
	p, col, val, err := c.pay(v, year)
	if err != nil {
		c.reject(row, col, val, err.Error())
		return
	}
	if err := c.opt.Bounds.Check(p.point); err != nil {
		c.reject(row, col, val, err.Error())
		return
	}
	cn := v.cn
	if cn.isCode && !c.cases.addCode(cn.code) || !cn.isCode && cn.s != "" && !c.cases.add(cn.s) {
		c.dups++
		return
	}
	// title points into the raw batch: a new one is copied, or the map
	// would keep every batch's title column alive.
	id, ok := c.titles[title]
	if !ok {
		id = c.nextTitle
		c.nextTitle++
		c.titles[strings.Clone(title)] = id
	}
	cb := &c.clean
	cb.rowNo.append(row)
	cb.year.append(int32(year))
	cb.title.append(id)
	cb.pay[0].append(p.point)
	cb.pay[1].append(p.low)
	cb.pay[2].append(p.high)
	cb.str[obsUnit].append(p.unit)
	cb.str[obsCurrency].append(p.currency)
	if p.hasLocal {
		cb.local.append(p.local)
	} else {
		cb.local.appendNull()
	}
	for _, tc := range c.textCols {
		cb.str[tc.out].appendOrNull(c.text(v, tc.f))
	}
	// Most sources have no remote ratio: an empty cell skips Atoi, whose
	// error for "" is an allocation a row.
	if rs := v.get(FRemote); rs == "" {
		cb.remote.appendNull()
	} else if r, err := strconv.Atoi(rs); err == nil && r >= 0 && r <= 100 {
		cb.remote.append(int32(r))
	} else {
		cb.remote.appendNull()
	}
	cb.str[obsBasis].append(p.basis)
	// A DOL-shaped case number is stored as a number (case_code), the rest
	// as text: millions of unique strings were the costliest column to
	// store (schema version 2).
	if cn.isCode {
		cb.str[obsCaseNumber].appendOrNull("")
		cb.code.append(cn.code)
	} else {
		cb.str[obsCaseNumber].appendOrNull(c.text(v, FCaseNumber))
		cb.code.appendNull()
	}
	cb.n++
}

// unit decides the pay unit of one wage. A file with a unit column takes
// it from the column, always: an empty cell there is refused rather than
// guessed (unless the pay string itself names its unit, "$21 Per Hour").
// The column wins over the string when both name one. Only a file with
// no unit column uses, in order, the string's own unit, --unit, and the
// profile's default with its hourly rule (LCA: below $1,000 is hourly).
func (c *converter) unit(v rowView, fUnit Field, own pay.Unit, a pay.Amount) (pay.Unit, string, string, error) {
	b := c.b
	us := v.get(fUnit)
	switch {
	case us != "":
	case own != "":
		return own, "", "", nil
	case b.Index[fUnit] >= 0:
		return "", b.Column(fUnit), "", fmt.Errorf("%w: the unit column %s is empty", pay.ErrUnknownUnit, b.Column(fUnit))
	default:
		us = c.opt.Unit
		if us == "" {
			us = b.Profile.DefaultUnit
			if h := b.Profile.HourlyBelow; h > 0 && a.Point(c.opt.Point) < h {
				us = "hour"
			}
		}
	}
	if u, ok := c.units.get(us); ok {
		return u, "", "", nil
	}
	u, err := pay.ParseUnit(us)
	if err != nil {
		return "", b.Column(fUnit), us, err
	}
	c.units.put(us, u)
	return u, "", "", nil
}

// caseCode packs a DOL case number, a capital letter and 3, 5 and 6 digits
// ("I-200-19268-393130"), into one int64: letter·10¹⁴ + d3·10¹¹ + d5·10⁶ +
// d6, letter counted from 'A'. Any other shape is not packed. The packing is
// exact both ways; warehouse/sql/002_case_code.sql does the same in SQL and
// shows how to unpack it.
func caseCode(s string) (int64, bool) {
	if len(s) != 18 || s[0] < 'A' || s[0] > 'Z' || s[1] != '-' || s[5] != '-' || s[11] != '-' {
		return 0, false
	}
	n := int64(s[0] - 'A')
	for i := 2; i < 18; i++ {
		if i == 5 || i == 11 {
			continue
		}
		d := s[i] - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + int64(d)
	}
	return n, true
}

// text is a descriptive field's stored value: cleaned, rewritten by the
// profile's value map, states as postal codes, and the profile's default
// country when the source has no country column.
func (c *converter) text(v rowView, f Field) string {
	if !c.memoText[f] {
		return c.textOf(v.get(f), f)
	}
	cell := v.get(f)
	if s, ok := c.texts[f].get(cell); ok {
		return s
	}
	s := c.textOf(cell, f)
	c.texts[f].put(cell, s)
	return s
}

func (c *converter) textOf(cell string, f Field) string {
	p := c.b.Profile
	s := cleanTitle(cell)
	if s == "" {
		if f == FCountry && c.b.Index[FCountry] < 0 {
			return p.DefaultCountry
		}
		return ""
	}
	rewritten := false
	if f == FEmploymentType && c.colValues != nil {
		if r, ok := c.colValues[strings.ToUpper(s)]; ok {
			s, rewritten = r, true
		}
	}
	if m := p.Values[f]; m != nil && !rewritten {
		if r, ok := m[strings.ToUpper(s)]; ok {
			s = r
		}
	}
	switch f {
	case FState:
		s = normState(s)
	case FCity:
		if c.cityFromWorksite {
			i := strings.LastIndexByte(s, ',')
			if i < 0 {
				return ""
			}
			s = strings.TrimSpace(s[:i])
		}
	}
	return s
}

// year reads the year from the year column, else the date column, else the
// --year option.
func (c *converter) year(v rowView) (int, string, string, error) {
	b := c.b
	var y int
	ys, ds := v.get(FYear), ""
	if ys == "" {
		ds = v.get(FDate)
	}
	switch {
	case ys != "":
		s := ys
		n, err := strconv.Atoi(strings.TrimSuffix(s, ".0"))
		if err != nil {
			return 0, b.Column(FYear), s, fmt.Errorf("%w: %q is not a year", ErrBadYear, s)
		}
		y = n
	case ds != "":
		var ok bool
		if y, ok = dateYear(ds); ok {
			break
		}
		if y, ok = c.years.get(ds); ok {
			break
		}
		t, err := parseDate(ds, &c.dateLayout)
		if err != nil {
			return 0, b.Column(FDate), ds, fmt.Errorf("%w: %v", ErrBadYear, err)
		}
		y = t.Year()
		c.years.put(ds, y)
	case c.opt.Year != 0:
		y = c.opt.Year
	default:
		col := b.Column(FYear)
		if b.Index[FYear] < 0 && b.Index[FDate] >= 0 {
			col = b.Column(FDate)
		}
		return 0, col, "", fmt.Errorf("%w: no year (pass --year for sources without one)", ErrBadYear)
	}
	if y < c.opt.MinYear || y > c.opt.MaxYear {
		col := b.Column(FYear)
		if b.Index[FYear] < 0 {
			col = b.Column(FDate)
		}
		return 0, col, strconv.Itoa(y), fmt.Errorf("%w: %d is outside %d–%d", ErrBadYear, y, c.opt.MinYear, c.opt.MaxYear)
	}
	return y, "", "", nil
}

var dateLayouts = []string{"2006-01-02", "01/02/2006", "1/2/2006", "2006-01-02 15:04:05", "2006-01-02T15:04:05Z07:00", "01/02/06", "2006/01/02",
	"01-02-06", "1/2/06", "1/2/06 15:04", "2006-01-02 15:04:05.000", "2006-01-02T15:04:05"}

// dateYear reads the year of a date written 01/02/2006 or 2006-01-02, the
// layouts DOL files use, without time.Parse; it agrees with parseDate on
// every string it accepts (FuzzDateYear) and leaves the rest to it.
func dateYear(s string) (int, bool) {
	if len(s) != 10 {
		return 0, false
	}
	var y, m, d int
	switch {
	case s[2] == '/' && s[5] == '/':
		m, d, y = digits(s[0:2]), digits(s[3:5]), digits(s[6:10])
	case s[4] == '-' && s[7] == '-':
		y, m, d = digits(s[0:4]), digits(s[5:7]), digits(s[8:10])
	default:
		return 0, false
	}
	if y < 0 || m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
		return 0, false
	}
	return y, true
}

// digits is the value of a string of ASCII digits, or -1.
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return -1
		}
		n = n*10 + int(c)
	}
	return n
}

func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// parseDate tries the layout that matched last (*last) before the others:
// a file writes its dates one way, and each failed layout costs a parse.
func parseDate(s string, last *int) (time.Time, error) {
	if t, err := time.Parse(dateLayouts[*last], s); err == nil {
		return t, nil
	}
	for i, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			*last = i
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a valid date", s)
}

// pay picks the figure by the documented precedence: the source's own USD
// figure, else the offered wage, else the prevailing wage. On error it
// returns the column and value to blame.
func (c *converter) pay(v rowView, year int) (rowPay, string, string, error) {
	b := c.b
	if s := v.get(FPayUSD); s != "" {
		a, err := pay.ParseAmount(s)
		if err != nil {
			return rowPay{}, b.Column(FPayUSD), s, err
		}
		p := rowPay{point: a.Point(c.opt.Point), low: a.Low, high: a.High, unit: "year", currency: "USD", basis: BasisReported}
		if ls := v.get(FPay); ls != "" {
			if la, err := pay.ParseAmount(ls); err == nil {
				p.local, p.hasLocal = la.Point(c.opt.Point), true
			}
		}
		if cur := strings.ToUpper(v.get(FCurrency)); cur != "" {
			p.currency = cur
		}
		return p, b.Column(FPayUSD), s, nil
	}
	// A cell that says "no figure" (-1, N/A) is an empty one: the next
	// figure in the precedence is used, and the reject, if it comes to
	// that, names the cell.
	var missing error
	missCol, missVal := "", ""
	if s := v.get(FPay); s != "" {
		p, col, val, err := c.wage(v, year, s, FPay, FPayTo, FUnit, BasisOffered)
		if !errors.Is(err, pay.ErrPayMissing) {
			return p, col, val, err
		}
		missing, missCol, missVal = err, col, val
	}
	if s := v.get(FPWPay); s != "" {
		p, col, val, err := c.wage(v, year, s, FPWPay, -1, FPWUnit, BasisPrevailing)
		if !errors.Is(err, pay.ErrPayMissing) {
			return p, col, val, err
		}
		if missing == nil {
			missing, missCol, missVal = err, col, val
		}
	}
	if missing != nil {
		return rowPay{}, missCol, missVal, fmt.Errorf("%w: %v", ErrNoPay, missing)
	}
	col := b.Column(FPayUSD)
	if b.Index[FPayUSD] < 0 {
		col = b.Column(FPay)
	}
	return rowPay{}, col, "", ErrNoPay
}

// wage reads a wage quoted per unit; s is the cell of fFrom, read as a
// posted-salary string (pay.ParsePosted), so "X -" is the single
// figure X and "$21-$34 Per Hour" names its own unit.
func (c *converter) wage(v rowView, year int, s string, fFrom, fTo, fUnit Field, basis string) (rowPay, string, string, error) {
	b := c.b
	ps, err := pay.ParsePosted(s)
	if err != nil {
		return rowPay{}, b.Column(fFrom), s, err
	}
	a := ps.Amount
	if fTo >= 0 {
		if ts := v.get(fTo); ts != "" {
			if ta, err := pay.ParsePosted(ts); err == nil && ta.High > a.High {
				a.High, a.Range = ta.High, true
			}
		}
	}
	unit, col, val, err := c.unit(v, fUnit, ps.Unit, a)
	if err != nil {
		return rowPay{}, col, val, err
	}
	cur := strings.ToUpper(v.get(FCurrency))
	if cur == "" {
		cur = a.Currency
	}
	if cur == "" {
		cur = c.opt.Currency
	}
	if cur == "" {
		cur = b.Profile.DefaultCurrency
	}
	if cur == "" {
		cur = "USD"
	}
	per := unit.PerYear()
	local := a.Point(c.opt.Point) * per
	conv := func(x float64) (float64, error) { return c.opt.FX.ToUSD(x*per, cur, year) }
	point, err := conv(a.Point(c.opt.Point))
	if err != nil {
		col := b.Column(FCurrency)
		if b.Index[FCurrency] < 0 {
			col = b.Column(fFrom)
		}
		return rowPay{}, col, cur, err
	}
	low, _ := conv(a.Low)
	high, _ := conv(a.High)
	return rowPay{point: point, low: low, high: high, unit: string(unit), currency: cur, local: local, hasLocal: cur != "USD", basis: basis}, b.Column(fFrom), s, nil
}
