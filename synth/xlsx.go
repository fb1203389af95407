package synth

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"
)

// xlsxWriter streams a one-sheet XLSX workbook: text as inline strings,
// numbers as numbers, dates as serial numbers under the built-in short
// date format (numFmtId 14), as Excel stores them. The zip is written in
// one pass (no seeking) with a fixed timestamp, so the same rows give the
// same bytes.
type xlsxWriter struct {
	zw    *zip.Writer
	sheet *bufio.Writer
	kinds []cellKind
	row   int
	cell  []byte
	refs  []string // column letters
}

// xlsxTime is every part's timestamp.
var xlsxTime = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

func newXLSXWriter(w io.Writer, header []string, kinds []cellKind) (*xlsxWriter, error) {
	x := &xlsxWriter{zw: zip.NewWriter(w), kinds: kinds}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="LCA_Disclosure_Data" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`},
		{"xl/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`},
	}
	for _, p := range parts {
		w, err := x.create(p.name)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			return nil, err
		}
	}
	w2, err := x.create("xl/worksheets/sheet1.xml")
	if err != nil {
		return nil, err
	}
	x.sheet = bufio.NewWriterSize(w2, 1<<20)
	x.sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i := range header {
		x.refs = append(x.refs, colName(i+1))
	}
	hk := make([]cellKind, len(header))
	x.writeRow(header, hk)
	return x, nil
}

func (x *xlsxWriter) create(name string) (io.Writer, error) {
	return x.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: xlsxTime})
}

func colName(n int) string {
	var b []byte
	for n > 0 {
		n--
		b = append([]byte{byte('A' + n%26)}, b...)
		n /= 26
	}
	return string(b)
}

// write writes one data row.
func (x *xlsxWriter) write(cells []string) error {
	x.writeRow(cells, x.kinds)
	return nil
}

func (x *xlsxWriter) writeRow(cells []string, kinds []cellKind) {
	x.row++
	rs := strconv.Itoa(x.row)
	b := x.cell[:0]
	b = append(b, `<row r="`...)
	b = append(b, rs...)
	b = append(b, `">`...)
	for i, c := range cells {
		if c == "" {
			continue
		}
		b = append(b, `<c r="`...)
		b = append(b, x.refs[i]...)
		b = append(b, rs...)
		k := kinds[i]
		switch {
		case k == kNumber && isNumber(c):
			b = append(b, `"><v>`...)
			b = append(b, c...)
			b = append(b, `</v></c>`...)
		case k == kDate && dateSerial(c) > 0:
			b = append(b, `" s="1"><v>`...)
			b = strconv.AppendInt(b, int64(dateSerial(c)), 10)
			b = append(b, `</v></c>`...)
		default:
			b = append(b, `" t="inlineStr"><is><t>`...)
			b = appendXMLText(b, c)
			b = append(b, `</t></is></c>`...)
		}
	}
	b = append(b, `</row>`...)
	x.sheet.Write(b)
	x.cell = b
}

// Close finishes the sheet and the archive.
func (x *xlsxWriter) Close() error {
	x.sheet.WriteString(`</sheetData></worksheet>`)
	if err := x.sheet.Flush(); err != nil {
		return fmt.Errorf("synth: xlsx: %w", err)
	}
	if err := x.zw.Close(); err != nil {
		return fmt.Errorf("synth: xlsx: %w", err)
	}
	return nil
}

// isNumber reports whether s is a plain decimal a spreadsheet stores as a
// number ("85000.00", "-5.00"); "N/A" and the like stay text.
func isNumber(s string) bool {
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

var excelEpoch = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)

// dateSerial is the Excel serial day of an MM/DD/YYYY date, or 0.
func dateSerial(s string) int {
	t, err := time.Parse("01/02/2006", s)
	if err != nil || t.Year() < 1901 {
		return 0
	}
	return int(t.Sub(excelEpoch).Hours() / 24)
}

// appendXMLText escapes s as XML character data; characters XML cannot
// hold are dropped.
func appendXMLText(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		default:
			if c < 0x20 && c != '\t' && c != '\n' {
				break
			}
			if c >= utf8.RuneSelf {
				r, n := utf8.DecodeRuneInString(s[i:])
				if r != utf8.RuneError {
					b = append(b, s[i:i+n]...)
				}
				i += n
				continue
			}
			b = append(b, c)
		}
		i++
	}
	return b
}
