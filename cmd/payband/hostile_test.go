package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The hostile-input corpus: testdata/bad/cases.tsv lists every case with
// the behaviour it must get. Small files are committed in testdata/bad; the
// big ones (a 10 MB line, 50,000 columns, a 100,000-character title) and
// the XLSX with formulas are written at run time.
const badDir = "../../testdata/bad"

const surveyHeader = "work_year,experience_level,employment_type,job_title,salary,salary_currency,salary_in_usd,employee_residence,remote_ratio,company_location,company_size"

func surveyRow(title, usd string) string {
	return "2024,SE,FT," + title + "," + usd + ",USD," + usd + ",US,0,US,M\n"
}

// rejectWant is a reject the case must produce: row (0 = any), column and
// a piece of the reason.
type rejectWant struct {
	row    int
	column string
	reason string
}

// plainIngestRSS is the peak RSS of a child ingesting a small valid file
// into a copy of the seed warehouse: the yardstick for the memory bounds,
// since the process's own footprint (DuckDB, and the race detector when it
// is on: about 380 MB against 150 MB without) is most of any peak.
func plainIngestRSS(t *testing.T, seed []byte) int64 {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	if err := os.WriteFile(db, seed, 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "plain.csv")
	genFile(t, p, "survey", 100, 9)
	r := runChild(t, 2*time.Minute, "--db", db, "ingest", p)
	if r.code != 0 || r.maxRSS == 0 {
		t.Fatalf("plain ingest: exit %d, peak RSS %d\n%s", r.code, r.maxRSS, r.stderr)
	}
	return r.maxRSS
}

type hostileCase struct {
	gen      func(t *testing.T, path string) // written at run time when set
	err      string                          // expect error: a piece of the one-line message
	read     int                             // expect loads/rejects: rows read (-1: not checked)
	loaded   int
	rejects  []rejectWant
	extra    func(t *testing.T, db string) // further checks on the warehouse
	maxBytes int64                         // when set, how far the child's peak RSS may exceed a plain ingest's
}

