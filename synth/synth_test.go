package synth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func generate(t testing.TB, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Generate(context.Background(), &buf, opts); err != nil {
		t.Fatalf("Generate(%+v): %v", opts, err)
	}
	return buf.Bytes()
}

// parse reads a generated file with encoding/csv, which also checks that
// every row has the header's field count.
func parse(t testing.TB, data []byte) (header []string, rows [][]string) {
	t.Helper()
	cr := csv.NewReader(bytes.NewReader(data))
	all, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("output does not parse as CSV: %v", err)
	}
	if len(all) == 0 {
		t.Fatal("no header")
	}
	return all[0], all[1:]
}

var (
	lcaColumns = []string{"CASE_NUMBER", "CASE_STATUS", "RECEIVED_DATE", "JOB_TITLE", "SOC_CODE", "SOC_TITLE",
		"EMPLOYER_NAME", "WORKSITE_STATE", "WAGE_RATE_OF_PAY_FROM", "WAGE_RATE_OF_PAY_TO", "WAGE_UNIT_OF_PAY",
		"PREVAILING_WAGE", "PW_UNIT_OF_PAY", "PW_WAGE_LEVEL", "FULL_TIME_POSITION"}
	surveyColumns = []string{"work_year", "experience_level", "employment_type", "job_title", "salary",
		"salary_currency", "salary_in_usd", "employee_residence", "remote_ratio", "company_location", "company_size"}
)

func TestDeterministic(t *testing.T) {
	for _, profile := range []string{"lca", "survey"} {
		t.Run(profile, func(t *testing.T) {
			opts := Options{Rows: 20000, Seed: 42, Profile: profile}
			a := sha256.Sum256(generate(t, opts))
			b := sha256.Sum256(generate(t, opts))
			if a != b {
				t.Fatalf("same options gave different bytes: %x vs %x", a, b)
			}
			opts.Seed = 43
			if c := sha256.Sum256(generate(t, opts)); c == a {
				t.Fatal("different seeds gave the same bytes")
			}
		})
	}
}

func TestDefaultProfileIsLCA(t *testing.T) {
	a := generate(t, Options{Rows: 100, Seed: 7})
	b := generate(t, Options{Rows: 100, Seed: 7, Profile: "lca"})
	if !bytes.Equal(a, b) {
		t.Fatal(`empty Profile should mean "lca"`)
	}
}

func TestHeaderAndRowCount(t *testing.T) {
	for _, tc := range []struct {
		profile string
		columns []string
	}{{"lca", lcaColumns}, {"survey", surveyColumns}} {
		for _, n := range []int{0, 1, 5000} {
			header, rows := parse(t, generate(t, Options{Rows: n, Seed: 1, Profile: tc.profile}))
			if !slices.Equal(header, tc.columns) {
				t.Fatalf("%s header = %q, want %q", tc.profile, header, tc.columns)
			}
			if len(rows) != n {
				t.Fatalf("%s: %d rows, want %d", tc.profile, len(rows), n)
			}
		}
	}
}

var (
	caseNumberRE = regexp.MustCompile(`^I-200-\d{5}-\d{6}$`)
	dateRE       = regexp.MustCompile(`^(\d{2})/(\d{2})/(\d{4})$`)
	lcaUnits     = map[string]float64{"Year": 1, "Hour": 2080, "Week": 52, "Bi-Weekly": 26, "Month": 12}
)

// lcaDefect says what is deliberately wrong with an lca row, or "".
func lcaDefect(row []string) string {
	if row[3] == "" {
		return "empty title"
	}
	m := dateRE.FindStringSubmatch(row[2])
	if m == nil {
		return "bad date"
	}
	if y, _ := strconv.Atoi(m[3]); y < 2015 || y > 2025 {
		return "year out of range"
	}
	per, ok := lcaUnits[row[10]]
	if !ok || row[12] != row[10] {
		return "unknown unit"
	}
	from, err := strconv.ParseFloat(row[8], 64)
	if err != nil {
		return "pay not a number"
	}
	if from < 0 {
		return "negative pay"
	}
	if annual := from * per; annual < 10000 || annual > 2000000 {
		return "implausible pay"
	}
	return ""
}

