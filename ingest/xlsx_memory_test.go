package ingest_test

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"payband/ingest"
)

// The small XLSX files that once cost gigabytes (one huge inline cell, one
// huge shared string, ten million shared strings, 16,384 columns). Each is
// ingested in a child process (this test binary, re-executed) whose peak
// resident memory must stay under 1 GiB.

const memChildEnv = "PAYBAND_XLSX_MEMORY_CHILD"

const surveyCols = "work_year,experience_level,employment_type,job_title,salary,salary_currency,salary_in_usd,employee_residence,remote_ratio,company_location,company_size"

// bigXLSX writes a one-sheet workbook; sheet and sst write the parts'
// bodies (inside <sheetData> and <sst>).
func bigXLSX(t *testing.T, path string, sheet, sst func(w io.Writer)) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	part := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	stream := func(name, head, tail string, body func(io.Writer)) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		bw := bufio.NewWriterSize(w, 1<<20)
		bw.WriteString(head)
		if body != nil {
			body(bw)
		}
		bw.WriteString(tail)
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	part("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`)
	part("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	part("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	part("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	if sst != nil {
		stream("xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, `</sst>`, sst)
	}
	stream("xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`, `</sheetData></worksheet>`, sheet)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// inlineRow writes one row of inline-string cells.
func inlineRow(w io.Writer, n int, cells []string) {
	fmt.Fprintf(w, `<row r="%d">`, n)
	for _, c := range cells {
		fmt.Fprintf(w, `<c t="inlineStr"><is><t>%s</t></is></c>`, c)
	}
	io.WriteString(w, `</row>`)
}

func surveyCells(title string) []string {
	return []string{"2024", "SE", "FT", title, "150000", "USD", "150000", "US", "0", "US", "M"}
}

// repeat writes s n times.
func repeat(w io.Writer, s string, n int) {
	chunk := strings.Repeat(s, max(1, (1<<20)/len(s)))
	per := len(chunk) / len(s)
	for n > 0 {
		k := min(n, per)
		io.WriteString(w, chunk[:k*len(s)])
		n -= k
	}
}

type memCase struct {
	name      string
	write     func(t *testing.T, path string)
	read      int64
	loaded    int64
	rejectHas string // a piece of the reject reasons; "" when none
}

var memCases = []memCase{
	{
		name: "inline_300mb_cell",
		write: func(t *testing.T, p string) {
			bigXLSX(t, p, func(w io.Writer) {
				inlineRow(w, 1, strings.Split(surveyCols, ","))
				io.WriteString(w, `<row r="2"><c t="inlineStr"><is><t>2024</t></is></c><c r="D2" t="inlineStr"><is><t>`)
				repeat(w, "x", 300<<20)
				io.WriteString(w, `</t></is></c></row>`)
				inlineRow(w, 3, surveyCells("Security Manager"))
			}, nil)
		},
		read: 2, loaded: 1, rejectHas: "cell D2 holds more than 128 KiB of text (the cap per cell)",
	},
	{
		name: "shared_200mb_string",
		write: func(t *testing.T, p string) {
			bigXLSX(t, p, func(w io.Writer) {
				inlineRow(w, 1, strings.Split(surveyCols, ","))
				io.WriteString(w, `<row r="2"><c t="inlineStr"><is><t>2024</t></is></c><c r="D2" t="s"><v>0</v></c></row>`)
				inlineRow(w, 3, surveyCells("Security Manager"))
			}, func(w io.Writer) {
				io.WriteString(w, `<si><t>`)
				repeat(w, "y", 200<<20)
				io.WriteString(w, `</t></si><si><t>Security Analyst</t></si>`)
			})
		},
		read: 2, loaded: 1, rejectHas: "cell D2 holds more than 128 KiB of text (the cap per cell)",
	},
	{
		name: "ten_million_shared_strings",
		write: func(t *testing.T, p string) {
			bigXLSX(t, p, func(w io.Writer) {
				inlineRow(w, 1, strings.Split(surveyCols, ","))
				io.WriteString(w, `<row r="2"><c t="inlineStr"><is><t>2024</t></is></c><c r="D2" t="s"><v>9999999</v></c><c r="E2"><v>100000</v></c><c r="G2"><v>100000</v></c></row>`)
				inlineRow(w, 3, surveyCells("Security Manager"))
			}, func(w io.Writer) {
				repeat(w, `<si><t>a</t></si>`, 10_000_000-1)
				io.WriteString(w, `<si><t>Security Analyst</t></si>`)
			})
		},
		read: 2, loaded: 2,
	},
	{
		name: "16384_columns",
		write: func(t *testing.T, p string) {
			bigXLSX(t, p, func(w io.Writer) {
				hdr := strings.Split(surveyCols, ",")
				for i := len(hdr); i < ingest.MaxSheetColumns; i++ {
					hdr = append(hdr, "x"+strconv.Itoa(i+1))
				}
				inlineRow(w, 1, hdr)
				for r := 2; r <= 301; r++ {
					fmt.Fprintf(w, `<row r="%d">`, r)
					for _, c := range surveyCells("Security Manager") {
						fmt.Fprintf(w, `<c t="inlineStr"><is><t>%s</t></is></c>`, c)
					}
					repeat(w, `<c><v>1</v></c>`, ingest.MaxSheetColumns-11)
					io.WriteString(w, `</row>`)
				}
			}, nil)
		},
		read: 300, loaded: 300,
	},
}

func TestXLSXMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads about a gigabyte of XML")
	}
	const limit = 1 << 30
	for _, tc := range memCases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), tc.name+".xlsx")
			tc.write(t, p)
			st, _ := os.Stat(p)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestXLSXMemoryChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), memChildEnv+"="+p)
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("no answer in 5 minutes (hang)")
			}
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			var peak int64
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				peak = ru.Maxrss << 10
			}
			res := ""
			for _, l := range strings.Split(string(out), "\n") {
				if r, ok := strings.CutPrefix(l, "RESULT "); ok {
					res = r
				}
			}
			t.Logf("%s: %d KB file, peak RSS %d MB; %s", tc.name, st.Size()>>10, peak>>20, res)
			if peak == 0 || peak >= limit {
				t.Errorf("peak RSS %d MB, want under %d MB", peak>>20, limit>>20)
			}
			want := fmt.Sprintf("read=%d loaded=%d rejected=%d", tc.read, tc.loaded, tc.read-tc.loaded)
			if !strings.HasPrefix(res, want) {
				t.Errorf("result %q, want %s", res, want)
			}
			if tc.rejectHas != "" && !strings.Contains(res, tc.rejectHas) {
				t.Errorf("result %q does not give the reason %q", res, tc.rejectHas)
			}
		})
	}
}

// TestXLSXMemoryChild is the child of TestXLSXMemoryBounded: it ingests
// one file and prints what happened, with its own peak (VmHWM).
func TestXLSXMemoryChild(t *testing.T) {
	p := os.Getenv(memChildEnv)
	if p == "" {
		t.Skip("run by TestXLSXMemoryBounded")
	}
	w := openWarehouse(t)
	res, err := ingest.File(context.Background(), w, p, ingest.Options{})
	if err != nil {
		fmt.Printf("RESULT error=%v\n", err)
		return
	}
	var reasons string
	if err := w.DB.QueryRow(`SELECT coalesce(string_agg(reason, ' | '), '') FROM rejects`).Scan(&reasons); err != nil {
		t.Fatal(err)
	}
	hwm := ""
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				hwm = strings.Join(strings.Fields(l)[1:], "")
			}
		}
	}
	fmt.Printf("RESULT read=%d loaded=%d rejected=%d reasons=%s VmHWM=%s\n", res.Read, res.Loaded, res.Rejected, reasons, hwm)
}
