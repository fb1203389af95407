package report

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"payband/bands"
)

// bandKinds are the dollar and count columns of BandsTable.
var bandKinds = map[string]string{
	"n": "count", "min": "usd", "p10": "usd", "p25": "usd", "median": "usd", "p75": "usd", "p90": "usd",
	"max": "usd", "mean": "usd", "stddev": "usd", "median_ci_low": "usd", "median_ci_high": "usd",
	"ci_low": "usd", "ci_high": "usd",
}

// groupValue is a group key as a table cell: whole-number columns (year,
// remote_ratio) as numbers, so JSON has "year": 2024, not "2024".
func groupValue(col, v string) any {
	if bands.IsIntColumn(col) {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	return v
}

// markdown renders t as a GitHub table: dollars with $ and thousands
// separators, counts with separators, numeric columns right-aligned
// (---:).
func (t Table) markdown() []byte {
	var buf bytes.Buffer
	buf.WriteString("| " + strings.Join(mdEscapeAll(t.Columns), " | ") + " |\n|")
	for i, c := range t.Columns {
		if t.Kinds[c] != "" || t.numericColumn(i) {
			buf.WriteString("---:|")
		} else {
			buf.WriteString("---|")
		}
	}
	buf.WriteString("\n")
	for _, r := range t.Rows {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = mdEscape(TerminalText(mdCell(v, t.Kinds[t.Columns[i]])))
		}
		buf.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	return buf.Bytes()
}

// numericColumn reports whether every value of column i that is there is
// a number.
func (t Table) numericColumn(i int) bool {
	seen := false
	for _, r := range t.Rows {
		switch r[i].(type) {
		case nil:
		case int64, int32, int, float64:
			seen = true
		default:
			return false
		}
	}
	return seen
}

// mdCell is one value as md text, by its column's kind.
func mdCell(v any, kind string) string {
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case int32:
		n = int64(x)
	case int:
		n = int64(x)
	case float64:
		if kind == "usd" {
			n = Whole(x)
		} else {
			return cell(v, false)
		}
	case string:
		if kind == "usd" && strings.HasPrefix(x, "≥ ") {
			return "≥ $" + strings.TrimPrefix(x, "≥ ")
		}
		return x
	default:
		return cell(v, false)
	}
	switch kind {
	case "usd":
		if n < 0 {
			return "−$" + formatInt(-n)
		}
		return "$" + formatInt(n)
	case "count":
		return formatInt(n)
	}
	return strconv.FormatInt(n, 10)
}

// narrowDrop are the BandsTable columns the terminal table leaves out
// unless --wide: the spread and basis are in csv, json and md, and the
// median's interval keeps shorter names.
var narrowDrop = []string{"stddev", "basis"}

// Narrow returns the terminal form of a BandsTable: without stddev and
// basis, and median_ci_low/high as ci_low/ci_high, so a table grouped by
// two or three columns fits about 130 columns of terminal rather than
// 190.
func (t Table) Narrow() Table {
	out := Table{Kinds: t.Kinds}
	var keep []int
	for i, c := range t.Columns {
		if slices.Contains(narrowDrop, c) {
			continue
		}
		keep = append(keep, i)
		out.Columns = append(out.Columns, strings.TrimPrefix(c, "median_"))
	}
	for _, r := range t.Rows {
		row := make([]any, len(keep))
		for j, i := range keep {
			row[j] = r[i]
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// NarrowScope is Narrow with the scope columns that every row shares taken
// out of the table and returned as one line ("scope: kinds survey; …"), so
// a terminal table stays narrow and still says which people its bands
// measure. Scope columns that differ between rows stay in the table.
func (t Table) NarrowScope() (Table, string) {
	n := t.Narrow()
	var note []string
	var keep []int
	for i, c := range n.Columns {
		name, ok := strings.CutPrefix(c, "scope_")
		// A family every row shares (bands --family) is said once too.
		if c == "family" && len(n.Rows) > 0 && constantColumn(n.Rows, i) {
			name, ok = c, true
		}
		if ok && len(n.Rows) > 0 && constantColumn(n.Rows, i) {
			if v := fmt.Sprint(n.Rows[0][i]); v != "" {
				note = append(note, strings.ReplaceAll(name, "_", " ")+" "+v)
			}
			continue
		}
		// A band grouped by year covers that year: its scope's years say
		// nothing more.
		if ok && name == "years" && slices.Contains(n.Columns, "year") {
			continue
		}
		keep = append(keep, i)
	}
	out := Table{Kinds: n.Kinds}
	for _, i := range keep {
		// Scope columns that differ keep a short name ("kinds").
		out.Columns = append(out.Columns, strings.TrimPrefix(n.Columns[i], "scope_"))
	}
	for _, r := range n.Rows {
		row := make([]any, len(keep))
		for j, i := range keep {
			row[j] = r[i]
		}
		out.Rows = append(out.Rows, row)
	}
	if len(note) == 0 {
		return out, ""
	}
	return out, "scope: " + strings.Join(note, "; ")
}

func constantColumn(rows [][]any, i int) bool {
	for _, r := range rows[1:] {
		if fmt.Sprint(r[i]) != fmt.Sprint(rows[0][i]) {
			return false
		}
	}
	return true
}
