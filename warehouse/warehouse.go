package warehouse

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// DefaultPath is where the warehouse lives when neither --db nor $PAYBAND_DB
// says otherwise.
const DefaultPath = "data/payband.duckdb"

// EnvPath names the environment variable that overrides DefaultPath.
const EnvPath = "PAYBAND_DB"

// ErrTooNew reports a warehouse written by a newer payband.
var ErrTooNew = errors.New("warehouse schema is newer than this payband")

// ErrNotFound reports that a read-only open found no warehouse file.
var ErrNotFound = errors.New("no warehouse")

//go:embed sql/*.sql
var sqlFS embed.FS

// ErrNotWarehouse reports a path that exists but is not a DuckDB file.
var ErrNotWarehouse = errors.New("not a warehouse")

// NotWarehouseError names the path and what it is instead.
type NotWarehouseError struct {
	Path string
	Why  error
}

func (e *NotWarehouseError) Error() string {
	return fmt.Sprintf("warehouse %s %v: --db must name a DuckDB warehouse file or a path that does not exist yet", e.Path, e.Why)
}

func (e *NotWarehouseError) Is(target error) bool { return target == ErrNotWarehouse }

// duckdbMagic is what a DuckDB database file holds at duckdbMagicAt, after
// the header block's checksum.
const (
	duckdbMagic   = "DUCK"
	duckdbMagicAt = 8
)

// checkDuckDBFile refuses an existing path that is not a DuckDB database
// file: a CSV, Parquet or JSON file given as --db would otherwise be opened
// by DuckDB as something else, or overwritten. A path that does not exist
// yet is fine: it becomes a new warehouse. (DuckDB refuses an empty file
// too.)
func checkDuckDBFile(abs string) error {
	st, err := os.Stat(abs)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.IsDir() {
		return errors.New("is a directory")
	}
	if !st.Mode().IsRegular() {
		return errors.New("is not a regular file")
	}
	f, err := os.Open(abs)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, duckdbMagicAt+len(duckdbMagic))
	if _, err := io.ReadFull(f, buf); err != nil || string(buf[duckdbMagicAt:]) != duckdbMagic {
		return errors.New("exists and is not a DuckDB file")
	}
	return nil
}

// Options controls how a warehouse is opened.
type Options struct {
	ReadOnly    bool          // open read-only: shared lock, DuckDB access_mode=read_only
	Command     string        // recorded in the lock file, shown to a blocked process
	Wait        time.Duration // how long to wait for the lock; 0 fails at once with ErrBusy
	Threads     int           // DuckDB threads; 0 leaves DuckDB's default
	MemoryLimit string        // DuckDB memory_limit, e.g. "1GB"; "" leaves the default
	TempDir     string        // DuckDB temp_directory for spilling; "" leaves the default

	// Sandbox opens the file for ad-hoc SQL (Query): read-only, with
	// enable_external_access=false and lock_configuration=true in the
	// configuration DuckDB starts with, so no statement reads or writes
	// another file, installs or loads an extension, or changes a setting.
	Sandbox bool
	// AllowFiles, with Sandbox, lets the SQL read files (read_csv, glob,
	// ...); writing stays refused by the statement allow-list.
	AllowFiles bool
}

// Warehouse is an open payband warehouse.
type Warehouse struct {
	DB       *sql.DB
	Path     string
	ReadOnly bool
	lock     *fileLock
	sandbox  bool
}

// ResolvePath applies the documented precedence: flag, then $PAYBAND_DB,
// then DefaultPath.
func ResolvePath(flag string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv(EnvPath); env != "" {
		return env
	}
	return DefaultPath
}

