//go:build crash

package main

// The crash tier (make test-crash): SIGKILL loops, a full disk and a
// read-only mount. They run children of the payband binary named by
// PAYBAND_BIN (make test-crash builds it once, without -race), and take
// minutes, so make test leaves them out.

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// killLoop starts the payband command args n times and SIGKILLs each at a
// random moment within span. When a child finishes before its kill, rotate
// rewrites an input so the next one has work to do again. After every kill
// the warehouse must pass `payband check` and every source must add up.
func killLoop(t *testing.T, db string, n int, span time.Duration, seed uint64, rotate func(i int), args ...string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed+1))
	killed := 0
	for i := 0; i < n; i++ {
		cmd := asMain(append([]string{"--db", db, "-q"}, args...)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		started := time.Now()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-time.After(time.Duration(rng.Int64N(int64(span)))):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
			killed++
		case err := <-done:
			if err != nil {
				t.Fatalf("iteration %d: payband %v failed on its own: %v", i, args, err)
			}
			// Later runs have less to do than the first: aim within this one.
			if took := time.Since(started); took < span {
				span = took
			}
			rotate(i)
		}
		out, errs, err := run(t, "--db", db, "check")
		if err != nil {
			t.Fatalf("iteration %d: check failed: %v\n%s%s", i, err, out, errs)
		}
		got := mustRun(t, "--db", db, "query", "--format", "csv", "SELECT count(*) FROM sources WHERE rows_read <> rows_loaded + rows_rejected + rows_duplicate")
		if !strings.Contains(got, "\n0\n") {
			t.Fatalf("iteration %d: a source does not add up: %s", i, got)
		}
	}
	if killed < n/4 {
		t.Errorf("only %d of %d runs were killed mid-way", killed, n)
	}
	t.Logf("%d of %d runs killed mid-way", killed, n)
}

// TestIngestSurvivesSIGKILL kills `payband ingest` at random moments: the
// warehouse always opens, passes `payband check`, holds each file whole or
// not at all, and converges to a clean run's counts.
func TestIngestSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("fault loop is long")
	}
	dir := t.TempDir()
	files := []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")}
	genFile(t, files[0], "survey", 40000, 1)
	genFile(t, files[1], "survey", 40000, 2)

	// Time a full run in a child process to spread the kills over it.
	start := time.Now()
	if out, err := asMain(append([]string{"--db", filepath.Join(dir, "probe.duckdb"), "-q", "ingest"}, files...)...).CombinedOutput(); err != nil {
		t.Fatalf("probe ingest: %v\n%s", err, out)
	}
	full := time.Since(start)

	db := filepath.Join(dir, "w.duckdb")
	killLoop(t, db, 20, full, 7, func(i int) { genFile(t, files[i%2], "survey", 40000, int64(100+i)) },
		append([]string{"ingest"}, files...)...)
	mustRun(t, append([]string{"--db", db, "-q", "ingest"}, files...)...)

	clean := filepath.Join(dir, "clean.duckdb")
	mustRun(t, append([]string{"--db", clean, "-q", "ingest"}, files...)...)
	want := mustRun(t, "--db", clean, "query", "--format", "csv", countsSQL)
	if got := mustRun(t, "--db", db, "query", "--format", "csv", countsSQL); got != want {
		t.Errorf("after the kills and a rerun:\n%s\nclean run:\n%s", got, want)
	}
}

const countsSQL = `SELECT source, rows_read, rows_loaded, rows_rejected, rows_duplicate,
  (SELECT count(*) FROM salaries s WHERE s.source = x.source) AS salaries,
  (SELECT count(*) FROM rejects r WHERE r.source = x.source) AS rejects
FROM sources x ORDER BY source`

