package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzXMLText checks the scanner's text decoding against encoding/xml: on
// every <v> element encoding/xml reads, the scanner reads the same text.
func FuzzXMLText(f *testing.F) {
	for _, s := range []string{"plain", "a &amp; b", "&#233;&#x4E2D;", "<![CDATA[x<y]]>", "a\r\nb\rc", "&bogus;", "&#0;", "x<!-- c -->y", "]]>", "&#x110000;", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		doc := "<v>" + s + "</v>"
		var want string
		xerr := xml.Unmarshal([]byte(doc), &want)
		sc := newXMLScanner(strings.NewReader(doc))
		sc.buf = make([]byte, 16) // small, so items straddle refills
		tg, ok, err := sc.nextTag()
		if err != nil || !ok || string(tg.name) != "v" {
			t.Fatalf("start tag: %v %v %q", ok, err, tg.name)
		}
		got, over, err := sc.text(nil, 1<<20)
		if over {
			t.Fatal("over the limit")
		}
		if xerr != nil || !utf8.ValidString(want) {
			return // encoding/xml refuses it; the scanner may read or refuse
		}
		if err != nil {
			// The scanner is stricter only on what encoding/xml also refuses.
			t.Fatalf("%q: scanner error %v, encoding/xml read %q", s, err, want)
		}
		end, ok, err := sc.nextTag()
		if err != nil || !ok || end.kind != tagEnd || string(end.name) != "v" {
			// A '<' inside the text that encoding/xml took as an element
			// (it flattens child elements' text into the string).
			return
		}
		if string(got) != want {
			t.Fatalf("%q: scanner %q, encoding/xml %q", s, got, want)
		}
	})
}

// FuzzXLSXSheet feeds arbitrary worksheet and shared-strings XML to the
// reader: it must not panic or hang, and what it gives must respect the
// caps and the row order.
func FuzzXLSXSheet(f *testing.F) {
	f.Add(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row><row r="3"><c r="C3" s="2"><v>45292</v></c></row>`, `<si><t>a</t></si>`)
	f.Add(`<row><c><v>1</v></c><c r="XFD1"><f>1</f></c></row><row r="2"/>`, `<si><r><t>x</t></r><rPh><t>y</t></rPh></si>`)
	f.Add(`<row r="2"><c r="A2" t="b"><v>1</v></c></row><row r="1"></row>`, ``)
	f.Add(`<x:row r="1"><x:c r="A1" t="d"><x:v>2024-01-02T00:00:00Z</x:v></x:c></x:row>`, `<si><t>_x0041_</t></si>`)
	f.Add(`<row r="1"><c r="A1" s="1" t="s"/><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>x_x0041_</t></is></c><c r="D1"><v>1&amp;2</v></c><c r="E1" ><v>3</v></c><c r="F1" t="s"><v><![CDATA[0]]></v></c><c r="G1"><v>4</v><f>1</f></c></row>`, `<si><t>a</t></si><si><t xml:space="preserve"> b </t></si>`)
	f.Fuzz(func(t *testing.T, sheet, sst string) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range map[string]string{
			"_rels/.rels":                xlRels,
			"xl/workbook.xml":            xlWB,
			"xl/_rels/workbook.xml.rels": xlWBR,
			"xl/styles.xml":              xlSty,
			"xl/sharedStrings.xml":       `<sst>` + sst + `</sst>`,
			"xl/worksheets/sheet1.xml":   `<worksheet><sheetData>` + sheet + `</sheetData></worksheet>`,
		} {
			w, _ := zw.Create(name)
			w.Write([]byte(body))
		}
		zw.Close()
		b := buf.Bytes()
		fast := fuzzSheetRows(t, b)
		xlsxOneStep = false
		slow := fuzzSheetRows(t, b)
		xlsxOneStep = true
		if fast != slow {
			t.Fatalf("one-step read:\n%s\ntag by tag:\n%s", fast, slow)
		}
	})
}

// fuzzSheetRows reads a workbook's rows, checking the reader's bounds, and
// gives them (and the error that ended them) as text.
func fuzzSheetRows(t *testing.T, b []byte) string {
	rd, err := openXLSXSheet(context.Background(), bytes.NewReader(b), int64(len(b)), "fuzz.xlsx", b, "")
	if err != nil {
		return "open: " + err.Error()
	}
	defer rd.Release()
	var out strings.Builder
	last := int64(0)
	for i := 0; i < 100_000; i++ {
		n, cells, problem, ok, err := rd.next()
		if err != nil {
			fmt.Fprintf(&out, "error: %v\n", err)
			break
		}
		if !ok {
			break
		}
		if n <= last {
			t.Fatalf("row %d after row %d", n, last)
		}
		last = n
		if len(cells) > MaxSheetColumns+1 {
			t.Fatalf("row %d: %d cells", n, len(cells))
		}
		for _, c := range cells {
			if len(c) > 4*MaxCellBytes {
				t.Fatalf("row %d: a cell of %d bytes", n, len(c))
			}
		}
		fmt.Fprintf(&out, "%d %q %q\n", n, cells, problem)
	}
	return out.String()
}
