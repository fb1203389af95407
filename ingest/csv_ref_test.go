package ingest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// refCSV is a slow, obvious reader of the delimited-text grammar
// documented in csv.go and docs/ingest.md, written independently of the
// fast one (whole input in memory, one character at a time) so that the
// fuzz target can compare them. What it expects, as Python's csv module
// (default dialect, csv.reader(open(f, newline=""))) does:
//
//	"a,b"      -> a,b     (a quoted delimiter is data)
//	"a""b"     -> a"b     (a doubled quote is one quote)
//	"a"b       -> ab      (a closing quote followed by text: the text is appended)
//	a"b        -> a"b     (a quote inside an unquoted field is data)
//	"a<LF>b"   -> a<LF>b  (a quoted line break is data)
//	a,         -> a and an empty field
//
// and where payband differs from Python, on purpose:
//
//   - blank lines are skipped (Python returns an empty record);
//   - a quoted CRLF is stored as LF; CR alone ends lines only in a file
//     whose first line ends with CR alone;
//   - a record whose quoted field carries it over line ends is kept only
//     when its quote closes cleanly (followed by a delimiter or the line
//     end), within MaxRecordLines lines, with the header's field count;
//     otherwise its first line is read alone (an open quote
//     there ends the line as a malformed record) and reading resumes on
//     the next line. Python keeps reading the quote to the end of the file.
type refRecord struct {
	line    int
	fields  []string
	problem string // "", "count" or "malformed"
	tooLong bool
}

func refCSV(data []byte, comma byte) (header []string, recs []refRecord) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	head := data
	if len(head) > 64<<10-3 {
		head = head[:64<<10-3]
	}
	sep := byte('\n')
	for i := 0; i < len(head); i++ {
		if head[i] == '\n' {
			break
		}
		if head[i] == '\r' {
			if i+1 < len(head) && head[i+1] != '\n' {
				sep = '\r'
			}
			break
		}
	}
	var lines []string
	for _, l := range strings.Split(string(data), string(sep)) {
		if sep == '\n' {
			l = strings.TrimSuffix(l, "\r")
		}
		lines = append(lines, l)
	}
	if strings.HasSuffix(string(data), string(sep)) {
		lines = lines[:len(lines)-1] // the end of the last line, not a line
	}

	// parse reads the record starting at line i, across lines when a
	// quote stays open (at most max lines); it returns the fields, the
	// lines used and whether a quote was still open at the end.
	parse := func(i, max int) (fields []string, used int, open, stray bool) {
		var cur []byte
		state := "start"
		quoteLine := 0
		for used = 0; used < max && i+used < len(lines); used++ {
			l := lines[i+used]
			for k := 0; k < len(l); k++ {
				c := l[k]
				switch state {
				case "start":
					if c == '"' {
						state = "quoted"
						quoteLine = used
					} else if c == comma {
						fields = append(fields, "")
					} else {
						cur = append(cur, c)
						state = "field"
					}
				case "field":
					if c == comma {
						fields = append(fields, string(cur))
						cur = nil
						state = "start"
					} else {
						cur = append(cur, c)
					}
				case "quoted":
					if c == '"' {
						state = "quote"
					} else {
						cur = append(cur, c)
					}
				case "quote":
					if c == '"' {
						cur = append(cur, '"')
						state = "quoted"
					} else if c == comma {
						fields = append(fields, string(cur))
						cur = nil
						state = "start"
					} else {
						cur = append(cur, c)
						state = "field"
						stray = stray || quoteLine < used
					}
				}
			}
			if state != "quoted" {
				return append(fields, string(cur)), used + 1, false, stray
			}
			cur = append(cur, '\n')
		}
		return append(fields, strings.TrimSuffix(string(cur), "\n")), used, true, stray
	}

	i := 0
	read := func(want int) (refRecord, bool) {
		for i < len(lines) && lines[i] == "" {
			i++
		}
		if i >= len(lines) {
			return refRecord{}, false
		}
		start := i
		if len(lines[start]) > MaxRecordBytes {
			i++
			return refRecord{line: start + 1, tooLong: true, problem: "malformed"}, true
		}
		fields, used, open, stray := parse(start, MaxRecordLines)
		bytesUsed := 0
		for k := start; k < start+used; k++ {
			bytesUsed += len(lines[k])
		}
		if used == 1 && !open {
			i = start + 1
			r := refRecord{line: start + 1, fields: fields}
			if want > 0 && len(fields) != want {
				r.problem = "count"
			}
			return r, true
		}
		if !open && !stray && bytesUsed <= MaxRecordBytes && (want == 0 || len(fields) == want) {
			i = start + used
			return refRecord{line: start + 1, fields: fields}, true
		}
		// Malformed: the first line alone.
		i = start + 1
		fields, _, open, _ = parse(start, 1)
		r := refRecord{line: start + 1, fields: fields}
		if open || (want > 0 && len(fields) != want) {
			r.problem = "malformed"
		}
		return r, true
	}
	h, ok := read(0)
	if !ok {
		return nil, nil
	}
	for _, f := range h.fields {
		header = append(header, refDecode(f))
	}
	header = uniqueHeader(header)
	for {
		r, ok := read(len(header))
		if !ok {
			return header, recs
		}
		recs = append(recs, r)
	}
}

