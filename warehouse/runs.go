package warehouse

import (
	"context"
	"time"
)

// Run is one row of run_log, the runs view: a scheduled run (payband run).
type Run struct {
	ID        string
	StartedAt time.Time
	EndedAt   time.Time
	Outcome   string
	Config    string // the pipeline file
	ReportDir string // "" is stored as NULL
	Manifest  string // the run's manifest.json
}

// StartRun records a run as begun: its id, start, outcome (running, until
// EndRun) and config.
func (w *Warehouse) StartRun(ctx context.Context, r Run) error {
	_, err := w.DB.ExecContext(ctx, sqlRunStart, r.ID, r.StartedAt, r.Outcome, r.Config)
	return err
}

// EndRun records a run's end, outcome, report folder and manifest, in its
// own transaction (a single statement).
func (w *Warehouse) EndRun(ctx context.Context, r Run) error {
	var dir any
	if r.ReportDir != "" {
		dir = r.ReportDir
	}
	_, err := w.DB.ExecContext(ctx, sqlRunEnd, r.EndedAt, r.Outcome, dir, r.Manifest, r.ID)
	return err
}
