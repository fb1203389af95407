package main

import (
	"bufio"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"payband/synth"
)

// asMain runs the test binary as the payband command in a child process.
func asMain(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "PAYBAND_TEST_AS_MAIN=1")
	return cmd
}

func genFile(t *testing.T, path, profile string, rows int, seed int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	if err := synth.Generate(context.Background(), bw, synth.Options{Rows: rows, Seed: seed, Profile: profile}); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

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
