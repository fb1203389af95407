package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"payband/warehouse"
)

// A child started with PAYBAND_TEST_HOLD=PATH opens the warehouse for
// writing, prints "ready" and holds it until its stdin closes: a writer in
// another process, as DuckDB's own file lock needs.
func init() {
	p := os.Getenv("PAYBAND_TEST_HOLD")
	if p == "" {
		return
	}
	w, err := warehouse.Open(context.Background(), p, warehouse.Options{Command: "payband test holder"})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	w.Close()
	os.Exit(0)
}

func holdWriter(t *testing.T, db string) func() {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PAYBAND_TEST_HOLD="+db)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		t.Fatalf("holder: %q", line)
	}
	return func() {
		in.Close()
		_ = cmd.Wait()
	}
}

// TestLockFileDeletedUnderWriterIsBusy: with the lock file deleted under a
// writer, a second writer and a reader get the busy error and exit 3, not
// DuckDB's raw "Conflicting lock" with exit 1.
func TestLockFileDeletedUnderWriterIsBusy(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	src := filepath.Join(dir, "s.csv")
	genFile(t, src, "survey", 20, 1)
	mustRun(t, "--db", db, "-q", "ingest", src)
	stop := holdWriter(t, db)
	defer stop()
	if err := os.Remove(db + ".lock"); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-q", "ingest", src}, {"query", "select 1"}, {"bands"}} {
		msg, code := childRun(t, 30*time.Second, append([]string{"--db", db}, args...)...)
		if code != exitBusy || !strings.Contains(msg, "busy") || strings.Contains(msg, "Conflicting lock") {
			t.Errorf("%v with the lock file deleted under a writer: exit %d, %q; want exit %d, busy", args, code, msg, exitBusy)
		}
	}
	// --wait waits for DuckDB's lock too.
	start := time.Now()
	go func() { time.Sleep(time.Second); stop() }()
	if msg, code := childRun(t, 30*time.Second, "--db", db, "--wait", "20s", "query", "select 1"); code != 0 {
		t.Errorf("--wait after the writer finished: exit %d, %s", code, msg)
	}
	if time.Since(start) < time.Second {
		t.Error("the reader did not wait for the writer")
	}
}

// TestLockFileSymlinkRefused: a lock file that is a symbolic link or a
// hard link is refused, and its target is not truncated.
func TestLockFileSymlinkRefused(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	src := filepath.Join(dir, "s.csv")
	genFile(t, src, "survey", 20, 1)
	mustRun(t, "--db", db, "-q", "ingest", src)
	target := filepath.Join(dir, "precious.txt")
	const text = "do not truncate me\n"
	if err := os.WriteFile(target, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, link := range []func(string, string) error{os.Symlink, os.Link} {
		if err := os.Remove(db + ".lock"); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if err := link(target, db+".lock"); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"-q", "ingest", src}, {"query", "select 1"}} {
			_, _, err := run(t, append([]string{"--db", db}, args...)...)
			if err == nil || !strings.Contains(err.Error(), "lock file is not a regular file") {
				t.Errorf("%v with a linked lock file: %v", args, err)
			}
		}
		if b, err := os.ReadFile(target); err != nil || string(b) != text {
			t.Fatalf("the lock file's target changed: %q, %v", b, err)
		}
	}
}
