package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"payband/bands"
)

// Formats are the output formats of bands and query.
var Formats = []string{"table", "csv", "json", "md"}

// CheckFormat refuses anything but Formats.
func CheckFormat(f string) error {
	if slices.Contains(Formats, f) {
		return nil
	}
	return fmt.Errorf("unknown format %q: use table, csv, json or md", f)
}

// Table is a rectangular result: column names and rows of values
// (string, int64, float64, bool, time.Time or nil).
type Table struct {
	Columns []string
	Rows    [][]any
	// Kinds names what a column's numbers are, for md output: "usd"
	// ($ and thousands separators) or "count" (thousands separators).
	// Other whole numbers, such as years, print plainly.
	Kinds map[string]string
}

// bandColumns are the statistic columns of a band, after the group keys.
var bandColumns = []string{"n", "min", "p10", "p25", "median", "p75", "p90", "max", "mean", "stddev",
	"median_ci_low", "median_ci_high", "low_n", "basis", "scope_kinds", "scope_countries", "scope_years",
	"scope_case_status"}

// BandsTable lays bands out as a Table: group keys, then the statistics in
// whole dollars (rounded on output only).
func BandsTable(bs []bands.Band, keys []string) Table {
	t := Table{Columns: append(append([]string{}, keys...), bandColumns...), Kinds: bandKinds}
	for _, b := range bs {
		row := make([]any, 0, len(t.Columns))
		for _, k := range keys {
			v := groupValue(k, b.Value(k))
			for _, kv := range b.Group {
				if kv.Key == k && kv.Null {
					v = bands.Missing(kv.Display())
				}
			}
			row = append(row, v)
		}
		row = append(row, int64(b.N), Whole(b.Min), Whole(b.P10), Whole(b.P25), Whole(b.Median),
			Whole(b.P75), Whole(b.P90), Whole(b.Max), Whole(b.Mean), Whole(b.Stddev))
		if b.MedianCILow == 0 && b.MedianCIHigh == 0 {
			row = append(row, nil, nil)
		} else {
			row = append(row, Whole(b.MedianCILow), Whole(b.MedianCIHigh))
		}
		row = append(row, b.LowN, b.Basis, b.Scope.KindsText(), b.Scope.CountriesText(), b.Scope.YearsText(),
			nullable(b.Scope.CaseStatus))
		t.Rows = append(t.Rows, row)
	}
	return t
}

// nullable is nil for "", else s.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Whole rounds a dollar figure to whole dollars, half away from zero.
func Whole(v float64) int64 { return int64(math.Round(v)) }

// RenderOptions tunes Write. The zero value is what every command prints:
// CSV with formula cells neutralized, terminal text escaped.
type RenderOptions struct {
	// RawCSV turns off what CSV output does by default: prefix text cells
	// that a spreadsheet would run as a formula (starting with = + - @,
	// tab or CR) with a single quote.
	RawCSV bool
	// SafeJSON prefixes such strings in JSON output too (the report's
	// bands.json, which spreadsheets import).
	SafeJSON bool
}

// Write renders t in format to w.
func (t Table) Write(w io.Writer, format string, opt RenderOptions) error {
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		hdr := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			hdr[i] = cell(c, !opt.RawCSV)
		}
		if err := cw.Write(hdr); err != nil {
			return err
		}
		for _, r := range t.Rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = cell(v, !opt.RawCSV)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	case "json":
		var buf bytes.Buffer
		buf.WriteString("[")
		for i, r := range t.Rows {
			if i > 0 {
				buf.WriteString(",")
			}
			buf.WriteString("\n  {")
			for j, v := range r {
				if j > 0 {
					buf.WriteString(", ")
				}
				k, _ := json.Marshal(t.Columns[j])
				buf.Write(k)
				buf.WriteString(": ")
				if s, ok := v.(string); ok && opt.SafeJSON {
					v = safeText(s)
				}
				if _, ok := v.(bands.Missing); ok {
					v = nil
				}
				if tm, ok := v.(time.Time); ok {
					v = tm.UTC().Format(time.RFC3339)
				}
				if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
					v = nil
				}
				b, err := json.Marshal(v)
				if err != nil {
					return err
				}
				buf.Write(b)
			}
			buf.WriteString("}")
		}
		if len(t.Rows) > 0 {
			buf.WriteString("\n")
		}
		buf.WriteString("]\n")
		_, err := w.Write(buf.Bytes())
		return err
	case "md":
		_, err := w.Write(t.markdown())
		return err
	case "table", "":
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		hdr := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			hdr[i] = TerminalText(c)
		}
		fmt.Fprintln(tw, strings.Join(hdr, "\t")+"\t")
		for _, r := range t.Rows {
			cells := make([]string, len(r))
			for i, v := range r {
				cells[i] = TerminalText(cell(v, false))
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
		}
		return tw.Flush()
	}
	return CheckFormat(format)
}

func cell(v any, safe bool) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bands.Missing:
		return string(x)
	case string:
		if safe {
			return safeText(x)
		}
		return x
	case []byte:
		return string(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

// safeText defuses spreadsheet formula injection (OWASP CSV injection).
func safeText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// TerminalText escapes what a terminal would act on rather than show: C0
// and C1 control characters (ESC, newline, tab, CR, ...), DEL, and the
// Unicode line separators and bidirectional overrides. Each is written as
// a Go escape (\x1b, \n, \u202e), so a file name or cell cannot move the
// cursor, recolour the screen, break a line or reorder what follows.
func TerminalText(s string) string {
	clean := true
	for _, r := range s {
		if escapeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !escapeRune(r) {
			b.WriteRune(r)
			continue
		}
		switch r {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		}
	}
	return b.String()
}

func escapeRune(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r < 0xa0) || r == 0x2028 || r == 0x2029 ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0xfeff
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

func mdEscapeAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = mdEscape(s)
	}
	return out
}