func writeString(t *testing.T, path string, parts ...string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	for _, p := range parts {
		bw.WriteString(p)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// queryCSV runs a read-only query through the command and returns the
// records after the header.
func queryCSV(t *testing.T, db, q string) [][]string {
	t.Helper()
	out := mustRun(t, "--db", db, "query", "--limit", "0", "--format", "csv", q)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("query %q: %v\n%s", q, err, out)
	}
	return recs[1:]
}

func wantOne(t *testing.T, db, q, want string) {
	t.Helper()
	recs := queryCSV(t, db, q)
	if len(recs) != 1 || strings.Join(recs[0], ",") != want {
		t.Errorf("%s\n = %v, want %s", q, recs, want)
	}
}

var hostileCases = map[string]hostileCase{
	"empty.csv":          {err: "the file is empty"},
	"header_only.csv":    {read: 0, loaded: 0},
	"no_header.csv":      {err: "no profile fits: the header (2024, SE, FT, Security Manager"},
	"binary_garbage.csv": {err: "binary data, not delimited text"},
	"image.png.csv":      {err: "binary data, not delimited text"},
	"truncated.csv.gz":   {err: "gzip data is truncated"},
	"not_a_zip.xlsx":     {err: "not an XLSX file (not a zip archive)"},
	"unbalanced_quotes.csv": {read: 3, loaded: 2, rejects: []rejectWant{
		{3, "", "malformed record: a quote opened on this line is not closed (4 fields, the header has 11)"}}},
	"cr_line_ends.csv": {read: 3, loaded: 3},
	"unclosed_quote_huge.csv": {
		gen: func(t *testing.T, p string) {
			writeString(t, p, surveyHeader+"\n", surveyRow("Security Manager", "120000"),
				"2024,SE,FT,\"Security Analyst\n", strings.Repeat(strings.Repeat("x", 99)+"\n", 200_000))
		},
		// The quote costs line 3; each line after it is read alone.
		read: 200_002, loaded: 1, rejects: []rejectWant{
			{3, "", "malformed record: a quote opened on this line is not closed"},
			{4, "", "wrong field count: 1 fields, the header has 11"}},
		// Measured 235 MB above a plain ingest under the race detector
		// when the file was refused at 16 MiB.
		maxBytes: 300 << 20,
	},
	"quoted_newlines.csv": {read: 2, loaded: 2, extra: func(t *testing.T, db string) {
		wantOne(t, db, `SELECT row_no, title_raw FROM salaries WHERE source = 'quoted_newlines.csv' AND row_no = 2`, "2,Information Security Manager")
		wantOne(t, db, `SELECT row_no FROM salaries WHERE source = 'quoted_newlines.csv' AND title_raw = 'Security Analyst'`, "4")
	}},
	"long_line.csv": {
		gen: func(t *testing.T, p string) {
			writeString(t, p, surveyHeader+"\n", surveyRow("Security Manager", "120000"),
				surveyRow(strings.Repeat("A", 10<<20), "130000"), surveyRow("Security Analyst", "90000"))
		},
		read: 3, loaded: 2,
		rejects: []rejectWant{{3, "job_title", "title too long: 10485760 characters, at most 300"}},
		extra: func(t *testing.T, db string) {
			wantOne(t, db, `SELECT max(length(value)) <= 201 FROM rejects WHERE source = 'long_line.csv'`, "true")
		},
		maxBytes: 300 << 20, // measured 206 MB above a plain ingest under the race detector
	},
	"wide.csv": {
		gen: func(t *testing.T, p string) {
			var hdr strings.Builder
			hdr.WriteString(surveyHeader)
			for i := 11; i < 50_000; i++ {
				fmt.Fprintf(&hdr, ",extra_%d", i)
			}
			hdr.WriteByte('\n')
			row := strings.TrimSuffix(surveyRow("Security Manager", "120000"), "\n") + strings.Repeat(",x", 50_000-11) + "\n"
			writeString(t, p, hdr.String(), row, row, row)
		},
		read: 3, loaded: 3,
	},
	"wide_unknown.csv": {
		gen: func(t *testing.T, p string) {
			cols := make([]string, 50_000)
			for i := range cols {
				cols[i] = "c" + strconv.Itoa(i)
			}
			writeString(t, p, strings.Join(cols, ",")+"\n", strings.Repeat("1,", 49_999)+"1\n")
		},
		err: "no profile fits: the header (c0, c1, c2, c3, c4, c5, c6, c7, … (50000 columns))",
	},
	"long_header_cell.csv": {
		gen: func(t *testing.T, p string) {
			writeString(t, p, strings.Repeat("X", 100_000)+",\"job\ntitle\"\n1,2\n")
		},
		err: "the header (" + strings.Repeat("X", 40) + "… (100000 characters), job title)",
	},
	"duplicate_columns.csv": {read: 2, loaded: 2, extra: func(t *testing.T, db string) {
		wantOne(t, db, `SELECT string_agg(title_raw || '=' || pay_usd::BIGINT, ';' ORDER BY row_no) FROM salaries WHERE source = 'duplicate_columns.csv'`,
			"Security Manager=150000;Security Analyst=90000")
	}},
	"mixed_encoding.csv": {read: 3, loaded: 3, extra: func(t *testing.T, db string) {
		wantOne(t, db, `SELECT string_agg(title_raw, ';' ORDER BY row_no) FROM salaries WHERE source = 'mixed_encoding.csv'`,
			"Gérant sécurité informatique;Gérant sécurité réseau;Responsable “sécurité”")
	}},
	"nul_bytes.csv": {read: 32, loaded: 32, extra: func(t *testing.T, db string) {
		wantOne(t, db, `SELECT count(*) FROM salaries WHERE source = 'nul_bytes.csv' AND title_raw = 'Security Manager' AND row_no = 32`, "1")
		wantOne(t, db, `SELECT count(*) FROM salaries WHERE source = 'nul_bytes.csv' AND (contains(title_raw, chr(0)) OR contains(coalesce(country, ''), chr(0)))`, "0")
	}},
	"control_chars.csv": {read: 32, loaded: 31, rejects: []rejectWant{{33, "job_title", "missing title"}}, extra: func(t *testing.T, db string) {
		wantOne(t, db, `SELECT count(*) FROM salaries WHERE source = 'control_chars.csv' AND regexp_matches(title_raw, '[\x00-\x1f\x7f]')`, "0")
	}},
	"long_title.csv": {
		gen: func(t *testing.T, p string) {
			writeString(t, p, surveyHeader+"\n", surveyRow(strings.Repeat("Security Manager ", 6000)[:100_000], "120000"), surveyRow("Security Analyst", "90000"))
		},
		read: 2, loaded: 1,
		rejects: []rejectWant{{2, "job_title", "title too long: 100000 characters, at most 300"}},
	},
	"html_sql_titles.csv": {read: 4, loaded: 4, extra: func(t *testing.T, db string) {
		wantOne(t, db, `SELECT string_agg(title_raw, '|' ORDER BY row_no) FROM salaries WHERE source = 'html_sql_titles.csv'`,
			`<script>alert(1)</script> Security Manager|Robert'); DROP TABLE observations;--|x' OR 1=1 --|<img src=x onerror=alert(1)>`)
		// The report escapes them.
		out := filepath.Join(filepath.Dir(db), "report")
		mustRun(t, "--db", db, "-q", "report", "--out", out)
		html, err := os.ReadFile(filepath.Join(out, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"<script>alert(1)", "<img src=x"} {
			if bytes.Contains(html, []byte(bad)) {
				t.Errorf("index.html carries %q unescaped", bad)
			}
		}
	}},
	"pay_values.csv": {read: 9, loaded: 1, rejects: []rejectWant{
		{2, "salary_in_usd", "unparseable pay amount \"NaN\""},
		{3, "salary_in_usd", "unparseable pay amount \"Inf\""},
		{4, "salary_in_usd", "pay amount is not positive"},
		{5, "salary_in_usd", "scientific notation is not accepted"},
		{6, "salary_in_usd", "hexadecimal notation is not accepted"},
		{7, "salary_in_usd", "non-ASCII digits"},
		{8, "salary_in_usd", "unparseable pay amount \"+Inf\""},
		{9, "salary_in_usd", "pay amount is not positive"},
	}},
	"lca_bad_dates.csv": {read: 4, loaded: 1, rejects: []rejectWant{
		{2, "RECEIVED_DATE", `"2016-02-30" is not a valid date`},
		{3, "RECEIVED_DATE", `"2016-13-01" is not a valid date`},
		{4, "RECEIVED_DATE", `"not a date" is not a valid date`},
	}},
	"years.csv": {read: 4, loaded: 1, rejects: []rejectWant{
		{2, "work_year", "1850 is outside 2000–"},
		{3, "work_year", "3000 is outside 2000–"},
		{4, "work_year", "-1 is outside 2000–"},
	}},
	"formula_text.csv": {read: 3, loaded: 3, extra: func(t *testing.T, db string) {
		// Stored as data; CSV output for spreadsheets defuses it.
		out := mustRun(t, "--db", db, "query", "--format", "csv", "--csv-safe",
			`SELECT title_raw FROM salaries WHERE source = 'formula_text.csv' ORDER BY row_no`)
		for _, l := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
			if l = strings.TrimPrefix(l, `"`); strings.ContainsAny(l[:1], "=+-@") {
				t.Errorf("--csv-safe output line %q starts with a formula character", l)
			}
		}
	}},
	"formulas.xlsx": {
		gen: func(t *testing.T, p string) {
			f := excelize.NewFile()
			defer f.Close()
			sh := f.GetSheetName(0)
			for i, h := range strings.Split(surveyHeader, ",") {
				cell, _ := excelize.CoordinatesToCellName(i+1, 1)
				f.SetCellValue(sh, cell, h)
			}
			rows := [][]any{
				{2024, "SE", "FT", "Security Manager", 120000, "USD", 120000, "US", 0, "US", "M"},
				{2024, "SE", "FT", nil, 130000, "USD", 130000, "US", 0, "US", "M"},
				{2024, "SE", "FT", `=HYPERLINK("http://evil.example","Security Manager")`, 140000, "USD", 140000, "US", 0, "US", "M"},
				{2024, "SE", "FT", "Security Analyst", 90000, "USD", nil, "US", 0, "US", "M"},
			}
			for r, row := range rows {
				for c, v := range row {
					if v != nil {
						cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
						f.SetCellValue(sh, cell, v)
					}
				}
			}
			// Real formulas without cached values: a title and a pay figure.
			f.SetCellFormula(sh, "D3", `HYPERLINK("http://evil.example","Security Manager")`)
			f.SetCellFormula(sh, "G5", "1000000*1000")
			if err := f.SaveAs(p); err != nil {
				t.Fatal(err)
			}
		},
		read: 4, loaded: 3,
		rejects: []rejectWant{{3, "job_title", "missing title"}},
		extra: func(t *testing.T, db string) {
			wantOne(t, db, `SELECT string_agg(title_raw || '=' || pay_usd::BIGINT, '|' ORDER BY row_no) FROM salaries WHERE source = 'formulas.xlsx'`,
				`Security Manager=120000|=HYPERLINK("http://evil.example","Security Manager")=140000|Security Analyst=90000`)
		},
	},
}

func readCases(t *testing.T) [][3]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(badDir, "cases.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var cases [][3]string
	for i, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		f := strings.Split(l, "\t")
		if len(f) != 3 {
			t.Fatalf("cases.tsv line %d: %d fields, want 3", i+1, len(f))
		}
		if i > 0 {
			cases = append(cases, [3]string{f[0], f[1], f[2]})
		}
	}
	return cases
}