// TestRunSurvivesSIGKILL does the same to `payband run`: after every kill
// the warehouse passes check and `latest`, when present, is a whole report;
// the run after the kills ends with a clean run's counts.
func TestRunSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("fault loop is long")
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	genFile(t, a, "lca", 15000, 3)
	genFile(t, b, "survey", 15000, 4)
	writeCfg := func(name, out string) string {
		p := filepath.Join(dir, name)
		body := "output: " + out + "\nsources:\n  - path: a.csv\n    profile: lca\n  - path: b.csv\n    profile: survey\n"
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg := writeCfg("pipeline.yaml", "out")

	start := time.Now()
	if out, err := asMain("--db", filepath.Join(dir, "probe.duckdb"), "-q", "run", "--config", writeCfg("probe.yaml", "probe-out")).CombinedOutput(); err != nil {
		t.Fatalf("probe run: %v\n%s", err, out)
	}
	full := time.Since(start)

	db := filepath.Join(dir, "w.duckdb")
	latestWhole := func() {
		if _, err := os.Stat(filepath.Join(dir, "out", "latest")); err != nil {
			return
		}
		for _, f := range []string{"index.html", "report.md", "bands.json", "bands.csv", "manifest.json"} {
			if _, err := os.Stat(filepath.Join(dir, "out", "latest", f)); err != nil {
				t.Fatalf("latest report lacks %s", f)
			}
		}
	}
	// Twelve kills here, twenty in TestIngestSurvivesSIGKILL: a report run
	// under the race detector takes half a minute.
	killLoop(t, db, 12, full, 13, func(i int) {
		latestWhole()
		genFile(t, b, "survey", 15000, int64(200+i))
	}, "run", "--config", cfg)
	latestWhole()
	mustRun(t, "--db", db, "-q", "run", "--config", cfg)
	// The last run swept the temp folders that killed runs left behind.
	if stale, _ := filepath.Glob(filepath.Join(dir, "out", "*tmp-*")); len(stale) > 0 {
		t.Errorf("temp folders left after a clean run: %v", stale)
	}

	clean := filepath.Join(dir, "clean.duckdb")
	mustRun(t, "--db", clean, "-q", "run", "--config", writeCfg("clean.yaml", "clean-out"))
	want := mustRun(t, "--db", clean, "query", "--format", "csv", countsSQL)
	if got := mustRun(t, "--db", db, "query", "--format", "csv", countsSQL); got != want {
		t.Errorf("after the kills and a run:\n%s\nclean run:\n%s", got, want)
	}
}

// smallFS mounts a tmpfs of size bytes for the test, or skips with the reason.
func smallFS(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// TestIngestDiskFull loads a file larger than the free space of the
// warehouse's file system: the error is one clear line naming the input
// file, and the warehouse still opens, passes check and holds what it held.
func TestIngestDiskFull(t *testing.T) {
	fs := smallFS(t, "4m")
	dir := t.TempDir()
	base := filepath.Join(dir, "base.csv")
	genFile(t, base, "survey", 2000, 3)
	big := filepath.Join(dir, "big.csv")
	genFile(t, big, "survey", 100_000, 9)
	db := filepath.Join(fs, "w.duckdb")
	mustRun(t, "--db", db, "-q", "ingest", base)
	before := queryCSV(t, db, totalsSQL)

	r := runChild(t, 2*time.Minute, "--db", db, "ingest", big)
	if r.code != 1 {
		t.Fatalf("exit code %d, want 1\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	first := strings.SplitN(r.stderr, "\n", 2)[0]
	if !strings.HasPrefix(first, "payband: "+big+": ") || !strings.Contains(first, "No space left on device") {
		t.Errorf("error %q, want it to name %s and say the device is full", first, big)
	}
	if after := queryCSV(t, db, totalsSQL); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("warehouse changed by a failed load: %v -> %v", before, after)
	}
	if out, errs, err := run(t, "--db", db, "check"); err != nil {
		t.Errorf("check after disk full: %v\n%s%s", err, out, errs)
	}
	// Once there is room again, the same file loads in full.
	if out, err := exec.Command("mount", "-o", "remount,size=64m", fs).CombinedOutput(); err != nil {
		t.Skipf("cannot grow the tmpfs: %v: %s", err, out)
	}
	out := mustRun(t, "--db", db, "ingest", big)
	if !strings.Contains(out, "read 100000,") {
		t.Errorf("ingest after freeing space: %q", out)
	}
	if out, errs, err := run(t, "--db", db, "check"); err != nil {
		t.Errorf("check: %v\n%s%s", err, out, errs)
	}
}

// TestReadOnlyWarehouse: on a read-only file system, writers fail with one
// line naming the warehouse and readers still work. (chmod 0555 does not
// stop root, so the file system itself is remounted read-only.)
func TestReadOnlyWarehouse(t *testing.T) {
	fs := smallFS(t, "8m")
	dir := t.TempDir()
	base := filepath.Join(dir, "base.csv")
	genFile(t, base, "survey", 500, 3)
	db := filepath.Join(fs, "w.duckdb")
	mustRun(t, "--db", db, "-q", "ingest", base)
	want := queryCSV(t, db, totalsSQL)
	if out, err := exec.Command("mount", "-o", "remount,ro", fs).CombinedOutput(); err != nil {
		t.Skipf("cannot remount read-only: %v: %s", err, out)
	}
	other := filepath.Join(dir, "other.csv")
	genFile(t, other, "survey", 100, 4)
	r := runChild(t, time.Minute, "--db", db, "ingest", other)
	if r.code != 1 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 ||
		!strings.Contains(r.stderr, db) || !strings.Contains(r.stderr, "read-only file system") {
		t.Errorf("ingest into a read-only warehouse: exit %d, stderr %q; want exit 1 and one line naming %s", r.code, r.stderr, db)
	}
	if got := queryCSV(t, db, totalsSQL); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("read-only warehouse reads %v, want %v", got, want)
	}
	if out, errs, err := run(t, "--db", db, "check"); err != nil {
		t.Errorf("check on a read-only warehouse: %v\n%s%s", err, out, errs)
	}
	mustRun(t, "--db", db, "bands", "--by", "year")
}
