package ingest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

	"payband/ingest"
	"payband/synth"
)

// fixture is a file of testdata/ingest.
func fixture(name string) string { return filepath.Join("..", "testdata", "ingest", name) }

// A FY2014-shaped LCA extract in which three records were saved whole
// inside quotes ("385;I-200-…;""OFFICER; …"";67500.0;…",,,,). Each such
// record costs one reject on its own line; every other line loads, with
// its own line number. encoding/csv with LazyQuotes read the first one's
// quote to the end of the file: 5 rows read, the rest one reject.
func TestMalformedRecordsCostOneRejectEach(t *testing.T) {
	ctx := context.Background()
	w := openWarehouse(t)
	res, err := ingest.File(ctx, w, fixture("lca_fy2014_quoted_records.csv"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Profile != "lca" || res.Read != 30 || res.Loaded != 27 || res.Rejected != 3 || res.Duplicate != 0 {
		t.Fatalf("got %+v; want lca, 30 read (Python's csv module counts 30), 27 loaded, 3 rejected", res)
	}
	got := dump(t, w, `SELECT row_no, reason FROM rejects ORDER BY row_no`)
	want := []string{
		"7|wrong field count: 1 fields, the header has 15",
		"15|wrong field count: 1 fields, the header has 15",
		"24|wrong field count: 1 fields, the header has 15",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rejects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Row numbers stay the file's line numbers: the last record is line 31.
	if got := dump(t, w, `SELECT min(row_no), max(row_no), count(DISTINCT row_no) FROM salaries`); got[0] != "2|31|27" {
		t.Errorf("salaries rows: %s, want lines 2 to 31, 27 of them", got[0])
	}
	if got := dump(t, w, `SELECT employer FROM salaries WHERE row_no = 5`); got[0] != "FABRIKAM; INC" {
		t.Errorf("a quoted delimiter in a well-formed record: %q", got)
	}
}

// The isecjobs publisher's salaries.json is one array of objects with the
// survey's 11 columns; files of one object keyed by row id hold the same.
// Both load exactly as the same data as CSV: rows, rejects, row numbers.
func TestJSONArrayAndObjectEqualCSV(t *testing.T) {
	ctx := context.Background()
	const (
		qSalaries = `SELECT * EXCLUDE (source, dataset) FROM salaries ORDER BY row_no` // the dataset is named after the file
		qRejects  = `SELECT * EXCLUDE (source) FROM rejects ORDER BY row_no, "column"`
		qSources  = `SELECT profile, rows_read, rows_loaded, rows_rejected, rows_duplicate FROM sources`
		qBands    = `SELECT family, count(*), quantile_cont(pay_usd, 0.5) FROM salaries GROUP BY family ORDER BY family`
	)
	load := func(name string) (ingest.Result, [][]string) {
		w := openWarehouse(t)
		res, err := ingest.File(ctx, w, fixture(name), ingest.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return res, [][]string{dump(t, w, qSalaries), dump(t, w, qRejects), dump(t, w, qSources), dump(t, w, qBands)}
	}
	csvRes, want := load("survey_salaries.csv")
	if csvRes.Read != 40 || csvRes.Loaded != 39 || csvRes.Rejected != 1 {
		t.Fatalf("csv: %+v", csvRes)
	}
	for _, name := range []string{"survey_salaries.json", "survey_salaries_by_id.json"} {
		res, got := load(name)
		if res.Format != "json" {
			t.Errorf("%s: format %q, want json", name, res.Format)
		}
		for i, what := range []string{"salaries", "rejects", "sources", "bands"} {
			if strings.Join(got[i], "\n") != strings.Join(want[i], "\n") {
				t.Errorf("%s: %s differ from the CSV's:\n got %q\nwant %q", name, what, got[i], want[i])
			}
		}
	}
}

// Excel's "CSV (Macintosh)" ends lines with CR alone; it loads as lines
// (it loaded 0 rows and exited 0).
func TestCROnlyLineEnds(t *testing.T) {
	ctx := context.Background()
	w := openWarehouse(t)
	res, err := ingest.File(ctx, w, fixture("survey_mac_cr.csv"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 40 || res.Loaded != 39 || res.Rejected != 1 {
		t.Fatalf("got %+v, want the 40 rows of survey_salaries.csv", res)
	}
	if got := dump(t, w, `SELECT min(row_no), max(row_no) FROM salaries`); got[0] != "2|41" {
		t.Errorf("row numbers %s, want 2|41", got[0])
	}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// A file truncated and rewritten in place while it loads (a cp over it,
// an rsync --inplace) fails with ErrChanged and leaves the warehouse as it
// was: the sha256 was taken by a separate read, so the rows before the
// cut were recorded under the whole file's hash, never to be reloaded.
func TestRewrittenWhileLoadingFails(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "lca.csv")
	ingestWriteLCA(t, path, 60_000)
	full, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w := openWarehouse(t)
	cut := false
	res, err := ingest.File(ctx, w, path, ingest.Options{Progress: func(rows, _ int64) {
		if !cut {
			cut = true
			// cp truncates, then writes: the reader meets the end of the
			// data at the truncation.
			if err := os.Truncate(path, 0); err != nil {
				t.Error(err)
			}
		}
	}})
	if err := os.WriteFile(path, full, 0o644); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(err, ingest.ErrChanged) {
		t.Fatalf("load of a file truncated mid-way: %+v, %v; want ErrChanged", res, err)
	}
	var re *ingest.RowError
	if !errors.As(err, &re) || re.Source != path || strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q does not name the file in one line", err)
	}
	if n := count(t, w, `SELECT count(*) FROM source_files`) + count(t, w, `SELECT count(*) FROM observations`); n != 0 {
		t.Errorf("a failed load left %d rows behind", n)
	}
	// Loaded again once complete, all of it is there under its own hash.
	res, err = ingest.File(ctx, w, path, ingest.Options{})
	if err != nil || res.Read != 60_000 || res.SHA256 != sha256Hex(full) {
		t.Fatalf("reload: %+v, %v", res, err)
	}
}

// The same rewrite with the original modification time put back (cp -p)
// is still caught: the data ended before the size the file was opened with.
func TestSourceFinishChecksTheEnd(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lca.csv")
	ingestWriteLCA(t, path, 60_000)
	st, _ := os.Stat(path)
	full, _ := os.ReadFile(path)
	src, err := ingest.OpenFile(ctx, path, "", ingest.ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	rows := int64(0)
	for src.Reader.Next() {
		if rows == 0 {
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
		}
		rows += src.Reader.Record().NumRows()
	}
	if err := os.WriteFile(path, full, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Finish(ctx); !errors.Is(err, ingest.ErrChanged) || rows >= 60_000 {
		t.Fatalf("read %d rows, Finish: %v; want ErrChanged", rows, err)
	}
	// Untouched, Finish gives the hash of every byte.
	src2, err := ingest.OpenFile(ctx, path, "", ingest.ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src2.Close()
	for src2.Reader.Next() {
	}
	if sum, err := src2.Finish(ctx); err != nil || sum != sha256Hex(full) {
		t.Fatalf("Finish of an untouched file: %s, %v", sum, err)
	}
}

// ingestWriteLCA writes a generated LCA file of rows rows.
func ingestWriteLCA(t *testing.T, path string, rows int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.Generate(context.Background(), f, synth.Options{Rows: rows, Seed: 5, Profile: synth.ProfileLCA}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// A named pipe (as /dev/stdin or <(cat f.csv) are) is read once: every row
// loads, under the hash of the bytes written into it. The separate hash
// read used to take part of the stream, splicing records.
func TestPipeIsReadOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "lca.csv")
	ingestWriteLCA(t, src, 20_000)
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		for b := data; len(b) > 0; {
			n := min(len(b), 4096)
			if _, err := f.Write(b[:n]); err != nil {
				break
			}
			b = b[n:]
		}
		f.Close()
	}()
	w := openWarehouse(t)
	res, err := ingest.File(ctx, w, fifo, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := ingest.File(ctx, openWarehouse(t), src, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 20_000 || res.Loaded != want.Loaded || res.Rejected != want.Rejected || res.SHA256 != sha256Hex(data) {
		t.Fatalf("from a pipe: %+v; from the file: %+v", res, want)
	}
}

// A named pipe nobody writes to, or whose writer stalls, gives way to
// cancellation (SIGINT, SIGTERM) instead of holding the writer's lock
// forever; a device is refused with one sentence.
func TestPipeHonoursCancellation(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "never.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	stalled := filepath.Join(dir, "stalled.csv")
	if err := syscall.Mkfifo(stalled, 0o600); err != nil {
		t.Fatal(err)
	}
	writerDone := make(chan struct{})
	t.Cleanup(func() { close(writerDone) })
	go func() {
		f, err := os.OpenFile(stalled, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer f.Close()
		f.WriteString("work_year,job_title,salary_in_usd\n2024,Security Manager,150000\n")
		<-writerDone // the writer stalls with the pipe open
	}()
	w := openWarehouse(t)
	for _, p := range []string{fifo, stalled} {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		done := make(chan error, 1)
		go func() {
			_, err := ingest.File(ctx, w, p, ingest.Options{})
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s: %v, want the context's error", filepath.Base(p), err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: ingest still blocked 10 s after cancellation", filepath.Base(p))
		}
		cancel()
	}
	_, err := ingest.File(context.Background(), w, "/dev/zero", ingest.Options{})
	if !errors.Is(err, ingest.ErrUnreadable) || !strings.Contains(err.Error(), "is a device or socket") {
		t.Errorf("/dev/zero: %v", err)
	}
}

// Loading content already loaded does nothing and says so, wherever it
// sits: the same file again, or a copy under another name (found only at
// the end of the read now, and rolled back).
func TestAlreadyLoadedContent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.csv")
	ingestWriteLCA(t, a, 5_000)
	data, _ := os.ReadFile(a)
	b := writeFile(t, filepath.Join(dir, "b.csv"), data)
	w := openWarehouse(t)
	first, err := ingest.File(ctx, w, a, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := dump(t, w, `SELECT (SELECT count(*) FROM source_files), (SELECT count(*) FROM observations), (SELECT count(*) FROM reject_rows)`)
	for _, p := range []string{a, b} {
		res, err := ingest.File(ctx, w, p, ingest.Options{})
		if err != nil || !res.AlreadyLoaded || res.SHA256 != first.SHA256 {
			t.Errorf("%s: %+v, %v; want already loaded", p, res, err)
		}
	}
	if after := dump(t, w, `SELECT (SELECT count(*) FROM source_files), (SELECT count(*) FROM observations), (SELECT count(*) FROM reject_rows)`); after[0] != before[0] {
		t.Errorf("already loaded content changed the warehouse: %s -> %s", before[0], after[0])
	}
}

// keyGrowthJSONL writes about 1.7 MB of JSON lines whose every line adds
// perLine new keys (named with width characters) beside the survey's.
func keyGrowthJSONL(t *testing.T, path string, perLine, width int) (lines int) {
	t.Helper()
	var b strings.Builder
	key := 0
	for b.Len() < 1_700_000 {
		b.WriteString(`{"work_year":2024,"job_title":"Security Manager","salary_in_usd":150000`)
		for j := 0; j < perLine; j++ {
			fmt.Fprintf(&b, `,"%0*d":1`, width, key)
			key++
		}
		b.WriteString("}\n")
		lines++
	}
	writeFile(t, path, []byte(b.String()))
	return lines
}

// peakRSS is the process's peak resident set (VmHWM), in bytes.
func peakRSS() int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return -1
}

// A 1.7 MB JSON lines file whose lines keep adding keys cost 5.9 GB. Keys
// are capped at MaxColumns (past it the file is refused with one
// sentence), and batches are cut by cells, so below the cap memory stays
// bounded by bytes. Each case runs in a child process, which measures its
// own peak RSS and gives up (exit 3) past 2 GiB so as not to take the
// machine down.
func TestJSONLKeyGrowthMemoryBounded(t *testing.T) {
	if p := os.Getenv("PAYBAND_MEM_CHILD"); p != "" {
		go func() {
			for {
				b, _ := os.ReadFile("/proc/self/status")
				for _, l := range strings.Split(string(b), "\n") {
					if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
						kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
						if kb > 2<<20 {
							fmt.Printf("RESULT rss over 2 GiB\n")
							os.Exit(3)
						}
					}
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
		res, err := ingest.File(context.Background(), openWarehouse(t), p, ingest.Options{})
		fmt.Printf("RESULT peak=%d read=%d loaded=%d err=%v\n", peakRSS(), res.Read, res.Loaded, err)
		return
	}
	if testing.Short() {
		t.Skip("runs child processes")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name           string
		perLine, width int
		err            string // "" loads
	}{
		{"past the key cap", 100, 6, "more than 65536 distinct keys"},
		{"below the key cap", 100, 26, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".jsonl")
			lines := keyGrowthJSONL(t, path, tc.perLine, tc.width)
			cmd := exec.Command(os.Args[0], "-test.run=^TestJSONLKeyGrowthMemoryBounded$", "-test.count=1")
			cmd.Env = append(os.Environ(), "PAYBAND_MEM_CHILD="+path)
			out, err := cmd.CombinedOutput()
			i := strings.Index(string(out), "RESULT ")
			if i < 0 {
				t.Fatalf("child: %v\n%s", err, out)
			}
			result := strings.SplitN(string(out[i+len("RESULT "):]), "\n", 2)[0]
			t.Logf("%d lines, %d keys: %s", lines, lines*tc.perLine+3, result)
			var peak, read, loaded int64
			if _, err := fmt.Sscanf(result, "peak=%d read=%d loaded=%d", &peak, &read, &loaded); err != nil {
				t.Fatalf("child: %s", result)
			}
			if peak >= 1<<30 {
				t.Errorf("peak RSS %d MiB, want under 1 GiB", peak>>20)
			}
			if tc.err != "" && !strings.Contains(result, tc.err) {
				t.Errorf("child: %s; want an error saying %q", result, tc.err)
			}
			if tc.err == "" && (read != int64(lines) || loaded != int64(lines)) {
				t.Errorf("child: %s; want %d rows read and loaded", result, lines)
			}
		})
	}
}
