package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// sheetRow is one non-empty sheet row: its number and cells.
type sheetRow struct {
	n     int64
	cells []string
}

// excelizeRows is the slow, obvious reference: every row excelize's
// streaming iterator gives, numbered as the reader before the streaming
// one numbered them (one per Next).
func excelizeRows(t testing.TB, path, sheet string) []sheetRow {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []sheetRow
	var n int64
	for rows.Next() {
		n++
		cells, err := rows.Columns()
		if err != nil {
			t.Fatalf("excelize: row %d: %v", n, err)
		}
		if len(cells) > 0 {
			out = append(out, sheetRow{n, cells})
		}
	}
	if err := rows.Error(); err != nil {
		t.Fatal(err)
	}
	return out
}

// streamRows is every non-empty row the streaming reader gives.
func streamRows(t testing.TB, path, sheet string) []sheetRow {
	t.Helper()
	rd := openStream(t, path, sheet)
	defer rd.Release()
	var out []sheetRow
	for {
		n, cells, problem, ok, err := rd.next()
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
		if !ok {
			break
		}
		if problem != "" {
			t.Fatalf("stream: row %d: %s", n, problem)
		}
		if len(cells) > 0 {
			c := make([]string, len(cells))
			for i := range cells {
				c[i] = strings.Clone(cells[i])
			}
			out = append(out, sheetRow{n, c})
		}
	}
	return out
}

func openStream(t testing.TB, path, sheet string) *xlsxReader {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	st, _ := f.Stat()
	rd, err := openXLSXSheet(context.Background(), f, st.Size(), path, zipMagic, sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rd
}

func compareRows(t *testing.T, label string, want, got []sheetRow) {
	t.Helper()
	if len(want) != len(got) {
		t.Errorf("%s: excelize gives %d rows, the stream %d", label, len(want), len(got))
	}
	for i := 0; i < len(want) && i < len(got); i++ {
		w, g := want[i], got[i]
		if w.n != g.n || len(w.cells) != len(g.cells) {
			t.Errorf("%s: row %d: excelize row %d with %d cells %q; stream row %d with %d cells %q", label, i, w.n, len(w.cells), w.cells, g.n, len(g.cells), g.cells)
			return
		}
		for j := range w.cells {
			if w.cells[j] != g.cells[j] {
				t.Errorf("%s: row %d column %d: excelize %q, stream %q", label, w.n, j+1, w.cells[j], g.cells[j])
				return
			}
		}
	}
}

func sheetNames(t testing.TB, path string) []string {
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return f.GetSheetList()
}

// TestXLSXMatchesExcelize compares the streaming reader with excelize cell
// by cell, on every sheet of every XLSX in the shared data and of the
// fixtures written here.
func TestXLSXMatchesExcelize(t *testing.T) {
	var paths []string
	shared, _ := filepath.Glob(filepath.Join("..", "..", "shared", "data", "*.xlsx"))
	paths = append(paths, shared...)
	if len(shared) == 0 {
		t.Log("no shared data: fixtures only")
	}
	dir := t.TempDir()
	paths = append(paths, writeXLSXEdgeCases(t, filepath.Join(dir, "edges.xlsx")))
	paths = append(paths, writeXLSXFormats(t, filepath.Join(dir, "formats.xlsx"), false))
	paths = append(paths, writeXLSXFormats(t, filepath.Join(dir, "formats1904.xlsx"), true))
	fx, _ := filepath.Glob(filepath.Join("..", "testdata", "*", "*.xlsx"))
	paths = append(paths, fx...)
	for _, p := range paths {
		if f, err := excelize.OpenFile(p); err != nil {
			continue // the hostile fixtures: TestHostileFiles
		} else {
			f.Close()
		}
		for _, sh := range sheetNames(t, p) {
			want := excelizeRows(t, p, sh)
			got := streamRows(t, p, sh)
			compareRows(t, filepath.Base(p)+"/"+sh, want, got)
			// The tag-by-tag path too, which the usual cells skip.
			xlsxOneStep = false
			got = streamRows(t, p, sh)
			xlsxOneStep = true
			compareRows(t, filepath.Base(p)+"/"+sh+" (tag by tag)", want, got)
			t.Logf("%s/%s: %d rows agree", filepath.Base(p), sh, len(want))
		}
	}
}

// zipParts writes a workbook part by part, for shapes excelize's writer
// never makes.
func zipParts(t testing.TB, path string, parts map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(parts))
	for n := range parts {
		names = append(names, n)
	}
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(parts[n]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const (
	xlRels = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	xlCT   = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`
	xlWB   = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`
	xlWBR  = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`
	xlSty  = `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="0.0"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts><cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="3"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="49"/></cellXfs></styleSheet>`
)

// xlsxWorkbook is a one-sheet workbook of the given sheetData and shared
// strings (each <si> element's content).
func xlsxWorkbook(t testing.TB, path, sheetData string, sst []string) string {
	t.Helper()
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for _, s := range sst {
		sb.WriteString("<si>" + s + "</si>")
	}
	sb.WriteString("</sst>")
	return zipParts(t, path, map[string]string{
		"[Content_Types].xml":        xlCT,
		"_rels/.rels":                xlRels,
		"xl/workbook.xml":            xlWB,
		"xl/_rels/workbook.xml.rels": xlWBR,
		"xl/styles.xml":              xlSty,
		"xl/sharedStrings.xml":       sb.String(),
		"xl/worksheets/sheet1.xml": `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			`<sheetData>` + sheetData + `</sheetData></worksheet>`,
	})
}