func refDecode(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	d, err := win1252.String(s)
	if err != nil {
		return s
	}
	return d
}

func problemKind(p string) string {
	switch {
	case p == "":
		return ""
	case strings.HasPrefix(p, ErrMalformedRecord.Error()):
		return "malformed"
	case strings.HasPrefix(p, ErrFieldCount.Error()):
		return "count"
	}
	return "other: " + p
}

// compareWithRef reads data with the fast reader and the reference and
// reports the first difference.
func compareWithRef(t *testing.T, data []byte, comma byte) {
	t.Helper()
	header, rows, lines, problems, err := readAllCSV(t, data, CSVOptions{Comma: rune(comma)})
	if err != nil {
		var re *RowError
		if !errors.As(err, &re) || !errors.Is(err, ErrUnreadable) {
			t.Fatalf("error %v (%T) is not a RowError wrapping ErrUnreadable", err, err)
		}
		return
	}
	wantHeader, want := refCSV(data, comma)
	if !equal(header, wantHeader) {
		t.Fatalf("header %q, reference %q", header, wantHeader)
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, reference %d:\n got %q %v\nwant %+v", len(rows), len(want), rows, lines, want)
	}
	for i, w := range want {
		cells := make([]string, len(header))
		for j := range cells {
			if j < len(w.fields) {
				cells[j] = refDecode(w.fields[j])
			}
		}
		if lines[i] != int64(w.line) || problemKind(problems[i]) != w.problem || !equal(rows[i], cells) {
			t.Fatalf("row %d: line %d %q %q; reference line %d %q %q", i, lines[i], rows[i], problems[i], w.line, cells, w.problem)
		}
	}
}