// childResult is one run of the test binary as the payband command.
type childResult struct {
	stdout, stderr string
	code           int
	maxRSS         int64
}

// runChild runs payband in a child process with a deadline, so a hang
// fails the test instead of stalling it.
func runChild(t *testing.T, timeout time.Duration, args ...string) childResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, paybandBinary(), args...)
	cmd.Env = append(os.Environ(), "PAYBAND_TEST_AS_MAIN=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("payband %s: no answer within %v (hang)", strings.Join(args, " "), timeout)
	}
	r := childResult{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if cmd.ProcessState != nil {
		r.maxRSS = sysMaxRSS(cmd.ProcessState)
	}
	if strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine ") {
		t.Fatalf("payband %s panicked:\n%s", strings.Join(args, " "), r.stderr)
	}
	return r
}

const totalsSQL = `SELECT (SELECT count(*) FROM salaries), (SELECT round(sum(pay_usd), 2) FROM salaries),
 (SELECT count(*) FROM rejects), (SELECT count(*) FROM sources), (SELECT count(*) FROM title_map)`

// stateSQL is totalsSQL followed by baseSQL's figures, in one query.
const stateSQL = `SELECT * FROM (` + totalsSQL + `), (` + baseSQL + `)`

const baseSQL = `SELECT count(*)::VARCHAR, round(sum(pay_usd), 2)::VARCHAR, min(row_no)::VARCHAR, max(row_no)::VARCHAR
 FROM salaries WHERE source = 'base.csv'`

