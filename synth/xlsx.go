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

// xlsxWriter streams a one-sheet XLSX workbook as Excel stores one: text
// in a shared-strings table (cells of type "s" holding an index; each
// distinct text stored once, in order of first use), numbers as numbers,
// dates as serial numbers under the built-in short date format (numFmtId
// 14). With inline set, text is written in the cells themselves (type
// "inlineStr"), as some other writers do. The zip is written in one pass
// (no seeking; the shared strings follow the worksheet, as in Excel's own
// files) with a fixed timestamp, so the same rows give the same bytes.
type xlsxWriter struct {
	zw     *zip.Writer
	sheet  *bufio.Writer
	kinds  []cellKind
	row    int
	cell   []byte
	refs   []string // column letters
	inline bool
	sst    map[string]int // text -> its index in strs
	strs   []string
	refsN  int // string cells written (the table's count)
}

// xlsxTime is every part's timestamp.
var xlsxTime = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

func newXLSXWriter(w io.Writer, header []string, kinds []cellKind, inline bool) (*xlsxWriter, error) {
	x := &xlsxWriter{zw: zip.NewWriter(w), kinds: kinds, inline: inline}
	sstType, sstRel := "", ""
	if !inline {
		x.sst = make(map[string]int)
		sstType = `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
		sstRel = `<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` + sstType + `</Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="LCA_Disclosure_Data" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` + sstRel + `</Relationships>`},
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
		case x.inline:
			b = append(b, `" t="inlineStr"><is><t`...)
			if needsPreserve(c) {
				b = append(b, ` xml:space="preserve"`...)
			}
			b = append(b, '>')
			b = appendXMLText(b, c)
			b = append(b, `</t></is></c>`...)
		default:
			i, ok := x.sst[c]
			if !ok {
				i = len(x.strs)
				x.sst[c] = i
				x.strs = append(x.strs, c)
			}
			x.refsN++
			b = append(b, `" t="s"><v>`...)
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, `</v></c>`...)
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
	if !x.inline {
		if err := x.writeSharedStrings(); err != nil {
			return fmt.Errorf("synth: xlsx: %w", err)
		}
	}
	if err := x.zw.Close(); err != nil {
		return fmt.Errorf("synth: xlsx: %w", err)
	}
	return nil
}

// writeSharedStrings writes the shared-strings part: every distinct text
// once, in order of first use.
func (x *xlsxWriter) writeSharedStrings() error {
	w, err := x.create("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="`)
	bw.WriteString(strconv.Itoa(x.refsN))
	bw.WriteString(`" uniqueCount="`)
	bw.WriteString(strconv.Itoa(len(x.strs)))
	bw.WriteString(`">`)
	var b []byte
	for _, s := range x.strs {
		b = append(b[:0], `<si><t`...)
		if needsPreserve(s) {
			b = append(b, ` xml:space="preserve"`...)
		}
		b = append(b, '>')
		b = appendXMLText(b, s)
		b = append(b, `</t></si>`...)
		bw.Write(b)
	}
	bw.WriteString(`</sst>`)
	return bw.Flush()
}

// needsPreserve reports whether text starts or ends with white space,
// which a <t> keeps only under xml:space="preserve".
func needsPreserve(s string) bool {
	return s != "" && (isSpace(s[0]) || isSpace(s[len(s)-1]))
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

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
