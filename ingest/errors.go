package ingest

import (
	"context"
	"errors"
	"fmt"
)

// Sentinels for what can go wrong with a file or a row; check with errors.Is.
var (
	// ErrUnreadable: the file cannot be read as the format it claims (not a
	// CSV, a truncated gzip, an XLSX that is not a zip). Nothing is loaded.
	ErrUnreadable = errors.New("file cannot be read")
	// ErrAlreadyLoaded: a file with the same sha256 is already in the
	// warehouse. Loading it again does nothing.
	ErrAlreadyLoaded = errors.New("already loaded")
	// ErrChanged: the file changed (was rewritten, truncated or grew)
	// while it was being loaded. Nothing of it is loaded.
	ErrChanged = errors.New("file changed while it was being loaded")
	// ErrNoProfile: no source profile fits the file's header.
	ErrNoProfile = errors.New("no profile fits")
	// Row-level reasons, recorded in rejects.
	ErrMissingTitle = errors.New("missing title")
	ErrBadYear      = errors.New("year missing, unparseable or out of range")
	ErrFieldCount   = errors.New("wrong field count")
	// ErrMalformedRecord: a delimited line whose quotes do not let it be
	// read as one record (see the rule in csv.go), or a line too long.
	ErrMalformedRecord = errors.New("malformed record")
	ErrTitleTooLong    = errors.New("title too long")
	ErrNoPay           = errors.New("no pay figure")
	ErrUnknownCurrency = errors.New("unknown currency")
)

// RowError locates a problem in an input file. Like encoding/csv's
// ParseError it names the place; Err says what is wrong there.
type RowError struct {
	Source string // file name as given
	Row    int64  // row as a person finds it (line number, sheet row); 0 for the whole file
	Column string // column name; "" when the problem is not in one column
	Err    error
}

func (e *RowError) Error() string {
	switch {
	case e.Row == 0 && e.Column == "":
		return fmt.Sprintf("%s: %v", e.Source, e.Err)
	case e.Column == "":
		return fmt.Sprintf("%s: row %d: %v", e.Source, e.Row, e.Err)
	case e.Row == 0:
		return fmt.Sprintf("%s: column %s: %v", e.Source, e.Column, e.Err)
	}
	return fmt.Sprintf("%s: row %d, column %s: %v", e.Source, e.Row, e.Column, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// unreadable marks a read failure as ErrUnreadable, keeping cancellation
// (an interrupted read) as it is so callers can tell it apart.
func unreadable(err error) error {
	if errors.Is(err, ErrUnreadable) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrUnreadable, err)
}
