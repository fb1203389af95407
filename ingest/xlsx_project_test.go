package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"

	"payband/synth"
)

// batchRow is one row as a Reader hands it on: its number, cells and
// problem.
type batchRow struct {
	n       int64
	cells   []string
	problem string
}

// openTestXLSX opens path's first sheet; done releases the reader and
// closes the file.
func openTestXLSX(t *testing.T, path string) (rd *xlsxReader, done func()) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	r, err := NewXLSXReader(context.Background(), f, st.Size(), path, zipMagic, "")
	if err != nil {
		f.Close()
		t.Fatal(err)
	}
	return r.(*xlsxReader), func() {
		r.Release()
		f.Close()
	}
}

// readXLSXRows reads every batch of path's first sheet, told to read only
// cols when cols is not nil.
func readXLSXRows(t *testing.T, path string, cols []int) (header []string, rows []batchRow) {
	t.Helper()
	rd, done := openTestXLSX(t, path)
	defer done()
	if cols != nil {
		rd.Project(cols)
	}
	header = rd.Header()
	w := len(header)
	for rd.Next() {
		rec := rd.Record()
		num := rec.Column(w).(*array.Int64)
		prob := rec.Column(w + 1).(*array.String)
		for i := 0; i < int(rec.NumRows()); i++ {
			r := batchRow{n: num.Value(i), problem: prob.Value(i), cells: make([]string, w)}
			for j := 0; j < w; j++ {
				r.cells[j] = strings.Clone(rec.Column(j).(*array.String).Value(i))
			}
			rows = append(rows, r)
		}
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	return header, rows
}

// writeXLSXProjection writes the cases a projected read could get wrong:
// rows whose only text, or only white space, is in a column left out;
// out-of-order references that move a cell into another column; a cell
// over the cap, formulas without a value, formatted numbers and dates and
// cells past the header in the left-out columns.
func writeXLSXProjection(t *testing.T, path string) string {
	sst := []string{`<t>a</t>`, `<t>b</t>`, `<t>c</t>`, `<t>d</t>`, `<t>e</t>`,
		`<t xml:space="preserve">   </t>`, `<t>x</t>`, `<t>` + strings.Repeat("y", MaxCellBytes+1) + `</t>`, `<t/>`}
	rows := []string{
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>`,
		`<row r="2"><c r="A2" t="s"><v>6</v></c><c r="B2"><v>1</v></c><c r="C2" t="s"><v>6</v></c></row>`,
		`<row r="3"><c r="B3" t="s"><v>6</v></c></row>`,
		`<row r="4"><c r="B4" t="s"><v>5</v></c><c r="D4" t="inlineStr"><is><t xml:space="preserve">  </t></is></c></row>`,
		`<row r="5"><c r="B5" s="1"><v>1234.5</v></c></row>`,
		`<row r="6"><c r="D6" s="2"><v>45292</v></c></row>`,
		`<row r="7"><c r="C7" t="s"><v>6</v></c><c r="A7" t="s"><v>6</v></c><c r="B7"><v>7</v></c></row>`,
		`<row r="8"><c r="B8"><f>1+1</f></c><c r="D8" t="str"><f>A1</f><v></v></c></row>`,
		`<row r="9"><c r="A9" t="s"><v>6</v></c><c r="B9" t="s"><v>7</v></c></row>`,
		`<row r="10"><c r="B10" t="s"><v>8</v></c><c r="D10" t="s"><v>99</v></c></row>`,
		`<row r="11"><c r="A11"><v>1</v></c><c r="G11" t="s"><v>6</v></c></row>`,
		`<row r="12"><c r="B12" t="b"><v>0</v></c></row>`,
		`<row r="13"><c r="D13" t="inlineStr"><is><t>z</t></is></c><c r="B13" t="s"><v>0</v></c></row>`,
		`<row r="14"><c r="B14" s="3"><v>2.25</v></c><c r="E14" t="d"><v>2024-01-02T00:00:00Z</v></c></row>`,
	}
	return xlsxWorkbook(t, path, strings.Join(rows, ""), sst)
}

// TestXLSXProjectionKeepsRows compares a projected read (Project) with a
// full read: the same rows, row numbers and problems, the same text in
// the columns read and none in the others.
func TestXLSXProjectionKeepsRows(t *testing.T) {
	dir := t.TempDir()
	type fixture struct {
		path string
		cols [][]int
	}
	fx := []fixture{
		{writeXLSXProjection(t, filepath.Join(dir, "projection.xlsx")), [][]int{{0}, {0, 2}, {1, 3}, {}, {4}}},
		{writeXLSXEdgeCases(t, filepath.Join(dir, "edges.xlsx")), [][]int{{0}, {1, 3}, {}}},
	}
	for _, inline := range []bool{false, true} {
		p := filepath.Join(dir, map[bool]string{false: "dol.xlsx", true: "dol_inline.xlsx"}[inline])
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := synth.Generate(context.Background(), f, synth.Options{Rows: 3000, Seed: 2, Layout: synth.LayoutDOL, Format: synth.FormatXLSX, InlineStrings: inline}); err != nil {
			t.Fatal(err)
		}
		f.Close()
		hdr, _ := readXLSXRows(t, p, nil)
		b, err := LCAProfile.Bind(hdr)
		if err != nil {
			t.Fatal(err)
		}
		var lca []int
		for _, i := range b.Index {
			if i >= 0 {
				lca = append(lca, i)
			}
		}
		fx = append(fx, fixture{p, [][]int{lca, {0, 5, 50}}})
	}
	shared, _ := filepath.Glob(filepath.Join("..", "..", "shared", "data", "*.xlsx"))
	for _, p := range shared {
		fx = append(fx, fixture{p, [][]int{{0, 2, 4, 6}, {1}}})
	}
	for _, f := range fx {
		for _, cols := range f.cols {
			projectionAgrees(t, f.path, cols)
		}
	}
}

// projectionAgrees reads path in full and told to read only cols, and
// fails unless the two give the same rows, row numbers and problems, the
// same text in cols and none in the other columns.
func projectionAgrees(t *testing.T, path string, cols []int) {
	t.Helper()
	_, full := readXLSXRows(t, path, nil)
	_, got := readXLSXRows(t, path, cols)
	keep := map[int]bool{}
	for _, c := range cols {
		keep[c] = true
	}
	label := filepath.Base(path)
	if len(got) != len(full) {
		t.Fatalf("%s %v: %d rows projected, %d in full", label, cols, len(got), len(full))
	}
	for i, w := range full {
		g := got[i]
		if g.n != w.n || g.problem != w.problem {
			t.Fatalf("%s %v: row %d %q projected, row %d %q in full", label, cols, g.n, g.problem, w.n, w.problem)
		}
		for j := range w.cells {
			want := w.cells[j]
			if !keep[j] {
				want = ""
			}
			if g.cells[j] != want {
				t.Fatalf("%s %v: row %d column %d: %q projected, %q wanted", label, cols, w.n, j+1, g.cells[j], want)
			}
		}
	}
	t.Logf("%s %v: %d rows agree", label, cols, len(full))
}

// TestXLSXProjectionDeferred is TestXLSXProjectionKeepsRows on a workbook
// whose shared strings a projected read need not look up (none empty,
// none past the cell cap, one just under it): rows whose only text, or
// only white space, is a deferred string; rows whose deferred strings'
// bound passes the record cap while their text does not, or does; a
// column read after such a row's deferred cells.
func TestXLSXProjectionDeferred(t *testing.T) {
	const width = 140
	long := strings.Repeat("y", MaxCellBytes-1)
	sst := []string{`<t>a</t>`, `<t xml:space="preserve">   </t>`, `<t>x</t>`, `<t>` + long + `</t>`}
	var sb strings.Builder
	cell := func(col int, row int, shared int) {
		fmt.Fprintf(&sb, `<c r="%s%d" t="s"><v>%d</v></c>`, columnName(col), row, shared)
	}
	sb.WriteString(`<row r="1">`)
	for c := 1; c <= width; c++ {
		fmt.Fprintf(&sb, `<c r="%s1" t="inlineStr"><is><t>h%d</t></is></c>`, columnName(c), c)
	}
	sb.WriteString(`</row>`)
	row := func(r int, cells func()) {
		fmt.Fprintf(&sb, `<row r="%d">`, r)
		cells()
		sb.WriteString(`</row>`)
	}
	row(2, func() { cell(5, 2, 1) })                // white space only: no row
	row(3, func() { cell(5, 3, 1); cell(6, 3, 2) }) // text in a deferred cell
	row(4, func() { cell(7, 4, 2) })                // only text is deferred
	row(5, func() {                                 // 130 strings just under the cell cap: past the record cap
		for c := 2; c <= 131; c++ {
			cell(c, 5, 3)
		}
		cell(width, 5, 0)
	})
	row(6, func() { // 135 short strings: their bound passes the cap, their text does not
		for c := 2; c <= 136; c++ {
			cell(c, 6, 2)
		}
		cell(width, 6, 0)
	})
	row(7, func() { // 100 long strings, then the column read
		for c := 2; c <= 101; c++ {
			cell(c, 7, 3)
		}
		cell(width, 7, 0)
		cell(1, 7, 0) // out of order: placed at the row's end, past the header
	})
	row(8, func() { cell(1, 8, 0); cell(3, 8, 1) })
	path := xlsxWorkbook(t, filepath.Join(t.TempDir(), "deferred.xlsx"), sb.String(), sst)

	rd, done := openTestXLSX(t, path)
	rd.Project([]int{0})
	deferrable := rd.deferSST
	done()
	if !deferrable {
		t.Fatal("the workbook's shared strings are not deferrable; the test reads nothing it means to")
	}

	_, full := readXLSXRows(t, path, nil)
	var problems []string
	for _, r := range full {
		if r.problem != "" {
			problems = append(problems, fmt.Sprintf("%d: %s", r.n, r.problem))
		}
	}
	if len(full) != 6 || len(problems) != 2 || !strings.Contains(problems[0], "5: row 5 holds more than 16 MiB") || !strings.Contains(problems[1], "7: wrong field count") {
		t.Fatalf("the full read gives %d rows, problems %q; the fixture means 6 rows, row 5 over the record cap and row 7 a cell past the header", len(full), problems)
	}
	for _, cols := range [][]int{{0}, {0, width - 1}, {width - 1}, {2}, {}} {
		projectionAgrees(t, path, cols)
	}
}
