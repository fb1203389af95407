package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Number formats. A spreadsheet cell is read as the spreadsheet displays
// it, and "as displayed" means as excelize renders it (the reader payband
// used before the streaming one, and the reference its tests compare
// against). Rendering every format code natively would mean re-writing
// excelize's 8,000-line formatter, so the reader renders natively only
// what real files use in bulk — General, and plain date codes such as
// mm-dd-yy or m/d/yyyy on whole-day serials — and hands every other
// (style, value) pair to excelize itself, through a one-cell workbook,
// with the results memoized. Both paths are checked against excelize on
// the same values (TestXLSXFormatsMatchExcelize).

// dateToken is one piece of a plain date code.
type dateToken struct {
	kind byte   // 'y' (width 2 or 4), 'm' (1–4), 'd' (1–4), 'l' literal
	n    int    // width
	lit  string // the literal
}

// parseDateCode reads a date code made only of y, m, d runs and plain
// separators. Anything else (times, quoted text, locales, colours,
// sections) is not a plain date code.
func parseDateCode(code string) ([]dateToken, bool) {
	lc := strings.ToLower(code)
	var toks []dateToken
	hasDate := false
	for i := 0; i < len(lc); {
		c := lc[i]
		switch c {
		case 'y', 'm', 'd':
			j := i
			for j < len(lc) && lc[j] == c {
				j++
			}
			n := j - i
			switch {
			case c == 'y' && n != 2 && n != 4, n > 4:
				return nil, false
			}
			toks = append(toks, dateToken{kind: c, n: n})
			hasDate = true
			i = j
		case '-', '/', ' ', '.', ',':
			toks = append(toks, dateToken{kind: 'l', lit: string(c)})
			i++
		default:
			return nil, false
		}
	}
	return toks, hasDate
}

// renderDate renders a whole-day serial number v with a plain date code.
// ok is false for what it leaves to the oracle: fractions, serials before
// March 1900 (Excel's leap-year quirk) and past 9999.
func renderDate(dst, v []byte, toks []dateToken, date1904 bool) ([]byte, bool) {
	if len(v) == 0 || len(v) > 7 {
		return dst, false
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return dst, false
		}
		n = n*10 + int(c-'0')
	}
	if n <= 61 || n > 2958465 {
		return dst, false
	}
	epoch := time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		epoch = time.Date(1904, time.January, 1, 0, 0, 0, 0, time.UTC)
	}
	t := epoch.AddDate(0, 0, n)
	// One decomposition for all the tokens: each of Year, Month and Day
	// would work out the civil date again.
	year, month, day := t.Date()
	if year > 9999 {
		return dst, false
	}
	for _, tk := range toks {
		switch tk.kind {
		case 'l':
			dst = append(dst, tk.lit...)
		case 'y':
			if tk.n == 2 {
				dst = appendPad2(dst, year%100)
			} else {
				dst = strconv.AppendInt(dst, int64(year), 10)
			}
		case 'm':
			switch tk.n {
			case 1:
				dst = strconv.AppendInt(dst, int64(month), 10)
			case 2:
				dst = appendPad2(dst, int(month))
			case 3:
				dst = append(dst, month.String()[:3]...)
			default:
				dst = append(dst, month.String()...)
			}
		case 'd':
			switch tk.n {
			case 1:
				dst = strconv.AppendInt(dst, int64(day), 10)
			case 2:
				dst = appendPad2(dst, day)
			case 3:
				dst = append(dst, t.Weekday().String()[:3]...)
			default:
				dst = append(dst, t.Weekday().String()...)
			}
		}
	}
	return dst, true
}

func appendPad2(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/10%10), byte('0'+n%10))
}

// fmtOracle renders values through excelize: one workbook, one cell, a
// style per cell format of the source workbook.
type fmtOracle struct {
	f      *excelize.File
	sheet  string
	styles map[int]int // source cellXfs index -> oracle style id (-1: none)
	memo   map[oracleKey]string
}

type oracleKey struct {
	xf  int
	t   cellType
	val string
}

// maxOracleMemo bounds the memo; it is cleared when full.
const maxOracleMemo = 1 << 16

func (wb *workbook) oracleFormat(xf int, t cellType, v []byte) (string, error) {
	o := wb.oracle
	if o == nil {
		f := excelize.NewFile()
		if wb.date1904 {
			yes := true
			if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
				return "", fmt.Errorf("%w: number formats: %v", ErrUnreadable, err)
			}
		}
		o = &fmtOracle{f: f, sheet: f.GetSheetName(0), styles: map[int]int{}, memo: map[oracleKey]string{}}
		wb.oracle = o
	}
	key := oracleKey{xf, t, string(v)}
	if s, ok := o.memo[key]; ok {
		return s, nil
	}
	id, ok := o.styles[xf]
	if !ok {
		fm := wb.xfs[xf]
		st := &excelize.Style{}
		if fm.custom {
			code := fm.code
			st.CustomNumFmt = &code
		} else {
			st.NumFmt = fm.id
		}
		var err error
		if id, err = o.f.NewStyle(st); err != nil {
			id = -1
		}
		o.styles[xf] = id
	}
	out := key.val
	if id >= 0 {
		var err error
		switch t {
		case cellNumber:
			err = o.f.SetCellDefault(o.sheet, "A1", key.val)
		default:
			err = o.f.SetCellStr(o.sheet, "A1", key.val)
		}
		if err == nil {
			err = o.f.SetCellStyle(o.sheet, "A1", "A1", id)
		}
		if err == nil {
			out, err = o.f.GetCellValue(o.sheet, "A1")
		}
		if err != nil {
			out = key.val
		}
	}
	if len(o.memo) >= maxOracleMemo {
		clear(o.memo)
	}
	o.memo[key] = out
	return out, nil
}