func TestLCAContent(t *testing.T) {
	const n = 200000
	_, rows := parse(t, generate(t, Options{Rows: n, Seed: 3, Profile: "lca"}))
	seen := make(map[string][]string, n)
	var bad, dup, ranges, hourly, year int
	defects := map[string]int{}
	statuses := map[string]int{}
	for _, row := range rows {
		if !caseNumberRE.MatchString(row[0]) {
			t.Fatalf("case number %q", row[0])
		}
		if prev, ok := seen[row[0]]; ok {
			dup++
			if !slices.Equal(prev, row) {
				t.Fatalf("duplicate case number with different content:\n%q\n%q", prev, row)
			}
			continue
		}
		seen[row[0]] = row
		statuses[row[1]]++
		if d := lcaDefect(row); d != "" {
			bad++
			defects[d]++
			continue
		}
		if len(row[7]) != 2 || strings.ToUpper(row[7]) != row[7] {
			t.Fatalf("state %q", row[7])
		}
		if !regexp.MustCompile(`^\d\d-\d{4}$`).MatchString(row[4]) || row[5] == "" || row[6] == "" {
			t.Fatalf("SOC/employer in %q", row)
		}
		from, _ := strconv.ParseFloat(row[8], 64)
		pw, err := strconv.ParseFloat(row[11], 64)
		if err != nil || pw <= 0 || pw > from {
			t.Fatalf("prevailing wage %q vs offered %q", row[11], row[8])
		}
		if row[9] != "" {
			to, err := strconv.ParseFloat(row[9], 64)
			if err != nil || to <= from {
				t.Fatalf("range %q..%q", row[8], row[9])
			}
			ranges++
		}
		switch row[10] {
		case "Hour":
			hourly++
		case "Year":
			year++
		}
		if !slices.Contains([]string{"", "I", "II", "III", "IV"}, row[13]) || (row[14] != "Y" && row[14] != "N") {
			t.Fatalf("level/full time in %q", row)
		}
	}
	share := func(k int) float64 { return float64(k) / n }
	if s := share(bad); s < 0.008 || s > 0.012 {
		t.Errorf("bad rows %.4f, want about 0.01 (%v)", s, defects)
	}
	if len(defects) != 6 {
		t.Errorf("defect kinds %v, want 6", defects)
	}
	if s := share(dup); s < 0.002 || s > 0.004 {
		t.Errorf("duplicate rows %.4f, want about 0.003", s)
	}
	if s := share(year); s < 0.75 || s > 0.88 {
		t.Errorf("Year unit share %.3f", s)
	}
	if s := share(hourly); s < 0.10 || s > 0.22 {
		t.Errorf("Hour unit share %.3f", s)
	}
	if s := share(ranges); s < 0.05 || s > 0.2 {
		t.Errorf("range share %.3f", s)
	}
	if s := share(statuses["Certified"]); s < 0.8 {
		t.Errorf("Certified share %.3f (%v)", s, statuses)
	}
	for _, st := range caseStatuses {
		if statuses[st] == 0 {
			t.Errorf("no %q rows", st)
		}
	}
}

func TestLCAPayByFamily(t *testing.T) {
	_, rows := parse(t, generate(t, Options{Rows: 200000, Seed: 5, Profile: "lca"}))
	pay := map[string][]float64{}
	for _, row := range rows {
		if lcaDefect(row) != "" || row[2][6:] != "2024" {
			continue
		}
		from, _ := strconv.ParseFloat(row[8], 64)
		title := strings.ToUpper(row[3])
		pay[title] = append(pay[title], from*lcaUnits[row[10]])
	}
	for _, tc := range []struct {
		title  string
		lo, hi float64
	}{
		{"INFORMATION SECURITY MANAGER", 130000, 185000},
		{"INFORMATION SECURITY ANALYST", 90000, 130000},
		{"CHIEF INFORMATION SECURITY OFFICER", 200000, 300000},
		{"SECURITY GUARD", 30000, 50000},
	} {
		p := pay[tc.title]
		if len(p) < 20 {
			t.Errorf("%s: only %d rows", tc.title, len(p))
			continue
		}
		slices.Sort(p)
		if med := p[len(p)/2]; med < tc.lo || med > tc.hi {
			t.Errorf("%s: median %.0f, want %.0f..%.0f", tc.title, med, tc.lo, tc.hi)
		}
	}
}

