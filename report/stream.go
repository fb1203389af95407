package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// StreamColumn names a column of a streamed result and its DuckDB type
// (DATE, TIMESTAMP WITH TIME ZONE, INTEGER[], STRUCT(...), ...), which says
// how a time value is written.
type StreamColumn struct {
	Name string
	Type string
}

// RowWriter renders a result row by row, for results too big to hold:
// csv, json and md write each row as it comes; table aligns its columns
// within blocks of tableBlock rows. Values are those database/sql scans
// from DuckDB: scalars, time.Time, []any (lists), map[string]any
// (structs), duckdb.Map, duckdb.Decimal and the like.
type RowWriter struct {
	w      io.Writer
	bw     *bufio.Writer
	format string
	cols   []StreamColumn
	opt    RenderOptions
	n      int
	cw     *csv.Writer
	tw     *tabwriter.Writer
}

// tableBlock is how many rows the table format aligns at a time.
const tableBlock = 1000

// NewRowWriter writes the header of format to w.
func NewRowWriter(w io.Writer, format string, cols []StreamColumn, opt RenderOptions) (*RowWriter, error) {
	if err := CheckFormat(format); err != nil {
		return nil, err
	}
	rw := &RowWriter{w: w, bw: bufio.NewWriterSize(w, 64<<10), format: format, cols: cols, opt: opt}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	switch format {
	case "csv":
		rw.cw = csv.NewWriter(rw.bw)
		safe := make([]string, len(names))
		for i, s := range names {
			safe[i] = csvCell(s, opt)
		}
		return rw, rw.cw.Write(safe)
	case "json":
		_, err := rw.bw.WriteString("[")
		return rw, err
	case "md":
		rw.bw.WriteString("| " + strings.Join(mdEscapeAll(names), " | ") + " |\n|")
		for range names {
			rw.bw.WriteString("---|")
		}
		_, err := rw.bw.WriteString("\n")
		return rw, err
	default:
		rw.newTable()
		return rw, nil
	}
}

func (rw *RowWriter) newTable() {
	rw.tw = tabwriter.NewWriter(rw.bw, 0, 0, 2, ' ', tabwriter.AlignRight)
	names := make([]string, len(rw.cols))
	for i, c := range rw.cols {
		names[i] = TerminalText(c.Name)
	}
	fmt.Fprintln(rw.tw, strings.Join(names, "\t")+"\t")
}

// Write renders one row.
func (rw *RowWriter) Write(row []any) error {
	rw.n++
	switch rw.format {
	case "csv":
		rec := make([]string, len(row))
		for i, v := range row {
			rec[i] = csvCell(streamText(v, rw.cols[i].Type), rw.opt)
		}
		if err := rw.cw.Write(rec); err != nil {
			return err
		}
	case "json":
		if rw.n > 1 {
			rw.bw.WriteString(",")
		}
		rw.bw.WriteString("\n  {")
		for i, v := range row {
			if i > 0 {
				rw.bw.WriteString(", ")
			}
			k, _ := json.Marshal(rw.cols[i].Name)
			rw.bw.Write(k)
			rw.bw.WriteString(": ")
			b, err := json.Marshal(JSONValue(v, rw.cols[i].Type))
			if err != nil {
				return err
			}
			rw.bw.Write(b)
		}
		rw.bw.WriteString("}")
	case "md":
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = mdEscape(TerminalText(streamText(v, rw.cols[i].Type)))
		}
		rw.bw.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	default:
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = TerminalText(streamText(v, rw.cols[i].Type))
		}
		fmt.Fprintln(rw.tw, strings.Join(cells, "\t")+"\t")
		if rw.n%tableBlock == 0 {
			if err := rw.tw.Flush(); err != nil {
				return err
			}
			rw.tw = tabwriter.NewWriter(rw.bw, 0, 0, 2, ' ', tabwriter.AlignRight)
		}
	}
	if rw.n%256 == 0 {
		return rw.flush()
	}
	return nil
}

func (rw *RowWriter) flush() error {
	if rw.cw != nil {
		rw.cw.Flush()
		if err := rw.cw.Error(); err != nil {
			return err
		}
	}
	return rw.bw.Flush()
}

// Close writes the end of the format and flushes.
func (rw *RowWriter) Close() error {
	switch rw.format {
	case "json":
		if rw.n > 0 {
			rw.bw.WriteString("\n")
		}
		rw.bw.WriteString("]\n")
	case "csv", "md":
	default:
		if err := rw.tw.Flush(); err != nil {
			return err
		}
	}
	return rw.flush()
}

// csvCell neutralizes a formula cell unless the caller asked for raw CSV.
func csvCell(s string, opt RenderOptions) string {
	if opt.RawCSV {
		return s
	}
	return safeText(s)
}

// timeText writes a time value as its DuckDB type says: DATE as an ISO
// date, TIME as a time of day, timestamps in RFC 3339 (UTC). A time inside
// a list or struct takes the first of these its column's type names, so a
// struct mixing DATE and TIMESTAMP fields writes both as timestamps.
func timeText(t time.Time, typ string) string {
	up := strings.ToUpper(typ)
	switch {
	case strings.Contains(up, "TIMESTAMP"):
		return t.UTC().Format(time.RFC3339Nano)
	case strings.Contains(up, "DATE"):
		return t.Format(time.DateOnly)
	case strings.Contains(up, "TIME"):
		return t.Format("15:04:05.999999")
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// streamText is the text of a value in csv, md and table output: nested
// values as JSON.
func streamText(v any, typ string) string {
	switch x := v.(type) {
	case time.Time:
		return timeText(x, typ)
	case []any, map[string]any, duckdb.Map, duckdb.Interval, duckdb.Union:
		b, err := json.Marshal(JSONValue(x, typ))
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	case float32:
		return cell(float64(x), false)
	}
	return cell(scalar(v), false)
}

// scalar turns the driver's other scalar kinds into the ones cell knows.
func scalar(v any) any {
	switch x := v.(type) {
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return fmt.Sprint(x)
	case float32:
		return float64(x)
	case *big.Int:
		return x.String()
	case duckdb.Decimal:
		return x.String()
	case duckdb.UUID:
		return x.String()
	case *duckdb.UUID:
		return x.String()
	case []byte:
		return string(x)
	}
	return v
}

// JSONValue turns a scanned DuckDB value into what encoding/json writes as
// the value means: lists as arrays, structs and maps as objects, dates as
// ISO dates, timestamps in RFC 3339, NaN and infinities as null.
func JSONValue(v any, typ string) any {
	switch x := v.(type) {
	case nil, string, bool, int64:
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case float32:
		return JSONValue(float64(x), typ)
	case time.Time:
		return timeText(x, typ)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = JSONValue(e, typ)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = JSONValue(e, typ)
		}
		return out
	case duckdb.Map:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[streamText(k, typ)] = JSONValue(e, typ)
		}
		return out
	case duckdb.Interval:
		return map[string]any{"months": x.Months, "days": x.Days, "micros": x.Micros}
	case duckdb.Union:
		return map[string]any{x.Tag: JSONValue(x.Value, typ)}
	case duckdb.Decimal:
		return json.Number(x.String())
	case *big.Int:
		return json.Number(x.String())
	case uint64:
		return json.Number(fmt.Sprint(x))
	}
	return scalar(v)
}
