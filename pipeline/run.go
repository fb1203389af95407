package pipeline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"payband/bands"
	"payband/ingest"
	"payband/internal/fsatomic"
	"payband/report"
	"payband/titles"
	"payband/warehouse"
)

// Options are the run's settings that do not come from the config file.
type Options struct {
	DB      string        // warehouse path (required)
	Wait    time.Duration // how long to wait for a busy warehouse; 0 fails at once with warehouse.ErrBusy
	Command string        // recorded in the lock file; default "payband run"
	Prune   bool          // retire the rows of loaded sources no source entry matches any more
	Version string        // program version, recorded in the manifest
	Logger  *slog.Logger  // stage events; nil discards them

	Threads     int
	MemoryLimit string
	TempDir     string

	// Now is the clock; nil means time.Now. The report folder is named
	// after the run's start in UTC.
	Now func() time.Time
	// Report writes the report into a directory; nil means report.WriteReport.
	Report func(ctx context.Context, db *sql.DB, dir string, cfg report.ReportConfig, tax *titles.Taxonomy, now time.Time) (report.ReportSummary, error)

	// matcher, when set, is handed the matcher the run maps titles with,
	// once it is built (tests count its calls; observe_test.go).
	matcher func(*titles.Matcher)
}

// Stage names, in order; one log event each.
const (
	StagePlan      = "plan"
	StageIngest    = "ingest"
	StageNormalize = "normalize"
	StageBands     = "bands"
	StageReport    = "report"
	StagePublish   = "publish"
)

// LatestLink is the symlink in the output directory naming the last good
// report folder.
const LatestLink = "latest"

// runDirLayout is the UTC timestamp layout of report folder names.
const runDirLayout = "2006-01-02T150405Z"