func TestLCATitles(t *testing.T) {
	_, rows := parse(t, generate(t, Options{Rows: 100000, Seed: 9, Profile: "lca"}))
	distinct := map[string]int{}
	for _, row := range rows {
		distinct[row[3]]++
	}
	if len(distinct) < 500 || len(distinct) > 5000 {
		t.Errorf("%d distinct titles, want a few thousand at most", len(distinct))
	}
	has := func(pred func(string) bool) bool {
		for title := range distinct {
			if pred(title) {
				return true
			}
		}
		return false
	}
	containsFold := func(sub string) func(string) bool {
		return func(s string) bool { return strings.Contains(strings.ToUpper(s), strings.ToUpper(sub)) }
	}
	word := func(w string) func(string) bool {
		re := regexp.MustCompile(`(^|[\s,(-])` + regexp.QuoteMeta(w) + `($|[\s,)-])`)
		return re.MatchString
	}
	for _, c := range []string{"Securities Analyst", "Security Guard", "Loss Prevention Manager",
		"Physical Security Manager", "Securities Operations Manager", "Social Security Claims Representative",
		"Safety Manager", "Transportation Security Officer"} {
		if !has(containsFold(c)) {
			t.Errorf("no confuser %q", c)
		}
	}
	for _, w := range []string{"Sr", "Sr.", "Jr", "Mgr", "Mngr", "Info", "Sec", "InfoSec", "Cyber", "IT", "Engr",
		"Eng", "Dir", "ISSM", "ISSO", "CISO", "SOC", "Senior", "Lead", "Principal", "Staff", "II", "III",
		"SR", "MGR", "INFOSEC"} {
		if !has(word(w)) {
			t.Errorf("no title with %q", w)
		}
	}
	for name, pred := range map[string]func(string) bool{
		"ALL CAPS":       func(s string) bool { return s == strings.ToUpper(s) && strings.ToLower(s) != s },
		"comma":          func(s string) bool { return strings.Contains(s, ",") },
		"swapped order":  containsFold("Manager, Information Security"),
		"requisition":    regexp.MustCompile(`\(\d{6}\)$|- [A-Z]{6}\d{5}-\d{2}$`).MatchString,
		"remote":         containsFold(" - Remote"),
		"city and state": regexp.MustCompile(` - [A-Za-z ]+, [A-Z]{2}$`).MatchString,
		"level 2":        containsFold("Level 2"),
		"typo":           func(s string) bool { return containsFold("Secuirty")(s) || containsFold("Securty")(s) },
	} {
		if !has(pred) {
			t.Errorf("no title with %s", name)
		}
	}
}

func TestVocabularyShares(t *testing.T) {
	var sec, all float64
	for _, f := range families {
		all += f.weightLCA
		if f.security {
			sec += f.weightLCA
		}
	}
	if s := 1 - sec/all; math.Abs(s-0.4) > 0.03 {
		t.Errorf("non-security lca share %.3f, want about 0.4", s)
	}
}