// TestHostileIngest feeds every case of the corpus to `payband ingest` on a
// warehouse that already holds a file, and checks the case's behaviour: no
// panic, no hang, a one-line error naming the file, rejects naming the
// column, and the rows loaded before left as they were.
func TestHostileIngest(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	base := filepath.Join(dir, "base.csv")
	genFile(t, base, "survey", 2000, 3)
	mustRun(t, "--db", db, "-q", "ingest", base)
	baseline := queryCSV(t, db, stateSQL)[0][5:]

	cases := readCases(t)
	listed := map[string]bool{}
	for _, c := range cases {
		listed[c[0]] = true
	}
	for name := range hostileCases {
		if !listed[name] {
			t.Errorf("case %s is tested but not listed in cases.tsv", name)
		}
	}
	ents, _ := os.ReadDir(badDir)
	for _, e := range ents {
		if e.Name() != "cases.tsv" && !listed[e.Name()] {
			t.Errorf("testdata/bad/%s is not listed in cases.tsv", e.Name())
		}
	}

	seed, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	plainRSS := plainIngestRSS(t, seed)
	for _, c := range cases {
		name, expect := c[0], c[1]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			hc, ok := hostileCases[name]
			if !ok {
				t.Fatalf("cases.tsv lists %s, but the test has no expectations for it", name)
			}
			// Each case gets its own copy of the loaded warehouse.
			cdir := t.TempDir()
			db := filepath.Join(cdir, "w.duckdb")
			if err := os.WriteFile(db, seed, 0o644); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(badDir, name)
			if hc.gen != nil {
				path = filepath.Join(cdir, name)
				hc.gen(t, path)
			} else if _, err := os.Stat(path); err != nil {
				t.Fatal(err)
			}
			var before [][]string
			if expect == "error" {
				before = queryCSV(t, db, stateSQL)
			}
			r := runChild(t, 2*time.Minute, "--db", db, "ingest", path)
			if hc.maxBytes > 0 && r.maxRSS > plainRSS+hc.maxBytes {
				t.Errorf("peak memory %d MB, more than %d MB above a plain ingest's %d MB", r.maxRSS>>20, hc.maxBytes>>20, plainRSS>>20)
			}
			switch expect {
			case "error":
				if r.code != 1 {
					t.Errorf("exit code %d, want 1\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
				}
				var lines []string
				for _, l := range strings.Split(r.stderr, "\n") {
					if strings.Contains(l, filepath.Base(path)) {
						lines = append(lines, l)
					}
				}
				if len(lines) != 1 {
					t.Fatalf("want one line naming the file, got %d:\n%s", len(lines), r.stderr)
				}
				if !strings.HasPrefix(lines[0], "payband: "+path+": ") || !strings.Contains(lines[0], hc.err) {
					t.Errorf("error line\n %q\nwant it to start with %q and contain %q", lines[0], "payband: "+path+": ", hc.err)
				}
				if len(lines[0]) > 1000 {
					t.Errorf("error line is %d bytes long", len(lines[0]))
				}
				if after := queryCSV(t, db, stateSQL); fmt.Sprint(after) != fmt.Sprint(before) {
					t.Errorf("warehouse changed by a refused file: %v -> %v", before, after)
				}
			case "loads", "rejects":
				if r.code != 0 {
					t.Fatalf("exit code %d, want 0\nstderr: %s", r.code, r.stderr)
				}
				want := fmt.Sprintf("%s: read %d, loaded %d, rejected %d, duplicates 0", filepath.Base(path), hc.read, hc.loaded, hc.read-hc.loaded)
				if !strings.Contains(r.stdout, want) {
					t.Errorf("summary %q, want %q", r.stdout, want)
				}
				if expect == "loads" && hc.read != hc.loaded {
					t.Errorf("a loads case with rejects: fix cases.tsv")
				}
				// The rows of the first file, then this file's rejects.
				got := queryCSV(t, db, fmt.Sprintf(`SELECT '', '', '', * FROM (%s) UNION ALL
 SELECT row_no::VARCHAR, "column", reason, '', '', '', '' FROM rejects WHERE source = '%s' ORDER BY 1 NULLS FIRST`, baseSQL, filepath.Base(path)))
				if b := got[0][3:]; fmt.Sprint(b) != fmt.Sprint(baseline) {
					t.Errorf("rows loaded before changed: %v -> %v", baseline, b)
				}
				got = got[1:]
				if len(got) != hc.read-hc.loaded {
					t.Errorf("%d rejects stored, want %d: %v", len(got), hc.read-hc.loaded, got)
				}
				for _, w := range hc.rejects {
					found := false
					for _, g := range got {
						if (w.row == 0 || g[0] == strconv.Itoa(w.row)) && g[1] == w.column && strings.Contains(g[2], w.reason) {
							found = true
						}
					}
					if !found {
						t.Errorf("no reject at row %d, column %q with reason %q; rejects: %v", w.row, w.column, w.reason, got)
					}
				}
			default:
				t.Fatalf("cases.tsv: expect %q is not error, rejects or loads", expect)
			}
			if hc.extra != nil {
				hc.extra(t, db)
			}
			if out, errs, err := run(t, "--db", db, "check"); err != nil {
				t.Errorf("check after %s: %v\n%s%s", name, err, out, errs)
			}
		})
	}

}

