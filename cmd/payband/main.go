package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"payband/report"
	"payband/warehouse"
)

func main() {
	// Before DuckDB allocates anything: a process-wide allocator setting,
	// so the program makes it, not a package's init.
	warehouse.TuneMalloc()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		// One line, whatever a file name or cell in it holds.
		fmt.Fprintln(os.Stderr, "payband:", report.TerminalText(err.Error()))
	}
	os.Exit(ExitCode(err))
}