// runDirRE matches report folder names: the timestamp, and a "-N" suffix
// when two runs start within the same second.
var runDirRE = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}T\d{6}Z)(?:-(\d+))?$`)

// Run executes one scheduled run of cfg: plan, ingest new or changed
// files, re-normalize titles when the taxonomy changed, compute the gate
// figures, write the report into a new dated folder and switch the latest
// link. The manifest is returned and recorded in run_log whatever the
// outcome, except when the warehouse could not be opened (for example
// warehouse.ErrBusy).
func Run(ctx context.Context, cfg *Config, opts Options) (Manifest, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cmd := opts.Command
	if cmd == "" {
		cmd = "payband run"
	}
	m := Manifest{StartedAt: now().UTC(), Outcome: OutcomeFailed, Program: opts.Version, Config: cfg.File, Inputs: []Input{}, Stages: []StageTiming{}}
	if opts.DB == "" {
		return m, errors.New("pipeline: no warehouse path")
	}
	w, err := warehouse.Open(ctx, opts.DB, warehouse.Options{
		Command: cmd, Wait: opts.Wait, Threads: opts.Threads, MemoryLimit: opts.MemoryLimit, TempDir: opts.TempDir,
	})
	if err != nil {
		m.Error = err.Error()
		m.EndedAt = now().UTC()
		return m, err
	}
	defer w.Close()

	r := &runner{ctx: ctx, cfg: cfg, opts: opts, w: w, log: log, now: now, m: &m, hashes: map[string]ingest.KnownHash{}}
	if err := r.start(); err != nil {
		m.Error = err.Error()
		return m, fmt.Errorf("cannot record the run: %w", err)
	}
	runErr := r.run()
	m.EndedAt = now().UTC()
	switch {
	case runErr == nil:
		// run_log holds the very document written as manifest.json.
		m = *r.published
	default:
		var ge *GateError
		if errors.As(runErr, &ge) {
			m.Outcome, m.Gate = OutcomeGate, ge.Gate
		} else {
			m.Outcome = OutcomeFailed
		}
		m.Error = runErr.Error()
		m.ReportDir = ""
		r.cleanup()
	}
	// The outcome row is its own transaction, also after a failure; a
	// cancelled context must not keep it from being written.
	if err := recordEnd(context.WithoutCancel(ctx), w, &m); err != nil && runErr == nil {
		runErr = fmt.Errorf("cannot record the run in run_log: %w", err)
		m.Outcome = OutcomeFailed
	}
	attrs := []any{"run_id", m.RunID, "outcome", m.Outcome, "seconds", round3(m.EndedAt.Sub(m.StartedAt).Seconds())}
	if runErr != nil {
		log.Error("run finished", append(attrs, "error", runErr.Error())...)
		return m, runErr
	}
	if r.retention != nil {
		log.Warn("retention", "error", r.retention.Error())
	}
	log.Info("run finished", append(attrs, "report", m.ReportDir)...)
	return m, nil
}

type runner struct {
	ctx   context.Context
	cfg   *Config
	opts  Options
	w     *warehouse.Warehouse
	log   *slog.Logger
	now   func() time.Time
	m     *Manifest
	tax   *titles.Taxonomy
	match *titles.Matcher // the taxonomy plus any overrides
	files []plannedFile
	// hashes are the plan's sha256 of each source, so ingest does not read
	// a file twice only to hash it.
	hashes map[string]ingest.KnownHash
	tmp    string // the temp report folder, removed unless published
	final  string // the dated report folder once published

	retention  error     // retention problems do not fail the run
	stageStart time.Time // start of the current stage
	published  *Manifest // the manifest as written to manifest.json
	prev       *Manifest // the last ok run's, read by the bands stage
}

// start picks the run id and records the run as running.
func (r *runner) start() error {
	base := r.m.StartedAt.Format(runDirLayout)
	for i := 1; ; i++ {
		id := base
		if i > 1 {
			id = base + "-" + strconv.Itoa(i)
		}
		var n int
		if err := r.w.DB.QueryRowContext(r.ctx, sqlRunExist, id).Scan(&n); err != nil {
			return err
		}
		_, err := os.Lstat(filepath.Join(r.cfg.Output, id))
		if n == 0 && errors.Is(err, os.ErrNotExist) {
			r.m.RunID = id
			break
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			// Not "exists" (ENOTDIR when output is a file, EACCES): asking
			// again for the next name would never end.
			return fmt.Errorf("output %s: %w", r.cfg.Output, err)
		}
	}
	return r.w.StartRun(r.ctx, warehouse.Run{ID: r.m.RunID, StartedAt: r.m.StartedAt, Outcome: OutcomeRunning, Config: r.cfg.File})
}

// stage times fn, logs one event and records the timing.
func (r *runner) stage(name string, fn func() ([]any, error)) error {
	t0 := time.Now()
	r.stageStart = t0
	attrs, err := fn()
	secs := time.Since(t0).Seconds()
	r.m.Stages = append(r.m.Stages, StageTiming{Stage: name, Seconds: round3(secs)})
	attrs = append([]any{"stage", name, "run_id", r.m.RunID, "seconds", round3(secs)}, attrs...)
	if err != nil {
		r.log.Error("stage failed", append(attrs, "error", err.Error())...)
		return err
	}
	r.log.Info("stage", attrs...)
	return nil
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

func (r *runner) run() error {
	if err := r.stage(StagePlan, r.plan); err != nil {
		return err
	}
	if err := r.stage(StageIngest, r.ingest); err != nil {
		return err
	}
	if err := r.stage(StageNormalize, r.normalize); err != nil {
		return err
	}
	if err := r.stage(StageBands, r.bands); err != nil {
		return err
	}
	if err := r.stage(StageReport, r.report); err != nil {
		return err
	}
	if err := r.stage(StagePublish, r.publish); err != nil {
		return err
	}
	r.retention = r.retain()
	return nil
}

const sqlActiveSources = `SELECT path, sha256, profile, rows_read, rows_loaded, rows_rejected, rows_duplicate
FROM source_files WHERE retired_at IS NULL ORDER BY path`

type activeSource struct {
	path, sha, profile                string
	read, loaded, rejected, duplicate int64
}

// plan expands the sources and decides what to ingest, hashing the files
// whose path is already loaded to tell unchanged from changed.
func (r *runner) plan() ([]any, error) {
	tax, err := r.cfg.LoadTaxonomy()
	if err != nil {
		return nil, err
	}
	r.tax = tax
	if r.match, err = r.cfg.Matcher(tax); err != nil {
		return nil, err
	}
	if r.opts.matcher != nil {
		r.opts.matcher(r.match)
	}
	src := "embedded"
	if r.cfg.Taxonomy != "" {
		src = r.cfg.Taxonomy
	}
	r.m.Taxonomy = TaxonomyInfo{Source: src, Version: tax.Version, Fingerprint: r.match.Fingerprint(), Overrides: r.cfg.Overrides}

	files, err := r.cfg.expand()
	if err != nil {
		return nil, err
	}
	r.files = files
	active := map[string]activeSource{} // by path
	rows, err := r.w.DB.QueryContext(r.ctx, sqlActiveSources)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var a activeSource
		if err := rows.Scan(&a.path, &a.sha, &a.profile, &a.read, &a.loaded, &a.rejected, &a.duplicate); err != nil {
			rows.Close()
			return nil, err
		}
		active[a.path] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var nNew, nChanged, nSame int
	matched := map[string]bool{}
	for _, f := range files {
		matched[f.Path] = true
		a, ok := active[f.Path]
		if !ok {
			// A new path is ingested whatever its content; the load hashes
			// it beside reading it (and skips content already loaded under
			// another path), so it is not read twice.
			st, err := os.Stat(f.Path)
			if err != nil {
				return nil, fmt.Errorf("source %s: %w", rel(r.cfg.Dir, f.Path), err)
			}
			r.m.Inputs = append(r.m.Inputs, Input{Path: f.Path, Bytes: st.Size(), Action: "ingested"})
			nNew++
			continue
		}
		h, err := ingest.HashFile(r.ctx, f.Path)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", rel(r.cfg.Dir, f.Path), err)
		}
		sum := h.SHA256
		r.hashes[f.Path] = h
		in := Input{Path: f.Path, SHA256: sum, Bytes: h.Size}
		switch {
		case a.sha == sum:
			in.Action = "unchanged"
			in.Profile, in.Read, in.Loaded, in.Rejected, in.Duplicate = a.profile, a.read, a.loaded, a.rejected, a.duplicate
			nSame++
		default:
			in.Action = "replaced"
			nChanged++
		}
		r.m.Inputs = append(r.m.Inputs, in)
	}
	paths := make([]string, 0, len(active))
	for p := range active {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if matched[p] {
			continue
		}
		a := active[p]
		r.m.Removed = append(r.m.Removed, Removed{Path: p, SHA256: a.sha, Rows: a.loaded})
		r.log.Warn("source no longer matched", "run_id", r.m.RunID, "path", p, "rows", a.loaded, "prune", r.opts.Prune)
	}
	return []any{"files", len(files), "new", nNew, "changed", nChanged, "unchanged", nSame, "removed", len(r.m.Removed),
		"taxonomy_version", tax.Version}, nil
}

// ingest loads new and changed files (ingest.File skips content already
// loaded and retires the earlier version at the same path), then retires
// removed sources when pruning.
func (r *runner) ingest() ([]any, error) {
	matcher := r.match
	var files, read, loaded, rejected int64
	for i := range r.m.Inputs {
		in := &r.m.Inputs[i]
		if in.Action == "unchanged" {
			continue
		}
		opt, err := r.cfg.Sources[r.files[i].Source].ingestOptions()
		if err != nil {
			return nil, err
		}
		opt.Matcher = matcher
		if h, ok := r.hashes[in.Path]; ok {
			opt.Known = &h
		}
		res, err := ingest.File(r.ctx, r.w, in.Path, opt)
		if err != nil {
			return nil, fmt.Errorf("ingest %s: %w", rel(r.cfg.Dir, in.Path), err)
		}
		in.SHA256 = res.SHA256
		if res.AlreadyLoaded {
			// The same content is loaded under another path; nothing new.
			in.Action = "unchanged"
		}
		in.Profile, in.Read, in.Loaded, in.Rejected, in.Duplicate = res.Profile, res.Read, res.Loaded, res.Rejected, res.Duplicate
		r.log.Info("ingested", "run_id", r.m.RunID, "path", rel(r.cfg.Dir, in.Path), "read", res.Read, "loaded", res.Loaded,
			"rejected", res.Rejected, "duplicate", res.Duplicate, "replaced", res.Replaced, "already_loaded", res.AlreadyLoaded)
		files++
		read += res.Read
		loaded += res.Loaded
		rejected += res.Rejected
	}
	retired, moved := 0, 0
	if r.opts.Prune && len(r.m.Removed) > 0 {
		// A removed path whose content a current file holds was renamed or
		// moved: its source follows the file, rows and all. Any other is
		// retired, and the rows other sources held as duplicates of its
		// rows become theirs (warehouse.SourceEdit.RetirePath): pruning never drops a
		// row a current file holds.
		current := map[string]string{} // sha256 -> a current input path holding it
		for _, in := range r.m.Inputs {
			if in.SHA256 != "" {
				if _, ok := current[in.SHA256]; !ok {
					current[in.SHA256] = in.Path
				}
			}
		}
		taken := map[string]bool{} // paths an active source is loaded from
		err := r.w.EditSources(r.ctx, func(e *warehouse.SourceEdit) error {
			for i := range r.m.Removed {
				rm := &r.m.Removed[i]
				if to, ok := current[rm.SHA256]; ok && rm.SHA256 != "" && !taken[to] {
					var err error
					if taken[to], err = r.activePath(to); err != nil {
						return err
					}
				}
				if to, ok := current[rm.SHA256]; ok && rm.SHA256 != "" && !taken[to] {
					ok, err := e.Move(rm.Path, to, rm.SHA256)
					if err != nil {
						return fmt.Errorf("move %s to %s: %w", rm.Path, to, err)
					}
					if ok {
						taken[to] = true
						rm.MovedTo = to
						moved++
						r.log.Info("source moved", "run_id", r.m.RunID, "from", rm.Path, "to", to)
						continue
					}
				}
				if _, err := e.RetirePath(rm.Path); err != nil {
					return fmt.Errorf("retire %s: %w", rm.Path, err)
				}
				rm.Retired = true
				retired++
			}
			return nil
		})
		if err != nil {
			for i := range r.m.Removed {
				r.m.Removed[i].Retired, r.m.Removed[i].MovedTo = false, ""
			}
			return nil, err
		}
	}
	return []any{"files", files, "read", read, "loaded", loaded, "rejected", rejected, "retired", retired, "moved", moved}, nil
}

// activePath reports whether an active source is loaded from path.
func (r *runner) activePath(path string) (bool, error) {
	var n int
	err := r.w.DB.QueryRowContext(r.ctx, `SELECT count(*) FROM source_files WHERE retired_at IS NULL AND path = ?`, path).Scan(&n)
	return n > 0, err
}

// normalize re-maps the titles that were never mapped or were mapped with
// another taxonomy or other overrides; a load maps its new titles with the
// run's matcher, so after one there is nothing to do.
func (r *runner) normalize() ([]any, error) {
	fp := r.m.Taxonomy.Fingerprint
	n, matched, err := ingest.RemapStale(r.ctx, r.w, r.match)
	if err != nil {
		return nil, fmt.Errorf("re-normalizing titles: %w", err)
	}
	r.m.Taxonomy.Mapped = matched
	if matched == 0 {
		return []any{"remapped", false}, nil
	}
	r.m.Taxonomy.Remapped, r.m.Taxonomy.Changed = true, n
	return []any{"remapped", true, "titles_mapped", matched, "titles_changed", n, "fingerprint", short(fp)}, nil
}

func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// bands measures row counts and medians and applies the quality gates.
func (r *runner) bands() ([]any, error) {
	rc, err := r.cfg.ReportConfig()
	if err != nil {
		return nil, err
	}
	minN := rc.MinN
	if minN == 0 {
		minN = bands.DefaultMinN
	}
	if err := measure(r.ctx, r.w.DB, r.m, rc.Families, minN); err != nil {
		return nil, fmt.Errorf("measuring bands: %w", err)
	}
	prev, err := LastOK(r.ctx, r.w.DB)
	if err != nil {
		return nil, err
	}
	r.prev = prev
	attrs := []any{"salaries", r.m.Rows.Salaries, "rejects", r.m.Rows.Rejects, "families", len(r.m.Medians)}
	if prev != nil {
		attrs = append(attrs, "previous_run", prev.RunID)
	}
	return attrs, checkGates(r.cfg.Gates, r.m, prev, r.cfg.Dir)
}

// report writes the report into OUT/.tmp-RUNID.
func (r *runner) report() ([]any, error) {
	rc, err := r.cfg.ReportConfig()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(r.cfg.Output, 0o755); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	removeStale(r.cfg.Output)
	rc.BaseDir = r.cfg.Dir // source paths as the config names them
	if r.prev != nil {
		rc.Previous, rc.PreviousRun = r.prev.ReportMedians, r.prev.RunID
	}
	r.tmp = filepath.Join(r.cfg.Output, ".tmp-"+r.m.RunID)
	write := r.opts.Report
	if write == nil {
		write = report.WriteReport
	}
	sum, err := write(r.ctx, r.w.DB, r.tmp, rc, r.tax, r.m.StartedAt)
	if err != nil {
		return nil, err
	}
	r.m.ReportMedians = sum.Medians
	return []any{"families", sum.Families, "bands", sum.Bands, "charts", len(sum.Charts)}, nil
}

// publish writes manifest.json, renames the temp folder to its dated name
// and switches the latest link atomically (a new link renamed over it).
func (r *runner) publish() ([]any, error) {
	final := filepath.Join(r.cfg.Output, r.m.RunID)
	// The manifest carries the timings up to the moment it is written;
	// run_log records the same document once the folder is published.
	pm := *r.m
	pm.ReportDir = final
	pm.Outcome = OutcomeOK
	pm.EndedAt = r.now().UTC()
	pm.Stages = append(append([]StageTiming(nil), r.m.Stages...),
		StageTiming{Stage: StagePublish, Seconds: round3(time.Since(r.stageStart).Seconds())})
	if err := os.WriteFile(filepath.Join(r.tmp, "manifest.json"), pm.JSON(), 0o644); err != nil {
		return nil, err
	}
	if err := os.Rename(r.tmp, final); err != nil {
		return nil, fmt.Errorf("publishing %s: %w", final, err)
	}
	r.tmp = ""
	r.final = final
	if err := switchLatest(r.cfg.Output, r.m.RunID); err != nil {
		return nil, err
	}
	r.final = ""
	r.published = &pm
	return []any{"report", final}, nil
}

// switchLatest points OUT/latest at name with a relative link, atomically.
func switchLatest(out, name string) error {
	link := filepath.Join(out, LatestLink)
	if err := fsatomic.Symlink(name, link); err != nil {
		if errors.Is(err, fsatomic.ErrNotSymlink) {
			return err
		}
		return fmt.Errorf("switching %s: %w", link, err)
	}
	return nil
}

// cleanup removes what a failed run wrote: the temp folder, or a dated
// folder that was renamed but never linked.
func (r *runner) cleanup() {
	if r.tmp != "" {
		os.RemoveAll(r.tmp)
		// WriteReport builds beside its target; remove leftovers of ours.
		if m, err := filepath.Glob(filepath.Join(r.cfg.Output, "..tmp-"+r.m.RunID+".tmp-*")); err == nil {
			for _, d := range m {
				os.RemoveAll(d)
			}
		}
	}
	if r.final != "" {
		os.RemoveAll(r.final)
	}
}

// removeStale deletes the temp folders and links of runs that were killed
// before they could clean up. It runs under the warehouse's write lock, so
// no other run of this pipeline is writing them.
func removeStale(out string) {
	for _, pat := range []string{".tmp-*", "..tmp-*", ".latest-*"} {
		m, err := filepath.Glob(filepath.Join(out, pat))
		if err != nil {
			continue
		}
		for _, p := range m {
			os.RemoveAll(p)
		}
	}
}

// ReportDirs lists the dated report folders in out, oldest first.
func ReportDirs(out string) ([]string, error) {
	ents, err := os.ReadDir(out)
	if err != nil {
		return nil, err
	}
	type dir struct {
		name, stamp string
		seq         int
	}
	var ds []dir
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		sm := runDirRE.FindStringSubmatch(e.Name())
		if sm == nil {
			continue
		}
		seq := 1
		if sm[2] != "" {
			seq, _ = strconv.Atoi(sm[2])
		}
		ds = append(ds, dir{e.Name(), sm[1], seq})
	}
	sort.Slice(ds, func(i, j int) bool {
		if ds[i].stamp != ds[j].stamp {
			return ds[i].stamp < ds[j].stamp
		}
		return ds[i].seq < ds[j].seq
	})
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = d.name
	}
	return names, nil
}

// retain removes the oldest dated folders beyond Retention.Keep, never the
// one latest points at.
func (r *runner) retain() error {
	keep := r.cfg.Retention.Keep
	if keep <= 0 {
		return nil
	}
	names, err := ReportDirs(r.cfg.Output)
	if err != nil {
		return err
	}
	target, _ := os.Readlink(filepath.Join(r.cfg.Output, LatestLink))
	target = filepath.Base(strings.TrimSuffix(target, "/"))
	excess := len(names) - keep
	var errs []error
	removed := 0
	for _, n := range names {
		if excess <= 0 {
			break
		}
		if n == target {
			continue
		}
		if err := os.RemoveAll(filepath.Join(r.cfg.Output, n)); err != nil {
			errs = append(errs, err)
			continue
		}
		removed++
		excess--
	}
	if removed > 0 {
		r.log.Info("retention", "run_id", r.m.RunID, "removed", removed, "keep", keep)
	}
	return errors.Join(errs...)
}