// Open opens or creates the warehouse at path. A writable open takes the
// exclusive lock, migrates the schema and (re)creates the public views; a
// read-only open takes a shared lock and requires an up-to-date file.
func Open(ctx context.Context, path string, opt Options) (*Warehouse, error) {
	if opt.Sandbox {
		opt.ReadOnly = true
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("warehouse path %s: %w", path, err)
	}
	dir := filepath.Dir(abs)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		if opt.ReadOnly || path != DefaultPath {
			return nil, fmt.Errorf("cannot open warehouse %s: directory %s does not exist", path, dir)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("cannot create warehouse directory %s: %w", dir, err)
		}
	}
	if err := checkDuckDBFile(abs); err != nil {
		return nil, &NotWarehouseError{Path: path, Why: err}
	}
	if opt.ReadOnly {
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("%w at %s: load data first with 'payband ingest'", ErrNotFound, path)
		}
	} else if err := checkWritable(dir, abs); err != nil {
		return nil, fmt.Errorf("cannot write warehouse %s: %w", path, err)
	}
	deadline := time.Now().Add(opt.Wait)
	for {
		lk, err := acquire(ctx, abs, !opt.ReadOnly, opt.Command, time.Until(deadline))
		if err != nil {
			var be *BusyError
			if errors.As(err, &be) {
				be.Path = path
			}
			return nil, err
		}
		w, err := open(ctx, abs, opt)
		if err == nil {
			w.Path = path
			w.lock = lk
			return w, nil
		}
		_ = lk.release()
		if !isConflictingLock(err) {
			return nil, fmt.Errorf("cannot open warehouse %s: %w", path, err)
		}
		// DuckDB's own lock on the file is held by a process our lock file
		// did not stop: the lock file was deleted under it. That is busy
		// too (exit 3), and --wait waits for it.
		if opt.Wait <= 0 || time.Now().After(deadline) {
			return nil, &BusyError{Path: path}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// isConflictingLock recognizes DuckDB's refusal to open a file another
// process has open for writing.
func isConflictingLock(err error) bool {
	return err != nil && strings.Contains(err.Error(), "Conflicting lock is held")
}

func checkWritable(dir, file string) error {
	if st, err := os.Stat(file); err == nil {
		f, err := os.OpenFile(file, os.O_RDWR, st.Mode())
		if err != nil {
			return err
		}
		return f.Close()
	}
	f, err := os.CreateTemp(dir, ".payband-probe-*")
	if err != nil {
		return fmt.Errorf("directory %s is not writable", dir)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func open(ctx context.Context, abs string, opt Options) (*Warehouse, error) {
	q := url.Values{}
	if opt.ReadOnly {
		q.Set("access_mode", "read_only")
	}
	if opt.Threads > 0 {
		q.Set("threads", strconv.Itoa(opt.Threads))
	}
	if opt.MemoryLimit != "" {
		q.Set("memory_limit", opt.MemoryLimit)
	}
	if opt.TempDir != "" {
		q.Set("temp_directory", opt.TempDir)
	}
	if opt.Sandbox {
		q.Set("access_mode", "read_only")
		q.Set("enable_external_access", strconv.FormatBool(opt.AllowFiles))
		q.Set("autoinstall_known_extensions", "false")
		q.Set("allow_community_extensions", "false")
		q.Set("lock_configuration", "true")
	}
	dsn := abs
	if len(q) > 0 {
		dsn += "?" + q.Encode()
	}
	connector, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(connector)
	w := &Warehouse{DB: db, ReadOnly: opt.ReadOnly, sandbox: opt.Sandbox}
	if opt.ReadOnly {
		v, err := w.SchemaVersion(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		if v > SchemaVersion {
			db.Close()
			return nil, fmt.Errorf("%w: file has version %d, this payband knows %d; upgrade payband", ErrTooNew, v, SchemaVersion)
		}
		if v < SchemaVersion {
			db.Close()
			return nil, fmt.Errorf("schema version %d is older than %d: run 'payband check --migrate' once to migrate it", v, SchemaVersion)
		}
		return w, nil
	}
	if err := w.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return w, nil
}

// Close closes the database, then releases the lock. Both errors count.
func (w *Warehouse) Close() error {
	err := w.DB.Close()
	if lerr := w.lock.release(); err == nil {
		err = lerr
	}
	return err
}

// SchemaVersion is the version this payband writes.
const SchemaVersion = 6

type migration struct {
	version int
	name    string
}

func migrations() ([]migration, error) {
	entries, err := sqlFS.ReadDir("sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		n := e.Name()
		i := strings.IndexByte(n, '_')
		if i <= 0 {
			continue
		}
		v, err := strconv.Atoi(n[:i])
		if err != nil {
			continue
		}
		ms = append(ms, migration{version: v, name: n})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// SchemaVersion reads the file's schema version (0 for a new file).
func (w *Warehouse) SchemaVersion(ctx context.Context) (int, error) {
	var n int
	err := w.DB.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'`).Scan(&n)
	if err != nil || n == 0 {
		return 0, err
	}
	var v sql.NullInt64
	if err := w.DB.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v); err != nil {
		return 0, err
	}
	return int(v.Int64), nil
}

func (w *Warehouse) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	cur, err := w.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if cur > SchemaVersion {
		return fmt.Errorf("%w: file has version %d, this payband knows %d; upgrade payband", ErrTooNew, cur, SchemaVersion)
	}
	if _, err := w.DB.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return err
	}
	// Each migration commits on its own with its version row: DuckDB refuses
	// to commit one transaction that altered a table another statement of
	// it already changed, and a migration is whole either way.
	for _, m := range ms {
		if m.version <= cur {
			continue
		}
		if err := w.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	tx, err := w.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	views, err := sqlFS.ReadFile("sql/views.sql")
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(views)); err != nil {
		return fmt.Errorf("creating views: %w", err)
	}
	return tx.Commit()
}

// perStatementMarker in a migration file makes each of its statements commit
// on its own (the file's statements must then be idempotent); the last one
// commits with the version row.
const perStatementMarker = "-- payband:statement-per-transaction"

// splitStatements cuts a migration into its statements at each semicolon
// that ends a line; comment lines are dropped.
func splitStatements(body string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, cur.String())
	}
	return out
}

func (w *Warehouse) applyMigration(ctx context.Context, m migration) error {
	body, err := sqlFS.ReadFile("sql/" + m.name)
	if err != nil {
		return err
	}
	stmts := []string{string(body)}
	if strings.Contains(stmts[0], perStatementMarker) {
		stmts = splitStatements(stmts[0])
		for _, st := range stmts[:len(stmts)-1] {
			if _, err := w.DB.ExecContext(ctx, st); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
		}
		stmts = stmts[len(stmts)-1:]
	}
	tx, err := w.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	if _, err := tx.ExecContext(ctx, stmts[0]); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version VALUES (?, now())`, m.version); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	return nil
}

// PublicViews lists the stable views of SPEC §10, in documentation order.
var PublicViews = []string{"salaries", "rejects", "sources", "title_map", "published_bands", "runs"}
