package pipeline

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"payband/warehouse"

	"payband/report"
)

// Run outcomes recorded in the manifest and in run_log.
const (
	OutcomeOK      = "ok"
	OutcomeFailed  = "failed"
	OutcomeGate    = "gate"    // a quality gate stopped the run
	OutcomeRunning = "running" // recorded at start; a row left so means the run died
)

// Manifest describes one run. It is written as manifest.json in the report
// folder and as the manifest column of run_log (the runs view).
type Manifest struct {
	RunID     string       `json:"run_id"`
	StartedAt time.Time    `json:"started_at"`
	EndedAt   time.Time    `json:"ended_at"`
	Outcome   string       `json:"outcome"`
	Error     string       `json:"error,omitempty"`
	Gate      string       `json:"gate,omitempty"` // the tripped gate when Outcome is "gate"
	Program   string       `json:"program_version"`
	Config    string       `json:"config"`
	ReportDir string       `json:"report_dir,omitempty"`
	Taxonomy  TaxonomyInfo `json:"taxonomy"`
	Inputs    []Input      `json:"inputs"`
	Removed   []Removed    `json:"removed,omitempty"`
	Rows      RowCounts    `json:"rows"`
	Medians   []Median     `json:"medians,omitempty"`
	// ReportMedians are the headline medians the run's report stated, in
	// its scope; the next run's summary table shows how far each moved.
	ReportMedians []report.HeadlineMedian `json:"report_medians,omitempty"`
	Stages        []StageTiming           `json:"stages"`
}

// TaxonomyInfo is the taxonomy a run normalized titles with.
type TaxonomyInfo struct {
	Source      string `json:"source"` // file path, or "embedded"
	Version     string `json:"version"`
	Fingerprint string `json:"fingerprint"`
	Overrides   string `json:"overrides,omitempty"` // title overrides file, if any
	Remapped    bool   `json:"remapped"`            // titles were re-normalized this run
	Mapped      int    `json:"titles_mapped"`       // titles the normalize stage matched
	Changed     int    `json:"titles_changed"`      // titles whose mapping changed
}

// Input is one file the sources matched.
type Input struct {
	Path      string `json:"path"`
	SHA256    string `json:"sha256"`
	Bytes     int64  `json:"bytes"`
	Action    string `json:"action"` // "ingested", "replaced" (changed file), "unchanged"
	Profile   string `json:"profile,omitempty"`
	Read      int64  `json:"rows_read"`
	Loaded    int64  `json:"rows_loaded"`
	Rejected  int64  `json:"rows_rejected"`
	Duplicate int64  `json:"rows_duplicate"`
}

// Removed is a loaded source whose path no source entry matches any more.
type Removed struct {
	Path    string `json:"path"`
	SHA256  string `json:"sha256"`
	Rows    int64  `json:"rows_loaded"`
	Retired bool   `json:"retired"`            // its rows were retired (Prune)
	MovedTo string `json:"moved_to,omitempty"` // its content is at this path now; the source followed it (Prune)
}

// RowCounts are the public views' row counts after the run's changes.
type RowCounts struct {
	Salaries int64 `json:"salaries"`
	Rejects  int64 `json:"rejects"`
}

// Median is a family's median pay in its latest year, the basis of the
// max_median_move_pct gate.
type Median struct {
	Family string  `json:"family"`
	Year   int     `json:"year"`
	N      int     `json:"n"`
	Median float64 `json:"median"`
}

// StageTiming is how long one stage took.
type StageTiming struct {
	Stage   string  `json:"stage"`
	Seconds float64 `json:"seconds"`
}

// JSON is the manifest as written to manifest.json.
func (m *Manifest) JSON() []byte {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		panic("pipeline: manifest: " + err.Error()) // plain data; cannot fail
	}
	return append(b, '\n')
}

const (
	sqlLastOK   = `SELECT manifest FROM run_log WHERE outcome = 'ok' AND manifest IS NOT NULL ORDER BY started_at DESC, run_id DESC LIMIT 1`
	sqlRunExist = `SELECT count(*) FROM run_log WHERE run_id = ?`
)

// recordEnd writes the finished manifest into run_log, in its own
// transaction (a single statement).
func recordEnd(ctx context.Context, w *warehouse.Warehouse, m *Manifest) error {
	return w.EndRun(ctx, warehouse.Run{ID: m.RunID, EndedAt: m.EndedAt, Outcome: m.Outcome, ReportDir: m.ReportDir, Manifest: string(m.JSON())})
}

// LastOK returns the manifest of the latest successful run, or nil.
func LastOK(ctx context.Context, db *sql.DB) (*Manifest, error) {
	var s string
	err := db.QueryRowContext(ctx, sqlLastOK).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("manifest of the last ok run: %w", err)
	}
	return &m, nil
}
