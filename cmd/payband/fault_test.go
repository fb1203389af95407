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

// TestIngestSurvivesSIGKILL kills `payband ingest` at random moments and
// checks that the warehouse always opens, passes `payband check`, holds
// either nothing or the whole file, and converges to a clean run's counts.
func TestIngestSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("fault loop is long")
	}
	dir := t.TempDir()
	files := []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")}
	genFile(t, files[0], "survey", 60000, 1)
	genFile(t, files[1], "survey", 60000, 2)

	clean := filepath.Join(dir, "clean.duckdb")
	mustRun(t, append([]string{"--db", clean, "-q", "ingest"}, files...)...)
	want := mustRun(t, "--db", clean, "query", "--format", "csv", countsSQL)

	// Time a full run to spread the kills over it.
	probe := filepath.Join(dir, "probe.duckdb")
	start := time.Now()
	if out, err := asMain(append([]string{"--db", probe, "-q", "ingest"}, files...)...).CombinedOutput(); err != nil {
		t.Fatalf("probe ingest: %v\n%s", err, out)
	}
	full := time.Since(start)

	db := filepath.Join(dir, "w.duckdb")
	rng := rand.New(rand.NewPCG(7, 11))
	const kills = 20
	for i := 0; i < kills; i++ {
		cmd := asMain(append([]string{"--db", db, "-q", "ingest"}, files...)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(full))))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()

		out, errs, err := run(t, "--db", db, "check")
		if err != nil {
			t.Fatalf("kill %d: check failed: %v\n%s%s", i, err, out, errs)
		}
		got := mustRun(t, "--db", db, "query", "--format", "csv", "SELECT count(*) FROM sources WHERE rows_read <> rows_loaded + rows_rejected + rows_duplicate")
		if !strings.Contains(got, "\n0\n") {
			t.Fatalf("kill %d: a source does not add up: %s", i, got)
		}
	}
	mustRun(t, append([]string{"--db", db, "-q", "ingest"}, files...)...)
	if got := mustRun(t, "--db", db, "query", "--format", "csv", countsSQL); got != want {
		t.Errorf("after %d kills and a rerun:\n%s\nclean run:\n%s", kills, got, want)
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
	genFile(t, filepath.Join(dir, "a.csv"), "lca", 15000, 3)
	genFile(t, filepath.Join(dir, "b.csv"), "survey", 15000, 4)
	cfg := filepath.Join(dir, "pipeline.yaml")
	if err := os.WriteFile(cfg, []byte("output: out\nsources:\n  - path: a.csv\n    profile: lca\n  - path: b.csv\n    profile: survey\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cleanCfg := filepath.Join(dir, "clean.yaml")
	if err := os.WriteFile(cleanCfg, []byte("output: clean-out\nsources:\n  - path: a.csv\n    profile: lca\n  - path: b.csv\n    profile: survey\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	clean := filepath.Join(dir, "clean.duckdb")
	start := time.Now()
	mustRun(t, "--db", clean, "-q", "run", "--config", cleanCfg)
	full := time.Since(start)
	want := mustRun(t, "--db", clean, "query", "--format", "csv", countsSQL)

	db := filepath.Join(dir, "w.duckdb")
	rng := rand.New(rand.NewPCG(13, 17))
	const kills = 20
	for i := 0; i < kills; i++ {
		cmd := asMain("--db", db, "-q", "run", "--config", cfg)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The child is slower than the in-process clean run (it starts a
		// process and may be race-instrumented): spread kills over 3×.
		time.Sleep(time.Duration(rng.Int64N(3 * int64(full))))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		if out, errs, err := run(t, "--db", db, "check"); err != nil {
			t.Fatalf("kill %d: check failed: %v\n%s%s", i, err, out, errs)
		}
		if _, err := os.Stat(filepath.Join(dir, "out", "latest")); err == nil {
			for _, f := range []string{"index.html", "report.md", "bands.json", "bands.csv", "manifest.json"} {
				if _, err := os.Stat(filepath.Join(dir, "out", "latest", f)); err != nil {
					t.Fatalf("kill %d: latest report lacks %s", i, f)
				}
			}
		}
	}
	mustRun(t, "--db", db, "-q", "run", "--config", cfg)
	if got := mustRun(t, "--db", db, "query", "--format", "csv", countsSQL); got != want {
		t.Errorf("after %d kills and a run:\n%s\nclean run:\n%s", kills, got, want)
	}
}
