package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// deadPID returns the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// TestOutputFoldersReplaceOnlyTheirOwn: report --out and export --out
// refuse a folder they did not make (though it holds an index.html or an
// export.json), refuse a run's latest link, replace their own folder, and
// sweep the temporary folders a killed run left beside it while leaving a
// live one's alone.
func TestOutputFoldersReplaceOnlyTheirOwn(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	src := filepath.Join(dir, "s.csv")
	genFile(t, src, "survey", 400, 1)
	mustRun(t, "--db", db, "-q", "ingest", src)

	for _, kind := range []struct {
		cmd, lookalike string
	}{{"report", "index.html"}, {"export", "export.json"}} {
		args := func(out string) []string {
			a := []string{"--db", db, "-q", kind.cmd, "--out", out}
			if kind.cmd == "export" {
				a = append(a, "--format", "parquet")
			}
			return a
		}
		// A folder of someone else's that looks like ours.
		theirs := filepath.Join(dir, kind.cmd+"-theirs")
		os.MkdirAll(theirs, 0o755)
		for _, f := range []string{kind.lookalike, "thesis.docx"} {
			if err := os.WriteFile(filepath.Join(theirs, f), []byte("mine"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, _, err := run(t, args(theirs)...)
		if err == nil || !strings.Contains(err.Error(), "refusing to replace it") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s --out a folder it did not make: %v", kind.cmd, err)
		}
		if b, err := os.ReadFile(filepath.Join(theirs, "thesis.docx")); err != nil || string(b) != "mine" {
			t.Errorf("%s deleted a file of a folder it did not make: %v", kind.cmd, err)
		}

		// A run's latest link.
		runs := filepath.Join(dir, kind.cmd+"-runs")
		os.MkdirAll(filepath.Join(runs, "20260101T000000Z"), 0o755)
		if err := os.Symlink("20260101T000000Z", filepath.Join(runs, "latest")); err != nil {
			t.Fatal(err)
		}
		for _, out := range []string{filepath.Join(runs, "latest"), filepath.Join(runs, "latest") + "/"} {
			_, _, err = run(t, args(out)...)
			if err == nil || !strings.Contains(err.Error(), "symbolic link") {
				t.Errorf("%s --out %s: %v", kind.cmd, out, err)
			}
		}
		if st, err := os.Lstat(filepath.Join(runs, "latest")); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s turned the latest link into something else: %v", kind.cmd, err)
		}

		// Its own folder, twice, with leftovers of a killed run beside it.
		ours := filepath.Join(dir, kind.cmd+"-ours")
		mustRun(t, args(ours)...)
		dead := filepath.Join(dir, "."+filepath.Base(ours)+".tmp-"+strconv.Itoa(deadPID(t))+"-123")
		deadOld := filepath.Join(dir, "."+filepath.Base(ours)+".old-"+strconv.Itoa(deadPID(t))+"-456")
		live := filepath.Join(dir, "."+filepath.Base(ours)+".tmp-"+strconv.Itoa(os.Getppid())+"-789")
		for _, d := range []string{dead, deadOld, live} {
			if err := os.MkdirAll(filepath.Join(d, "charts"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		mustRun(t, args(ours)...)
		for _, d := range []string{dead, deadOld} {
			if _, err := os.Stat(d); err == nil {
				t.Errorf("%s left a killed run's %s", kind.cmd, filepath.Base(d))
			}
		}
		if _, err := os.Stat(live); err != nil {
			t.Errorf("%s removed a live process's temporary folder: %v", kind.cmd, err)
		}
		os.RemoveAll(live)
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") {
				t.Errorf("%s left %s", kind.cmd, e.Name())
			}
		}
	}
}

// TestPipelineOutputIsAFile: output: naming an existing file fails at once
// with one sentence (it used to spin at 100% CPU holding the lock).
func TestPipelineOutputIsAFile(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "s.csv")
	genFile(t, src, "survey", 50, 1)
	if err := os.WriteFile(filepath.Join(dir, "out.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "p.yaml")
	if err := os.WriteFile(cfg, []byte("output: out.txt\nsources:\n  - path: s.csv\n    profile: survey\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	msg, code := childRun(t, 30*time.Second, "--db", filepath.Join(dir, "w.duckdb"), "run", "--config", cfg)
	if code != exitUsage || !strings.Contains(msg, "out.txt exists and is not a folder") || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
		t.Errorf("output: a file: exit %d, %q", code, msg)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}
