package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"payband/report"
	"payband/warehouse"
)

// Exit codes of SPEC §3.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
	exitBusy    = 3
)

// version is set from the build: -ldflags "-X main.version=...".
var version = ""

// usageError marks a mistake in the command line (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// ExitCode maps an error from Run onto SPEC §3's exit codes.
func ExitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, warehouse.ErrBusy):
		return exitBusy
	case errors.As(err, &ue), errors.Is(err, warehouse.ErrNotWarehouse):
		return exitUsage
	}
	return exitFailure
}

// globals are the flags every command takes.
type globals struct {
	db          string
	logFormat   string
	quiet       bool
	verbose     bool
	threads     int
	memoryLimit string
	tempDir     string
	wait        time.Duration
	cpuProfile  string
	stdin       io.Reader
	stdout      io.Writer
	stderr      io.Writer
	log         *slog.Logger
}

func (g *globals) dbPath() string { return warehouse.ResolvePath(g.db) }

func (g *globals) open(ctx context.Context, readOnly bool, command string) (*warehouse.Warehouse, error) {
	return warehouse.Open(ctx, g.dbPath(), warehouse.Options{
		ReadOnly:    readOnly,
		Command:     command,
		Wait:        g.wait,
		Threads:     g.threads,
		MemoryLimit: g.memoryLimit,
		TempDir:     g.tempDir,
	})
}

// note prints a line for a person on stderr unless --quiet.
func (g *globals) note(format string, a ...any) {
	if !g.quiet {
		fmt.Fprintln(g.stderr, report.TerminalText(fmt.Sprintf(format, a...)))
	}
}

func programVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
	}
	return "dev"
}

// Run executes payband with args (without the program name).
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	g := &globals{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "payband",
		Short: "Salary and career analytics: ingest, normalize titles and pay, compute pay bands, chart and report",
		Long: `payband ingests salary and job-title datasets (DOL H-1B LCA filings, BLS OEWS
tables, salary surveys) into a DuckDB warehouse, maps messy job titles onto
canonical titles and families, and computes pay bands, charts and reports.

The warehouse is --db, else $PAYBAND_DB, else data/payband.duckdb.
Exit codes: 0 success, 1 failure, 2 usage error, 3 warehouse busy.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			var h slog.Handler
			level := slog.LevelInfo
			if g.verbose {
				level = slog.LevelDebug
			}
			if g.quiet {
				level = slog.LevelWarn
			}
			switch g.logFormat {
			case "text":
				h = slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: level})
			case "json":
				h = slog.NewJSONHandler(g.stderr, &slog.HandlerOptions{Level: level})
			default:
				return usagef("--log-format must be text or json, not %q", g.logFormat)
			}
			g.log = slog.New(h)
			return g.check()
		},
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&g.db, "db", "", "warehouse file (default $PAYBAND_DB, else "+warehouse.DefaultPath+")")
	pf.StringVar(&g.logFormat, "log-format", "text", "log format: text or json")
	pf.BoolVarP(&g.quiet, "quiet", "q", false, "print only results and errors")
	pf.BoolVarP(&g.verbose, "verbose", "v", false, "print more detail")
	pf.IntVar(&g.threads, "threads", 0, "DuckDB threads (default: all cores)")
	pf.StringVar(&g.memoryLimit, "memory-limit", "", "DuckDB memory limit, e.g. 1GB (default: DuckDB's)")
	pf.StringVar(&g.tempDir, "temp-dir", "", "directory DuckDB spills to when over the memory limit")
	pf.DurationVar(&g.wait, "wait", 0, "wait this long for a busy warehouse instead of exiting 3, e.g. 10m")
	pf.StringVar(&g.cpuProfile, "cpuprofile", "", "write a Go CPU profile to this file (for go tool pprof)")
	_ = pf.MarkHidden("cpuprofile")

	root.AddCommand(
		ingestCmd(g), bandsCmd(g), queryCmd(g), genCmd(g), demoCmd(g), checkCmd(g),
		versionCmd(g), titlesCmd(g), taxonomyCmd(g), chartCmd(g), reportCmd(g), runCmd(g), exportCmd(g), compareCmd(g),
	)
	if i := indexOf(args, "--cpuprofile"); i >= 0 && i+1 < len(args) {
		f, err := os.Create(args[i+1])
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	err := root.ExecuteContext(ctx)
	if err != nil && isCobraUsage(err) {
		return usageError{err}
	}
	return err
}

func indexOf(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}

// isCobraUsage recognizes cobra's own argument errors, which carry no type.
func isCobraUsage(err error) bool {
	var ue usageError
	if errors.As(err, &ue) {
		return false
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires ", "invalid argument", "flag needs"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
