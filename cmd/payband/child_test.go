package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"testing"

	"payband/synth"
)

// paybandBinary is what a test runs as the payband command in a child
// process: $PAYBAND_BIN when set (make test-crash builds bin/payband once
// for it), else the test binary itself, which TestMain turns into main.
func paybandBinary() string {
	if p := os.Getenv("PAYBAND_BIN"); p != "" {
		return p
	}
	return os.Args[0]
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

// asMain runs the payband command in a child process (paybandBinary).
func asMain(args ...string) *exec.Cmd {
	cmd := exec.Command(paybandBinary(), args...)
	cmd.Env = append(os.Environ(), "PAYBAND_TEST_AS_MAIN=1")
	return cmd
}
