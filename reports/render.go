package reports

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
}

// bandColumns are the statistic columns of a band, after the group keys.
var bandColumns = []string{"n", "min", "p10", "p25", "median", "p75", "p90", "max", "mean", "stddev",
	"median_ci_low", "median_ci_high", "low_n", "basis"}

// BandsTable lays bands out as a Table: group keys, then the statistics in
// whole dollars (rounded on output only).
func BandsTable(bands []Band, keys []string) Table {
	t := Table{Columns: append(append([]string{}, keys...), bandColumns...)}
	for _, b := range bands {
		row := make([]any, 0, len(t.Columns))
		for _, k := range keys {
			row = append(row, b.Value(k))
		}
		row = append(row, int64(b.N), Whole(b.Min), Whole(b.P10), Whole(b.P25), Whole(b.Median),
			Whole(b.P75), Whole(b.P90), Whole(b.Max), Whole(b.Mean), Whole(b.Stddev))
		if b.MedianCILow == 0 && b.MedianCIHigh == 0 {
			row = append(row, nil, nil)
		} else {
			row = append(row, Whole(b.MedianCILow), Whole(b.MedianCIHigh))
		}
		row = append(row, b.LowN, b.Basis)
		t.Rows = append(t.Rows, row)
	}
	return t
}

// Whole rounds a dollar figure to whole dollars, half away from zero.
func Whole(v float64) int64 { return int64(math.Round(v)) }

// RenderOptions tunes Write.
type RenderOptions struct {
	// CSVSafe prefixes text cells that a spreadsheet would run as a formula
	// (starting with = + - @, tab or CR) with a single quote.
	CSVSafe bool
}

// Write renders t in format to w.
func (t Table) Write(w io.Writer, format string, opt RenderOptions) error {
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(t.Columns); err != nil {
			return err
		}
		for _, r := range t.Rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = cell(v, opt.CSVSafe)
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
				if s, ok := v.(string); ok && opt.CSVSafe {
					v = safeText(s)
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
		var buf bytes.Buffer
		buf.WriteString("| " + strings.Join(mdEscapeAll(t.Columns), " | ") + " |\n|")
		for range t.Columns {
			buf.WriteString("---|")
		}
		buf.WriteString("\n")
		for _, r := range t.Rows {
			cells := make([]string, len(r))
			for i, v := range r {
				cells[i] = mdEscape(cell(v, false))
			}
			buf.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
		_, err := w.Write(buf.Bytes())
		return err
	case "table", "":
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, strings.Join(t.Columns, "\t")+"\t")
		for _, r := range t.Rows {
			cells := make([]string, len(r))
			for i, v := range r {
				cells[i] = strings.NewReplacer("\t", " ", "\n", " ").Replace(cell(v, false))
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