// writeXLSXEdgeCases writes the constructs a hand-written scanner can get
// wrong: entities, CDATA, rich text and phonetic runs, _xHHHH_ escapes,
// inline strings, formulas with and without values, booleans, errors,
// missing and out-of-order cell references, gaps, prefixed tags, CR LF.
func writeXLSXEdgeCases(t testing.TB, path string) string {
	sst := []string{
		`<t>plain</t>`,
		`<t xml:space="preserve">  spaced &amp; &lt;tagged&gt; &quot;q&quot; &#233;&#x4E2D; </t>`,
		`<r><rPr><b/></rPr><t>rich</t></r><r><t xml:space="preserve"> text</t></r>`,
		`<t>漢字</t><rPh sb="0" eb="2"><t>カンジ</t></rPh>`,
		`<t>ctl_x0008_here _x005F_x0041_ _x0041_ _xD800_ _x12_</t>`,
		`<t><![CDATA[a <cdata> & b]]></t>`,
		`<t/>`,
		`<t>line1` + "\r\n" + `line2` + "\r" + `line3</t>`,
		`<t>123</t>`,
		`<t>` + strings.Repeat("long ", 2000) + `</t>`,
		`<t>first</t><t>second</t>`,
	}
	var sd strings.Builder
	sd.WriteString(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>6</v></c><c r="H1" t="s"><v>7</v></c></row>`)
	sd.WriteString(`<row r="2"><c r="A2" t="s"><v> 8 </v></c><c r="B2" t="s"><v>9</v></c><c r="C2" t="s"><v>10</v></c><c r="D2" t="s"><v>99</v></c><c r="E2" t="s"><v>x</v></c><c r="F2" t="s"><v>-1</v></c></row>`)
	sd.WriteString(`<row r="4"><c r="A4" t="inlineStr"><is><t>inline &amp; free</t></is></c><c r="C4" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c><c r="D4" t="b"><v>1</v></c><c r="E4" t="b"><v>0</v></c><c r="F4" t="e"><v>#N/A</v></c><c r="G4" t="str"><f>A1&amp;B1</f><v>formula text</v></c></row>`)
	sd.WriteString(`<row r="5"><c r="B5"><f>1+1</f></c><c r="C5"><f>SUM(A1:A2)</f><v>3</v></c><c r="D5"><v>1.50</v></c><c r="E5"><v>1E-3</v></c><c r="F5"><v>12345678901234567890</v></c><c r="G5"><v>0.1234567890123456789</v></c><c r="H5"><v>-0</v></c><c r="I5"><v>007</v></c></row>`)
	sd.WriteString(`<row><c><v>1</v></c><c><v>2</v></c><c r="E6"><v>5</v></c><c><v>6</v></c></row>`)
	sd.WriteString(`<row r="7"><c r="C7"><v>3</v></c><c r="A7"><v>1</v></c></row>`)
	sd.WriteString(`<row r="8" spans="1:3"></row><row r="9"/>`)
	sd.WriteString(`<row r="10"><c r="A10" s="1"><v>1234567.891</v></c><c r="B10" s="2"><v>45292</v></c><c r="C10" s="3"><v>2.25</v></c><c r="D10" s="4"><v>45292</v></c><c r="E10" s="5"><v>42</v></c><c r="F10" s="2"><v>45292.75</v></c><c r="G10" s="1" t="s"><v>8</v></c><c r="H10" s="2" t="s"><v>0</v></c><c r="I10" s="99"><v>7</v></c><c r="J10" s="4" t="d"><v>2024-01-02T00:00:00Z</v></c><c r="K10" t="d"><v>2024-01-02T00:00:00Z</v></c></row>`)
	sd.WriteString(`<!-- a comment --><row r="11"><c r="a11"><v>lower</v></c><c r="B11"><v><![CDATA[42]]></v></c></row>`)
	sd.WriteString(`<row r="12"><c r="A12" t="s"><v>0</v></c><c r="B12" t="inlineStr"><v>v not is</v></c><c r="C12" t="inlineStr"><v>ignored</v><is><t>is wins</t></is></c></row>`)
	return xlsxWorkbook(t, path, sd.String(), sst)
}

// writeXLSXFormats writes, with excelize, number cells under a range of
// format codes: the natively rendered ones (General, plain dates) and
// others left to excelize, on values that probe rounding, the 1900 leap
// quirk, negative numbers and text.
func writeXLSXFormats(t testing.TB, path string, date1904 bool) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if date1904 {
		yes := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
			t.Fatal(err)
		}
	}
	sh := f.GetSheetName(0)
	codes := []string{"mm-dd-yy", "m/d/yyyy", "mm/dd/yyyy", "yyyy-mm-dd", "d-mmm-yy", "dd mmmm yyyy", "ddd, mmm d, yyyy", "dddd", "m/d/yy",
		"yyyy/m/d", "MM/DD/YYYY", "0", "0.00", "#,##0", "#,##0.00", "0.0", "0.000", "0%", "@", "General", "h:mm AM/PM",
		"m/d/yy hh:mm", `"$"#,##0.00`, "[$-409]mmmm d, yyyy", "yyyy-mm-dd hh:mm:ss", "0.00E+00", "#,##0 ;(#,##0)"}
	builtins := []int{1, 2, 3, 4, 9, 10, 14, 15, 16, 17, 22, 37, 41, 44, 49}
	var styles []int
	for _, c := range codes {
		code := c
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			t.Fatal(err)
		}
		styles = append(styles, id)
	}
	for _, b := range builtins {
		id, err := f.NewStyle(&excelize.Style{NumFmt: b})
		if err != nil {
			t.Fatal(err)
		}
		styles = append(styles, id)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	values := []string{"0", "1", "59", "60", "61", "62", "366", "36526", "43831", "45292", "45658", "2958465", "2958466",
		"45292.5", "45292.999999", "0.5", "-1", "-1234.5", "1234567.891", "0.125", "2.5", "3.5", "1E-3", "1.005", "text"}
	for i := 0; i < 40; i++ {
		values = append(values, fmt.Sprint(20000+rng.IntN(40000)))
		values = append(values, fmt.Sprintf("%.4f", rng.Float64()*100000))
	}
	row := 1
	for _, v := range values {
		for ci, st := range styles {
			cell, _ := excelize.CoordinatesToCellName(ci+1, row)
			if v == "text" {
				f.SetCellStr(sh, cell, "some text")
			} else {
				f.SetCellDefault(sh, cell, v)
			}
			f.SetCellStyle(sh, cell, cell, st)
		}
		row++
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}
