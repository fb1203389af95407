package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

func readAllCSV(t testing.TB, data []byte, opt CSVOptions) (header []string, rows [][]string, lines []int64, problems []string, err error) {
	rd, err := NewCSVReader(context.Background(), bytes.NewReader(data), "t.csv", opt)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	defer rd.Release()
	header = rd.Header()
	for rd.Next() {
		rec := rd.Record()
		n := len(header)
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, n)
			for j := 0; j < n; j++ {
				row[j] = rec.Column(j).(*array.String).Value(i)
			}
			rows = append(rows, row)
			lines = append(lines, rec.Column(n).(*array.Int64).Value(i))
			problems = append(problems, rec.Column(n+1).(*array.String).Value(i))
		}
	}
	return header, rows, lines, problems, rd.Err()
}

func TestCSVReader(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		opt      CSVOptions
		header   []string
		rows     [][]string
		lines    []int64
		problems []bool
		err      error
	}{
		{name: "comma", in: "a,b\n1,2\n3,4\n", header: []string{"a", "b"}, rows: [][]string{{"1", "2"}, {"3", "4"}}, lines: []int64{2, 3}, problems: []bool{false, false}},
		{name: "crlf and bom", in: "\ufeffa,b\r\n1,2\r\n", header: []string{"a", "b"}, rows: [][]string{{"1", "2"}}, lines: []int64{2}, problems: []bool{false}},
		{name: "blank line before header", in: "\na,b\n1,2\n", header: []string{"a", "b"}, rows: [][]string{{"1", "2"}}, lines: []int64{3}, problems: []bool{false}},
		{name: "semicolon sniffed", in: "a;b;c\n1;2,5;3\n", header: []string{"a", "b", "c"}, rows: [][]string{{"1", "2,5", "3"}}, lines: []int64{2}, problems: []bool{false}},
		{name: "tab sniffed", in: "a\tb\n1\t2\n", header: []string{"a", "b"}, rows: [][]string{{"1", "2"}}, lines: []int64{2}, problems: []bool{false}},
		{name: "quoted newline keeps start line", in: "a,b\n\"x\ny\",2\n3,4\n", header: []string{"a", "b"}, rows: [][]string{{"x\ny", "2"}, {"3", "4"}}, lines: []int64{2, 4}, problems: []bool{false, false}},
		{name: "wrong field count", in: "a,b\n1\n1,2,3\n", header: []string{"a", "b"}, rows: [][]string{{"1", ""}, {"1", "2"}}, lines: []int64{2, 3}, problems: []bool{true, true}},
		{name: "duplicate header names", in: "a,a,\n1,2,3\n", header: []string{"a", "a_2", "column_3"}, rows: [][]string{{"1", "2", "3"}}, lines: []int64{2}, problems: []bool{false}},
		{name: "windows-1252 cell", in: "a,b\ncaf\xe9,2\n", header: []string{"a", "b"}, rows: [][]string{{"café", "2"}}, lines: []int64{2}, problems: []bool{false}},
		{name: "mixed encodings in one column", in: "a,b\ncaf\xe9,1\nna\xc3\xafve,2\nplain,3\n\xa3,4\n",
			header: []string{"a", "b"}, rows: [][]string{{"café", "1"}, {"naïve", "2"}, {"plain", "3"}, {"£", "4"}},
			lines: []int64{2, 3, 4, 5}, problems: []bool{false, false, false, false}},
		{name: "forced latin1", in: "a\n\xa3\n", opt: CSVOptions{Latin1: true}, header: []string{"a"}, rows: [][]string{{"£"}}, lines: []int64{2}, problems: []bool{false}},
		{name: "header only", in: "a,b\n", header: []string{"a", "b"}},
		{name: "empty", in: "", err: ErrUnreadable},
		{name: "blank lines only", in: "\n\n\r\n", err: ErrUnreadable},
		{name: "binary", in: "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01", err: ErrUnreadable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, rows, lines, problems, err := readAllCSV(t, []byte(tc.in), tc.opt)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				var re *RowError
				if !errors.As(err, &re) || re.Source != "t.csv" {
					t.Errorf("error %v does not name the file", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !equal(h, tc.header) {
				t.Errorf("header = %q, want %q", h, tc.header)
			}
			if len(rows) != len(tc.rows) {
				t.Fatalf("rows = %q, want %q", rows, tc.rows)
			}
			for i := range rows {
				if !equal(rows[i], tc.rows[i]) || lines[i] != tc.lines[i] || (problems[i] != "") != tc.problems[i] {
					t.Errorf("row %d = %q line %d problem %q; want %q line %d problem %v", i, rows[i], lines[i], problems[i], tc.rows[i], tc.lines[i], tc.problems[i])
				}
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCSVReaderBatches(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("a\n")
	const n = BatchSize*2 + 17
	for i := 0; i < n; i++ {
		b.WriteString("x\n")
	}
	rd, err := NewCSVReader(context.Background(), &b, "t.csv", CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	var sizes []int64
	for rd.Next() {
		sizes = append(sizes, rd.Record().NumRows())
	}
	if rd.Err() != nil || len(sizes) != 3 || sizes[0] != BatchSize || sizes[2] != 17 {
		t.Errorf("batches %v, err %v; want [%d %d 17]", sizes, rd.Err(), BatchSize, BatchSize)
	}
}

// TestCSVReaderBatchBytes: a batch is cut at maxBatchBytes of cells as
// well as at BatchSize rows, and a batch kept past the next Next (as the
// loader keeps it, with Retain) still holds its own cells.
func TestCSVReaderBatchBytes(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("id,blob\n")
	cell := strings.Repeat("x", 200000)
	for i := 0; i < 8; i++ {
		fmt.Fprintf(&b, "%d,%s\n", i, cell)
	}
	rd, err := NewCSVReader(context.Background(), &b, "t.csv", CSVOptions{maxBatchBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	var sizes []int64
	var kept []arrow.RecordBatch
	for rd.Next() {
		rec := rd.Record()
		rec.Retain()
		kept = append(kept, rec)
		sizes = append(sizes, rec.NumRows())
	}
	if rd.Err() != nil || len(sizes) != 2 || sizes[0] != 6 || sizes[1] != 2 {
		t.Errorf("batches %v, err %v; want [6 2]: cut once 1 MiB of cells is in", sizes, rd.Err())
	}
	id := 0
	for _, rec := range kept {
		ids, blobs := rec.Column(0).(*array.String), rec.Column(1).(*array.String)
		for i := 0; i < ids.Len(); i++ {
			if ids.Value(i) != strconv.Itoa(id) || blobs.Value(i) != cell {
				t.Fatalf("row %d of a kept batch reads %q", id, ids.Value(i))
			}
			id++
		}
		rec.Release()
	}
}

// FuzzCSVReader: any bytes either fail with a RowError or stream rows whose
// line numbers increase, without panics.
func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "\ufeffa;b\r\n\"x\"\"y\";2\r\n", "a\n\"unbalanced\n", "\x00\x01", "a,b\n1,2,3\n,\n", "\n\na\tb\n1\t2"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, rows, lines, problems, err := readAllCSV(t, data, CSVOptions{})
		if err != nil {
			var re *RowError
			if !errors.As(err, &re) {
				t.Fatalf("error %v (%T) is not a RowError", err, err)
			}
			return
		}
		for i := range rows {
			if lines[i] < 1 || (i > 0 && lines[i] <= lines[i-1]) {
				t.Fatalf("line numbers not increasing: %v", lines)
			}
			_ = problems[i]
		}
	})
}

// BenchmarkCSVReader measures raw batches from a synthetic LCA-shaped CSV.
func BenchmarkCSVReader(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("CASE_NUMBER,CASE_STATUS,RECEIVED_DATE,JOB_TITLE,SOC_CODE,WAGE_RATE_OF_PAY_FROM,WAGE_UNIT_OF_PAY\n")
	const rows = 50_000
	for i := 0; i < rows; i++ {
		buf.WriteString("I-200-21034-123456,Certified,03/15/2024,\"Manager, Information Security\",11-3021,152000.00,Year\n")
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rd, err := NewCSVReader(context.Background(), bytes.NewReader(data), "b.csv", CSVOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for rd.Next() {
		}
		if rd.Err() != nil {
			b.Fatal(rd.Err())
		}
		rd.Release()
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func TestCSVReaderUnclosedQuote(t *testing.T) {
	// A quote never closed costs its own line only: the line is one
	// malformed record and the lines after it are read as rows.
	_, rows, lines, problems, err := readAllCSV(t, []byte("a,b,c\n1,2,3\n4,\"x,5\n6,7,8\n9,10,11\n"), CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || lines[1] != 3 || lines[2] != 4 || lines[3] != 5 ||
		problems[1] != "malformed record: a quote opened on this line is not closed (2 fields, the header has 3)" ||
		problems[0]+problems[2]+problems[3] != "" || !equal(rows[2], []string{"6", "7", "8"}) {
		t.Fatalf("rows %q, lines %v, problems %q", rows, lines, problems)
	}
	// Past MaxRecordLines the quote is taken as unbalanced too: the file
	// is read, each line accounted for, memory bounded by the record.
	n := MaxRecordBytes/100 + 40_000
	big := "a,b\n1,2\n3,\"" + strings.Repeat(strings.Repeat("x", 99)+"\n", n)
	_, rows, lines, problems, err = readAllCSV(t, []byte(big), CSVOptions{})
	// Line 3 holds the quote and the first run of x; n-1 lines follow.
	if err != nil || len(rows) != n+1 || lines[1] != 3 || !strings.HasPrefix(problems[1], "malformed record:") ||
		lines[n] != int64(n+2) || problems[n] != "wrong field count: 1 fields, the header has 2" {
		t.Fatalf("%d rows (want %d), err %v, row 3 %q", len(rows), n+1, err, problems[1])
	}
}

func TestNoProfileMessageIsOneShortLine(t *testing.T) {
	_, _, err := AutoProfile([]string{strings.Repeat("X", 100_000), "job\ntitle", "a\x00b"})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\n\x00") || len(msg) > 600 || !strings.Contains(msg, "… (100000 characters), job title, a b") {
		t.Fatalf("message %q", msg)
	}
}