// TestCSVGrammar: the expectations written down at refCSV, each checked
// against both readers. The Python column is what csv.reader gives
// (checked with Python 3's csv module); payband differs only where the
// comment at refCSV says so.
func TestCSVGrammar(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		rows     [][]string
		lines    []int64
		problems []string
	}{
		{"quoted delimiter", "a,b\n\"x,y\",2\n", [][]string{{"x,y", "2"}}, []int64{2}, []string{""}},
		{"doubled quote", "a,b\n\"x\"\"y\",2\n", [][]string{{"x\"y", "2"}}, []int64{2}, []string{""}},
		{"text after closing quote", "a,b\n\"x\"y,2\n", [][]string{{"xy", "2"}}, []int64{2}, []string{""}},
		{"quote inside unquoted field", "a,b\nx\"y,2\n", [][]string{{"x\"y", "2"}}, []int64{2}, []string{""}},
		{"quoted line break", "a,b\n\"x\r\ny\",2\n3,4\n", [][]string{{"x\ny", "2"}, {"3", "4"}}, []int64{2, 4}, []string{"", ""}},
		{"trailing delimiter", "a,b\nx,\n", [][]string{{"x", ""}}, []int64{2}, []string{""}},
		{"blank lines skipped", "a,b\n\n1,2\n\n\n3,4\n", [][]string{{"1", "2"}, {"3", "4"}}, []int64{3, 6}, []string{"", ""}},
		{"CR line ends", "a,b\r1,2\r\"x\ry\",3\r4,5", [][]string{{"1", "2"}, {"x\ny", "3"}, {"4", "5"}}, []int64{2, 3, 5}, []string{"", "", ""}},
		// The FY2014 shape: a whole record saved inside quotes, followed by
		// the empty fields of a comma-saving program. Python reads each
		// such line as one record of one field; so does payband.
		{"record saved inside quotes", "a;b;c\n\"1;\"\"X; Y\"\";3\",,,,\n4;5;6\n",
			[][]string{{"1;\"X; Y\";3,,,,", "", ""}, {"4", "5", "6"}}, []int64{2, 3}, []string{"count", ""}},
		// A quote never closed: Python runs to the end of the file; payband
		// rejects the line and reads on.
		{"quote never closed", "a,b\n\"x,1\n2,3\n4,5\n", [][]string{{"x,1", ""}, {"2", "3"}, {"4", "5"}}, []int64{2, 3, 4}, []string{"malformed", "", ""}},
		// A stray quote closed by another one lines later, with too many
		// fields in between: each line is read alone.
		{"quote runs past the record end", "a,b\n1,\"x\n2,3\n4,\"y\"\n", [][]string{{"1", "x"}, {"2", "3"}, {"4", "y"}}, []int64{2, 3, 4}, []string{"malformed", "", ""}},
		// A real multi-line cell with the header's field count stays one row.
		{"multi-line cell kept", "a,b\n1,\"x\n\ny\"\n2,3\n", [][]string{{"1", "x\n\ny"}, {"2", "3"}}, []int64{2, 5}, []string{"", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			comma := byte(',')
			if strings.HasPrefix(tc.in, "a;") {
				comma = ';'
			}
			_, rows, lines, problems, err := readAllCSV(t, []byte(tc.in), CSVOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(tc.rows) {
				t.Fatalf("rows %q, want %q", rows, tc.rows)
			}
			for i := range rows {
				if !equal(rows[i], tc.rows[i]) || lines[i] != tc.lines[i] || problemKind(problems[i]) != tc.problems[i] {
					t.Errorf("row %d: %q line %d %q; want %q line %d %s", i, rows[i], lines[i], problems[i], tc.rows[i], tc.lines[i], tc.problems[i])
				}
			}
			compareWithRef(t, []byte(tc.in), comma)
		})
	}
}

// FuzzCSVAgainstReference: the fast reader gives what the slow reference
// gives, row for row: line numbers, cells and the kind of problem.
func FuzzCSVAgainstReference(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n", "a,b\r\n\"x\r\ny\",2\r\n", "a;b;c\n\"1;\"\"X\"\";3\",,,,\n4;5;6\n",
		"a,b\n\"x,1\n2,3\n", "a,b\r1,2\r3,4", "\ufeffa|b\n1|\"2\"x\n", "a,b\n1,\"x\n2,3\n4,\"y\"\n",
		"a\tb\n\"\"\"\"\t\"\n\n\"\n",
	} {
		f.Add([]byte(s), byte(0))
	}
	if files, _ := filepath.Glob(filepath.Join("..", "testdata", "ingest", "*.csv")); len(files) > 0 {
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(b, byte(0))
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, c byte) {
		comma := [...]byte{',', ';', '\t', '|'}[c%4]
		compareWithRef(t, data, comma)
	})
}

// A long quoted run is cut at MaxRecordLines lines: the reference agrees.
func TestCSVRecordLineBound(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n1,\"")
	for i := 0; i < MaxRecordLines+10; i++ {
		b.WriteString("x,y\n")
	}
	b.WriteString("\"\n")
	compareWithRef(t, []byte(b.String()), ',')
	// Within the bound, with the header's count, it is one row.
	ok := "a,b\n1,\"" + strings.Repeat("x\n", MaxRecordLines-1) + "x\"\n2,3\n"
	_, rows, lines, problems, err := readAllCSV(t, []byte(ok), CSVOptions{})
	if err != nil || len(rows) != 2 || problems[0] != "" || lines[1] != int64(2+MaxRecordLines) {
		t.Fatalf("rows %d lines %v problems %q err %v", len(rows), lines, problems, err)
	}
	compareWithRef(t, []byte(ok), ',')
}
