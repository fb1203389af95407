//go:build crash

package clickhouse

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"payband/ingest"
	"payband/warehouse"
)

// buildPayband builds the payband binary into dir.
func buildPayband(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "payband")
	cmd := exec.Command("go", "build", "-tags", "duckdb_arrow", "-o", bin, "../cmd/payband")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// A payband export killed with SIGKILL while rows stream leaves part of a
// source behind; the next export drops it and converges on the
// warehouse's counts, and one more export adds nothing. bands through the
// binary prints the same JSON with either engine.
func TestExportKilledConverges(t *testing.T) {
	real := sharedPaths(t, "salaries_cyber.csv")
	servers := startServers(t, 2)
	dir := t.TempDir()
	bin := buildPayband(t, dir)
	gen := filepath.Join(dir, "lca.csv")
	if out, err := exec.Command(bin, "gen", "--rows", "400000", "--seed", "7", "--profile", "lca", "--out", gen).CombinedOutput(); err != nil {
		t.Fatalf("payband gen: %v\n%s", err, out)
	}
	ctx := context.Background()
	dbPath := filepath.Join(dir, "w.duckdb")
	w, err := warehouse.Open(ctx, dbPath, warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(real, gen) {
		if _, err := ingest.File(ctx, w, p, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	local := localCounts(t, w.DB)
	var total int64
	for _, n := range local {
		total += n
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	tg := clusterTarget(servers, "crash")
	url := tg.URL()
	entry := NewClient(tg.Addr, "", "")
	count := func() int64 {
		r, err := entry.Query(ctx, "SELECT count() FROM crash.salaries")
		if err != nil {
			return -1 // not created yet
		}
		n, _ := asInt(r.Data[0][0])
		return n
	}

	// Kill it once rows are there but not all of them.
	cmd := exec.Command(bin, "--db", dbPath, "export", "--to", url)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(120 * time.Second)
	killedAt := int64(-1)
poll:
	for {
		select {
		case err := <-exited:
			t.Fatalf("the export ended (%v) before it could be killed mid-way; %d of %d rows", err, count(), total)
		case <-deadline:
			cmd.Process.Kill()
			t.Fatal("no rows arrived within 120 s")
		case <-time.After(5 * time.Millisecond):
			if n := count(); n > 0 && n < total {
				cmd.Process.Signal(syscall.SIGKILL)
				killedAt = n
				break poll
			}
		}
	}
	<-exited
	after := count()
	t.Logf("killed with %d of %d rows there (%d after it died)", killedAt, total, after)
	if after >= total {
		t.Fatalf("%d rows there after the kill, want fewer than %d", after, total)
	}

	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, append([]string{"--db", dbPath}, args...)...).Output()
		if err != nil {
			if ee, ok := err.(*exec.ExitError); ok {
				t.Fatalf("payband %s: %v\n%s", strings.Join(args, " "), err, ee.Stderr)
			}
			t.Fatal(err)
		}
		return string(out)
	}
	out := run("export", "--to", url)
	t.Logf("rerun: %s", out)
	remote, marks := remoteCounts(t, tg)
	sameCounts(t, "after the rerun", local, remote)
	if marks != int64(len(local)) {
		t.Errorf("%d sources rows, want %d", marks, len(local))
	}
	out = run("export", "--to", url)
	if !strings.Contains(out, "0 source(s) exported (0 rows), 2 already there, 0 removed") {
		t.Errorf("third export did something: %s", out)
	}
	remote, _ = remoteCounts(t, tg)
	sameCounts(t, "after the third export", local, remote)

	for _, by := range []string{"family,year", "seniority", "state", "wage_level"} {
		lj := run("bands", "--by", by, "--format", "json")
		cj := run("bands", "--by", by, "--format", "json", "--engine", url)
		var l []map[string]any
		if err := json.Unmarshal([]byte(lj), &l); err != nil || len(l) == 0 {
			t.Fatalf("bands --by %s: %v, %d bands", by, err, len(l))
		}
		if lj != cj {
			t.Errorf("bands --by %s: the engines print different JSON\nlocal: %.300s\nclickhouse: %.300s", by, lj, cj)
		}
	}
}