func TestSurveyContent(t *testing.T) {
	const n = 200000
	_, rows := parse(t, generate(t, Options{Rows: n, Seed: 11, Profile: "survey"}))
	rates := map[string]bool{"USD": true, "EUR": true, "GBP": true, "CAD": true}
	var bad int
	cur := map[string]int{}
	exp := map[string]int{}
	for _, row := range rows {
		year, err := strconv.Atoi(row[0])
		salary, err2 := strconv.Atoi(row[4])
		usd, err3 := strconv.Atoi(row[6])
		if row[3] == "" || err != nil || year < 2020 || year > 2025 || err2 != nil || err3 != nil ||
			!rates[row[5]] || usd < 10000 || salary < 0 {
			bad++
			continue
		}
		cur[row[5]]++
		exp[row[1]]++
		if row[5] == "USD" && salary != usd {
			t.Fatalf("USD salary %d but salary_in_usd %d", salary, usd)
		}
		if ratio := float64(usd) / float64(salary); row[5] != "USD" && (ratio < 0.6 || ratio > 1.5) {
			t.Fatalf("salary %d %s vs salary_in_usd %d", salary, row[5], usd)
		}
		if !slices.Contains([]string{"FT", "PT", "CT", "FL"}, row[2]) ||
			!slices.Contains([]string{"0", "50", "100"}, row[8]) ||
			!slices.Contains([]string{"S", "M", "L"}, row[10]) ||
			len(row[7]) != 2 || len(row[9]) != 2 {
			t.Fatalf("row %q", row)
		}
	}
	if s := float64(bad) / n; s < 0.008 || s > 0.012 {
		t.Errorf("bad rows %.4f, want about 0.01", s)
	}
	if s := float64(cur["USD"]) / n; s < 0.85 || s > 0.97 {
		t.Errorf("USD share %.3f", s)
	}
	for _, c := range []string{"EUR", "GBP", "CAD"} {
		if cur[c] == 0 {
			t.Errorf("no %s rows", c)
		}
	}
	for _, e := range []string{"EN", "MI", "SE", "EX"} {
		if exp[e] < n/100 {
			t.Errorf("experience %s: %d rows", e, exp[e])
		}
	}
}

func TestErrors(t *testing.T) {
	if err := Generate(context.Background(), io.Discard, Options{Rows: 1, Profile: "oews"}); err == nil {
		t.Error("unknown profile: no error")
	}
	if err := Generate(context.Background(), io.Discard, Options{Rows: -1}); err == nil {
		t.Error("negative rows: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Generate(ctx, io.Discard, Options{Rows: 10}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: %v", err)
	}
	werr := errors.New("disk full")
	if err := Generate(context.Background(), failWriter{werr}, Options{Rows: 100000}); !errors.Is(err, werr) {
		t.Errorf("failing writer: %v", err)
	}
	if err := Generate(context.Background(), failWriter{werr}, Options{Rows: 1, Profile: "survey"}); !errors.Is(err, werr) {
		t.Errorf("failing writer on flush: %v", err)
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

func benchmarkGenerate(b *testing.B, profile string) {
	const rows = 200000
	var size int64
	for b.Loop() {
		cw := &countWriter{}
		if err := Generate(context.Background(), cw, Options{Rows: rows, Seed: 1, Profile: profile}); err != nil {
			b.Fatal(err)
		}
		size = cw.n
	}
	b.SetBytes(size)
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkGenerateLCA(b *testing.B)    { benchmarkGenerate(b, "lca") }
func BenchmarkGenerateSurvey(b *testing.B) { benchmarkGenerate(b, "survey") }

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

func ExampleGenerate() {
	err := Generate(context.Background(), os.Stdout, Options{Rows: 3, Seed: 10})
	if err != nil {
		panic(err)
	}
	// Output:
	// CASE_NUMBER,CASE_STATUS,RECEIVED_DATE,JOB_TITLE,SOC_CODE,SOC_TITLE,EMPLOYER_NAME,WORKSITE_STATE,WAGE_RATE_OF_PAY_FROM,WAGE_RATE_OF_PAY_TO,WAGE_UNIT_OF_PAY,PREVAILING_WAGE,PW_UNIT_OF_PAY,PW_WAGE_LEVEL,FULL_TIME_POSITION
	// I-200-17117-507322,Certified,04/27/2017,Application Developer Intern,15-1252,Software Developers,MICROSOFT CORPORATION,CA,61300.00,,Year,49531.00,Year,I,N
	// I-200-17324-709849,Certified,11/20/2017,"HOMELAND SECURITY PROGRAM ANALYST - New York, NY",13-1111,Management Analysts,"ORACLE AMERICA, INC.",NC,74900.00,79187.00,Year,67703.00,Year,II,Y
	// I-200-20213-498673,Certified,07/31/2020,Securities Trader,41-3031,"Securities, Commodities, and Financial Services Sales Agents",BNY MELLON,CA,110000.00,,Year,107339.00,Year,I,Y
}