// TestHostileCommands gives every other command junk: each fails with a
// usage error or a clear one-line failure and leaves the warehouse as it was.
func TestHostileCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	base := filepath.Join(dir, "base.csv")
	genFile(t, base, "survey", 500, 4)
	mustRun(t, "--db", db, "-q", "ingest", base)
	other := filepath.Join(dir, "other.csv")
	genFile(t, other, "survey", 100, 6)
	// A tag on a scalar where a list belongs made the YAML library panic.
	badYAML := filepath.Join(dir, "tagged.yaml")
	writeString(t, badYAML, "output: r\nsources: !0 0\nfamilies: !0 0\nby: !0 0\n")
	before := queryCSV(t, db, totalsSQL)

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"bands", "--by", ";drop"}, 2, `cannot group by ";drop"`},
		{[]string{"bands", "--by", "family;DROP TABLE observations"}, 2, "cannot group by"},
		{[]string{"bands", "--by", "family", "--format", "xml"}, 2, `unknown format "xml"`},
		{[]string{"bands", "--min-n", "-3"}, 2, "--min-n"},
		{[]string{"bands", "--real", "1700"}, 2, "--real 1700"},
		{[]string{"query", "DELETE FROM observations"}, 1, "refused: payband query is read-only"},
		{[]string{"query", "DROP TABLE observations"}, 1, "refused"},
		{[]string{"query", "COPY salaries TO '" + filepath.Join(dir, "leak.csv") + "'"}, 1, "refused"},
		{[]string{"query", "ATTACH '" + filepath.Join(dir, "x.duckdb") + "' AS x"}, 1, "refused"},
		{[]string{"query", "INSTALL httpfs"}, 1, "refused"},
		{[]string{"query", "SET threads = 1"}, 1, "refused"},
		{[]string{"query", "SELECT 1; DROP TABLE observations"}, 1, ""},
		{[]string{"query", "--file", filepath.Join(dir, "missing.sql")}, 1, "missing.sql"},
		{[]string{"chart", "nosuch", "--out", filepath.Join(dir, "x.png")}, 2, `unknown chart "nosuch"`},
		{[]string{"chart", "band", "--out", filepath.Join(dir, "x.gif")}, 2, ".png or .svg"},
		{[]string{"chart", "band"}, 2, ".png or .svg"},
		{[]string{"chart", "ladder", "--by", "state", "--out", filepath.Join(dir, "x.png")}, 2, "chart ladder takes no --by"},
		{[]string{"chart", "trend", "--by", "family", "--out", filepath.Join(dir, "x.png")}, 2, "chart trend takes no --by"},
		{[]string{"chart", "hist", "--by", "level", "--out", filepath.Join(dir, "x.png")}, 2, "chart hist takes no --by"},
		{[]string{"report", "--config", filepath.Join(dir, "missing.yaml"), "--out", filepath.Join(dir, "r")}, 1, "missing.yaml"},
		{[]string{"run", "--config", filepath.Join(dir, "missing.yaml")}, 1, "missing.yaml"},
		{[]string{"run", "--config", badYAML}, 2, "tagged.yaml"}, // a bad config is a usage error
		{[]string{"report", "--config", badYAML, "--out", filepath.Join(dir, "r")}, 1, "tagged.yaml"},
		{[]string{"titles", "remap", "--taxonomy", badYAML}, 1, "tagged.yaml"},
		{[]string{"ingest", filepath.Join(dir, "missing.csv")}, 1, "missing.csv"},
		{[]string{"ingest", "--profile", "nosuch", other}, 2, "nosuch"},
		{[]string{"ingest", "--map", "salary", other}, 2, "--map takes field=COLUMN"},
		{[]string{"ingest", "--encoding", "ebcdic", other}, 1, "unknown encoding"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, errs, err := run(t, append([]string{"--db", db}, tc.args...)...)
			if err == nil {
				t.Fatalf("succeeded; want exit %d", tc.code)
			}
			if code := ExitCode(err); code != tc.code {
				t.Errorf("exit code %d, want %d (%v)", code, tc.code, err)
			}
			if !strings.Contains(err.Error()+errs, tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
			if strings.Contains(errs, "panic:") || strings.Contains(errs, "goroutine ") {
				t.Errorf("panic:\n%s", errs)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "leak.csv")); err == nil {
		t.Error("query COPY wrote a file")
	}
	if after := queryCSV(t, db, totalsSQL); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("warehouse changed: %v -> %v", before, after)
	}
	if _, _, err := run(t, "--db", db, "check"); err != nil {
		t.Errorf("check: %v", err)
	}

	// payband run: a missing source is named with the config file and line;
	// relative paths are resolved against the config file, not the working
	// directory.
	cfgDir := filepath.Join(dir, "job")
	if err := os.MkdirAll(filepath.Join(cfgDir, "raw"), 0o755); err != nil {
		t.Fatal(err)
	}
	genFile(t, filepath.Join(cfgDir, "raw", "a.csv"), "survey", 300, 5)
	bad := filepath.Join(cfgDir, "missing.yaml")
	writeString(t, bad, "output: reports\nsources:\n  - path: raw/a.csv\n  - path: raw/gone.csv\n")
	_, _, err := run(t, "--db", filepath.Join(dir, "run.duckdb"), "run", "--config", bad)
	if err == nil || !strings.Contains(err.Error(), "missing.yaml:4") || !strings.Contains(err.Error(), "raw/gone.csv") {
		t.Errorf("run with a missing source: %v, want missing.yaml:4 naming raw/gone.csv", err)
	}
	good := filepath.Join(cfgDir, "pipeline.yaml")
	writeString(t, good, "output: reports\nsources:\n  - path: raw/*.csv\nreports:\n  - families: [security-manager]\n    charts: [band]\n")
	wd, _ := os.Getwd()
	if filepath.Dir(good) == wd {
		t.Fatal("the config must not be in the working directory")
	}
	mustRun(t, "--db", filepath.Join(dir, "run.duckdb"), "-q", "run", "--config", good)
	if _, err := os.Stat(filepath.Join(cfgDir, "reports", "latest", "index.html")); err != nil {
		t.Errorf("relative output not resolved against the config file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(wd, "reports")); err == nil {
		t.Errorf("run wrote reports/ into the working directory")
	}
}

// sysMaxRSS is a finished child's peak resident memory in bytes.
func sysMaxRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss << 10 // kilobytes on Linux
	}
	return 0
}
